package main

import (
	"fmt"
	"os"
)

func main() {
	a := newApp()
	if err := newRootCmd(a).Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "meadow:", err)
		os.Exit(exitCode(err))
	}
}
