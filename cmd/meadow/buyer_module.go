//go:build !nodeonly

package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/compute/wasm"
)

// newBuyerModuleCmd is `meadow buyer module`: buyers' WebAssembly modules
// for wasm compute jobs (docs/wasm.md).
func newBuyerModuleCmd(a *app, f *buyerFlags) *cobra.Command {
	cmd := &cobra.Command{Use: "module", Short: "Upload WebAssembly modules for wasm compute jobs (docs/wasm.md)"}
	upload := &cobra.Command{
		Use:   "upload MODULE.wasm",
		Short: "Check a module in the sandbox, upload it and print its SHA-256 for a job's compute.wasm.module",
		Long: `Checks MODULE.wasm as the nodes' sandbox will (a WASI preview 1 command
module, no SIMD or threads, imports only of wasi_snapshot_preview1), then
uploads it. A wasm compute job names it by the SHA-256 printed:

  {"kind": "compute", "compute": {"input": "DATASET", "kernel": "wasm",
   "wasm": {"module": "SHA256", "outputs": [{"name": "clean", "type": "string"}]}}}`,
		Example: `  GOOS=wasip1 GOARCH=wasm go build -o cleaner.wasm ./examples/wasm/cleaner
  meadow buyer module upload cleaner.wasm`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := readModule(args[0])
			if err != nil {
				return err
			}
			ctx := cmdContext(cmd)
			if err := checkModule(ctx, b); err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			c, err := f.client(a, true)
			if err != nil {
				return err
			}
			m, err := c.UploadModule(ctx, b)
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(m)
			}
			fmt.Fprintf(a.stdout, "module %s (%d bytes) stored\n", m.SHA256, m.Size)
			return nil
		},
	}
	cmd.AddCommand(upload)
	return cmd
}

// readModule reads a module file, refusing one past api.MaxModuleSize
// before reading it whole.
func readModule(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > api.MaxModuleSize {
		return nil, usageError(fmt.Errorf("%s: %d bytes: expected a module of at most %d bytes (32 MiB)", path, fi.Size(), api.MaxModuleSize))
	}
	return os.ReadFile(path)
}

// checkModule loads b in a sandbox as a node would, so that a module the
// nodes would refuse is refused here, naming why.
func checkModule(ctx context.Context, b []byte) error {
	rt, err := wasm.New(ctx, wasm.WithCache(1, 1<<30))
	if err != nil {
		return err
	}
	defer rt.Close(context.WithoutCancel(ctx))
	if _, err := rt.Load(ctx, b); err != nil {
		var f *wasm.Failure
		if errors.As(err, &f) {
			return usageError(fmt.Errorf("the sandbox refuses it (%s): %s", f.Kind, f.Message))
		}
		return err
	}
	return nil
}
