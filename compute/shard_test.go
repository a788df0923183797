package compute

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/dataset"
)

// shardBlob writes n crawl rows from number first as an Arrow stream, and
// returns the rows and their hashes.
func shardBlob(t *testing.T, s dataset.Schema, first, n int) ([]byte, []dataset.Row, [][]byte) {
	t.Helper()
	var buf bytes.Buffer
	w, err := dataset.NewWriter(&buf, dataset.FormatArrowStream, s)
	if err != nil {
		t.Fatal(err)
	}
	h, err := dataset.NewHasher(s)
	if err != nil {
		t.Fatal(err)
	}
	var rows []dataset.Row
	var hashes [][]byte
	for i := first; i < first+n; i++ {
		u := fmt.Sprintf("https://example.org/%d", i)
		r := dataset.CrawlRow(s, dataset.Page{URL: u, FinalURL: u, Status: 200, ContentType: "text/html",
			Text: fmt.Sprintf("page %d: %d flowers", i, i*7)}, dataset.Provenance{Node: "0xabc", FetchedAt: 1})
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
		sum, err := h.Hash(r)
		if err != nil {
			t.Fatal(err)
		}
		rows, hashes = append(rows, r), append(hashes, sum[:])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), rows, hashes
}

// A shard of two parts: each part's run of rows in order, projected onto
// the kernel's and the stage's columns (every content column with all),
// hashed whole; and the refusals, each naming what is wrong.
func TestShardInput(t *testing.T) {
	crawl, err := dataset.CrawlSchema(nil)
	if err != nil {
		t.Fatal(err)
	}
	withTitle, err := dataset.CrawlSchema([]string{"title"})
	if err != nil {
		t.Fatal(err)
	}
	b1, rows1, h1 := shardBlob(t, crawl, 0, 5)
	b2, rows2, h2 := shardBlob(t, crawl, 5, 5)
	b3, _, _ := shardBlob(t, withTitle, 10, 2)
	text := []dataset.Column{{Name: "text", Type: dataset.TypeString}}

	in := NewShardInput(text, []string{"url", "text"}, false, 5)
	if err := in.AddPart(bytes.NewReader(b1), 1, 2); err != nil {
		t.Fatal(err)
	}
	if err := in.AddPart(bytes.NewReader(b2), 0, 3); err != nil {
		t.Fatal(err)
	}
	ti, ui := crawl.Index("text"), crawl.Index("url")
	want := []dataset.Row{{rows1[1][ti], rows1[1][ui]}, {rows1[2][ti], rows1[2][ui]}, {rows2[0][ti], rows2[0][ui]}, {rows2[1][ti], rows2[1][ui]}, {rows2[2][ti], rows2[2][ui]}}
	if !reflect.DeepEqual(in.Rows, want) {
		t.Fatalf("rows %v, want %v", in.Rows, want)
	}
	if wantH := [][]byte{h1[1], h1[2], h2[0], h2[1], h2[2]}; !reflect.DeepEqual(in.Hashes, wantH) {
		t.Fatalf("hashes differ from the whole rows' hashes")
	}
	if got := []string{in.Schema.Columns[0].Name, in.Schema.Columns[1].Name}; len(in.Schema.Columns) != 2 || got[0] != "text" || got[1] != "url" {
		t.Fatalf("schema %v, want text then url", in.Schema.Columns)
	}

	all := NewShardInput(text, nil, true, 1)
	if err := all.AddPart(bytes.NewReader(b1), 0, 1); err != nil {
		t.Fatal(err)
	}
	if len(all.Schema.Columns) != crawl.NumContent() || len(all.Rows[0]) != crawl.NumContent() {
		t.Fatalf("all: %d columns, want the %d content columns", len(all.Schema.Columns), crawl.NumContent())
	}

	tests := []struct {
		name    string
		cols    []dataset.Column
		extra   []string
		parts   [][]byte
		rows    int64
		badSpec bool
		expect  string
	}{
		{"no such column", []dataset.Column{{Name: "body", Type: dataset.TypeString}}, nil, [][]byte{b1}, 5, true, `compute.column "body": not in the input`},
		{"not a string column", []dataset.Column{{Name: "status", Type: dataset.TypeString}}, nil, [][]byte{b1}, 5, true, `compute.column "status": type int64`},
		{"dedup input", []dataset.Column{{Name: "bands", Type: dataset.TypeUint64List}, {Name: "text", Type: dataset.TypeString}}, nil, [][]byte{b1}, 5, true, `compute.input: column "bands"`},
		{"where names a missing column", text, []string{"lang"}, [][]byte{b1}, 5, true, `compute.where or compute.carry: column "lang"`},
		{"rows past the blob", text, nil, [][]byte{b1}, 7, false, "holds 5 of the part's 7 rows (from row 0)"},
		{"parts of two schemas", text, nil, [][]byte{b1, b3}, 2, false, "schema differs from the shard's first blob's"},
		{"not an Arrow stream", text, nil, [][]byte{[]byte("PAR1 not arrow")}, 1, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := NewShardInput(tc.cols, tc.extra, false, 0)
			var err error
			for _, p := range tc.parts {
				if err = in.AddPart(bytes.NewReader(p), 0, tc.rows); err != nil {
					break
				}
			}
			if err == nil || !strings.Contains(err.Error(), tc.expect) {
				t.Fatalf("err %v: want one saying %q", err, tc.expect)
			}
			if errors.Is(err, ErrBadInput) != tc.badSpec {
				t.Fatalf("err %v: errors.Is(ErrBadInput) %v, want %v", err, !tc.badSpec, tc.badSpec)
			}
		})
	}
}
