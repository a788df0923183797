package lang

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestGoldenArm64 cross-compiles this package's tests for linux/arm64
// (CGO_ENABLED=0) and runs TestGolden and TestDeterminism under Debian's
// qemu-user, so that the arm64 results (where Go may fuse multiply-add)
// are checked against the same testdata/golden.json as amd64's: identical
// output on both. On an arm64 machine TestGolden itself is that check.
func TestGoldenArm64(t *testing.T) {
	if runtime.GOARCH == "arm64" {
		t.Log("running on arm64: TestGolden checks golden.json natively")
		return
	}
	runArm64(t, "^(TestGolden|TestQuantize)$")
}

// runArm64 builds the package's test binary for arm64 and runs the tests
// that match pattern under qemu-aarch64, in the package directory (for
// testdata). It fails, naming what is missing, when qemu or go is absent.
func runArm64(t *testing.T, pattern string) {
	t.Helper()
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
	run := exec.Command(qemu, bin, "-test.run", pattern, "-test.count=1", "-test.v")
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("qemu-aarch64 %s -test.run %s: %v\n%s", filepath.Base(bin), pattern, err, out)
	}
	t.Logf("arm64 under qemu:\n%s", out)
}
