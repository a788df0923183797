package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/dataset"
)

// writeDataset writes n crawl rows in format f and returns the file's path
// and the root the writer computed.
func writeDataset(t *testing.T, f dataset.Format, n int) (string, dataset.Hash) {
	t.Helper()
	s, err := dataset.CrawlSchema([]string{"title", "author"})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "crawl"+f.Ext())
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := dataset.NewWriter(out, f, s, dataset.WithBatchRows(64))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		title := fmt.Sprintf("Café  n°%d", i)
		p := dataset.Page{
			URL: fmt.Sprintf("https://example.com/a/%d", i), FinalURL: fmt.Sprintf("https://example.com/a/%d", i),
			Status: 200, ContentType: "text/html", Fields: map[string]*string{"title": &title}, Text: strings.Repeat("meadow 草原 ", i%50),
		}
		if err := w.Write(dataset.CrawlRow(s, p, dataset.Provenance{Node: "0x0000000000000000000000000000000000000001", FetchedAt: int64(i)})); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path, w.Summary().Root
}

// meadow runs the command line in process and returns its output (standard
// output, then standard error) and error.
func meadow(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, errOut, err := meadowStreams(t, args...)
	return out + errOut, err
}

// meadowStreams is meadow with standard output and error apart.
func meadowStreams(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := &app{stdout: &out, stderr: &errOut}
	root := newRootCmd(a)
	root.SetArgs(args)
	err = root.Execute()
	return out.String(), errOut.String(), err
}

// formatsBuilt is fs less Parquet in a build without it (the node-only
// build; TestNodeOnlyVerify checks what it says instead).
func formatsBuilt(fs ...dataset.Format) []dataset.Format {
	var out []dataset.Format
	for _, f := range fs {
		if f != dataset.FormatParquet || dataset.HasParquet {
			out = append(out, f)
		}
	}
	return out
}

func TestVerifyCommand(t *testing.T) {
	for _, f := range formatsBuilt(dataset.FormatArrowFile, dataset.FormatArrowStream, dataset.FormatParquet) {
		t.Run(f.String(), func(t *testing.T) {
			path, root := writeDataset(t, f, 300)

			out, err := meadow(t, "verify", path, "--root", root.String())
			if err != nil || !strings.Contains(out, "ok:") || !strings.Contains(out, "300 rows") {
				t.Fatalf("verify of a good file: %v\n%s", err, out)
			}
			out, err = meadow(t, "verify", path, "--json")
			var res verifyResult
			if err != nil || json.Unmarshal([]byte(out), &res) != nil || !res.OK || res.Root != root.String() || res.Rows != 300 {
				t.Fatalf("verify --json: %v\n%s", err, out)
			}

			// A proof of one row, checked against the trusted root.
			proof, err := meadow(t, "verify", path, "--row", "41")
			if err != nil {
				t.Fatalf("--row: %v\n%s", err, proof)
			}
			pf := filepath.Join(t.TempDir(), "proof.json")
			if err := os.WriteFile(pf, []byte(proof), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := meadow(t, "verify", path, "--row", "41", "--proof", pf, "--root", root.String()); err != nil || !strings.Contains(out, "ok: row 41") {
				t.Fatalf("--row --proof: %v\n%s", err, out)
			}
			if out, err := meadow(t, "verify", path, "--row", "42", "--proof", pf, "--root", root.String()); err == nil {
				t.Fatalf("a proof of row 41 passed for row 42:\n%s", out)
			}

			// A wrong root fails and says so.
			wrong := root
			wrong[0] ^= 1
			if out, err := meadow(t, "verify", path, "--root", wrong.String()); err == nil || !strings.Contains(err.Error(), "root") || exitCode(err) != exitFailure {
				t.Fatalf("wrong root: err %v (exit %d)\n%s", err, exitCode(err), out)
			}
		})
	}
}

// TestVerifyDetectsOneChangedByte flips each of a spread of bytes of a good
// file in turn: every copy must fail with a message (never a panic), because
// either the container is corrupt or a row's content, and so the root, changed.
func TestVerifyDetectsOneChangedByte(t *testing.T) {
	for _, f := range formatsBuilt(dataset.FormatArrowFile, dataset.FormatParquet) {
		t.Run(f.String(), func(t *testing.T) {
			path, root := writeDataset(t, f, 120)
			good, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			bad := filepath.Join(t.TempDir(), "bad"+f.Ext())
			step := max(1, len(good)/97)
			for off := 0; off < len(good); off += step {
				data := bytes.Clone(good)
				data[off] ^= 0x20
				if err := os.WriteFile(bad, data, 0o600); err != nil {
					t.Fatal(err)
				}
				out, err := meadow(t, "verify", bad, "--root", root.String())
				if err == nil {
					// Some bytes (padding, unused metadata) do not change
					// what is read; the rows and root must then be intact.
					if !strings.Contains(out, root.String()) {
						t.Fatalf("offset %d: verify passed with another root:\n%s", off, out)
					}
					continue
				}
				if msg := err.Error(); msg == "" || strings.Contains(msg, "panic") {
					t.Fatalf("offset %d: unclear error %q", off, msg)
				}
			}
		})
	}
}

func TestVerifyUsageErrors(t *testing.T) {
	path, _ := writeDataset(t, dataset.FormatArrowFile, 3)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no file", args: []string{"verify"}, want: "accepts 1 arg"},
		{name: "bad root", args: []string{"verify", path, "--root", "xyz"}, want: "--root"},
		{name: "missing manifest", args: []string{"verify", path, "--manifest", "/nonexistent/m.json"}, want: "--manifest"},
		{name: "task without manifest", args: []string{"verify", path, "--task", "t1"}, want: "--task"},
		{name: "negative row", args: []string{"verify", path, "--row", "-1"}, want: "--row -1"},
		{name: "missing file", args: []string{"verify", "/nonexistent/x.arrow"}, want: "x.arrow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := meadow(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v: want one containing %q", err, tt.want)
			}
		})
	}
}
