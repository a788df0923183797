package devnet

import (
	"bytes"
	"context"
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

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/crawl"
	"github.com/meadow-net/meadow/node"
	"github.com/meadow-net/meadow/rewards"
)

// TestNodeDashboardTellsTheTruth runs real nodes against three real
// coordinators: a crawl job (with a URL robots.txt forbids), paid, and two
// epochs settled and posted on the dev chain. Then it loads a node's
// dashboard in headless Chromium and checks every figure on the page against
// what the coordinators answer for the node (GET /v1/node/{address} and
// .../rewards), saves a screenshot, and checks that the page asked nothing
// of any other origin. Issue 18: the dashboard showed 0 work units and 0
// rewards for a node that had earned both.
func TestNodeDashboardTellsTheTruth(t *testing.T) {
	bin, err := crawl.FindChromium("")
	if err != nil {
		t.Fatalf("this test needs Chromium (apt-get install chromium): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	nw, b := startTestNetwork(ctx, t, 2, 0)

	// Two epochs of different work, so that the chart has two bars of
	// different heights; the first job also asks for a page robots.txt
	// forbids, which every node refuses.
	var (
		last     api.SettleResponse
		firstJob api.JobStatus
	)
	for i, n := range []int{20, 8} {
		static, _ := nw.Site.ArticleURLs(nw.SiteURL)
		urls := static[:n]
		if i == 0 {
			urls = append(urls, nw.SiteURL+"/private/admin")
		}
		job, err := b.Submit(ctx, crawlSpec(urls))
		if err != nil {
			t.Fatalf("submit: %v", err)
		}
		js, err := b.Wait(ctx, job.ID, 200*time.Millisecond, nil)
		if err != nil {
			t.Fatalf("job %s: %v", job.ID, err)
		}
		if i == 0 {
			firstJob = js
		}
		payJob(ctx, t, b, nw, job.ID)
		if err := postToken(ctx, nw.CoordURLs[0]+"/v1/cluster/settle", nw.token, api.SettleRequest{}, &last); err != nil {
			t.Fatalf("settle: %v", err)
		}
	}
	if last.Epoch != 2 {
		t.Fatalf("settled epoch %d, want 2", last.Epoch)
	}

	nd := nw.Nodes[0]
	addr := strings.ToLower(nd.Address().Hex())
	// The coordinators' answers, read consistently: what the page must show.
	var rec api.NodeRecord
	var rw api.NodeRewards
	coordJSON(ctx, t, nw.CoordURLs[1]+"/v1/node/"+addr+"?consistent=1", &rec)
	coordJSON(ctx, t, nw.CoordURLs[2]+"/v1/node/"+addr+"/rewards?consistent=1", &rw)
	if rec.Units == 0 || rec.Tasks == 0 || rw.Meadow == "0" || len(rw.History) == 0 {
		t.Fatalf("the node earned nothing to show: record %+v, rewards %+v", rec, rw)
	}
	// The node reads its record back every few seconds: wait until it has
	// the settled epoch.
	var st node.Status
	deadline := time.Now().Add(30 * time.Second)
	for {
		st = nd.Status()
		if st.Epoch == rw.Epoch && st.WorkUnits == rec.Units && st.TasksAccepted == rec.Tasks {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the node's status never caught up with the coordinators: status %+v; record %+v; rewards epoch %d", st, rec, rw.Epoch)
		}
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}

	// `meadow node status` prints the dashboard's /api/status: the same
	// figures over HTTP.
	var over node.Status
	if err := getJSON(ctx, strings.TrimSuffix(nd.DashboardURL(), "/")+"/api/status", &over); err != nil {
		t.Fatalf("the dashboard's /api/status: %v", err)
	}
	if over.WorkUnits != rec.Units || over.TasksAccepted != rec.Tasks || over.RowsAccepted != rec.RowsAccepted ||
		over.SettledMeadow != rw.Meadow || over.Epoch != rw.Epoch || len(over.Earnings) != int(rw.Epoch) {
		t.Errorf("/api/status %+v; the coordinators say record %+v, rewards %+v", over, rec, rw)
	}

	// The second node was referred by the first (startNodes): its status
	// shows the referrer the coordinators recorded for it.
	second := nw.Nodes[1]
	var rec2 api.NodeRecord
	coordJSON(ctx, t, nw.CoordURLs[0]+"/v1/node/"+strings.ToLower(second.Address().Hex())+"?consistent=1", &rec2)
	if rec2.Referrer != addr {
		t.Errorf("the coordinators record %s's referrer as %q, want %s", second.Name, rec2.Referrer, addr)
	}
	for second.Status().Referrer != rec2.Referrer {
		if time.Now().After(deadline) {
			t.Fatalf("%s's status shows referrer %q, the coordinators %q", second.Name, second.Status().Referrer, rec2.Referrer)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Chromium, recording every request the page makes.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.WindowSize(1100, 1400),
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
	dash := nd.DashboardURL()
	if err := chromedp.Do(bctx, chromedp.Navigate(dash)); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	// Wait for the page's own refresh from /api/status, so that what is
	// checked is what its script writes, not only the first render.
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](`Number(document.body.dataset.refreshed || 0) >= 1`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("chromium: the page never refreshed itself: %v", err)
	}
	js := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("chromium: %s: %v", expr, err)
		}
		return v
	}
	text := func(id string) string { return js(`document.getElementById(` + strconv.Quote(id) + `).textContent`) }

	checks := []struct {
		name, got, want string
	}{
		{name: "work units", got: text("work_units"), want: strconv.FormatUint(rec.Units, 10)},
		{name: "units pending", got: text("pending_units"), want: strconv.FormatUint(rec.PendingUnits, 10)},
		{name: "tasks accepted", got: text("tasks_accepted"), want: strconv.FormatUint(rec.Tasks, 10)},
		{name: "rows accepted", got: text("rows_accepted"), want: strconv.FormatUint(rec.RowsAccepted, 10)},
		{name: "rows rejected", got: text("rows_rejected"), want: strconv.FormatUint(rec.RowsRejected, 10)},
		{name: "reputation", got: js(`document.getElementById('reputation').dataset.ppm`), want: strconv.FormatUint(uint64(rec.Reputation), 10)},
		{name: "settled MEADOW (base units)", got: js(`document.getElementById('settled_meadow').dataset.base`), want: rw.Meadow},
		{name: "settled MEADOW (as `meadow node rewards` writes it)", got: text("settled_meadow"), want: rewards.FormatAmount(rw.Meadow, 18)},
		{name: "epoch", got: text("epoch"), want: strconv.FormatUint(rw.Epoch, 10)},
		{name: "bars", got: js(`String(document.querySelectorAll('#chart svg rect.epoch').length)`), want: strconv.FormatUint(rw.Epoch, 10)},
	}
	for _, h := range rw.History {
		checks = append(checks, struct{ name, got, want string }{
			name: fmt.Sprintf("bar of epoch %d", h.Epoch),
			got:  js(fmt.Sprintf(`(e => e ? e.dataset.meadow + ' ' + e.dataset.units : 'none')(document.querySelector('#chart rect[data-epoch="%d"]'))`, h.Epoch)),
			want: h.Meadow + " " + strconv.FormatUint(h.Units, 10),
		})
	}
	// Bandwidth and uptime are the node's own figures: the page shows its
	// status's.
	st = nd.Status()
	checks = append(checks,
		struct{ name, got, want string }{name: "daily cap", got: js(`document.getElementById('bytes_per_day').dataset.bytes`), want: strconv.FormatInt(st.BytesPerDay, 10)},
		struct{ name, got, want string }{name: "robots refusals", got: js(`(e => e ? e.querySelector('.n').textContent : 'none')(document.querySelector('#refusal_counts tr[data-reason="robots"]'))`), want: strconv.FormatInt(st.RefusalCounts["robots"], 10)},
	)
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: the page shows %q, the coordinators say %q", c.name, c.got, c.want)
		}
	}
	if st.RefusalCounts["robots"] == 0 {
		t.Errorf("the node counted no robots refusal: %+v", st.RefusalCounts)
	}
	// Every node's robots refusals together are the first job's count on
	// the coordinators (each node's report of a URL, once a lease).
	var robots int64
	for _, n := range nw.Nodes {
		robots += n.Status().RefusalCounts[string(api.RefusedRobots)]
	}
	if want := firstJob.Progress.Refusals[api.RefusedRobots]; robots != want || want == 0 {
		t.Errorf("the nodes counted %d robots refusals, the coordinators %d for the job", robots, want)
	}
	if b, err := strconv.ParseInt(js(`document.getElementById('bytes_today').dataset.bytes`), 10, 64); err != nil || b <= 0 || b > st.BytesPerDay {
		t.Errorf("bytes today on the page %d (%v): want some, under the cap %d", b, err, st.BytesPerDay)
	}
	if up, err := strconv.ParseInt(js(`document.getElementById('uptime').dataset.seconds`), 10, 64); err != nil || up <= 0 {
		t.Errorf("uptime on the page %d s (%v), want more than 0", up, err)
	}
	if on := text("online"); !strings.HasSuffix(on, "%") || on == "0.0%" {
		t.Errorf("online share %q, want a percentage above 0", on)
	}

	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("chromium: screenshot: %v", err)
	}
	path := filepath.Join(t.TempDir(), "node-dashboard.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	checkScreenshot(t, shot)
	keepScreenshot(t, path, shot)

	origin, _ := url.Parse(dash)
	reqMu.Lock()
	defer reqMu.Unlock()
	if len(reqs) < 2 {
		t.Fatalf("Chromium saw %d requests (%q), want the page and its status reads", len(reqs), reqs)
	}
	for _, r := range reqs {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "data" && u.Host != origin.Host) {
			t.Errorf("the dashboard asked another origin: %s", r)
		}
	}
}

// coordJSON reads a coordinator's JSON answer, retrying while no leader
// answers.
func coordJSON(ctx context.Context, t *testing.T, u string, out any) {
	t.Helper()
	if err := getJSON(ctx, u, out); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

// keepScreenshot logs where the screenshot is; with MEADOW_SCREENSHOT_DIR set
// it also copies it there, for a person to look at after t.TempDir is gone.
func keepScreenshot(t *testing.T, path string, shot []byte) {
	t.Helper()
	if dir := os.Getenv("MEADOW_SCREENSHOT_DIR"); dir != "" {
		path = filepath.Join(dir, filepath.Base(path))
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Errorf("MEADOW_SCREENSHOT_DIR: %v", err)
		}
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(shot))
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
