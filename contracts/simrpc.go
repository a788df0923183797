//go:build !nodeonly

package contracts

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/node"
)

// NewSimulatedRPC is NewSimulated with the chain also served over JSON-RPC
// (eth, net, web3) on host, a port picked at random, so that other processes
// (meadow buyer pay, meadow node claim, a coordinator started as a process)
// reach it as they would a production endpoint. Transactions that arrive
// over JSON-RPC are mined within mineEvery; the Chain's own are mined at
// once. It returns the chain and its endpoint URL.
func NewSimulatedRPC(host string, mineEvery time.Duration, funded ...common.Address) (*Chain, string, error) {
	port, err := freeTCPPort(host)
	if err != nil {
		return nil, "", fmt.Errorf("contracts: a port for the chain's JSON-RPC on %s: %w", host, err)
	}
	c, err := newSimulated(funded, func(nc *node.Config, _ *ethconfig.Config) {
		nc.HTTPHost = host
		nc.HTTPPort = port
		nc.HTTPModules = []string{"eth", "net", "web3"}
		nc.HTTPVirtualHosts = []string{"*"}
	})
	if err != nil {
		return nil, "", err
	}
	endpoint := "http://" + net.JoinHostPort(host, strconv.Itoa(port))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(mineEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				// Mine only when something waits, so that an idle dev
				// network does not grow a block every tick.
				if n, err := c.sim.Client().PendingTransactionCount(ctx); err == nil && n > 0 {
					c.Mine()
				}
			}
		}
	}()
	closeSim := c.closer
	c.closer = func() {
		cancel()
		<-done
		closeSim()
	}
	return c, endpoint, nil
}

// freeTCPPort asks the system for a free port on host.
func freeTCPPort(host string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
