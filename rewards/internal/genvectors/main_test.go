package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestVectorsUpToDate fails when the committed vector files differ from what
// genvectors writes now: run `go run ./rewards/internal/genvectors`.
func TestVectorsUpToDate(t *testing.T) {
	files, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
		if err != nil {
			t.Fatalf("%v (run go run ./rewards/internal/genvectors)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/%s is out of date: run go run ./rewards/internal/genvectors", name)
		}
	}
}
