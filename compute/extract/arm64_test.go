package extract

import (
	"testing"
	"time"

	"github.com/meadow-net/meadow/internal/arm64test"
)

// TestGoldenArm64 cross-compiles this package's tests for linux/arm64
// (CGO_ENABLED=0) and runs TestGolden and TestTextOf under Debian's
// qemu-user, so that the arm64 results (where Go may fuse multiply-add)
// are checked against the same testdata/golden.json as amd64's: identical
// output on both. On an arm64 machine TestGolden itself is that check.
func TestGoldenArm64(t *testing.T) {
	if arm64test.Native() {
		t.Log("running on arm64: TestGolden checks golden.json natively")
		return
	}
	bin := arm64test.BuildTest(t, ".")
	out, took := arm64test.RunTests(t, bin, ".", "^(TestGolden|TestTextOf)$")
	t.Logf("arm64 under qemu, %s:\n%s", took.Round(time.Millisecond), out)
}
