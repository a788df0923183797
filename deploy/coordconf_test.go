package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCoordExampleConfig runs `meadow coord` with the example settings of
// deploy/coord/coord.toml (as the unit does, the token from the
// environment): every key must be a flag of meadow coord, so the only
// complaint is the TLS files, which exist only on a real member.
func TestCoordExampleConfig(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "meadow")
	build := exec.Command("go", "build", "-o", bin, "./cmd/meadow")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/meadow: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--config", "coord/coord.toml", "--log-format", "json", "coord", "--data-dir", t.TempDir())
	cmd.Env = append(os.Environ(), "MEADOW_CLUSTER_TOKEN=example")
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 2 || !strings.Contains(string(out), "/etc/meadow/tls/coord.crt") || strings.Contains(string(out), "unknown") {
		t.Fatalf("meadow coord with coord/coord.toml: %v\n%s\nwant exit 2 naming only the missing TLS certificate", err, out)
	}
}
