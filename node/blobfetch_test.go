package node

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
)

// signedBlobServer serves blobs only to requests whose Meadow-Envelope is
// a blob.get envelope naming the URL's blob and task; refuse answers every
// such request 403, as a member that has not applied the lease yet would.
// It records each request's nonce.
func signedBlobServer(t *testing.T, blobs map[api.Hash][]byte, task string, refuse bool, nonces *sync.Map, hits *atomic.Int64) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fail := func(status int, field, msg string) {
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":{"code":"forbidden","field":%q,"message":%q}}`, field, msg)
		}
		h, err := api.ParseHash(strings.TrimPrefix(r.URL.Path, routeBlob))
		if err != nil {
			fail(http.StatusBadRequest, "hash", err.Error())
			return
		}
		env, err := api.ParseEnvelopeHeader(r.Header.Get(api.EnvelopeHeader))
		if err != nil {
			fail(http.StatusUnauthorized, api.EnvelopeHeader, err.Error())
			return
		}
		var g api.BlobGet
		if _, err := env.Open(time.Now(), api.DevDomain(), api.MethodBlobGet, &g); err != nil {
			fail(http.StatusUnauthorized, api.EnvelopeHeader, err.Error())
			return
		}
		if g.Hash != h || g.TaskID != task {
			fail(http.StatusBadRequest, "body", fmt.Sprintf("body %+v: expected hash %s and task %s", g, h, task))
			return
		}
		if _, dup := nonces.LoadOrStore(env.Nonce, true); dup {
			fail(http.StatusConflict, "nonce", "replayed")
			return
		}
		b, ok := blobs[h]
		if refuse || !ok {
			fail(http.StatusForbidden, "body.task_id", "no lease here yet")
			return
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestFetchBlobSigns checks that a node fetching a compute task's input
// signs every request afresh with a blob.get envelope naming the blob and
// the task, and still moves on from a coordinator that refuses it.
func TestFetchBlobSigns(t *testing.T) {
	b, _, _ := crawlBlob(t, 0, 5)
	h := api.Hash(sha256.Sum256(b))
	blobs := map[api.Hash][]byte{h: b}
	const task = "j-1.t000000"
	var nonces sync.Map
	var refused, served atomic.Int64
	n := testNode(t,
		signedBlobServer(t, blobs, task, true, &nonces, &refused),
		signedBlobServer(t, blobs, task, false, &nonces, &served))
	for i := 0; i < 2; i++ {
		path, err := n.fetchBlob(context.Background(), task, h)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		os.Remove(path)
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("fetched %d bytes (%v), want the blob's %d", len(got), err, len(b))
		}
	}
	if refused.Load() != 2 || served.Load() != 2 {
		t.Fatalf("%d refused and %d served requests, want 2 each", refused.Load(), served.Load())
	}
	count := 0
	nonces.Range(func(any, any) bool { count++; return true })
	if count != 4 {
		t.Fatalf("%d distinct nonces over 4 requests", count)
	}
}
