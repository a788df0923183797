// Command mkdeb builds the meadow-node Debian package (make deb):
//
//	go run ./deploy/internal/cmd/mkdeb -bin bin/meadow-node -version "$(git describe --tags --always --dirty)" -o bin/meadow-node_VERSION_amd64.deb
//
// The version is normalized to a Debian one (deb.Version); -o may contain
// VERSION and ARCH, replaced by the package's.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/meadow-net/meadow/deploy/internal/deb"
)

func main() {
	var o deb.Options
	var version string
	flag.StringVar(&o.Root, "root", ".", "the repository's root (where deploy/ is)")
	flag.StringVar(&o.Binary, "bin", "bin/meadow-node", "the node-only meadow binary (make node-bin)")
	flag.StringVar(&version, "version", "dev", "the version, as `git describe --tags --always --dirty` prints it")
	flag.StringVar(&o.Arch, "arch", runtime.GOARCH, "Debian architecture of the binary: amd64 or arm64")
	flag.StringVar(&o.Out, "o", "bin/meadow-node_VERSION_ARCH.deb", "the package file to write (VERSION and ARCH are replaced)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "mkdeb: unexpected argument %q; see -h\n", flag.Arg(0))
		os.Exit(2)
	}
	o.Version = deb.Version(version)
	o.Out = strings.NewReplacer("VERSION", o.Version, "ARCH", o.Arch).Replace(o.Out)
	if err := o.Validate(); err != nil {
		fmt.Fprintf(os.Stderr, "mkdeb: %v\n", err)
		os.Exit(2)
	}
	if err := deb.Build(o); err != nil {
		fmt.Fprintf(os.Stderr, "mkdeb: %v\n", err)
		os.Exit(1)
	}
	fmt.Println(o.Out)
}
