package compute

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
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
	host := generate(t, exec.Command(ref), "host")
	for name, b := range host {
		if committed, err := os.ReadFile(filepath.Join("testdata", name)); err != nil || !bytes.Equal(b, committed) {
			t.Errorf("%s: genvectors on the host makes other bytes than testdata/%s (%v%s); regenerate with go run ./compute/internal/genvectors -out compute/testdata if the change is intended",
				name, name, err, sections(b, committed))
		}
	}
	if t.Failed() {
		t.FailNow() // arm64 is compared with testdata: the host must match it first
	}
	if arm64test.Native() {
		t.Log("running on arm64: the host run above is the arm64 run")
		return
	}
	bin := arm64test.Build(t, ".", "./internal/genvectors")
	got := generate(t, arm64test.Command(t, bin), "arm64 under qemu")
	if len(got) != len(host) {
		t.Errorf("arm64 wrote %d files, the host %d", len(got), len(host))
	}
	for name, w := range host {
		if g, ok := got[name]; !ok || !bytes.Equal(g, w) {
			t.Errorf("%s: arm64 makes other bytes than amd64 and testdata (%d and %d bytes%s): a kernel's arithmetic differs on arm64; fix the kernel, not the vectors (compute/DESIGN.md, \"amd64 and arm64\")",
				name, len(g), len(w), sections(g, w))
		}
	}
	if !t.Failed() {
		t.Logf("arm64: all %d files equal to the host's and testdata's", len(got))
	}
}

// sections names the top-level fields of two golden.json versions that
// differ (the kernels whose vectors differ), or nothing for other files.
func sections(a, b []byte) string {
	var ma, mb map[string]json.RawMessage
	if json.Unmarshal(a, &ma) != nil || json.Unmarshal(b, &mb) != nil {
		return ""
	}
	var diff []string
	for k, v := range mb {
		if !bytes.Equal(ma[k], v) {
			diff = append(diff, k)
		}
	}
	for k := range ma {
		if _, ok := mb[k]; !ok {
			diff = append(diff, k)
		}
	}
	sort.Strings(diff)
	return "; differing sections: " + strings.Join(diff, ", ")
}

// generate runs the generator cmd into a fresh directory and returns what
// it wrote, by path.
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
	t.Logf("genvectors (%s): %d files in %s", what, len(files), took.Round(time.Millisecond))
	return files
}

func keys(m map[string][]byte) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}
