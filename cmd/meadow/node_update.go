package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/node"
	"github.com/meadow-net/meadow/release"
)

// updateInterval is how often a running node asks for a new release: a
// release is rare, and every node of the network asks.
const updateInterval = 6 * time.Hour

// currentExecutable is this binary's path with links resolved: the file an
// update replaces.
func currentExecutable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(exe)
}

// releaseDev reports whether v is not a release version (a "dev" build
// from source), which never updates itself.
func releaseDev(v string) bool { return release.ParseVersion(v) == nil }

// dirWritable reports whether a file can be created in dir.
func dirWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".meadow-write-check-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// runNode runs the node and, where the network names a release key, checks
// for releases at start and every updateInterval, telling the dashboard.
// With auto-update on, a newer release is installed; the node then stops
// as on Ctrl-C (in-flight tasks finish) and the process re-executes the new
// binary in place (same process id, so systemd and a terminal alike keep
// it). Where re-executing is impossible (Windows) the process exits with
// an error saying to start it again; a service manager restarts it.
func runNode(ctx context.Context, a *app, n *node.Node, netw *api.Network, auto bool) error {
	if netw == nil || netw.ReleaseSigner == ([20]byte{}) {
		return n.Run(ctx)
	}
	exe, err := currentExecutable()
	if err != nil {
		return n.Run(ctx)
	}
	u := &node.Updater{Coordinators: netw.Coordinators, Signer: netw.ReleaseSigner, Version: version, Executable: exe, HTTP: coordClient(a.coordRoots, 10*time.Minute)}
	if releaseDev(version) && auto {
		a.logger.Info("auto-update is on, but this build has no release version: it never updates itself", "version", version)
		auto = false
	}
	nctx, stop := context.WithCancel(ctx)
	defer stop()
	updated := make(chan error, 1)
	go func() {
		err := u.Watch(nctx, updateInterval, auto, func(s node.UpdateStatus) {
			n.SetUpdate(s)
			switch {
			case s.Error != "":
				a.logger.Warn("update check", "err", s.Error)
			case s.Available:
				a.logger.Info("a new release is available", "version", s.Latest, "running", s.Current, "auto_update", s.Auto)
			}
		})
		updated <- err
		if errors.Is(err, node.ErrUpdated) {
			stop()
		}
	}()
	runErr := n.Run(nctx)
	stop()
	if werr := <-updated; errors.Is(werr, node.ErrUpdated) && ctx.Err() == nil {
		a.logger.Info("installed a new release; restarting into it", "update", werr, "executable", exe, "previous", exe+node.OldSuffix)
		if err := syscall.Exec(exe, os.Args, os.Environ()); err != nil {
			return fmt.Errorf("installed the new release in %s, but could not restart into it (%v): start "+nodeCmd+" again", exe, err)
		}
	}
	return runErr
}

func newNodeUpdateCmd(a *app) *cobra.Command {
	var network string
	var apply, rollback bool
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Check for a new release now; --apply installs it, --rollback restores the previous binary",
		Long: `Ask the network's coordinators for the current release, check its signature
against the network file's release key, and say whether it is newer than this
binary. --apply downloads this platform's archive, checks its hash against the
signed SHA256SUMS, and puts its binary in place of this one (the old one is
kept as NAME.old); restart a running node to run it. --rollback puts NAME.old
back. A node installed by a package is updated by upgrading the package.`,
		Example: `  meadow node update --config ~/.meadow/node.toml
  meadow node update --network network.json --apply
  meadow node update --rollback`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if apply && rollback {
				return usageError(errors.New("--apply and --rollback: expected one of them"))
			}
			exe, err := currentExecutable()
			if err != nil {
				return fmt.Errorf("finding this binary: %w", err)
			}
			if rollback {
				if err := node.Rollback(exe); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "restored the previous binary in %s; restart a running node to run it\n", exe)
				return nil
			}
			nf, _, err := a.nodeSettings(cmd)
			if err != nil {
				return err
			}
			path := setting(cmd.Flags(), nf, "network")
			if path == "" {
				dataDir := setting(cmd.Flags(), nf, "data-dir")
				if dataDir == "" {
					dataDir = defaultNodeDataDir()
				}
				path = initNetworkCopy(dataDir)
			}
			if path == "" {
				return usageError(errors.New("--network: expected the network file (or --config with network = FILE)"))
			}
			netw, err := api.LoadNetwork(path)
			if err != nil {
				return usageError(fmt.Errorf("--network: %w", err))
			}
			a.trustNetworkCA(netw)
			u := &node.Updater{Coordinators: netw.Coordinators, Signer: netw.ReleaseSigner, Version: version, Executable: exe, HTTP: coordClient(a.coordRoots, 10*time.Minute)}
			ctx, cancel := context.WithTimeout(cmdContext(cmd), 15*time.Minute)
			defer cancel()
			r, err := u.Check(ctx)
			if err != nil {
				return err
			}
			res := struct {
				Current   string `json:"current"`
				Latest    string `json:"latest"`
				Available bool   `json:"available"`
				Applied   bool   `json:"applied"`
				Archive   string `json:"archive"`
			}{Current: version, Latest: r.Version, Available: r.Newer, Archive: r.Archive}
			if apply {
				if releaseDev(version) {
					return usageError(fmt.Errorf("this is a %s build, not a release: it is not replaced by one (install the release by hand)", version))
				}
				if r.Newer {
					if err := u.Apply(ctx, r); err != nil {
						return err
					}
					res.Applied = true
				}
			}
			if a.jsonOut {
				return a.printJSON(res)
			}
			switch {
			case res.Applied:
				fmt.Fprintf(a.stdout, "installed %s in %s (was %s, kept as %s); restart a running node to run it\n", r.Version, exe, version, exe+node.OldSuffix)
			case r.Newer:
				fmt.Fprintf(a.stdout, "%s is available (this is %s, signed by %s); install it with "+nodeCmd+" update --apply\n", r.Version, version, netw.ReleaseSigner.Hex())
			default:
				fmt.Fprintf(a.stdout, "up to date: this is %s, the network's release is %s\n", version, r.Version)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&network, "network", "", "the network file (default: the node's setting, else the copy "+nodeCmd+" init keeps in the data dir)")
	f.String("data-dir", "", "the node's data dir, where init keeps its copy of the network file (default: the node's setting, else ~/.meadow)")
	f.BoolVar(&apply, "apply", false, "install the new release now")
	f.BoolVar(&rollback, "rollback", false, "put the binary kept by the last update (NAME.old) back")
	return cmd
}
