package deploy

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/devnet"
)

// The tests of this package share one dev network (in process: three
// coordinators on a chain, two nodes), started by the first test that needs
// it and closed when they are done.
var shared struct {
	once   sync.Once
	nw     *devnet.Network
	err    error
	cancel context.CancelFunc
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.nw != nil {
		shared.nw.Close()
	}
	if shared.cancel != nil {
		shared.cancel()
	}
	os.Exit(code)
}

// network returns the shared dev network.
func network(t *testing.T) *devnet.Network {
	t.Helper()
	shared.once.Do(func() {
		// The network's context lasts as long as the tests: devnet ties
		// parts of it (the chain) to the context it starts with.
		ctx, cancel := context.WithCancel(context.Background())
		shared.cancel = cancel
		cfg := devnet.DefaultConfig()
		cfg.Nodes, cfg.Faulty, cfg.JSNodes = 2, 0, 0
		start := time.Now()
		shared.nw, shared.err = devnet.Start(ctx, cfg)
		t.Logf("dev network up in %s", time.Since(start).Round(time.Millisecond))
	})
	if shared.err != nil {
		t.Fatalf("dev network: %v", shared.err)
	}
	return shared.nw
}

// need fails the test, naming the tool and how to get it, when a program
// the test runs is missing.
func need(t *testing.T, tool, how string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s is missing (%s): %v", tool, how, err)
	}
	return p
}

// waitFor polls cond every 100 ms until it holds or the time (scaled by
// MEADOW_TEST_SCALE) runs out; cond says what it last saw.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(limit * coordtest.Scale())
	last := ""
	for {
		ok, seen := cond()
		if ok {
			return
		}
		if seen != "" {
			last = seen
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s; last: %s", limit*coordtest.Scale(), what, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// get fetches a URL and returns the status and body.
func get(url string) (int, string, error) {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	return resp.StatusCode, string(b), err
}

// run runs a command and fails the test, with its output, if it fails.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// scrape returns the names of the samples a /metrics page holds.
func scrape(url string) (map[string]bool, error) {
	code, body, err := get(url)
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d", url, code)
	}
	names := map[string]bool{}
	for _, line := range strings.Split(body, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		if i := strings.IndexAny(line, "{ "); i > 0 {
			names[line[:i]] = true
		}
	}
	return names, nil
}
