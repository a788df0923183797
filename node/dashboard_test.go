package node

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/meadow-net/meadow/crawl"
)

// pausable is the smallest Controller: a state the dashboard flips.
type pausable struct {
	mu    sync.Mutex
	state string
}

func (p *pausable) Status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Status{Address: "0x00000000000000000000000000000000000000aa", State: p.state, TasksDone: 3, BytesToday: 5 << 20, BytesPerDay: 100 << 20, SettledMeadow: "0",
		Refusals:      []Refuse{{Time: time.Unix(0, 0), URL: "http://10.0.0.1/", Reason: "unsafe_address"}},
		RefusalCounts: map[string]int64{"unsafe_address": 1},
		Notices:       []Notice{{Level: "info", Text: "an update is available"}},
		WasmCache:     WasmCache{Hits: 5, Misses: 2, Evictions: 1, Entries: 2, Bytes: 3 << 20}}
}
func (p *pausable) Pause()  { p.mu.Lock(); p.state = "paused"; p.mu.Unlock() }
func (p *pausable) Resume() { p.mu.Lock(); p.state = "running"; p.mu.Unlock() }

func TestDashboardGuards(t *testing.T) {
	c := &pausable{state: "running"}
	srv := httptest.NewServer(NewDashboard(c))
	t.Cleanup(srv.Close)

	tests := []struct {
		name   string
		method string
		path   string
		host   string
		header bool
		want   int
	}{
		{name: "page", method: "GET", path: "/", want: 200},
		{name: "status", method: "GET", path: "/api/status", want: 200},
		{name: "pause without header", method: "POST", path: "/api/pause", want: 403},
		{name: "rebinding host", method: "GET", path: "/api/status", host: "evil.example:80", want: 403},
		{name: "pause with GET", method: "GET", path: "/api/pause", header: true, want: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			if tt.host != "" {
				req.Host = tt.host
			}
			if tt.header {
				req.Header.Set(dashboardHeader, "1")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
	if c.Status().State != "running" {
		t.Fatal("a refused request changed the state")
	}
}

// TestDashboardInChromium loads the dashboard in headless Chromium, presses
// the pause button, and sees the state change on the page and in the node.
func TestDashboardInChromium(t *testing.T) {
	bin, err := crawl.FindChromium("")
	if err != nil {
		t.Fatalf("this test needs Chromium: %v", err)
	}
	c := &pausable{state: "running"}
	srv := httptest.NewServer(NewDashboard(c))
	t.Cleanup(srv.Close)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel)

	text := func(id string) string {
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
		if err != nil {
			t.Fatalf("chromium: reading #%s: %v", id, err)
		}
		return v
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	before, refusals := text("state"), text("refusals")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("toggle"))); err != nil {
		t.Fatalf("chromium: click: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('state').textContent === 'paused'`, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("chromium: the page never showed paused: %v", err)
	}
	after, button := text("state"), text("toggle")
	if before != "running" || after != "paused" || button != "Resume" {
		t.Fatalf("state on the page %q → %q (button %q); want running → paused (Resume)", before, after, button)
	}
	if !strings.Contains(refusals, "unsafe_address") {
		t.Errorf("refusals table %q lacks the refusal", refusals)
	}
	if n := text("notices"); n != "an update is available" {
		t.Errorf("notices %q, want the controller's", n)
	}
	if r := text("refusal_counts"); !strings.Contains(r, "unsafe_address\t1\t") || !strings.Contains(r, "private or local address") {
		t.Errorf("refusals by reason %q, want unsafe_address counted once, explained", r)
	}
	if got := c.Status().State; got != "paused" {
		t.Fatalf("node state %q after pressing pause", got)
	}
	var s Status
	resp, err := http.Get(srv.URL + "/api/status")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil || s.State != "paused" {
		t.Fatalf("status JSON %+v, %v", s, err)
	}
	// The compiled-module cache, as the script wrote it after the last
	// refresh, against the JSON's figures.
	wc := s.WasmCache
	if got, want := text("wasm_cache"), wc.String(); got != want || wc.Hits != 5 {
		t.Errorf("wasm cache on the page %q, want %q (from /api/status %+v)", got, want, wc)
	}
	hits, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("wasm_cache"), "data-hits"))
	if err != nil || hits.Value != strconv.FormatUint(wc.Hits, 10) {
		t.Errorf("data-hits %q (%v), want %d", hits.Value, err, wc.Hits)
	}
}

// fixedStatus is a Controller whose status does not change.
type fixedStatus struct{ s Status }

func (f fixedStatus) Status() Status { return f.s }
func (fixedStatus) Pause()           {}
func (fixedStatus) Resume()          {}

// TestDashboardNamesTheCommand: the page's hints name the command the user
// has (meadow-node for the release build), not always meadow.
func TestDashboardNamesTheCommand(t *testing.T) {
	st := Status{Address: "0x00000000000000000000000000000000000000aa", State: "running", SettledMeadow: "0", Command: "meadow-node node",
		Update: &UpdateStatus{Current: "v0.3.0", Latest: "v0.4.0", Available: true}}
	srv := httptest.NewServer(NewDashboard(fixedStatus{st}))
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"run meadow-node node update --apply", "<code>meadow-node node claim</code>"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if strings.Contains(string(page), "meadow node ") {
		t.Error("the page names meadow node, which the release build does not have")
	}
	if got := (Config{}).command(); got != "meadow node" {
		t.Errorf("default command %q", got)
	}
}
