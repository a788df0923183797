package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNodeOnlyBuildDeps checks that the node-only build (-tags nodeonly,
// `make node-bin`) links none of what it exists to leave out: each of these
// costs a home node megabytes of resident memory (docs/BENCHMARKS.md).
func TestNodeOnlyBuildDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-tags", "nodeonly", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -tags nodeonly -deps ./cmd/meadow: %v\n%s", err, out)
	}
	left := []string{
		"github.com/meadow-net/meadow/coord",
		"github.com/meadow-net/meadow/devnet",
		"github.com/meadow-net/meadow/buyer",
		"github.com/apache/arrow-go/v18/parquet",
		"github.com/apache/arrow-go/v18/arrow/compute",
		"github.com/ethereum/go-ethereum/ethclient/simulated",
		"google.golang.org/grpc",
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, l := range left {
			if dep == l || strings.HasPrefix(dep, l+"/") {
				t.Errorf("the node-only build links %s", dep)
			}
		}
	}
}
