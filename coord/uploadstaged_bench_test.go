package coord_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/blob"
	"github.com/meadow-net/meadow/coord/blob/s3test"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
)

// BenchmarkUploadPath is a node's upload of a verified task's 16 MiB blob
// of signed crawl rows to a coordinator whose blobs are in the object store
// (the gateway, a separate process), from the first byte sent to the
// answer: "proxied", PUT /v1/node/upload, the bytes through the leader,
// which spools, checks (keepAccepted) and S3.Puts them; "presigned", an
// upload URL, the PUT straight to the store, and the report, on which the
// leader reads the staged object back, checks it the same way and copies it
// server-side; "leader-record", what is left to the leader when a
// follower checked the upload: a HEAD of the blob and its Raft command
// (the follower's call to /v1/cluster/blob-stored). cpu-s/GB is this
// process's CPU per GB uploaded: the checking member's plus the uploader's
// (about 0.14 cpu-s/GB for a presigned PUT, BenchmarkStagedPut). Rows of
// 2 KiB and 16 KiB of page text.
//
//	go test ./coord -run '^$' -bench UploadPath -benchtime 4x
func BenchmarkUploadPath(b *testing.B) {
	srv := s3test.Start(b)
	store := &coord.ObjectStoreConfig{Endpoint: srv.Endpoint, Bucket: srv.NewBucket(b), Prefix: "meadow/", AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey}
	c := coordtest.NewTestCluster(b, 1, coordtest.WithConfig(func(_ int, cfg *coord.Config) { cfg.ObjectStore = store }))
	leader := c.WaitLeader()
	ctx := context.Background()
	for i := range 2 {
		if _, err := leader.C.RegisterNode(ctx, reg(i)); err != nil {
			b.Fatal(err)
		}
	}
	k, _ := testNodeKeys.Load(addr(0))
	key := k.(*ecdsa.PrivateKey)
	cl, err := api.NewClient(api.ClientConfig{Coordinators: []string{"http://" + leader.Config.HTTPAddr}, Key: key, Domain: api.DevDomain()})
	if err != nil {
		b.Fatal(err)
	}
	buyer := crypto.PubkeyToAddress(key.PublicKey)
	const size = 16 << 20
	salt := 0
	// prepare makes a verified task whose blob, signed by node 0, it
	// writes to a file: the upload's bytes.
	prepare := func(b *testing.B, textBytes int) (api.Upload, string) {
		salt++
		job, err := leader.C.SubmitJob(ctx, buyer, api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/x"}}})
		if err != nil {
			b.Fatal(err)
		}
		task := job.ID + ".t000000"
		leases, errs, err := leader.C.GrantLeases(ctx, []state.Grant{
			{TaskID: task, Node: addr(0), Deadline: leader.C.Now() + 600_000},
			{TaskID: task, Node: addr(1), Deadline: leader.C.Now() + 600_000},
		})
		if err != nil || errs[0] != nil || errs[1] != nil {
			b.Fatalf("grants: %v %v", err, errs)
		}
		data, hs := benchBlob(b, key, size/textBytes, textBytes, salt)
		for _, l := range leases {
			if _, err := leader.C.Commit(ctx, l.Node, api.Commitment{TaskID: task, LeaseID: l.ID, Root: root(hs), Rows: int64(len(hs))}); err != nil {
				b.Fatal(err)
			}
			if _, err := leader.C.Reveal(ctx, l.Node, api.Reveal{TaskID: task, LeaseID: l.ID, RowHashes: hs}); err != nil {
				b.Fatal(err)
			}
		}
		path := filepath.Join(b.TempDir(), "blob")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			b.Fatal(err)
		}
		return api.Upload{TaskID: task, LeaseID: leases[0].ID, SHA256: api.Hash(sha256.Sum256(data)), Size: int64(len(data))}, path
	}
	proxied := func(b *testing.B, up api.Upload, path string) {
		env, err := cl.Sign(api.MethodUpload, up)
		if err != nil {
			b.Fatal(err)
		}
		hdr, _ := env.Header()
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		req, _ := http.NewRequest(http.MethodPut, "http://"+leader.Config.HTTPAddr+"/v1/node/upload", f)
		req.ContentLength = up.Size
		req.Header.Set(api.EnvelopeHeader, hdr)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("proxied upload: %d %s", resp.StatusCode, msg)
		}
	}
	presigned := func(b *testing.B, up api.Upload, path string) {
		var u api.UploadURL
		if err := cl.Post(ctx, api.MethodUploadURL, api.RouteUploadURL, up, &u); err != nil || u.URL == "" {
			b.Fatalf("upload URL: %+v %v", u, err)
		}
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		req, _ := http.NewRequest(http.MethodPut, u.URL, f)
		for k, v := range u.Headers {
			req.Header.Set(k, v)
		}
		req.Header.Del("Content-Length")
		req.ContentLength = up.Size
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("PUT: %d", resp.StatusCode)
		}
		var res api.UploadResponse
		if err := cl.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res); err != nil {
			b.Fatal(err)
		}
	}
	// recordOnly is what the leader does for an upload a follower
	// checked: the blob is put in the bucket beforehand (untimed, as the
	// follower would), and the timed part is the follower's call to the
	// leader's routeBlobStored (a HEAD and a Raft command).
	s3, err := blob.NewS3(blob.S3Config{Endpoint: store.Endpoint, Bucket: store.Bucket, Prefix: store.Prefix, AccessKey: store.AccessKey, SecretKey: store.SecretKey, SpoolDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	var recordRows int64
	recordOnly := func(b *testing.B, up api.Upload, path string) {
		body, _ := json.Marshal(state.StoredBlob{TaskID: up.TaskID, LeaseID: up.LeaseID, SHA256: up.SHA256, Size: up.Size, Rows: recordRows})
		req, _ := http.NewRequest(http.MethodPost, "http://"+leader.Config.HTTPAddr+"/v1/cluster/blob-stored", bytes.NewReader(body))
		req.Header.Set(blob.TokenHeader, leader.Config.ClusterToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("record: %d %s", resp.StatusCode, msg)
		}
	}
	for _, textBytes := range []int{2 << 10, 16 << 10} {
		for _, mode := range []struct {
			name   string
			upload func(*testing.B, api.Upload, string)
		}{{"proxied", proxied}, {"presigned", presigned}, {"leader-record", recordOnly}} {
			b.Run(fmt.Sprintf("text=%dKiB/%s", textBytes>>10, mode.name), func(b *testing.B) {
				var cpu, wall time.Duration
				n := 0
				for b.Loop() {
					b.StopTimer()
					up, path := prepare(b, textBytes)
					if mode.name == "leader-record" {
						f, err := os.Open(path)
						if err != nil {
							b.Fatal(err)
						}
						if _, err := s3.Put(ctx, f, dataset.Hash(up.SHA256), 0); err != nil {
							b.Fatal(err)
						}
						f.Close()
						recordRows = int64(size / textBytes)
					}
					b.StartTimer()
					t0, c0 := time.Now(), benchCPU(b)
					mode.upload(b, up, path)
					cpu += benchCPU(b) - c0
					wall += time.Since(t0)
					n++
				}
				gb := float64(n) * size / 1e9
				b.ReportMetric(gb*1e3/wall.Seconds(), "MB/s")
				b.ReportMetric(cpu.Seconds()/gb, "cpu-s/GB")
			})
		}
	}
}

// benchCPU is this process's user and system CPU time so far.
func benchCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchBlob is an Arrow stream of n crawl rows of textBytes of text signed
// by key, salted so that every call makes another blob, and the rows'
// hashes.
func benchBlob(b *testing.B, key *ecdsa.PrivateKey, n, textBytes, salt int) ([]byte, []api.Hash) {
	b.Helper()
	node := strings.ToLower(crypto.PubkeyToAddress(key.PublicKey).Hex())
	s, err := dataset.CrawlSchema(nil)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := dataset.NewWriter(&buf, dataset.FormatArrowStream, s)
	if err != nil {
		b.Fatal(err)
	}
	h, err := dataset.NewHasher(s)
	if err != nil {
		b.Fatal(err)
	}
	words := strings.Repeat("meadow rows are checked one by one ", textBytes/35+1)[:textBytes]
	rows := make([]dataset.Row, n)
	for i := range rows {
		u := fmt.Sprintf("https://a.example/%d/%d", salt, i)
		rows[i] = dataset.CrawlRow(s, dataset.Page{URL: u, FinalURL: u, Status: 200, ContentType: "text/html", Text: fmt.Sprint(salt, " ", i, " ", words)},
			dataset.Provenance{Node: node, FetchedAt: 1})
	}
	if err := dataset.SignRows(s, rows, key); err != nil {
		b.Fatal(err)
	}
	hs := make([]api.Hash, n)
	for i, row := range rows {
		hh, err := h.Hash(row)
		if err != nil {
			b.Fatal(err)
		}
		hs[i] = api.Hash(hh)
		if err := w.Write(row); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes(), hs
}
