package arm64test

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a testing.TB whose Fatalf records the message and returns,
// so that a helper's failure can be checked.
type recorder struct {
	testing.TB
	fatal string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	if r.fatal == "" {
		r.fatal = fmt.Sprintf(format, args...)
	}
}

// TestMissingNamesThePackage: without qemu-aarch64 on the PATH the test
// fails, naming Debian's qemu-user (it never skips); without the arm64
// glibc it names libc6-arm64-cross.
func TestMissingNamesThePackage(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	r := &recorder{TB: t}
	if Qemu(r); !strings.Contains(r.fatal, "qemu-user") {
		t.Errorf("Qemu without qemu-aarch64: %q; want the failure to name qemu-user", r.fatal)
	}
	r = &recorder{TB: t}
	requireSysroot(r, t.TempDir())
	if !strings.Contains(r.fatal, "libc6-arm64-cross") {
		t.Errorf("RequireSysroot without the glibc: %q; want the failure to name libc6-arm64-cross", r.fatal)
	}
}
