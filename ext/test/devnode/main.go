// Command devnode runs a Go home node (package node) in development mode,
// allowed to crawl loopback sites, for the extension's cluster test: the
// extension and this node are the two replicas whose rows must agree. It
// prints "ADDRESS <0x…>" once started and runs until standard input closes.
//
//	go run ./ext/test/devnode -coord http://127.0.1.1:8080,… -data-dir DIR -source-ip 127.0.2.1
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net/netip"
	"os"
	"strings"

	"github.com/meadow-net/meadow/node"
)

func main() {
	coords := flag.String("coord", "", "coordinator URLs, comma-separated")
	dataDir := flag.String("data-dir", "", "the node's data directory")
	sourceIP := flag.String("source-ip", "", "loopback address the node's connections come from (its /24 must differ from the extension's)")
	flag.Parse()
	cfg := node.DefaultConfig()
	cfg.Coordinators = strings.Split(*coords, ",")
	cfg.DataDir = *dataDir
	cfg.Dashboard = ""
	cfg.Development = true
	cfg.SourceIP = *sourceIP
	cfg.AllowList = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	cfg.NoGPU = true
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	n, err := node.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("ADDRESS %s\n", n.Address().Hex())
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		bufio.NewReader(os.Stdin).ReadString(0)
		cancel()
	}()
	if err := n.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}
