package artifacts

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func repoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// TestCommittedArtifactsAreFresh recompiles the contracts and regenerates
// the bindings in memory and fails when the committed files differ.
func TestCommittedArtifactsAreFresh(t *testing.T) {
	root := repoRoot(t)
	if err := CheckToolchain(root); err != nil {
		t.Fatalf("%v: the contracts test needs node and the npm packages; run `make deps`", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	files, err := Build(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	// Write to a temporary directory as `make contracts` would, then
	// compare, so Write is covered too.
	tmp := t.TempDir()
	if err := Write(tmp, files); err != nil {
		t.Fatal(err)
	}
	diffs, err := Diff(filepath.Join(root, "contracts"), files)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) > 0 {
		t.Fatalf("committed contract artifacts are stale; run `make contracts`:\n  %s", strings.Join(diffs, "\n  "))
	}
	same, err := Diff(tmp, files)
	if err != nil || len(same) != 0 {
		t.Fatalf("Diff of freshly written files = %v, %v; want none", same, err)
	}
	for rel := range files {
		if strings.HasSuffix(rel, ".go") && !strings.HasPrefix(string(files[rel]), "// Code generated") {
			t.Errorf("%s lacks the generated-code header", rel)
		}
	}
}

// TestDiffReportsChanges: a stale, a missing and an extra file are each
// named.
func TestDiffReportsChanges(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		filepath.Join("build", "A.abi"): []byte("[]\n"),
		filepath.Join("build", "A.bin"): []byte("00\n"),
	}
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "build", "A.bin"), []byte("01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "build", "Old.abi"), []byte("[]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	files[filepath.Join("build", "B.bin")] = []byte("02\n")
	diffs, err := Diff(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"build/A.bin: differs from a fresh build",
		"build/B.bin: generated but not committed",
		"build/Old.abi: committed but no longer generated",
	}
	if strings.Join(diffs, "|") != strings.Join(want, "|") {
		t.Fatalf("Diff = %q, want %q", diffs, want)
	}
}

// TestMissingToolchainNamesMakeDeps: without node_modules the error says
// what to run.
func TestMissingToolchainNamesMakeDeps(t *testing.T) {
	err := CheckToolchain(t.TempDir())
	if !errors.Is(err, ErrToolMissing) || !strings.Contains(err.Error(), "make deps") {
		t.Fatalf("CheckToolchain(empty dir) = %v, want ErrToolMissing naming make deps", err)
	}
}
