package compute

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/internal/arm64test"
)

// TestGoldenArm64 runs the golden vectors' generator
// (compute/internal/genvectors) on this machine and, cross-compiled for
// linux/arm64 (CGO_ENABLED=0), under Debian's qemu-user, and requires
// every file it writes to equal the committed one in testdata byte for
// byte: golden.json and the fuzz seeds. The generator computes every
// kernel's vectors, so a kernel whose vectors are added to it and to
// golden.json is checked on arm64 with no change here. arm64 is where Go
// may fuse x*y + z into one instruction (compute/DESIGN.md, "amd64 and
// arm64"), and where MinHash runs the portable minPermGo instead of the
// amd64 assembly.
func TestGoldenArm64(t *testing.T) {
	ref := arm64test.BuildHost(t, ".", "./internal/genvectors")
	want := generate(t, exec.Command(ref), "host")
	if arm64test.Native() {
		t.Log("running on arm64: the host run above is the arm64 run")
		return
	}
	bin := arm64test.Build(t, ".", "./internal/genvectors")
	got := generate(t, arm64test.Command(t, bin), "arm64 under qemu")
	if len(got) != len(want) {
		t.Errorf("arm64 wrote %d files, the host %d", len(got), len(want))
	}
	for name, w := range want {
		if g, ok := got[name]; !ok || !bytes.Equal(g, w) {
			t.Errorf("%s: arm64 made other bytes than amd64 (%d and %d bytes): a kernel's arithmetic differs on arm64", name, len(g), len(w))
		}
	}
}

// generate runs the generator cmd into a fresh directory and returns what
// it wrote, by path, after checking each file against testdata.
func generate(t *testing.T, cmd *exec.Cmd, what string) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	cmd.Args = append(cmd.Args, "-out", dir)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("genvectors (%s): %v\n%s", what, err, out)
	}
	took := time.Since(start)
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[rel] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files["golden.json"] == nil {
		t.Fatalf("genvectors (%s) wrote no golden.json: %v", what, keys(files))
	}
	for name, b := range files {
		committed, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil || !bytes.Equal(b, committed) {
			t.Errorf("%s: genvectors (%s) makes other bytes than testdata/%s (%v); regenerate with go run ./compute/internal/genvectors -out compute/testdata if the change is intended",
				name, what, name, err)
		}
	}
	t.Logf("genvectors (%s): %d files in %s, equal to testdata", what, len(files), took.Round(time.Millisecond))
	return files
}

func keys(m map[string][]byte) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return strings.Join(ks, ", ")
}
