package coord

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/meadow-net/meadow/dataset"
)

// Proof returns the inclusion proof of row (counted from 0 in the order a
// download lists the rows: the dataset's blobs in order) against the
// dataset's root. It reads every blob's row hashes, so it costs a pass over
// the dataset (32 bytes a row of memory); the buyer checks it with
// `meadow verify --proof` against a root it trusts (the manifest's, or the
// chain's registry).
func (c *Coordinator) Proof(ctx context.Context, id string, row int64) (dataset.InclusionProof, error) {
	d, err := c.completeDataset(id)
	if err != nil {
		return dataset.InclusionProof{}, err
	}
	if row < 0 || row >= d.Rows {
		return dataset.InclusionProof{}, invalidf("row %d: expected 0 to %d, the dataset's rows", row, d.Rows-1)
	}
	all := make([]dataset.Hash, 0, d.Rows)
	for _, t := range d.Tasks {
		r, done, err := c.openBlob(ctx, *t.Blob)
		if err != nil {
			return dataset.InclusionProof{}, err
		}
		for {
			hs, ok := r.NextHashes()
			if !ok {
				break
			}
			all = append(all, hs...)
		}
		err = r.Err()
		done()
		if err != nil {
			return dataset.InclusionProof{}, fmt.Errorf("coord: dataset %s, task %s: %w", id, t.TaskID, err)
		}
	}
	if int64(len(all)) != d.Rows {
		return dataset.InclusionProof{}, fmt.Errorf("coord: dataset %s: its blobs hold %d rows, the state says %d", id, len(all), d.Rows)
	}
	h := all[row]
	slices.SortFunc(all, func(a, b dataset.Hash) int { return slices.Compare(a[:], b[:]) })
	p, err := dataset.ProveInclusion(all, h)
	if err != nil {
		return p, err
	}
	if p.Root != dataset.Hash(d.Root) {
		return p, fmt.Errorf("coord: dataset %s: its blobs give root %s, the state says %s", id, p.Root, d.Root)
	}
	p.Row = &row
	return p, nil
}

func parseRow(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, inRequest("row", invalidf("row %q: expected a row number from 0", s))
	}
	return n, nil
}
