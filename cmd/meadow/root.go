package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// version is set by the linker (see the Makefile).
var version = "dev"

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "meadow",
		Short:         "Meadow turns idle home bandwidth and GPUs into verifiable AI training data",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print meadow's version",
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.Println(version)
			return nil
		},
	})
	return root
}

// exitError carries a process exit code chosen by a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}
