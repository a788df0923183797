package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestVectorsUpToDate fails when the committed vector file differs from what
// genclaimvectors writes now: run `go run ./contracts/internal/genclaimvectors`.
func TestVectorsUpToDate(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", "testdata", FileName))
	if err != nil {
		t.Fatalf("%v (run go run ./contracts/internal/genclaimvectors)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("contracts/testdata/%s is out of date: run go run ./contracts/internal/genclaimvectors", FileName)
	}
}
