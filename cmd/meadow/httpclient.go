package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/meadow-net/meadow/api"
)

// cliHTTP is the client of the CLI's plain (unsigned) calls: operator
// commands, status reads, a node's dashboard. It has no whole-request cap:
// doJSON gives every try its own deadline.
var cliHTTP = &http.Client{}

// How doJSON tries: a read gets cliReadTimeout a try and is retried on any
// failure that may pass (no connection, a timeout, 5xx, 429); a write gets
// cliWriteTimeout (a settlement gathers signatures and posts on chain) and
// is retried only where the member says it did nothing (no connection,
// 503 not_leader, 429), because operator writes carry no nonce: a settle
// sent twice would settle two epochs.
const (
	cliReadTimeout  = 5 * time.Second
	cliWriteTimeout = 2 * time.Minute
	cliAttempts     = 5
	cliMaxBackoff   = 2 * time.Second
)

func baseURL(u string) string {
	u = strings.TrimRight(u, "/")
	if !strings.Contains(u, "://") {
		u = "http://" + u
	}
	return u
}

func getJSON(ctx context.Context, base, path string, out any) error {
	if ctx == nil {
		ctx = context.Background()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL(base)+path, nil)
	if err != nil {
		return err
	}
	return doJSON(req, out)
}

func postJSON(ctx context.Context, base, path string, body, out any) error {
	if ctx == nil {
		ctx = context.Background()
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL(base)+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return doJSON(req, out)
}

// doJSON sends req, trying again as the constants above say, and decodes a
// 2xx JSON answer into out. req's body must be re-readable (GetBody), as
// http.NewRequest makes it for in-memory bodies.
func doJSON(req *http.Request, out any) error {
	read := req.Method == http.MethodGet || req.Method == http.MethodHead
	limit := cliWriteTimeout
	if read {
		limit = cliReadTimeout
	}
	ctx := req.Context()
	backoff := 200 * time.Millisecond
	var last error
	for attempt := 0; attempt < cliAttempts; attempt++ {
		if attempt > 0 {
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return err
				}
				req.Body = body
			} else if req.Body != nil && req.Body != http.NoBody {
				return last
			}
		}
		again, wait, err := tryJSON(req, out, limit, read)
		if err == nil || !again || ctx.Err() != nil {
			return err
		}
		last = err
		wait = max(wait, backoff+time.Duration(rand.Int64N(int64(backoff)/2+1)))
		backoff = min(2*backoff, cliMaxBackoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	return last
}

// tryJSON is one try of doJSON: whether another try may pass, how long the
// answer asked to wait first, and its error.
func tryJSON(req *http.Request, out any, limit time.Duration, read bool) (again bool, wait time.Duration, err error) {
	ctx, cancel := context.WithTimeout(req.Context(), limit)
	defer cancel()
	resp, err := cliHTTP.Do(req.WithContext(ctx))
	if err != nil {
		var op *net.OpError
		unsent := errors.As(err, &op) && op.Op == "dial"
		if errors.Is(err, context.DeadlineExceeded) && req.Context().Err() == nil {
			err = fmt.Errorf("no answer within %s", limit)
		}
		return read || unsent, 0, fmt.Errorf("%s %s: %w", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return read, 0, fmt.Errorf("%s %s: %w", req.Method, req.URL, err)
	}
	if resp.StatusCode/100 != 2 {
		var eb api.ErrorBody
		decoded := json.Unmarshal(data, &eb) == nil && eb.Error.Message != ""
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			again, wait = true, cliRetryAfter(resp.Header.Get("Retry-After"))
		case resp.StatusCode >= 500:
			again = read || eb.Error.Code == api.CodeNotLeader
		}
		if decoded {
			return again, wait, fmt.Errorf("%s %s: %w", req.Method, req.URL, eb.Err(resp.StatusCode))
		}
		return again, wait, fmt.Errorf("%s %s: %s: %s", req.Method, req.URL, resp.Status, strings.TrimSpace(string(data)))
	}
	if out == nil {
		return false, 0, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return false, 0, fmt.Errorf("%s %s: unexpected answer: %w", req.Method, req.URL, err)
	}
	return false, 0, nil
}

// cliRetryAfter reads a Retry-After of seconds, capped; 1 s otherwise.
func cliRetryAfter(h string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s >= 0 {
		return min(time.Duration(s)*time.Second, 30*time.Second)
	}
	return time.Second
}
