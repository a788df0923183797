package devnet

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/compute"
	"github.com/meadow-net/meadow/dataset"
)

// TestComputeJobEndToEnd crawls the demo site's first articles and their
// near-duplicate mirrors, then runs a minhash job and an embed job over the
// crawl's dataset through three coordinators and three nodes (one faulty):
// the nodes fetch their shards' blobs from the coordinators, compute, commit,
// reveal and upload; the buyer downloads each compute dataset, verifies it
// against its manifest, checks every row against a local CPU run of the
// same kernel, and clusters the minhash rows: each mirror lands with its
// article and distinct articles stay apart. Bad compute specs are refused
// with a 4xx naming the field, and nothing is created.
func TestComputeJobEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	nw, b := startTestNetwork(ctx, t, 3, 1)
	t.Logf("network up in %s", time.Since(start).Round(time.Millisecond))

	const articles, mirrors = 24, 12
	static, _ := nw.Site.ArticleURLs(nw.SiteURL)
	urls := append(append([]string(nil), static[:articles]...), static[nw.cfg.Site.Articles:nw.cfg.Site.Articles+mirrors]...)
	crawlJob, err := b.Submit(ctx, crawlSpec(urls))
	if err != nil {
		t.Fatalf("submit crawl: %v", err)
	}
	crawl := waitJob(ctx, t, b, crawlJob.ID)
	t.Logf("crawl done at %s: %+v", time.Since(start).Round(time.Millisecond), crawl.Progress)

	dir := t.TempDir()
	crawlPath := filepath.Join(dir, "crawl.arrows")
	payJob(ctx, t, b, nw, crawlJob.ID)
	if _, err := b.Download(ctx, crawl.Dataset, api.FormatArrow, crawlPath); err != nil {
		t.Fatalf("download the crawl: %v", err)
	}
	crawlSchema, crawlRows, crawlHashes := readRows(t, crawlPath)
	if len(crawlRows) < articles+mirrors-4 {
		t.Fatalf("the crawl kept %d of %d pages", len(crawlRows), articles+mirrors)
	}
	urlOf := map[string]string{} // source hash (as a string of bytes) → URL
	for i, r := range crawlRows {
		urlOf[string(crawlHashes[i][:])] = r[crawlSchema.Index(dataset.ColURL)].(string)
	}

	t.Run("BadInput", func(t *testing.T) { testComputeBadInput(ctx, t, nw, b, crawl.Dataset, static[articles:articles+20]) })

	// Both compute jobs at once; shards of 7 rows span the crawl's blobs of
	// 10, so parts start mid-blob.
	jobs := map[string]api.ComputeSpec{
		api.KernelMinHash: {Input: crawl.Dataset, Kernel: api.KernelMinHash, ShardRows: 7},
		api.KernelEmbed:   {Input: crawl.Dataset, Kernel: api.KernelEmbed, ShardRows: 7},
	}
	ids := map[string]string{}
	for k, spec := range jobs {
		job, err := b.Submit(ctx, api.JobSpec{Kind: api.JobCompute, Name: k + " of the demo crawl", Compute: &spec})
		if err != nil {
			t.Fatalf("submit %s: %v", k, err)
		}
		ids[k] = job.ID
	}
	var rejected int64
	out := map[string][]dataset.Row{}
	var minhashSchema dataset.Schema
	for _, k := range []string{api.KernelMinHash, api.KernelEmbed} {
		st := waitJob(ctx, t, b, ids[k])
		t.Logf("%s done at %s: %+v", k, time.Since(start).Round(time.Millisecond), st.Progress)
		rejected += st.Progress.RowsRejected
		if st.Progress.Tasks.Inconclusive != 0 {
			t.Errorf("%s: %d inconclusive tasks", k, st.Progress.Tasks.Inconclusive)
		}
		m, _, err := b.Manifest(ctx, st.Dataset)
		if err != nil {
			t.Fatal(err)
		}
		if m.Kind != dataset.KindCompute || m.TotalRows != int64(len(crawlRows)) {
			t.Fatalf("%s: manifest of kind %s with %d rows; want compute with the crawl's %d", k, m.Kind, m.TotalRows, len(crawlRows))
		}
		path := filepath.Join(dir, k+".arrows")
		payJob(ctx, t, b, nw, ids[k])
		if _, err := b.Download(ctx, st.Dataset, api.FormatArrow, path); err != nil {
			t.Fatalf("download %s: %v", k, err)
		}
		rep, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: m})
		if err != nil {
			t.Fatalf("verify the %s dataset: %v", k, err)
		}
		if rep.Rows != m.TotalRows {
			t.Fatalf("%s: verified %d rows, want %d", k, rep.Rows, m.TotalRows)
		}
		schema, rows, _ := readRows(t, path)
		checkAgainstCPU(t, jobs[k], schema, rows, crawlSchema, crawlRows, crawlHashes)
		if k == api.KernelMinHash {
			minhashSchema = schema
		}
		out[k] = rows
	}
	t.Logf("compute rows rejected (the faulty node's): %d", rejected)

	// Near-duplicates: join the minhash rows to their pages by source hash.
	ms, err := compute.Cluster(minhashSchema, out[api.KernelMinHash])
	if err != nil {
		t.Fatal(err)
	}
	hi := minhashSchema.Index(dataset.ColSourceHash)
	article := map[string]int{}      // cluster id → the article number its pages share
	clusterOf := map[string]string{} // URL → cluster id
	for i, r := range out[api.KernelMinHash] {
		u, ok := urlOf[string(r[hi].([]byte))]
		if !ok {
			t.Fatalf("minhash row %d: source hash %x is no row of the input", i, r[hi])
		}
		num := articleNumber(t, u)
		cl := string(ms[i].Cluster)
		clusterOf[u] = cl
		if prev, ok := article[cl]; ok && prev != num {
			t.Errorf("%s is clustered with article %d's pages", u, prev)
		}
		article[cl] = num
	}
	pairs := 0
	for n := 0; n < mirrors; n++ {
		a, okA := clusterOf[fmt.Sprintf("%s/articles/%d", nw.SiteURL, n)]
		m, okM := clusterOf[fmt.Sprintf("%s/mirror/%d", nw.SiteURL, n)]
		if !okA || !okM {
			continue
		}
		pairs++
		if a != m {
			t.Errorf("/mirror/%d is not in /articles/%d's cluster", n, n)
		}
	}
	if pairs < mirrors-2 {
		t.Errorf("only %d article/mirror pairs made it into the datasets", pairs)
	}
	t.Logf("%d clusters over %d pages, %d article/mirror pairs joined; total %s",
		len(article), len(clusterOf), pairs, time.Since(start).Round(time.Millisecond))
}

// testComputeBadInput submits broken compute specs: the buyer's client
// refuses what api can check alone, naming the field, and the coordinators
// refuse every one of them (sent past the client's checks) with a 4xx naming
// the field; the replicated state does not change.
func testComputeBadInput(ctx context.Context, t *testing.T, nw *Network, b *buyer.Client, input string, spare []string) {
	raw, err := api.NewClient(api.ClientConfig{Coordinators: nw.CoordURLs, Key: nw.Chain.Buyer, Domain: api.DomainFor(nw.chainID)})
	if err != nil {
		t.Fatal(err)
	}
	// A crawl job that is paused at once has no dataset yet.
	pausedSpec := crawlSpec(spare)
	pausedSpec.Crawl.TaskSize = 1
	paused, err := b.Submit(ctx, pausedSpec)
	if err != nil {
		t.Fatal(err)
	}
	var pj api.Job
	if err := raw.Post(ctx, api.MethodJobPause, "/v1/jobs/"+paused.ID+"/pause", map[string]string{"job_id": paused.ID}, &pj); err != nil {
		t.Fatalf("pause: %v", err)
	}
	defer b.Cancel(ctx, paused.ID)

	mh := func(p api.MinHashParams) *api.MinHashParams { return &p }
	cases := []struct {
		name   string
		spec   api.ComputeSpec
		field  string
		local  bool // api's own validation catches it in the buyer's client
		status int
	}{
		{"unknown kernel", api.ComputeSpec{Input: input, Kernel: "sha1"}, "compute.kernel", true, 400},
		{"no kernel", api.ComputeSpec{Input: input}, "compute.kernel", true, 400},
		{"too few permutations", api.ComputeSpec{Input: input, Kernel: api.KernelMinHash, MinHash: mh(api.MinHashParams{Permutations: 64})}, "compute.minhash.permutations", true, 400},
		{"too many permutations", api.ComputeSpec{Input: input, Kernel: api.KernelMinHash, MinHash: mh(api.MinHashParams{Permutations: 2048})}, "compute.minhash.permutations", true, 400},
		{"bands do not divide", api.ComputeSpec{Input: input, Kernel: api.KernelMinHash, MinHash: mh(api.MinHashParams{Permutations: 128, Bands: 48})}, "compute.minhash.permutations", true, 400},
		{"shingle size", api.ComputeSpec{Input: input, Kernel: api.KernelMinHash, MinHash: mh(api.MinHashParams{Size: 99})}, "compute.minhash.size", true, 400},
		{"shingle kind", api.ComputeSpec{Input: input, Kernel: api.KernelMinHash, MinHash: mh(api.MinHashParams{Shingle: "sentence"})}, "compute.minhash.shingle", true, 400},
		{"unknown model", api.ComputeSpec{Input: input, Kernel: api.KernelEmbed, Embed: &api.EmbedParams{Model: "gpt-9"}}, "compute.embed.model", true, 400},
		{"another kernel's parameters", api.ComputeSpec{Input: input, Kernel: api.KernelEmbed, MinHash: mh(api.MinHashParams{})}, "compute.minhash", true, 400},
		{"shard rows", api.ComputeSpec{Input: input, Kernel: api.KernelMinHash, ShardRows: api.ShardRowsLimit + 1}, "compute.shard_rows", true, 400},
		{"no input", api.ComputeSpec{Kernel: api.KernelMinHash}, "compute.input", true, 400},
		{"input not an id", api.ComputeSpec{Input: "ds/../x", Kernel: api.KernelMinHash}, "compute.input", true, 400},
		{"input does not exist", api.ComputeSpec{Input: "ds-j-0000000000000000", Kernel: api.KernelMinHash}, "compute.input", false, 404},
		{"input not complete", api.ComputeSpec{Input: "ds-" + paused.ID, Kernel: api.KernelMinHash}, "compute.input", false, 409},
		{"column not in the input", api.ComputeSpec{Input: input, Column: "body", Kernel: api.KernelMinHash}, "compute.column", false, 400},
		{"column not a string", api.ComputeSpec{Input: input, Column: "status", Kernel: api.KernelEmbed}, "compute.column", false, 400},
	}
	before := stableDigest(ctx, t, nw)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := api.JobSpec{Kind: api.JobCompute, Compute: &tc.spec}
			_, err := b.Submit(ctx, spec)
			if err == nil {
				t.Fatalf("the buyer's client submitted it")
			}
			if tc.local {
				if !hasField(api.FieldErrors(err), tc.field) {
					t.Fatalf("client error %q does not name %s", err, tc.field)
				}
			} else {
				checkRemote(t, err, tc.status, tc.field)
			}
			// Past the client's checks, straight to the coordinators.
			var job api.Job
			err = raw.Post(ctx, api.MethodJobSubmit, "/v1/jobs", spec, &job)
			if err == nil {
				t.Fatalf("the coordinators accepted it: job %s", job.ID)
			}
			checkRemote(t, err, tc.status, tc.field)
		})
	}
	after, err := nw.Leader().StateDigest()
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("refused submissions changed the state: digest %s → %s", before, after)
	}
}

func hasField(fes []*api.FieldError, field string) bool {
	for _, fe := range fes {
		if fe.Field == field {
			return true
		}
	}
	return false
}

func checkRemote(t *testing.T, err error, status int, field string) {
	t.Helper()
	var re *api.RemoteError
	if !errors.As(err, &re) {
		t.Fatalf("error %q: expected the coordinators' answer", err)
	}
	// The answer's field is a path in the request sent: the envelope, whose
	// body is the spec.
	if want := "body." + field; re.Status != status || re.Field != want || !strings.Contains(re.Message, want) {
		t.Fatalf("answer %d field %q message %q: want %d naming %s", re.Status, re.Field, re.Message, status, want)
	}
}

// checkAgainstCPU recomputes every input row with the kernel's CPU
// reference and compares the network's content columns to it, by source
// hash.
func checkAgainstCPU(t *testing.T, spec api.ComputeSpec, schema dataset.Schema, rows []dataset.Row, inSchema dataset.Schema, in []dataset.Row, inHashes []dataset.Hash) {
	t.Helper()
	spec = spec.WithDefaults()
	k, err := compute.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	hashes := make([][]byte, len(in))
	for i := range inHashes {
		hashes[i] = inHashes[i][:]
	}
	want, err := compute.RunShard(context.Background(), k, in, inSchema, hashes, dataset.Provenance{Node: "local"})
	if err != nil {
		t.Fatal(err)
	}
	nc := schema.NumContent()
	byHash := map[string]dataset.Row{}
	for _, r := range want {
		byHash[string(r[0].([]byte))] = r[:nc]
	}
	seen := map[string]bool{}
	for i, r := range rows {
		h := string(r[0].([]byte))
		w, ok := byHash[h]
		switch {
		case !ok:
			t.Fatalf("%s row %d: source hash %x is no input row", spec.Kernel, i, r[0])
		case seen[h]:
			t.Fatalf("%s row %d: source hash %x twice", spec.Kernel, i, r[0])
		case !reflect.DeepEqual(r[:nc], w):
			t.Fatalf("%s row %d differs from the CPU reference:\n got %v\nwant %v", spec.Kernel, i, r[:nc], w)
		}
		seen[h] = true
		if node, _ := r[schema.Index(dataset.ColNode)].(string); !strings.HasPrefix(node, "0x") {
			t.Fatalf("%s row %d: provenance node %q", spec.Kernel, i, node)
		}
	}
}

// readRows reads an Arrow file's schema, rows and row hashes.
func readRows(t *testing.T, path string) (dataset.Schema, []dataset.Row, []dataset.Hash) {
	t.Helper()
	r, err := dataset.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var (
		rows   []dataset.Row
		hashes []dataset.Hash
	)
	hasher, err := dataset.NewHasher(r.Schema())
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		row := r.Row()
		h, err := hasher.Hash(row)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
		hashes = append(hashes, h)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return r.Schema(), rows, hashes
}

// articleNumber is N of a demo site URL /articles/N or /mirror/N.
func articleNumber(t *testing.T, raw string) int {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) != 2 || (parts[0] != "articles" && parts[0] != "mirror") {
		t.Fatalf("unexpected page %s", raw)
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func waitJob(ctx context.Context, t *testing.T, b *buyer.Client, id string) api.JobStatus {
	t.Helper()
	var last api.JobStatus
	st, err := b.Wait(ctx, id, 200*time.Millisecond, func(s api.JobStatus) {
		if s.Progress.Percent != last.Progress.Percent || s.State != last.State {
			t.Logf("job %s: %s, %.0f%%, tasks %+v, rows accepted %d rejected %d", s.ID, s.State, s.Progress.Percent, s.Progress.Tasks, s.Progress.RowsAccepted, s.Progress.RowsRejected)
		}
		last = s
	})
	if err != nil {
		t.Fatalf("job %s: %v (last %+v)", id, err, last)
	}
	return st
}

// stableDigest waits until the leader's state stops changing (leases of a
// just-paused job may still commit) and returns its digest.
func stableDigest(ctx context.Context, t *testing.T, nw *Network) string {
	t.Helper()
	prev := ""
	for i := 0; i < 60; i++ {
		d, err := nw.Leader().StateDigest()
		if err != nil {
			t.Fatal(err)
		}
		if d == prev {
			return d
		}
		prev = d
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
	t.Fatal("the state kept changing for 30s")
	return ""
}
