package devnet

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// memberCounters sums the named unlabelled metrics over every member that
// answers GET /metrics, and returns how many answered. A member that is
// down, or was restarted, counts only what it holds now.
func (n *Network) memberCounters(ctx context.Context, names ...string) (map[string]float64, int, error) {
	sums := make(map[string]float64, len(names))
	want := make(map[string]bool, len(names))
	for _, name := range names {
		want[name] = true
		sums[name] = 0
	}
	answered := 0
	var lastErr error
	for _, u := range n.CoordURLs {
		vals, err := scrapeOnce(ctx, u+"/metrics", want)
		if err != nil {
			lastErr = err
			continue
		}
		answered++
		for k, v := range vals {
			sums[k] += v
		}
	}
	if answered == 0 {
		return nil, 0, fmt.Errorf("no member answered GET /metrics: %w", lastErr)
	}
	return sums, answered, nil
}

// scrapeOnce reads the metrics of want from one Prometheus text page.
func scrapeOnce(ctx context.Context, u string, want map[string]bool) (map[string]float64, error) {
	ctx, cancel := context.WithTimeout(ctx, getTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if !ok || !want[name] {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			return nil, fmt.Errorf("GET %s: %s: %w", u, name, err)
		}
		out[name] += v
	}
	return out, sc.Err()
}
