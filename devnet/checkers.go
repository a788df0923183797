package devnet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/meadow-net/meadow/coord"
)

// Checkers (coord/checker.go): with Config.Checkers set, the network runs
// that many `meadow checker`s beside an object store, as processes of
// Config.CoordBinary when the coordinators are processes and in this
// process otherwise, and names them to every coordinator, which then only
// records presigned uploads while the checkers read them back and check
// them.

// startCheckers starts Config.Checkers checkers on the network's object
// store and keeps their base URLs for the coordinators.
func (n *Network) startCheckers(ctx context.Context) error {
	if n.cfg.Checkers == 0 {
		return nil
	}
	if n.objectStore == nil {
		return errors.New("devnet: checkers: expected an object store (checkers read staged uploads from the bucket)")
	}
	for i := range n.cfg.Checkers {
		id := fmt.Sprintf("checker%d", i+1)
		dir := filepath.Join(n.dir, id)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("devnet: %s: %w", id, err)
		}
		if n.ProcessMode() {
			env := append(childEnviron(os.Environ()), "MEADOW_CLUSTER_TOKEN="+n.token)
			args, penv := objectStoreArgs([]string{"checker", "--log-level", "info", "--data-dir", dir}, env, n.objectStore)
			p := &coordProc{bin: n.cfg.CoordBinary, id: id, dir: dir, logPath: filepath.Join(dir, "checker.log"),
				args: args, env: penv, log: n.log.With("checker", id), checker: true}
			n.checkerProcs = append(n.checkerProcs, p)
			if err := p.startNew(ctx); err != nil {
				return fmt.Errorf("devnet: %s: %w", id, err)
			}
			n.checkerURLs = append(n.checkerURLs, p.url())
			continue
		}
		k, err := coord.NewChecker(coord.CheckerConfig{ObjectStore: n.objectStore, DataDir: dir, ClusterToken: n.token, Logger: n.log.With("checker", id)})
		if err != nil {
			return fmt.Errorf("devnet: %s: %w", id, err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("devnet: %s: %w", id, err)
		}
		srv := &http.Server{Handler: k.Handler(), ReadHeaderTimeout: 5 * time.Second}
		go srv.Serve(ln)
		n.checkerSrvs = append(n.checkerSrvs, srv)
		n.checkerURLs = append(n.checkerURLs, "http://"+ln.Addr().String())
	}
	n.log.Info("checkers started", "urls", n.checkerURLs)
	return nil
}

// stopCheckers stops them, after the coordinators.
func (n *Network) stopCheckers() {
	for _, p := range n.checkerProcs {
		p.stop(10 * time.Second)
	}
	for _, s := range n.checkerSrvs {
		s.Close()
	}
}

// CheckerURLs are the checkers' base URLs (none without Config.Checkers).
func (n *Network) CheckerURLs() []string { return n.checkerURLs }
