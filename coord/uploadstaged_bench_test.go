package coord_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
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
//
// uploadBench is a one-member cluster whose blobs are in a fresh bucket
// of its own gateway, with two registered nodes, and node 0's client.
type uploadBench struct {
	srv    *s3test.Server
	store  *coord.ObjectStoreConfig
	leader *coordtest.Member
	cl     *api.Client
	key    *ecdsa.PrivateKey
	salt   int
}

const uploadBenchSize = 16 << 20

// newUploadBench starts it; edit, when not nil, edits the member's config
// (the store already set).
func newUploadBench(b *testing.B, edit func(store *coord.ObjectStoreConfig, cfg *coord.Config)) *uploadBench {
	srv := s3test.Start(b)
	store := &coord.ObjectStoreConfig{Endpoint: srv.Endpoint, Bucket: srv.NewBucket(b), Prefix: "meadow/", AccessKey: s3test.AccessKey, SecretKey: s3test.SecretKey}
	c := coordtest.NewTestCluster(b, 1, coordtest.WithConfig(func(_ int, cfg *coord.Config) {
		// The "proxied" path is measured: the member must take it.
		cfg.ObjectStore, cfg.ProxyUploads = store, true
		if edit != nil {
			edit(store, cfg)
		}
	}))
	leader := c.WaitLeader()
	for i := range 2 {
		if _, err := leader.C.RegisterNode(context.Background(), reg(i)); err != nil {
			b.Fatal(err)
		}
	}
	k, _ := testNodeKeys.Load(addr(0))
	key := k.(*ecdsa.PrivateKey)
	cl, err := api.NewClient(api.ClientConfig{Coordinators: []string{"http://" + leader.Config.HTTPAddr}, Key: key, Domain: api.DevDomain()})
	if err != nil {
		b.Fatal(err)
	}
	return &uploadBench{srv: srv, store: store, leader: leader, cl: cl, key: key}
}

// prepare makes a verified task whose blob, signed by node 0, it writes to
// a file: the upload's bytes.
func (e *uploadBench) prepare(b *testing.B, textBytes int) (api.Upload, string) {
	ctx := context.Background()
	leader := e.leader
	e.salt++
	job, err := leader.C.SubmitJob(ctx, crypto.PubkeyToAddress(e.key.PublicKey), api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/x"}}})
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
	data, hs := benchBlob(b, e.key, uploadBenchSize/textBytes, textBytes, e.salt)
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

// proxied is PUT /v1/node/upload.
func (e *uploadBench) proxied(b *testing.B, up api.Upload, path string) {
	env, err := e.cl.Sign(api.MethodUpload, up)
	if err != nil {
		b.Fatal(err)
	}
	hdr, _ := env.Header()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	req, _ := http.NewRequest(http.MethodPut, "http://"+e.leader.Config.HTTPAddr+"/v1/node/upload", f)
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

// presigned is an upload URL, the PUT to the store, and the report.
func (e *uploadBench) presigned(b *testing.B, up api.Upload, path string) {
	ctx := context.Background()
	var u api.UploadURL
	if err := e.cl.Post(ctx, api.MethodUploadURL, api.RouteUploadURL, up, &u); err != nil || u.URL == "" {
		b.Fatalf("upload URL: %+v %v", u, err)
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := api.PutPresigned(ctx, http.DefaultClient, u, up.Size, f); err != nil {
		b.Fatal(err)
	}
	var res api.UploadResponse
	if err := e.cl.Post(ctx, api.MethodUploadStaged, api.RouteUploadStaged, up, &res); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkUploadPath(b *testing.B) {
	e := newUploadBench(b, nil)
	leader, store, ctx := e.leader, e.store, context.Background()
	const size = uploadBenchSize
	prepare, proxied, presigned := e.prepare, e.proxied, e.presigned
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

// BenchmarkUploadChecker is BenchmarkUploadPath's presigned upload with a
// checker (coord/checker.go: `meadow checker`, built here and run as a
// process of its own) doing the check for the member, which then only
// records the blob. cpu-s/GB is this process's CPU per GB uploaded (the
// member's and the uploader's PUT, about 0.14 of it); checker-cpu-s/GB the
// checker process's.
//
//	go test ./coord -run '^$' -bench UploadChecker -benchtime 4x
func BenchmarkUploadChecker(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "meadow")
	build := exec.Command("go", "build", "-o", bin, "github.com/meadow-net/meadow/cmd/meadow")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		b.Fatalf("go build ./cmd/meadow: %v", err)
	}
	var checker *exec.Cmd
	var checkerURL string
	e := newUploadBench(b, func(store *coord.ObjectStoreConfig, cfg *coord.Config) {
		if checker == nil {
			checker, checkerURL = startCheckerProcess(b, bin, store, cfg.ClusterToken)
		}
		cfg.Checkers = []string{checkerURL}
	})
	// What the process spends idle (the member's timers, the console's
	// sampler): part of every timed upload, reported apart.
	c0 := benchCPU(b)
	time.Sleep(3 * time.Second)
	idle := (benchCPU(b) - c0).Seconds() / 3
	for _, textBytes := range []int{2 << 10, 16 << 10} {
		b.Run(fmt.Sprintf("text=%dKiB/presigned-checker", textBytes>>10), func(b *testing.B) {
			var cpu, checkerCPU, wall time.Duration
			n := 0
			for b.Loop() {
				b.StopTimer()
				up, path := e.prepare(b, textBytes)
				b.StartTimer()
				t0, c0, k0 := time.Now(), benchCPU(b), procCPU(b, checker.Process.Pid)
				e.presigned(b, up, path)
				cpu += benchCPU(b) - c0
				checkerCPU += procCPU(b, checker.Process.Pid) - k0
				wall += time.Since(t0)
				n++
			}
			gb := float64(n) * uploadBenchSize / 1e9
			b.ReportMetric(gb*1e3/wall.Seconds(), "MB/s")
			b.ReportMetric(cpu.Seconds()/gb, "cpu-s/GB")
			b.ReportMetric(checkerCPU.Seconds()/gb, "checker-cpu-s/GB")
			b.ReportMetric(idle, "idle-cpu-s/s")
		})
	}
	if got := e.leader.C.PresignedUploads(); got == 0 {
		b.Fatal("no presigned upload was recorded")
	}
}

// startCheckerProcess runs `bin checker` on store with token, on a free
// loopback port, until the benchmark ends.
func startCheckerProcess(b *testing.B, bin string, store *coord.ObjectStoreConfig, token string) (*exec.Cmd, string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "checker", "--http-addr", addr, "--data-dir", b.TempDir(),
		"--object-store-endpoint", store.Endpoint, "--object-store-bucket", store.Bucket, "--object-store-prefix", store.Prefix)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+store.AccessKey, "AWS_SECRET_ACCESS_KEY="+store.SecretKey, "MEADOW_CLUSTER_TOKEN="+token)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	url := "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd, url
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("meadow checker did not answer: %s", out.String())
		}
	}
}

// procCPU is process pid's user and system CPU time so far (Linux's
// /proc/PID/stat, in clock ticks of 1/100 s).
func procCPU(b *testing.B, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after its closing parenthesis (utime and stime are fields 14 and 15).
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	var ut, st int64
	fmt.Sscan(f[11], &ut)
	fmt.Sscan(f[12], &st)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
