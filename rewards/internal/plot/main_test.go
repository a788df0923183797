package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/meadow-net/meadow/rewards"
)

// TestChartUpToDate fails when the committed chart differs from what plot
// draws now: run `go run ./rewards/internal/plot`.
func TestChartUpToDate(t *testing.T) {
	want, err := render(rewards.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../testdata/emission.svg")
	if err != nil {
		t.Fatalf("%v (run go run ./rewards/internal/plot)", err)
	}
	if !bytes.Equal(got, want) {
		t.Error("testdata/emission.svg is out of date: run go run ./rewards/internal/plot")
	}
}
