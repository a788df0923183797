package coord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/coord/blob"
)

// Joining at start.
//
// A member that starts with an empty data dir and join addresses is either
// new or one that lost its data dir. The second kind must not come back as
// the same voter: it has forgotten its term and the vote it cast, so it could
// vote twice in one term and elect two leaders. Raft cannot tell the two
// apart, but the cluster can: a new member's id is not in the configuration.
// So before Raft starts (and could answer a vote request), a fresh member
// reads the members list from its join addresses and refuses to start when its
// id is already there; the operator removes the old member first.
//
// Then, once Raft runs, it joins synchronously: a join address that cannot be
// reached, or that refuses the cluster token, fails the start with an error
// that names the address or the token, instead of a retry loop logging at
// debug forever. A member that restarts with its data skips both: its join
// addresses may well be down too (a whole-cluster restart), and Raft's own
// state says who it is.

// Errors of the start.
var (
	// ErrStaleMember is returned at start by a member whose id the cluster
	// already holds although its data dir is empty.
	ErrStaleMember = errors.New("coord: this member's id is already in the cluster, but its data dir holds no Raft state")
	// ErrJoin is returned at start when no join address accepted the member.
	ErrJoin = errors.New("coord: could not join the cluster")
)

// joinAttempt bounds one request to a join address, so that one address that
// hangs does not use up the whole JoinTimeout.
const joinAttempt = 5 * time.Second

// joinRefusal is a join address's answer that no retry will change: a wrong
// or missing cluster token, or a request it calls invalid.
type joinRefusal struct {
	addr   string
	status int
	body   string
}

func (e *joinRefusal) Error() string {
	switch e.status {
	case fasthttp.StatusUnauthorized, fasthttp.StatusForbidden:
		return fmt.Sprintf("%s refused the cluster token (%d %s): start this member with the cluster's --cluster-token", e.addr, e.status, e.body)
	}
	return fmt.Sprintf("%s refused the request (%d): %s", e.addr, e.status, e.body)
}

// checkNotStale reads the members list from the join addresses and fails
// when this member's id is already in it. It is called before Raft starts on
// a member with no Raft state. It waits up to cfg.JoinTimeout for any join
// address to answer.
func (c *Coordinator) checkNotStale(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.JoinTimeout)
	defer cancel()
	var ms []Member
	err := c.tryJoinAddrs(ctx, func(addr string) error {
		return c.memberCall(ctx, joinAttempt, addr, fasthttp.MethodGet, "/v1/cluster/members", nil, &ms)
	})
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.ID == c.cfg.ID {
			return fmt.Errorf("%w: the cluster lists %q (raft %s, voter %v) and this data dir (%s) is empty, so this member has lost its log, term and vote and may not vote again under that id. "+
				"Remove the old member first (meadow operator members remove --id %s --coord URL --cluster-token …), then start this one again with --join; or start it under a new --id",
				ErrStaleMember, m.ID, m.RaftAddr, m.Voter, c.cfg.DataDir, m.ID)
		}
	}
	return nil
}

// joinAtStart asks the join addresses to add this member until one accepts,
// for up to cfg.JoinTimeout. registerSelf keeps the addresses up to date
// afterwards.
func (c *Coordinator) joinAtStart(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.JoinTimeout)
	defer cancel()
	body, _ := json.Marshal(JoinRequest{ID: c.cfg.ID, RaftAddr: c.raftAddr, HTTPAddr: c.httpAddr})
	return c.tryJoinAddrs(ctx, func(addr string) error {
		return c.memberCall(ctx, joinAttempt, addr, fasthttp.MethodPost, "/v1/cluster/join", body, nil)
	})
}

// tryJoinAddrs calls try on each join address in turn, round after round,
// until one succeeds, one refuses for good (joinRefusal), or ctx ends; the
// error then names every address and the last failure.
func (c *Coordinator) tryJoinAddrs(ctx context.Context, try func(addr string) error) error {
	wait := 100 * time.Millisecond
	var last error
	for {
		for _, addr := range c.cfg.Join {
			err := try(addr)
			if err == nil {
				return nil
			}
			var r *joinRefusal
			if errors.As(err, &r) {
				return fmt.Errorf("%w: %w", ErrJoin, err)
			}
			last = err
			c.log.Info("join address not ready; trying the next", "join", addr, "err", err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w through --join %s within %s: %w", ErrJoin, strings.Join(c.cfg.Join, ","), c.cfg.JoinTimeout, last)
		case <-time.After(wait):
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// memberCall sends one request to another member with the cluster token,
// waiting at most limit, and decodes a 2xx JSON answer into out. A 4xx other than 404/408/429 is a
// joinRefusal; anything else (no answer, 5xx: no leader yet) may pass on a
// later try.
func (c *Coordinator) memberCall(ctx context.Context, limit time.Duration, addr, method, path string, body []byte, out any) error {
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(c.memberURL(addr, path))
	req.Header.SetMethod(method)
	if body != nil {
		req.Header.SetContentType("application/json")
		req.SetBody(body)
	}
	if c.cfg.ClusterToken != "" {
		req.Header.Set(blob.TokenHeader, c.cfg.ClusterToken)
	}
	if err := c.client.DoTimeout(req, resp, min(limit, c.timeout(ctx))); err != nil {
		return fmt.Errorf("%s: %w", addr, explainTLS(addr, err))
	}
	sc := resp.StatusCode()
	switch {
	case sc/100 == 2:
	case sc/100 == 4 && sc != fasthttp.StatusNotFound && sc != fasthttp.StatusRequestTimeout && sc != fasthttp.StatusTooManyRequests:
		return &joinRefusal{addr: addr, status: sc, body: strings.TrimSpace(string(resp.Body()))}
	default:
		return fmt.Errorf("%s%s: %d %s", addr, path, sc, strings.TrimSpace(string(resp.Body())))
	}
	if out != nil {
		if err := json.Unmarshal(resp.Body(), out); err != nil {
			return fmt.Errorf("%s%s: answer: %w", addr, path, err)
		}
	}
	return nil
}
