// Command genvectors writes the dataset package's golden test vectors
// (see dataset/testdata/README.md):
//
//	go run ./dataset/internal/genvectors -out dataset/testdata
//
// The dataset tests rebuild the vectors in memory and fail when the files
// differ, so run this after a deliberate change of format and review the
// diff: every other implementation must change with it.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/meadow-net/meadow/dataset/internal/vectors"
)

func main() {
	out := flag.String("out", "dataset/testdata", "directory to write the vector files to")
	flag.Parse()
	files, err := vectors.Files()
	if err != nil {
		fmt.Fprintln(os.Stderr, "genvectors:", err)
		os.Exit(1)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "genvectors:", err)
		os.Exit(1)
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range files {
			if !yield(k) {
				return
			}
		}
	}) {
		path := filepath.Join(*out, name)
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "genvectors:", err)
			os.Exit(1)
		}
		fmt.Printf("%s: %d bytes\n", path, len(files[name]))
	}
}
