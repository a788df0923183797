package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/internal/arm64test"
)

// classifyOutputs are the columns examples/wasm/classify declares
// (devnet.WasmExamples): its share column is a float the module computes.
const classifyOutputs = "topic:string, score:int64, share:float64"

// TestPipelineArm64 runs the pipeline over the demo corpus here
// (in-process) and, cross-compiled for linux/arm64 (CGO_ENABLED=0), under
// Debian's qemu-user, and requires every stage's digest to be the same:
// main-text extraction (go-trafilatura and its fallbacks score with
// floats), every kernel of compute.Kernels() and a buyer's wasm kernel
// (wazero's arm64 compiler, a float output). Each stage's rows, SHA-256,
// content root and time on both are in the log.
func TestPipelineArm64(t *testing.T) {
	ctx := context.Background()
	module := buildClassify(t)
	cols, err := parseOutputs(classifyOutputs)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	start := time.Now()
	stages, err := Run(ctx, Options{Wasm: module, WasmOutputs: cols, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if want := 1 + len(compute.Kernels()) + len(variants) + 1; len(stages) != want {
		t.Fatalf("%d stages, want %d: crawl, every kernel, the variants and wasm", len(stages), want)
	}
	var want strings.Builder
	for _, s := range stages {
		want.WriteString(s.String() + "\n")
		switch {
		case s.Rows != stages[0].Rows:
			t.Errorf("%s: %d rows for %d pages", s.Name, s.Rows, stages[0].Rows)
		case s.Name == "wasm" && s.Statuses != "; wasm_status: ok "+strconv.Itoa(s.Rows):
			t.Errorf("wasm: %s; want every row ok (are classifyOutputs the module's columns?)", s.Statuses)
		case s.Name == stages[0].Name && !strings.Contains(s.Statuses, " ok "):
			t.Errorf("%s: %s; want pages with main text", s.Name, s.Statuses)
		}
	}
	t.Logf("host, in-process, %s:\n%s%s", took.Round(time.Millisecond), want.String(), log.String())
	if arm64test.Native() {
		t.Log("running on arm64: there is no amd64 run to compare with here")
		return
	}

	bin := arm64test.Build(t, ".", ".")
	wasmPath := filepath.Join(t.TempDir(), "classify.wasm")
	if err := os.WriteFile(wasmPath, module, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := arm64test.Command(t, bin, "-wasm", wasmPath, "-wasm-outputs", classifyOutputs)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start = time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("pipedigest on arm64: %v\n%s", err, stderr.String())
	}
	t.Logf("arm64 under qemu, %s:\n%s%s", time.Since(start).Round(time.Millisecond), stdout.String(), stderr.String())
	got := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	wantLines := strings.Split(strings.TrimSuffix(want.String(), "\n"), "\n")
	if len(got) != len(wantLines) {
		t.Fatalf("arm64 printed %d stages, the host %d", len(got), len(wantLines))
	}
	for i := range wantLines {
		if got[i] != wantLines[i] {
			t.Errorf("stage %s differs on arm64:\n  host  %s\n  arm64 %s", stages[i].Name, wantLines[i], got[i])
		}
	}
}

// buildClassify builds examples/wasm/classify for wasip1, as a buyer
// would, and returns the module.
func buildClassify(t *testing.T) []byte {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "classify.wasm")
	cmd := exec.Command(arm64test.GoTool(t), "build", "-trimpath", "-o", out, "./examples/wasm/classify")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./examples/wasm/classify for wasip1/wasm: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
