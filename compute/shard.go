package compute

import (
	"fmt"
	"io"
	"slices"

	"github.com/meadow-net/meadow/dataset"
)

// ShardInput is a compute task's input, read part by part from the input
// dataset's blobs: the kernel's columns of each row of the shard (as rows
// of Schema, which has those columns alone, then the stage's) and the rows'
// hashes, computed over the whole rows as the input dataset's root was;
// they are the source hashes of the output rows.
type ShardInput struct {
	Schema dataset.Schema
	Rows   []dataset.Row
	Hashes [][]byte

	cols  []dataset.Column
	extra []string
	all   bool
	first *dataset.Schema // the first part's whole schema
	idx   []int           // the kept columns' indexes in it
}

// NewShardInput starts the input of a task with kernel columns cols (one
// text column, or a dedup task's three columns of a minhash dataset) and
// the stage's extra columns (those compute.where and compute.carry name,
// of any type; every content column when all, for a carry of "*"), with
// room for rows rows.
func NewShardInput(cols []dataset.Column, extra []string, all bool, rows int) *ShardInput {
	return &ShardInput{
		cols: cols, extra: extra, all: all,
		Rows:   make([]dataset.Row, 0, rows),
		Hashes: make([][]byte, 0, rows),
	}
}

// AddPart reads rows [offset, offset+rows) of one blob, an Arrow stream.
// Every part must have the first part's schema.
func (in *ShardInput) AddPart(blob io.Reader, offset, rows int64) error {
	r, err := dataset.NewStreamReader(blob)
	if err != nil {
		return err
	}
	defer r.Close()
	s := r.Schema()
	if in.first == nil {
		if err := in.project(s); err != nil {
			return err
		}
	} else if !sameSchema(*in.first, s) {
		return fmt.Errorf("its schema differs from the shard's first blob's")
	}
	hasher, err := dataset.NewHasher(s)
	if err != nil {
		return err
	}
	before := int64(len(in.Rows))
	end := offset + rows
	for r.Next() {
		i := r.RowNumber()
		if i < offset {
			continue
		}
		if i >= end {
			break
		}
		row := r.Row()
		h, err := hasher.Hash(row)
		if err != nil {
			return fmt.Errorf("row %d: %w", i, err)
		}
		in.Hashes = append(in.Hashes, h[:])
		p := make(dataset.Row, len(in.idx))
		for j, ci := range in.idx {
			p[j] = row[ci]
		}
		in.Rows = append(in.Rows, p)
	}
	if err := r.Err(); err != nil {
		return err
	}
	if got := int64(len(in.Rows)) - before; got != rows {
		return fmt.Errorf("holds %d of the part's %d rows (from row %d)", got, rows, offset)
	}
	return nil
}

// project finds the kernel's columns in the first part's schema s and
// checks their types, then the stage's extra columns (any type;
// dataset.NewStage checks them); with all, every content column in the
// input's order, which is the order compute.carry's "*" carries them in. A
// one-column kernel's column is the spec's compute.column, a string or a
// list of strings (read as its lines); a kernel of several columns (dedup)
// names a kind of input dataset, so the error names compute.input.
func (in *ShardInput) project(s dataset.Schema) error {
	field := "compute.input: column"
	text := len(in.cols) == 1 && in.cols[0].Type == dataset.TypeString
	if len(in.cols) == 1 {
		field = "compute.column"
	}
	idx := make([]int, 0, len(in.cols)+len(in.extra))
	for _, c := range in.cols {
		ci := s.Index(c.Name)
		switch {
		case ci < 0:
			return fmt.Errorf("%w: %s %q: not in the input dataset's schema", ErrBadInput, field, c.Name)
		case s.Columns[ci].Type == c.Type, text && s.Columns[ci].Type == dataset.TypeStringList:
		default:
			return fmt.Errorf("%w: %s %q: type %s, expected %s", ErrBadInput, field, c.Name, s.Columns[ci].Type, c.Type)
		}
		idx = append(idx, ci)
	}
	for _, name := range in.extra {
		ci := s.Index(name)
		if ci < 0 {
			return fmt.Errorf("%w: compute.where or compute.carry: column %q: not in the input dataset's schema", ErrBadInput, name)
		}
		if !slices.Contains(idx, ci) {
			idx = append(idx, ci)
		}
	}
	if in.all {
		idx = idx[:0]
		for ci, c := range s.Columns {
			if c.Role == dataset.RoleContent {
				idx = append(idx, ci)
			}
		}
	}
	in.first, in.idx = &s, idx
	in.Schema = dataset.Schema{Kind: s.Kind}
	for _, ci := range idx {
		in.Schema.Columns = append(in.Schema.Columns, s.Columns[ci])
	}
	return nil
}

func sameSchema(a, b dataset.Schema) bool {
	return a.Kind == b.Kind && slices.Equal(a.Columns, b.Columns)
}
