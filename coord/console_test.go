package coord_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/crawl"
)

// TestConsoleInChromium loads the operator console of a real three-member
// cluster, with a job done, one running and one member stopped, in headless
// Chromium, and checks the figures on the page against the cluster's own
// answers: members, reachability, lag and leader against
// /v1/cluster/members, the term against /v1/cluster/status, jobs by state
// and blob store use against /metrics, nodes by reputation against each
// node's /v1/node/{address}, task totals against the jobs' /v1/jobs/{id}.
// It saves a screenshot and checks that the page asked nothing of another
// origin, and that without the token the page shows a login and no figure.
func TestConsoleInChromium(t *testing.T) {
	bin, err := crawl.FindChromium("")
	if err != nil {
		t.Fatalf("this test needs Chromium (apt-get install chromium): %v", err)
	}
	c := coordtest.NewTestCluster(t, 3)
	buyer := newSigner(t)
	done := doneDataset(t, c, crypto.PubkeyToAddress(buyer.key.PublicKey))
	leader := c.WaitLeader()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	running, err := leader.C.SubmitJob(ctx, crypto.PubkeyToAddress(buyer.key.PublicKey), api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/y", "https://a.example/z"}}})
	if err != nil {
		t.Fatal(err)
	}
	c.WaitConverged()
	stopped := c.Followers()[0]
	stoppedID := stopped.Config.ID
	c.Stop(stopped)
	base := leader.Config.HTTPAddr
	token := leader.Config.ClusterToken

	// Stopping a member makes the leader fail to reach it: wait until the
	// console's answer says so.
	var view coord.ConsoleView
	c.WaitFor("the console to show the stopped member unreachable", func() bool {
		view = consoleJSON(t, base, token)
		for _, m := range view.Members {
			if m.ID == stoppedID {
				return m.Health != nil && !m.Health.Reachable
			}
		}
		return false
	})

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.WindowSize(1200, 1400),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelA)
	var (
		reqMu sync.Mutex
		reqs  []string
	)
	bctx, cancelB := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			reqMu.Lock()
			reqs = append(reqs, e.Request.URL)
			reqMu.Unlock()
		}
	}))
	t.Cleanup(cancelB)
	page := "http://" + base + "/console"
	if err := chromedp.Do(bctx, chromedp.Navigate(page+"#token="+url.QueryEscape(token))); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	poll := func(what, expr string) {
		t.Helper()
		if _, err := chromedp.Run(bctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
			t.Fatalf("chromium: %s: %v", what, err)
		}
	}
	poll("the page never showed the cluster", `Number(document.body.dataset.refreshed || 0) >= 1`)
	js := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("chromium: %s: %v", expr, err)
		}
		return v
	}
	text := func(id string) string { return js(`document.getElementById(` + strconv.Quote(id) + `).textContent`) }
	if h := js(`location.hash`); h != "" {
		t.Errorf("the token stayed in the address bar: %q", h)
	}

	type check struct{ name, got, want string }
	var checks []check
	var st coord.Status
	httpGet(t, base, "/v1/cluster/status", &st)
	checks = append(checks, check{"term", text("term"), strconv.FormatUint(st.Term, 10)}, check{"leader", text("leader"), st.Leader})

	var members []coord.Member
	httpGet(t, base, "/v1/cluster/members", &members)
	if len(members) != 3 {
		t.Fatalf("/v1/cluster/members lists %d members, want 3", len(members))
	}
	for _, m := range members {
		row := fmt.Sprintf(`document.getElementById('member-%s')`, m.ID)
		h := m.Health
		checks = append(checks,
			check{m.ID + " reachable", js(row + `.dataset.reachable`), strconv.FormatBool(h.Reachable)},
			check{m.ID + " leader", js(row + `.dataset.leader`), strconv.FormatBool(m.Leader)},
		)
		// Lag moves with every write: the page's, after its next
		// refresh, must be what the members route answers then.
		if h.Reachable {
			lagOK := false
			for try := 0; try < 5 && !lagOK; try++ {
				if try > 0 {
					n := js(`document.body.dataset.refreshed`)
					poll("the page stopped refreshing", `document.body.dataset.refreshed !== `+strconv.Quote(n))
				}
				page := js(row + `.dataset.lag`)
				var now []coord.Member
				httpGet(t, base, "/v1/cluster/members", &now)
				for _, x := range now {
					if x.ID == m.ID && x.Health != nil && page == strconv.FormatUint(x.Health.Lag, 10) {
						lagOK = true
					}
				}
			}
			if !lagOK {
				t.Errorf("%s: the page's lag never matched /v1/cluster/members' (last %s)", m.ID, js(row+`.dataset.lag`))
			}
		}
		if m.ID == stoppedID && (h.Reachable || !strings.Contains(js(row+`.querySelector('.reach').textContent`), "no:")) {
			t.Errorf("the stopped member %s: reachable %v in the JSON, %q on the page", m.ID, h.Reachable, js(row+`.querySelector('.reach').textContent`))
		}
	}

	metrics := scrape(t, base)
	for _, s := range api.JobStates() {
		want := metrics[`meadow_jobs{state="`+string(s)+`"}`]
		if want == "" {
			want = "0"
		}
		checks = append(checks, check{"jobs " + string(s), js(`document.querySelector('#jobs-` + string(s) + ` td.n').textContent`), want})
	}
	checks = append(checks,
		check{"blob bytes", js(`document.getElementById('blob_bytes').dataset.bytes`), metrics["meadow_blob_local_bytes"]},
		check{"blobs", text("blobs"), metrics["meadow_blob_local_blobs"]},
		check{"nodes", text("nodes"), metrics["meadow_nodes_registered"]},
	)
	if metrics["meadow_blob_local_blobs"] == "0" || metrics["meadow_jobs{state=\"done\"}"] != "1" || metrics["meadow_jobs{state=\"running\"}"] != "1" {
		t.Errorf("the leader's metrics show %s blobs, %s jobs done and %s running; want a blob, one of each", metrics["meadow_blob_local_blobs"], metrics[`meadow_jobs{state="done"}`], metrics[`meadow_jobs{state="running"}`])
	}

	// Nodes by reputation band, from each node's public record.
	bands := map[string]int{}
	// doneDataset registered nodes 0 and 1.
	for i := range 2 {
		var rec api.NodeRecord
		httpGet(t, base, "/v1/node/"+addr(i), &rec)
		for _, b := range view.NodeBands {
			if rec.Reputation >= b.Min && rec.Reputation < b.Max {
				bands[b.Name]++
			}
		}
	}
	for _, b := range view.NodeBands {
		checks = append(checks, check{"band " + b.Name, js(fmt.Sprintf(`document.querySelector('#bands tr[data-band=%q] td.n').textContent`, b.Name)), strconv.Itoa(bands[b.Name])})
	}

	// Tasks and verdicts in all, from the jobs' own status.
	var tasks, verdicts int64
	for _, id := range []string{done, running.ID} {
		code, body, eb := readAs(t, base, "/v1/jobs/"+id, buyer, "", nil)
		if code != 200 {
			t.Fatalf("GET /v1/jobs/%s: %d %+v", id, code, eb)
		}
		var js api.JobStatus
		if err := json.Unmarshal(body, &js); err != nil {
			t.Fatal(err)
		}
		tasks += js.Progress.Tasks.Total()
		verdicts += js.Progress.Tasks.Verified + js.Progress.Tasks.Inconclusive
	}
	checks = append(checks, check{"tasks in all", text("tasks_total"), strconv.FormatInt(tasks, 10)}, check{"verdicts in all", text("verdicts_total"), strconv.FormatInt(verdicts, 10)})
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s: the page shows %q, the cluster answers %q", ch.name, ch.got, ch.want)
		}
	}
	// The verdict came within the rates' window (a minute) unless the
	// machine is very slow.
	if w, _ := strconv.Atoi(text("window_s")); w < 50 {
		if v, _ := strconv.ParseFloat(text("verdicts_per_s"), 64); v <= 0 {
			t.Errorf("verdicts per second %q over %d s, with a verdict in that window", text("verdicts_per_s"), w)
		}
	}

	// The last errors: the page shows this member's, newest first.
	poll("the page never listed an error", `document.querySelectorAll('#errors tr[data-time]').length > 0`)
	newest := js(`document.querySelector('#errors tr[data-time] td.msg').textContent`)
	after := consoleJSON(t, base, token)
	found := false
	for _, e := range after.Errors {
		found = found || e.Message == newest
	}
	if !found {
		t.Errorf("the page's newest error %q is not among the member's errors %+v", newest, after.Errors)
	}

	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("chromium: screenshot: %v", err)
	}
	checkScreenshot(t, shot)
	path := filepath.Join(t.TempDir(), "console.png")
	if dir := os.Getenv("MEADOW_SCREENSHOT_DIR"); dir != "" {
		path = filepath.Join(dir, "console.png")
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(shot))

	// A new tab holds no token: the page asks for one and shows nothing,
	// and the route refuses a read without it.
	tab, cancelTab := chromedp.NewContext(bctx)
	defer cancelTab()
	if err := chromedp.Do(tab, chromedp.Navigate(page)); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](`!document.getElementById('login').hidden && document.getElementById('view').hidden`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Errorf("without a token the page did not ask for one: %v", err)
	}
	if code, _ := consoleStatus(t, base, ""); code != fasthttp.StatusUnauthorized {
		t.Errorf("/v1/cluster/console without the token: %d, want 401", code)
	}
	if code, _ := consoleStatus(t, base, "wrong"); code != fasthttp.StatusForbidden {
		t.Errorf("/v1/cluster/console with a wrong token: %d, want 403", code)
	}

	reqMu.Lock()
	defer reqMu.Unlock()
	for _, r := range reqs {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "data" && u.Host != base) {
			t.Errorf("the console asked another origin: %s", r)
		}
	}
}

func consoleStatus(t *testing.T, base, token string) (int, []byte) {
	t.Helper()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + base + "/v1/cluster/console")
	if token != "" {
		req.Header.Set("Meadow-Cluster-Token", token)
	}
	if err := fasthttp.DoTimeout(req, resp, 10*time.Second); err != nil {
		t.Fatalf("GET /v1/cluster/console: %v", err)
	}
	return resp.StatusCode(), append([]byte(nil), resp.Body()...)
}

func consoleJSON(t *testing.T, base, token string) coord.ConsoleView {
	t.Helper()
	code, body := consoleStatus(t, base, token)
	if code != 200 {
		t.Fatalf("GET /v1/cluster/console: %d %s", code, body)
	}
	var v coord.ConsoleView
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// scrape reads a member's /metrics as name{labels} → value.
func scrape(t *testing.T, base string) map[string]string {
	t.Helper()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + base + "/metrics")
	if err := fasthttp.DoTimeout(req, resp, 10*time.Second); err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(resp.Body()))
	for sc.Scan() {
		l := sc.Text()
		if l == "" || l[0] == '#' {
			continue
		}
		if i := strings.LastIndexByte(l, ' '); i > 0 {
			out[l[:i]] = l[i+1:]
		}
	}
	return out
}

// checkScreenshot checks that shot is a PNG of a real page: large enough,
// and not one flat colour.
func checkScreenshot(t *testing.T, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	r := img.Bounds()
	if r.Dx() < 400 || r.Dy() < 300 {
		t.Fatalf("the screenshot is %dx%d, want at least 400x300", r.Dx(), r.Dy())
	}
	colours := map[[3]uint32]bool{}
	for y := r.Min.Y; y < r.Max.Y; y += 7 {
		for x := r.Min.X; x < r.Max.X; x += 7 {
			c0, c1, c2, _ := img.At(x, y).RGBA()
			colours[[3]uint32{c0 >> 8, c1 >> 8, c2 >> 8}] = true
		}
	}
	if len(colours) < 8 {
		t.Fatalf("the screenshot has %d colours: a blank page?", len(colours))
	}
}
