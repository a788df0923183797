// Builds and runs of arm64 code for the tests; doc.go says why.

package arm64test

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Sysroot is where Debian's libc6-arm64-cross puts an arm64 glibc.
const Sysroot = "/usr/aarch64-linux-gnu"

// Native reports whether this machine runs linux/arm64 code itself.
func Native() bool { return runtime.GOOS == "linux" && runtime.GOARCH == "arm64" }

// Qemu returns the path of qemu-aarch64, or fails t naming the package
// that provides it.
func Qemu(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("qemu-aarch64")
	if err != nil {
		t.Fatalf("this test runs arm64 code under qemu-aarch64, which is not installed: install Debian's qemu-user (apt-get install qemu-user; make deps does it): %v", err)
	}
	return p
}

// RequireSysroot fails t, naming the package, when the arm64 glibc that
// dynamically linked arm64 binaries need under qemu is missing.
func RequireSysroot(t testing.TB) {
	t.Helper()
	requireSysroot(t, Sysroot)
}

func requireSysroot(t testing.TB, root string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(root, "lib", "ld-linux-aarch64.so.1")); err != nil {
		t.Fatalf("no arm64 glibc in %s for a dynamically linked arm64 binary: install Debian's libc6-arm64-cross (apt-get install libc6-arm64-cross; make deps does it): %v", root, err)
	}
}

// GoTool is the go command that runs the tests: GOROOT's, else the PATH's.
func GoTool(t testing.TB) string {
	t.Helper()
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("this test cross-compiles for arm64 and needs the go command: none in GOROOT or on the PATH: %v", err)
	}
	return p
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Build runs `go build` of the main package pkg (an import path, or a path
// relative to dir) for linux/arm64 in dir and returns the binary's path,
// in a temporary directory of t. The build time is logged.
func Build(t testing.TB, dir, pkg string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), filepath.Base(pkg)+".arm64")
	goBuild(t, dir, "build "+pkg, "build", "-o", bin, pkg)
	return bin
}

// BuildHost runs `go build` of the main package pkg for this machine, as
// Build does for arm64: the reference run beside the arm64 one.
func BuildHost(t testing.TB, dir, pkg string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), filepath.Base(pkg)+"."+runtime.GOARCH)
	start := time.Now()
	cmd := exec.Command(GoTool(t), "build", "-o", bin, pkg)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	t.Logf("go build %s in %s: %s", pkg, dir, time.Since(start).Round(time.Millisecond))
	return bin
}

// BuildTest runs `go test -c` of the package in dir for linux/arm64 and
// returns the test binary's path, in a temporary directory of t.
func BuildTest(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "arm64.test")
	goBuild(t, dir, "test -c", "test", "-c", "-o", bin, ".")
	return bin
}

// goBuild runs the go command with args for linux/arm64 in dir; what names
// the build in the log.
func goBuild(t testing.TB, dir, what string, args ...string) {
	t.Helper()
	start := time.Now()
	cmd := exec.Command(GoTool(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("GOARCH=arm64 go %s in %s: %s", what, dir, time.Since(start).Round(time.Millisecond))
}

// Command returns the command that runs the arm64 binary bin with args:
// bin itself on an arm64 machine, else under qemu-aarch64, with -L Sysroot
// when bin is dynamically linked. It fails t when what that needs is
// missing.
func Command(t testing.TB, bin string, args ...string) *exec.Cmd {
	t.Helper()
	if Native() {
		return exec.Command(bin, args...)
	}
	qemu := Qemu(t)
	if dynamic(t, bin) {
		RequireSysroot(t)
		return exec.Command(qemu, append([]string{"-L", Sysroot, bin}, args...)...)
	}
	return exec.Command(qemu, append([]string{bin}, args...)...)
}

// dynamic reports whether bin asks for a program interpreter (ld.so).
func dynamic(t testing.TB, bin string) bool {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return true
		}
	}
	return false
}

// RunTests runs the tests of the arm64 test binary bin that match pattern
// (-test.run), with -test.v, in dir (a package directory, for testdata),
// and returns their output and how long they took. It fails t when any
// fails.
func RunTests(t testing.TB, bin, dir, pattern string) (string, time.Duration) {
	t.Helper()
	cmd := Command(t, bin, "-test.run", pattern, "-test.count=1", "-test.v")
	cmd.Dir = dir
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err != nil {
		t.Fatalf("arm64 %s -test.run %s: %v (after %s)\n%s", filepath.Base(bin), pattern, err, took.Round(time.Millisecond), out)
	}
	if !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("arm64 %s -test.run %s ran no test:\n%s", filepath.Base(bin), pattern, out)
	}
	return string(out), took
}

// CheckPackage is the whole arm64 check of the package in the current
// directory: its tests matching pattern, cross-compiled and run under qemu
// (on an arm64 machine the host's run of them is that check, and it
// returns), their output logged.
func CheckPackage(t *testing.T, pattern string) {
	t.Helper()
	if Native() {
		t.Logf("running on arm64: %s runs natively", pattern)
		return
	}
	out, took := RunTests(t, BuildTest(t, "."), ".", pattern)
	t.Logf("arm64 under qemu, %s:\n%s", took.Round(time.Millisecond), out)
}
