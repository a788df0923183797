// Command genmodel writes meadow-mini, the embedding model every node ships:
//
//	go run ./compute/internal/genmodel -out compute/testdata/meadow-mini.safetensors
//
// The weights come from a fixed seed, so the file is the same on every run;
// TestBuiltinModelReproducible checks the committed copy against it.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/meadow-net/meadow/compute/internal/meadowmini"
)

func main() {
	out := flag.String("out", "compute/testdata/meadow-mini.safetensors", "file to write")
	flag.Parse()
	data, err := meadowmini.Generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "genmodel:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genmodel:", err)
		os.Exit(1)
	}
	fmt.Printf("genmodel: wrote %s (%d bytes)\n", *out, len(data))
}
