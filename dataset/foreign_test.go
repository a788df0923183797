package dataset_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/meadow-net/meadow/dataset"
)

// rewrite runs testdata/js/rewrite.mjs: mode arrow-file or arrow-stream
// (apache-arrow's tableToIPC) or duckdb (COPY to a new Parquet file), from
// in to a new file it returns; change alters one value of row 1.
func rewrite(t *testing.T, mode, in string, change bool) string {
	t.Helper()
	nodeModules(t)
	out := filepath.Join(t.TempDir(), "rewritten-"+mode+filepath.Ext(in))
	args := []string{filepath.Join("testdata", "js", "rewrite.mjs"), mode, in, out}
	if change {
		args = append(args, "change")
	}
	b, err := exec.Command("node", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("node %v: %v\n%s", args, err, b)
	}
	return out
}

// TestVerifyFilesOtherToolsWrote: a dataset rewritten by apache-arrow
// (JavaScript; its Arrow files keep the schema only in the footer) or by
// DuckDB (its Parquet files carry no meadow.schema or ARROW:schema)
// verifies with the root of the original, with its schema inferred or
// taken from the manifest; the same rewrite with one value changed fails.
func TestVerifyFilesOtherToolsWrote(t *testing.T) {
	ctx := context.Background()
	for name, ds := range independentRows(t) {
		for _, tc := range []struct {
			mode string
			f    dataset.Format
		}{{"arrow-file", dataset.FormatArrowFile}, {"arrow-stream", dataset.FormatArrowStream}, {"duckdb", dataset.FormatParquet}} {
			t.Run(name+"/"+tc.mode, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), name+tc.f.Ext())
				fh, err := os.Create(path)
				if err != nil {
					t.Fatal(err)
				}
				w, err := dataset.NewWriter(fh, tc.f, ds.schema, dataset.WithBatchRows(100))
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range ds.rows {
					if err := w.Write(r); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				fh.Close()
				sum := w.Summary()
				m := &dataset.Manifest{
					Version: dataset.ManifestVersion, DatasetID: "ds-" + name, JobID: "job", Kind: ds.schema.Kind, Schema: ds.schema,
					Tasks:     []dataset.ManifestTask{{TaskID: "t0", Root: sum.Root, Rows: sum.Rows, BlobSHA256: sum.SHA256}},
					TotalRows: sum.Rows, Root: sum.Root, CreatedAt: time.Unix(1790000000, 0).UTC(), Signatures: []dataset.Signature{},
				}

				out := rewrite(t, tc.mode, path, false)
				rep, err := dataset.Verify(ctx, out, dataset.VerifyOptions{Root: &sum.Root})
				if err != nil || rep.Rows != sum.Rows {
					t.Fatalf("rewritten file, schema from the file: %v (%d rows)", err, rep.Rows)
				}
				if rep, err = dataset.Verify(ctx, out, dataset.VerifyOptions{Root: &sum.Root, Manifest: m}); err != nil {
					t.Fatalf("rewritten file, schema from the manifest: %v", err)
				}
				if !rep.Schema.Equal(ds.schema) {
					t.Fatalf("schema read: %+v", rep.Schema)
				}

				changed := rewrite(t, tc.mode, path, true)
				if _, err := dataset.Verify(ctx, changed, dataset.VerifyOptions{Root: &sum.Root}); !errors.Is(err, dataset.ErrRootMismatch) {
					t.Fatalf("rewritten with one value changed: %v, want a root mismatch", err)
				}
				if _, err := dataset.Verify(ctx, changed, dataset.VerifyOptions{Manifest: m}); !errors.Is(err, dataset.ErrRootMismatch) {
					t.Fatalf("rewritten with one value changed, against the manifest: %v, want a root mismatch", err)
				}
			})
		}
	}
}
