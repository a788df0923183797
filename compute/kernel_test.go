package compute

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		spec    api.ComputeSpec
		wantErr error
		field   string
		outputs []string
	}{
		{name: "minhash defaults", spec: api.ComputeSpec{Kernel: "minhash"}, outputs: []string{ColMinHash, ColMinHashBands, ColTextHash}},
		{name: "embed defaults", spec: api.ComputeSpec{Kernel: "embed"}, outputs: []string{ColEmbedding}},
		{name: "tokens defaults", spec: api.ComputeSpec{Kernel: "tokens"}, outputs: []string{ColTokens}},
		{name: "tokens o200k", spec: api.ComputeSpec{Kernel: "tokens", Tokens: &api.TokenParams{Encoding: "o200k_base"}}, outputs: []string{ColTokens}},
		{name: "dedup with a text column", spec: api.ComputeSpec{Kernel: "dedup", Column: "text"}, wantErr: ErrBadParams, field: "compute.column"},
		{name: "dedup with embed params", spec: api.ComputeSpec{Kernel: "dedup", Embed: &api.EmbedParams{}}, wantErr: ErrBadParams, field: "compute.embed"},
		{name: "unknown kernel", spec: api.ComputeSpec{Kernel: "sha3"}, wantErr: ErrUnknownKernel, field: "compute.kernel"},
		{name: "empty kernel", spec: api.ComputeSpec{}, wantErr: ErrUnknownKernel, field: "compute.kernel"},
		{name: "minhash out of range", spec: api.ComputeSpec{Kernel: "minhash", MinHash: &api.MinHashParams{Permutations: 5000}}, wantErr: ErrBadParams, field: "compute.minhash.permutations"},
		{name: "params of another kernel", spec: api.ComputeSpec{Kernel: "minhash", Embed: &api.EmbedParams{}}, wantErr: ErrBadParams, field: "compute.embed"},
		{name: "unknown model", spec: api.ComputeSpec{Kernel: "embed", Embed: &api.EmbedParams{Model: "nope"}}, wantErr: ErrUnknownModel, field: "compute.embed.model"},
		{name: "unknown encoding", spec: api.ComputeSpec{Kernel: "tokens", Tokens: &api.TokenParams{Encoding: "gpt2"}}, wantErr: ErrBadParams, field: "compute.tokens.encoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := New(tt.spec)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.field) {
					t.Fatalf("error %v: want %v naming %s", err, tt.wantErr, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k.Name() != tt.spec.Kernel || k.InputColumn() != "text" {
				t.Fatalf("kernel %s reading %s", k.Name(), k.InputColumn())
			}
			var names []string
			for _, c := range k.OutputColumns() {
				names = append(names, c.Name)
			}
			if strings.Join(names, ",") != strings.Join(tt.outputs, ",") {
				t.Fatalf("outputs %v, want %v", names, tt.outputs)
			}
			if _, err := dataset.ComputeSchema(k.OutputColumns()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func crawlRows(t testing.TB, texts []string) (dataset.Schema, []dataset.Row, [][]byte) {
	t.Helper()
	s, err := dataset.CrawlSchema([]string{"title"})
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]dataset.Row, len(texts))
	hashes := make([][]byte, len(texts))
	for i, tx := range texts {
		title := "t"
		rows[i] = dataset.CrawlRow(s, dataset.Page{URL: "https://example.com/", FinalURL: "https://example.com/", Status: 200, ContentType: "text/html", Fields: map[string]*string{"title": &title}, Text: tx}, dataset.Provenance{Node: "0x1", FetchedAt: 5})
		hashes[i] = bytes.Repeat([]byte{byte(i)}, SourceHashSize)
	}
	return s, rows, hashes
}

func TestRunShard(t *testing.T) {
	texts := []string{"a first page about meadows", "", "a second page about meadows and GPUs"}
	in, rows, hashes := crawlRows(t, texts)
	prov := dataset.Provenance{Node: "0xnode", FetchedAt: 1234, Signature: []byte{9}}
	for _, kernel := range Kernels() {
		if kernel == api.KernelDedup {
			continue // it reads a minhash dataset, not text: TestDedupRunShard
		}
		t.Run(kernel, func(t *testing.T) {
			k, err := New(api.ComputeSpec{Kernel: kernel})
			if err != nil {
				t.Fatal(err)
			}
			out, err := RunShard(context.Background(), k, rows, in, hashes, prov)
			if err != nil {
				t.Fatal(err)
			}
			schema, _ := dataset.ComputeSchema(k.OutputColumns())
			if len(out) != len(rows) {
				t.Fatalf("%d rows out for %d in", len(out), len(rows))
			}
			for i, r := range out {
				if len(r) != len(schema.Columns) {
					t.Fatalf("row %d: %d values for %d columns", i, len(r), len(schema.Columns))
				}
				if !bytes.Equal(r[0].([]byte), hashes[i]) {
					t.Fatalf("row %d: source hash not first", i)
				}
				for c, col := range schema.Columns {
					if !typeFits(col, r[c]) {
						t.Fatalf("row %d column %s (%s): value %T", i, col.Name, col.Type, r[c])
					}
				}
				n := len(r)
				if r[n-3] != "0xnode" || r[n-2] != int64(1234) || !bytes.Equal(r[n-1].([]byte), []byte{9}) {
					t.Fatalf("row %d: provenance %v", i, r[n-3:])
				}
			}
		})
	}
}

func typeFits(c dataset.Column, v any) bool {
	if v == nil {
		return c.Nullable
	}
	switch c.Type {
	case dataset.TypeString:
		_, ok := v.(string)
		return ok
	case dataset.TypeInt64:
		_, ok := v.(int64)
		return ok
	case dataset.TypeBytes:
		_, ok := v.([]byte)
		return ok
	case dataset.TypeUint32List:
		_, ok := v.([]uint32)
		return ok
	case dataset.TypeInt32List:
		_, ok := v.([]int32)
		return ok
	case dataset.TypeUint64List:
		_, ok := v.([]uint64)
		return ok
	case dataset.TypeBool:
		_, ok := v.(bool)
		return ok
	case dataset.TypeStringList:
		_, ok := v.([]string)
		return ok
	case dataset.TypeFloat64:
		_, ok := v.(float64)
		return ok
	}
	return false
}

func TestRunShardBadInput(t *testing.T) {
	in, rows, hashes := crawlRows(t, []string{"x", "y"})
	k, _ := New(api.ComputeSpec{Kernel: "minhash"})
	onURL, _ := New(api.ComputeSpec{Kernel: "minhash", Column: "status"})
	missing, _ := New(api.ComputeSpec{Kernel: "minhash", Column: "body"})
	badRow := append(dataset.Row{}, rows[0]...)
	badRow[in.Index("text")] = int64(3)
	tests := []struct {
		name   string
		k      Kernel
		rows   []dataset.Row
		hashes [][]byte
		want   string
	}{
		{name: "missing column", k: missing, rows: rows, hashes: hashes, want: `compute.column "body"`},
		{name: "not a string column", k: onURL, rows: rows, hashes: hashes, want: `type int64, expected string`},
		{name: "too few hashes", k: k, rows: rows, hashes: hashes[:1], want: "1 for 2 rows"},
		{name: "short hash", k: k, rows: rows, hashes: [][]byte{hashes[0], {1, 2}}, want: "source hash of row 1: 2 bytes"},
		{name: "wrong value type", k: k, rows: []dataset.Row{badRow}, hashes: hashes[:1], want: "row 0 column \"text\": a int64"},
		{name: "short row", k: k, rows: []dataset.Row{rows[0][:3]}, hashes: hashes[:1], want: "row 0: 3 values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := RunShard(context.Background(), tt.k, tt.rows, in, tt.hashes, dataset.Provenance{})
			if out != nil || !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v: want ErrBadInput containing %q", err, tt.want)
			}
		})
	}
}

func TestRunShardNullText(t *testing.T) {
	s, _ := dataset.CrawlSchema([]string{"title"})
	k, _ := New(api.ComputeSpec{Kernel: "tokens", Column: "f_title"})
	row := make(dataset.Row, len(s.Columns))
	out, err := RunShard(context.Background(), k, []dataset.Row{row}, s, [][]byte{make([]byte, 32)}, dataset.Provenance{})
	if err != nil {
		t.Fatal(err)
	}
	if out[0][1] != int64(0) {
		t.Fatalf("null text: %v tokens, want 0", out[0][1])
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, kernel := range Kernels() {
		k, _ := New(api.ComputeSpec{Kernel: kernel})
		if _, err := k.Run(ctx, []string{"a"}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: error %v, want context.Canceled", kernel, err)
		}
	}
}

func TestTokens(t *testing.T) {
	for _, tt := range []struct {
		enc  string
		text string
		want int64
	}{
		{enc: "cl100k_base", text: "", want: 0},
		{enc: "cl100k_base", text: "hello world", want: 2},
		{enc: "cl100k_base", text: "<|endoftext|>", want: 7}, // counted as text, never as a control token
		{enc: "o200k_base", text: "hello world", want: 2},
	} {
		k, err := New(api.ComputeSpec{Kernel: "tokens", Tokens: &api.TokenParams{Encoding: tt.enc}})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := k.Run(context.Background(), []string{tt.text})
		if err != nil {
			t.Fatal(err)
		}
		if got := rows[0][0].(int64); got != tt.want {
			t.Errorf("%s %q: %d tokens, want %d", tt.enc, tt.text, got, tt.want)
		}
	}
}
