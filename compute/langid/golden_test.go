package langid

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// goldenFile is the language part of compute/testdata/golden.json (written
// by compute/internal/genvectors through the language kernel, whose rows
// are Detect's Code and Score). Decoded here with its own types: this
// package imports no other Meadow package.
type goldenFile struct {
	Texts []struct {
		Text  string `json:"text"`
		Bytes []byte `json:"bytes"`
	} `json:"language_texts"`
	Sets []struct {
		Params struct {
			Languages []string `json:"languages"`
			MaxBytes  int      `json:"max_bytes"`
		} `json:"params"`
		Rows []struct {
			Language  string `json:"language"`
			ScoreBits string `json:"score_bits"`
		} `json:"rows"`
	} `json:"language"`
}

// TestGolden: Detect reproduces the language kernel's golden vectors, code
// and score bits, for every parameter set.
func TestGolden(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g goldenFile
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Sets) == 0 || len(g.Texts) == 0 {
		t.Fatal("golden.json has no language vectors")
	}
	rows := 0
	for si, set := range g.Sets {
		mb := set.Params.MaxBytes
		if mb == 0 {
			mb = DefaultMaxBytes
		}
		d := mustNew(t, set.Params.Languages, mb)
		for i, tx := range g.Texts {
			s := tx.Text
			if tx.Bytes != nil {
				s = string(tx.Bytes)
			}
			r := d.Detect(s)
			bits := fmt.Sprintf("%016x", math.Float64bits(r.Score))
			if want := set.Rows[i]; r.Code != want.Language || bits != want.ScoreBits {
				t.Errorf("set %d text %d %.30q: %q %s, golden %q %s", si, i, s, r.Code, bits, want.Language, want.ScoreBits)
			}
			rows++
		}
	}
	t.Logf("%d rows on %s/%s equal golden.json", rows, runtime.GOOS, runtime.GOARCH)
}

// TestGoldenArm64 cross-compiles this package's tests for linux/arm64
// (CGO_ENABLED=0) and runs TestGolden and TestPrefix under Debian's
// qemu-user: the same code and score bits as on amd64, where Go may fuse
// multiply-add (whatlanggo's confidence has none to fuse; this is the
// check). On an arm64 machine TestGolden itself is that check.
func TestGoldenArm64(t *testing.T) {
	if runtime.GOARCH == "arm64" {
		t.Log("running on arm64: TestGolden checks golden.json natively")
		return
	}
	qemu, err := exec.LookPath("qemu-aarch64")
	if err != nil {
		t.Fatalf("this test needs qemu-aarch64 to run arm64 code: install Debian's qemu-user (apt-get install qemu-user; make deps does it): %v", err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("this test needs the go command to cross-compile for arm64: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "arm64.test")
	build := exec.Command(goBin, "test", "-c", "-o", bin, ".")
	build.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("GOARCH=arm64 go test -c: %v\n%s", err, out)
	}
	pattern := "^(TestGolden|TestPrefix|TestDetect)$"
	out, err := exec.Command(qemu, bin, "-test.run", pattern, "-test.count=1", "-test.v").CombinedOutput()
	if err != nil {
		t.Fatalf("qemu-aarch64 %s -test.run %s: %v\n%s", filepath.Base(bin), pattern, err, out)
	}
	t.Logf("arm64 under qemu:\n%s", out)
}
