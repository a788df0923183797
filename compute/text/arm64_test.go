package text

import (
	"testing"

	"github.com/meadow-net/meadow/internal/arm64test"
)

// TestGoldenArm64 cross-compiles this package's tests for linux/arm64
// (CGO_ENABLED=0) and runs TestGolden under Debian's qemu-user: the arm64
// build recomputes every output of testdata/golden.json and must match
// the file byte for byte, as amd64 does (Go may fuse multiply-add on
// arm64; the package's float-free arithmetic leaves it nothing to fuse).
// A case or column added to the golden file is covered with it. On an
// arm64 machine TestGolden itself is that check.
func TestGoldenArm64(t *testing.T) { arm64test.CheckPackage(t, "^TestGolden$") }
