//go:build !nodeonly

package main

import (
	"fmt"
	"io"

	"github.com/meadow-net/meadow/devnet"
)

// printBuyerFiles tells a buyer of the dev network where its network file
// and the funded buyer key are, and how to use them.
func printBuyerFiles(w io.Writer, s devnet.Summary) {
	if s.NetworkFile == "" {
		return
	}
	fmt.Fprintf(w, "network file %s (meadow buyer --network %s …; or export MEADOW_NETWORK=%s)\n", s.NetworkFile, s.NetworkFile, s.NetworkFile)
	fmt.Fprintf(w, "funded buyer key %s (--key %s); a new key gets test funds with meadow buyer faucet\n", s.BuyerKeyFile, s.BuyerKeyFile)
}
