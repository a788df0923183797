//go:build nodeonly

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/dataset"
)

// TestNodeOnlyCommands checks what the node-only build carries: the node
// with its subcommands, verify and version, and no command of the network's.
func TestNodeOnlyCommands(t *testing.T) {
	root := newRootCmd(&app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}})
	var top, sub []string
	for _, c := range root.Commands() {
		top = append(top, c.Name())
		if c.Name() == "node" {
			for _, s := range c.Commands() {
				sub = append(sub, s.Name())
			}
		}
	}
	if want := []string{"node", "verify", "version"}; !slices.Equal(top, want) {
		t.Errorf("commands %v, want %v", top, want)
	}
	if want := []string{"claim", "doctor", "init", "key", "pause", "register", "resume", "rewards", "status", "update"}; !slices.Equal(sub, want) {
		t.Errorf("node's commands %v, want %v", sub, want)
	}
}

// TestNodeOnlyVerify checks that verify reads Arrow in the node-only build
// and says plainly that Parquet needs a full one.
func TestNodeOnlyVerify(t *testing.T) {
	path, root := writeDataset(t, dataset.FormatArrowStream, 100)
	if out, err := meadow(t, "verify", path, "--root", root.String()); err != nil || !strings.Contains(out, "ok:") {
		t.Fatalf("verify of an Arrow file: %v\n%s", err, out)
	}
	pq := filepath.Join(t.TempDir(), "x.parquet")
	if err := os.WriteFile(pq, []byte("PAR1\x00\x00\x00\x00\x00\x00\x00\x00PAR1"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := meadow(t, "verify", pq); err == nil || !strings.Contains(err.Error(), "without Parquet") {
		t.Fatalf("verify of a Parquet file: err %v\n%s", err, out)
	}
	s, err := dataset.CrawlSchema(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.NewWriter(&bytes.Buffer{}, dataset.FormatParquet, s); err == nil || !strings.Contains(err.Error(), "without Parquet") {
		t.Fatalf("NewWriter(FormatParquet): %v", err)
	}
}
