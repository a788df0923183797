package coord_test

import (
	"encoding/json"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// TestAdmissionRefusesPastMaxWrites: with room for one write at a time and
// no wait, concurrent registrations are partly answered 429 rate_limited
// with a Retry-After of 1–3 s, before anything of them is opened: the same
// envelope sent again is accepted (its nonce was not used), and every node
// ends registered. Cluster routes are never refused.
func TestAdmissionRefusesPastMaxWrites(t *testing.T) {
	c := coordtest.NewTestCluster(t, 1, coordtest.WithConfig(func(_ int, cfg *coord.Config) {
		cfg.MaxWrites, cfg.AdmitWait = 1, 0
	}))
	addr := c.WaitLeader().Config.HTTPAddr
	caps := api.Capabilities{CPUCores: 2, MaxConcurrent: 2}

	type attempt struct {
		body  []byte
		code  int
		retry string
		eb    api.ErrorBody
	}
	post := func(a *attempt) {
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		defer fasthttp.ReleaseRequest(req)
		defer fasthttp.ReleaseResponse(resp)
		req.SetRequestURI("http://" + addr + "/v1/node/register")
		req.Header.SetMethod("POST")
		req.Header.SetContentType("application/json")
		req.SetBody(a.body)
		if err := fasthttp.DoTimeout(req, resp, 10*time.Second); err != nil {
			t.Errorf("register: %v", err)
			return
		}
		a.code, a.retry = resp.StatusCode(), string(resp.Header.Peek("Retry-After"))
		if a.code != 200 {
			_ = json.Unmarshal(resp.Body(), &a.eb)
		}
	}

	var refused []*attempt
	for round := 0; round < 20 && len(refused) == 0; round++ {
		attempts := make([]*attempt, 32)
		var wg sync.WaitGroup
		for i := range attempts {
			n := newSigner(t)
			attempts[i] = &attempt{body: n.envelope(t, api.MethodRegister, api.RegisterRequest{
				Address: crypto.PubkeyToAddress(n.key.PublicKey), Capabilities: caps, Version: "dev"})}
			wg.Add(1)
			go func(a *attempt) { defer wg.Done(); post(a) }(attempts[i])
		}
		wg.Wait()
		for _, a := range attempts {
			switch a.code {
			case 200:
			case 429:
				if a.eb.Error.Code != api.CodeRateLimited {
					t.Fatalf("429 with code %q, want %q: %+v", a.eb.Error.Code, api.CodeRateLimited, a.eb)
				}
				if s, err := strconv.Atoi(a.retry); err != nil || s < 1 || s > 3 {
					t.Fatalf("429 with Retry-After %q, want 1 to 3 seconds", a.retry)
				}
				refused = append(refused, a)
			default:
				t.Fatalf("register: %d %+v", a.code, a.eb)
			}
		}
	}
	if len(refused) == 0 {
		t.Fatal("no registration was refused with room for one write at a time")
	}
	// Nothing of a refused write was opened: the same envelope is new.
	for _, a := range refused {
		for a.code = 429; a.code == 429; post(a) {
		}
		if a.code != 200 {
			t.Fatalf("refused registration sent again: %d %+v", a.code, a.eb)
		}
	}
	// Operator routes pass whatever the load.
	if h := httpGet(t, addr, "/v1/cluster/status", nil); h == nil {
		t.Fatal("cluster status")
	}
	m := scrape(t, addr)
	if n, _ := strconv.Atoi(m["meadow_writes_refused_total"]); n < len(refused) {
		t.Fatalf("meadow_writes_refused_total %q, want at least %d", m["meadow_writes_refused_total"], len(refused))
	}
	if m["meadow_writes_in_flight"] != "0" {
		t.Fatalf("meadow_writes_in_flight %q after every write finished, want 0", m["meadow_writes_in_flight"])
	}
}
