//go:build !devallow

package main

import (
	"bytes"
	"testing"
)

// TestNodeHasNoDevFlags: only a measurement build (-tags devallow) may let
// `meadow node` reach loopback or private addresses; a build for users has
// no such flag.
func TestNodeHasNoDevFlags(t *testing.T) {
	if nodeDevFlags != nil {
		t.Fatal("nodeDevFlags is set in a build without the devallow tag")
	}
	cmd := newNodeCmd(&app{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}})
	for _, name := range []string{"dev-allow", "dev-domain-delay"} {
		if cmd.Flags().Lookup(name) != nil {
			t.Errorf("meadow node has --%s in a build for users", name)
		}
	}
}
