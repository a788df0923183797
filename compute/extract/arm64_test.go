package extract

import (
	"testing"

	"github.com/meadow-net/meadow/internal/arm64test"
)

// TestGoldenArm64 cross-compiles this package's tests for linux/arm64
// (CGO_ENABLED=0) and runs TestGolden and TestTextOf under Debian's
// qemu-user, so that the arm64 results (where Go may fuse multiply-add)
// are checked against the same testdata/golden.json as amd64's: identical
// output on both. On an arm64 machine TestGolden itself is that check.
func TestGoldenArm64(t *testing.T) { arm64test.CheckPackage(t, "^(TestGolden|TestTextOf)$") }
