package forward

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func TestForwardCopiesRequestAndAnswer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	leader := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		ctx.Response.Header.Set("X-Seen-By", string(ctx.Request.Header.Peek(Header)))
		ctx.Response.Header.Set("X-Seen-XFF", string(ctx.Request.Header.Peek("X-Forwarded-For")))
		ctx.SetStatusCode(201)
		ctx.SetBody(append([]byte("echo "), ctx.PostBody()...))
	}}
	go leader.Serve(ln)
	t.Cleanup(func() { leader.Shutdown() })

	f := New(&fasthttp.Client{}, "c2", 5*time.Second)
	var req fasthttp.Request
	req.SetRequestURI("http://follower/v1/node/commit")
	req.Header.SetMethod("POST")
	req.SetBodyString("hello")
	var ctx fasthttp.RequestCtx
	ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(203, 0, 113, 9), Port: 5}, nil)
	if err := f.Forward(&ctx, ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	if ctx.Response.StatusCode() != 201 || string(ctx.Response.Body()) != "echo hello" {
		t.Fatalf("answer %d %q", ctx.Response.StatusCode(), ctx.Response.Body())
	}
	if got := string(ctx.Response.Header.Peek("X-Seen-By")); got != "c2" {
		t.Errorf("leader saw forwarded-by %q", got)
	}
	if got := string(ctx.Response.Header.Peek("X-Seen-XFF")); got != "203.0.113.9" {
		t.Errorf("leader saw client %q", got)
	}

	// A request that was forwarded once is not forwarded again.
	var again fasthttp.RequestCtx
	again.Request.Header.Set(Header, "c3")
	if err := f.Forward(&again, ln.Addr().String()); !errors.Is(err, ErrLoop) {
		t.Fatalf("second hop: %v, want ErrLoop", err)
	}
}

// TestForwardRetriesAConnectionTheLeaderClosed forwards twice over one
// client while the leader closes every connection between the two forwards
// (as a leader's idle timeout or restart does): the second forward finds
// its kept-alive connection closed and must go out again on a fresh one
// rather than fail (issue 17, item 13: the follower answered "not leader").
func TestForwardRetriesAConnectionTheLeaderClosed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		seen  atomic.Int64
	)
	leader := &fasthttp.Server{
		Handler: func(ctx *fasthttp.RequestCtx) {
			seen.Add(1)
			ctx.SetBody(append([]byte("ok "), ctx.PostBody()...))
		},
		ConnState: func(c net.Conn, s fasthttp.ConnState) {
			if s == fasthttp.StateNew {
				mu.Lock()
				conns = append(conns, c)
				mu.Unlock()
			}
		},
	}
	go leader.Serve(ln)
	t.Cleanup(func() { leader.Shutdown() })

	f := New(&fasthttp.Client{MaxIdleConnDuration: time.Minute}, "c2", 5*time.Second)
	send := func(body string) (*fasthttp.RequestCtx, error) {
		var req fasthttp.Request
		req.SetRequestURI("http://follower/v1/node/commit")
		req.Header.SetMethod("POST")
		req.SetBodyString(body)
		ctx := &fasthttp.RequestCtx{}
		ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(203, 0, 113, 9), Port: 5}, nil)
		return ctx, f.Forward(ctx, ln.Addr().String())
	}
	if _, err := send("one"); err != nil {
		t.Fatal(err)
	}
	// The leader drops its side of every connection, and the client's
	// kept-alive one has seen the close before it is used again.
	mu.Lock()
	for _, c := range conns {
		c.Close()
	}
	mu.Unlock()
	ctx, err := send("two")
	if err != nil {
		t.Fatalf("forward over a connection the leader closed: %v", err)
	}
	if ctx.Response.StatusCode() != 200 || string(ctx.Response.Body()) != "ok two" {
		t.Fatalf("answer %d %q", ctx.Response.StatusCode(), ctx.Response.Body())
	}
	if n := seen.Load(); n != 2 {
		t.Fatalf("the leader served %d requests, want 2", n)
	}
}

// A forward whose dial fails reads nothing of a streamed body (an upload)
// and leaves it whole: the member may send it to the next leader, or serve
// it itself (coord's forwardToLeader does both).
func TestFailedDialLeavesTheStreamWhole(t *testing.T) {
	leaderLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	leader := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		ctx.SetBodyString(strconv.Itoa(len(ctx.PostBody())))
	}}
	go leader.Serve(leaderLn)
	t.Cleanup(func() { leader.Shutdown() })
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close() // a leader that died: its port refuses connections

	f := New(&fasthttp.Client{}, "c2", 5*time.Second)
	followerLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	follower := &fasthttp.Server{StreamRequestBody: true, MaxRequestBodySize: 4 << 10, Handler: func(ctx *fasthttp.RequestCtx) {
		err := f.Forward(ctx, deadAddr)
		if err == nil || !NotSent(err) {
			ctx.SetStatusCode(500)
			ctx.SetBodyString(fmt.Sprintf("forward to a dead member: %v, want a failure that sent nothing", err))
			return
		}
		if err := f.Forward(ctx, leaderLn.Addr().String()); err != nil {
			ctx.SetStatusCode(502)
			ctx.SetBodyString(err.Error())
		}
	}}
	go follower.Serve(followerLn)
	t.Cleanup(func() { follower.Shutdown() })

	body := bytes.Repeat([]byte("x"), 1<<20) // above MaxRequestBodySize: streamed
	var req fasthttp.Request
	var resp fasthttp.Response
	req.SetRequestURI("http://" + followerLn.Addr().String() + "/v1/node/upload")
	req.Header.SetMethod("PUT")
	req.SetBody(body)
	if err := fasthttp.DoTimeout(&req, &resp, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != 200 || string(resp.Body()) != strconv.Itoa(len(body)) {
		t.Fatalf("the leader got %d %q, want the whole body of %d bytes", resp.StatusCode(), resp.Body(), len(body))
	}
}
