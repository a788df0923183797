//go:build !nodeonly

package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/coord"
)

func newCheckerCmd(a *app) *cobra.Command {
	var (
		obj                  coord.ObjectStoreConfig
		addr, dataDir, token string
	)
	cmd := &cobra.Command{
		Use:   "checker",
		Short: "Check presigned uploads for the coordinators, so that they only record them",
		Long: `Run a checker: a stateless process that does the byte work of a presigned
upload's check for the coordinators of a cluster whose blobs are in an object
store. It reads the staged object back from the bucket, checks its size and
SHA-256, every accepted row and every row's signature, drops rows that were not
accepted, and puts the blob under its name; the coordinator that asked then only
records it through Raft. It keeps no state: run as many as the uploads need,
near the bucket, and name them to every coordinator with --checker. A
coordinator checks uploads itself when none answers.

It needs the cluster's object store flags, as the coordinators have them, and
their --cluster-token (also MEADOW_CLUSTER_TOKEN): it answers no one else.`,
		Example: `  meadow checker --http-addr 10.0.0.9:8090 --data-dir /var/lib/meadow/checker \
    --object-store-endpoint s3.internal:9000 --object-store-bucket meadow --object-store-prefix meadow/
  meadow coord ... --object-store-endpoint s3.internal:9000 --object-store-bucket meadow --checker http://10.0.0.9:8090`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if addr == "" {
				return usageError(errors.New("--http-addr: expected the host:port the checker listens on"))
			}
			k, err := coord.NewChecker(coord.CheckerConfig{ObjectStore: &obj, DataDir: dataDir, ClusterToken: token, Logger: a.logger.With("checker", addr)})
			if err != nil {
				if errors.Is(err, coord.ErrInvalid) {
					return usageError(flagNamed(cmd, err))
				}
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			srv := &http.Server{Handler: k.Handler(), ReadHeaderTimeout: 10 * time.Second}
			go func() {
				<-ctx.Done()
				sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = srv.Shutdown(sctx)
			}()
			a.logger.Info("checker listening", "http", ln.Addr().String())
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "http-addr", "", "host:port the checker listens on (the coordinators' --checker names it)")
	f.StringVar(&dataDir, "data-dir", "", "directory for the files a check spools (DATA-DIR/uploads)")
	f.StringVar(&token, "cluster-token", "", "the coordinators' shared secret (also MEADOW_CLUSTER_TOKEN, which keeps it out of the process list): the checker answers only requests that carry it")
	objectStoreFlags(f, &obj)
	return cmd
}
