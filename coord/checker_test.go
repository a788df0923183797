package coord_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/blob/s3test"
)

// With checkers (meadow checker), a presigned upload's byte work (reading
// the staged object back, row hashes, row signatures, the rewrite of a blob
// with rows not accepted) runs on the checker, and the member only records
// the blob: every outcome of TestPresignedUpload* holds through it, a
// refusal names the same field, and with the checker gone the member checks
// itself.
func TestPresignedUploadChecker(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	const token = "test-cluster-token"
	k, err := coord.NewChecker(coord.CheckerConfig{ObjectStore: stagedStore(srv, bucket), DataDir: t.TempDir(), ClusterToken: token})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(k.Handler())
	defer hs.Close()
	s := newStagedClusterOn(t, srv, bucket, func(cfg *coord.Config) {
		cfg.ClusterToken = token
		cfg.Checkers = []string{hs.URL}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	stage := func(t *testing.T, node int) (string, api.Upload, *api.Client) {
		t.Helper()
		task, leases, blobs := s.verified(t)
		up := uploadOf(task, leases[node], blobs[node])
		cl := s.nodeClient(t, node)
		var u api.UploadURL
		if err := cl.Post(ctx, api.MethodUploadURL, api.RouteUploadURL, up, &u); err != nil {
			t.Fatal(err)
		}
		if code := putURL(t, u, blobs[node]); code != http.StatusOK {
			t.Fatalf("PUT: %d", code)
		}
		return task, up, cl
	}

	t.Run("every row kept", func(t *testing.T) {
		task, up, cl := stage(t, 1)
		var res api.UploadResponse
		if err := cl.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res); err != nil || res.Rows != 20 {
			t.Fatalf("report: %+v %v", res, err)
		}
		if tk, _ := s.c.WaitLeader().C.Task(task); tk.Blob == nil || tk.Blob.SHA256 != up.SHA256 {
			t.Fatalf("blob %+v: want the staged bytes", tk.Blob)
		}
		if k.Checked() != 1 {
			t.Fatalf("the checker checked %d uploads, want 1", k.Checked())
		}
	})

	t.Run("a row not accepted is dropped by the checker", func(t *testing.T) {
		task, up, cl := stage(t, 0)
		var res api.UploadResponse
		if err := cl.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res); err != nil || res.Rows != 20 {
			t.Fatalf("report: %+v %v", res, err)
		}
		tk, _ := s.c.WaitLeader().C.Task(task)
		if tk.Blob == nil || tk.Blob.SHA256 == up.SHA256 {
			t.Fatalf("blob %+v: want the rewritten stream", tk.Blob)
		}
		if got, ok := s.c.WaitLeader().C.BlobBytes(tk.Blob.SHA256); !ok || len(got) != int(tk.Blob.Size) {
			t.Fatalf("the rewritten blob is not in the bucket (%d bytes read)", len(got))
		}
	})

	t.Run("a changed staged object is refused through the checker", func(t *testing.T) {
		task, up, cl := stage(t, 1)
		keys := s.keys(t, "meadow/uploads/")
		if len(keys) != 1 {
			t.Fatalf("staged: %v", keys)
		}
		p := filepath.Join(srv.Root, bucket, keys[0])
		bad, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		bad[len(bad)/2] ^= 0xff
		if err := os.WriteFile(p, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		var res api.UploadResponse
		err = cl.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res)
		if fe := (*api.RemoteError)(nil); !errors.As(err, &fe) || fe.Field != "body.sha256" || fe.Status != http.StatusBadRequest {
			t.Fatalf("report of a changed object: %v, want a 400 naming body.sha256", err)
		}
		if tk, _ := s.c.WaitLeader().C.Task(task); tk.Blob != nil {
			t.Fatal("a blob was recorded")
		}
		if left := s.keys(t, "meadow/uploads/"); len(left) != 0 {
			t.Fatalf("the refused staged object was left: %v", left)
		}
	})

	if got := s.metric(t, false, "meadow_uploads_checked_by_checker_total") + s.metric(t, true, "meadow_uploads_checked_by_checker_total"); got != 2 {
		t.Fatalf("meadow_uploads_checked_by_checker_total over the members = %v, want 2", got)
	}

	t.Run("the checker refuses a caller without the token", func(t *testing.T) {
		for _, tok := range []string{"", "wrong"} {
			req, _ := http.NewRequest(http.MethodPost, hs.URL+coord.RouteCheckStaged, strings.NewReader("{}\n"))
			if tok != "" {
				req.Header.Set(blob.TokenHeader, tok)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("token %q: %d, want 401", tok, resp.StatusCode)
			}
		}
		req, _ := http.NewRequest(http.MethodPost, hs.URL+coord.RouteCheckStaged, bytes.NewReader([]byte(`{"accepted": -1}`+"\n")))
		req.Header.Set(blob.TokenHeader, token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("a malformed request: %d, want 400", resp.StatusCode)
		}
	})

	t.Run("with the checker gone, the member checks itself", func(t *testing.T) {
		hs.Close()
		task, up, cl := stage(t, 1)
		var res api.UploadResponse
		if err := cl.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res); err != nil || res.Rows != 20 {
			t.Fatalf("report: %+v %v", res, err)
		}
		if tk, _ := s.c.WaitLeader().C.Task(task); tk.Blob == nil {
			t.Fatal("no blob recorded")
		}
		if got := s.metric(t, false, "meadow_uploads_checked_without_checker_total") + s.metric(t, true, "meadow_uploads_checked_without_checker_total"); got != 1 {
			t.Fatalf("meadow_uploads_checked_without_checker_total = %v, want 1", got)
		}
	})
}

// A checker needs the bucket, a directory and the token; a member's
// checkers need an object store and http(s) base URLs.
func TestCheckerConfig(t *testing.T) {
	store := &coord.ObjectStoreConfig{Endpoint: "127.0.0.1:1", Bucket: "meadow", AccessKey: "a", SecretKey: "b"}
	for _, tt := range []struct {
		name string
		cfg  coord.CheckerConfig
		want string
	}{
		{name: "no store", cfg: coord.CheckerConfig{DataDir: "d", ClusterToken: "t"}, want: "object_store"},
		{name: "no dir", cfg: coord.CheckerConfig{ObjectStore: store, ClusterToken: "t"}, want: "data_dir"},
		{name: "no token", cfg: coord.CheckerConfig{ObjectStore: store, DataDir: "d"}, want: "cluster_token"},
	} {
		if _, err := coord.NewChecker(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error naming %s", tt.name, err, tt.want)
		}
	}
	for _, tt := range []struct {
		name     string
		store    *coord.ObjectStoreConfig
		checkers []string
		want     string
	}{
		{name: "checkers without a store", checkers: []string{"http://127.0.0.1:9"}, want: "config.checker"},
		{name: "not a URL", store: store, checkers: []string{"127.0.0.1:9"}, want: "config.checker[0]"},
		{name: "a path", store: store, checkers: []string{"http://127.0.0.1:9/x"}, want: "config.checker[0]"},
		{name: "ftp", store: store, checkers: []string{"ftp://127.0.0.1:9"}, want: "config.checker[0]"},
		{name: "proxy uploads without a store", want: "config.proxy_uploads"},
	} {
		cfg := coord.DefaultConfig()
		cfg.ID, cfg.DataDir, cfg.RaftAddr, cfg.HTTPAddr = "c1", t.TempDir(), "127.0.0.1:0", "127.0.0.1:0"
		cfg.ObjectStore, cfg.Checkers = tt.store, tt.checkers
		cfg.ProxyUploads = tt.store == nil && tt.checkers == nil
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error naming %s", tt.name, err, tt.want)
		}
	}
}
