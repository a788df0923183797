// Command gencontracts compiles Meadow's Solidity contracts and regenerates
// their committed artifacts (contracts/build) and Go bindings
// (contracts/bindings); with -check it only reports whether the committed
// ones match a fresh build. `make contracts` and `make contracts-check` run
// it from the repository root.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/meadow-net/meadow/contracts/internal/artifacts"
)

func main() {
	check := flag.Bool("check", false, "compare the committed artifacts with a fresh build instead of writing them")
	root := flag.String("root", ".", "repository root")
	flag.Parse()
	if err := run(*root, *check); err != nil {
		fmt.Fprintln(os.Stderr, "gencontracts:", err)
		os.Exit(1)
	}
}

func run(root string, check bool) error {
	files, err := artifacts.Build(context.Background(), root)
	if err != nil {
		return err
	}
	dir := filepath.Join(root, "contracts")
	if !check {
		return artifacts.Write(dir, files)
	}
	diffs, err := artifacts.Diff(dir, files)
	if err != nil {
		return err
	}
	if len(diffs) > 0 {
		return fmt.Errorf("committed contract artifacts are stale (run `make contracts`):\n  %s", strings.Join(diffs, "\n  "))
	}
	fmt.Println("contracts: committed artifacts and bindings match a fresh build")
	return nil
}
