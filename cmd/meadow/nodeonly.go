//go:build nodeonly

package main

import "github.com/spf13/cobra"

// The node-only build (-tags nodeonly, `make node-bin`) carries what a home
// user runs: node (with status, pause, resume, rewards and claim), verify
// and version. It leaves out coord, operator, buyer and dev, and with them
// the coordinator's Raft and storage and the dev network; the same tag
// leaves Parquet out of dataset (verify reads Arrow files only) and the
// in-process chain out of contracts. A running node maps far less of the
// binary: see "Resident memory of a node" in docs/BENCHMARKS.md.
func networkCmds(*app) []*cobra.Command { return nil }

// buildNote is added to errors about settings no command has: in this
// build, a setting of a command left out (a [coord] table, MEADOW_RAFT_ADDR)
// is one, since it cannot be told from a typo.
const buildNote = "; this is the node-only build of meadow, with only node, verify and version"

// progName is the name releases and the Debian package install this
// build under; help and printed commands use it.
const progName = "meadow-node"
