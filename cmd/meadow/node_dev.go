package main

import (
	"github.com/spf13/pflag"

	"github.com/meadow-net/meadow/node"
)

// nodeDevFlags, when set, adds flags to `meadow node` that only a
// measurement build has (node_devallow.go, -tags devallow) and returns what
// applies them to the node's config. Release builds leave it nil: a home
// node's crawler never reaches loopback or private addresses.
var nodeDevFlags func(*pflag.FlagSet) func(*node.Config) error
