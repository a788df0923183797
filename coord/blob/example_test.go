package blob_test

import (
	"bytes"
	"context"
	"log"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/dataset"
)

// This is how a coordinator wires the package: one store, one replicator
// fed from Raft membership, the handler mounted under /v1/blobs/ (never
// forwarded to the leader), and an upload acknowledged only after Replicate.
func Example() {
	reg := prometheus.NewRegistry()
	m, err := blob.NewMetrics(reg)
	if err != nil {
		log.Fatal(err)
	}
	store, err := blob.NewStore("/var/lib/meadow/blobs", blob.WithMetrics(m))
	if err != nil {
		log.Fatal(err)
	}
	cfg := blob.DefaultConfig()
	cfg.Self = "coord-1"
	cfg.Token = "the --cluster-token, the same on every coordinator"
	cfg.Metrics = m
	cfg.Peers = func() []blob.Peer { // from the Raft configuration, at call time
		return []blob.Peer{{ID: "coord-2", URL: "http://10.0.0.2:8080"}, {ID: "coord-3", URL: "http://10.0.0.3:8080"}}
	}
	rep, err := blob.NewReplicator(store, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer rep.Close()
	ctx := context.Background()
	go rep.Run(ctx) // background pushes to peers that were slow or down

	blobs := blob.NewHandler(store, blob.HandlerConfig{Token: cfg.Token, MaxSize: api.MaxBlobSize})
	srv := &fasthttp.Server{
		StreamRequestBody: true, // blobs go to disk, not memory
		Handler: func(rc *fasthttp.RequestCtx) {
			if strings.HasPrefix(string(rc.Path()), blob.PathPrefix) {
				blobs.Serve(rc)
				return
			}
			// ... the coordinator's other routes
		},
	}
	_ = srv

	// Accepting an upload: store, replicate to a majority, then commit the
	// Raft command that records the blob, then answer.
	upload := func(ctx context.Context, body []byte, h dataset.Hash) error {
		if _, err := store.Put(ctx, bytes.NewReader(body), h, api.MaxBlobSize); err != nil {
			return err // *DigestError or *SizeError: 400 or 413
		}
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := rep.Replicate(rctx, h); err != nil {
			return err // ErrNoQuorum: do not acknowledge; 503, the node retries
		}
		return nil // now commit through Raft, then acknowledge
	}
	_ = upload

	// After a restart or a join, and periodically: fetch what state says
	// this member should hold.
	var referenced []dataset.Hash // from the FSM's datasets and verified tasks
	if n, err := rep.Repair(ctx, referenced); err != nil {
		log.Printf("repaired %d blobs: %v", n, err)
	}
}
