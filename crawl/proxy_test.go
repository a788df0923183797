package crawl

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestProxy(t *testing.T) {
	res := newFakeResolver()
	good := newSite(t, allowedIP, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from %s", r.URL.Path)
	}))
	bad := newSite(t, forbiddenIP, nil)
	res.set(goodHost, []netip.Addr{allowedIP})
	res.set(badHost, []netip.Addr{forbiddenIP})
	p := &Policy{Resolver: res, AllowList: []netip.Prefix{netip.PrefixFrom(allowedIP, 32)}}
	px, err := NewProxy(p.DialContext, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { px.Close() })
	pu, _ := url.Parse(px.URL())
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}, Timeout: 5 * time.Second}

	t.Run("plain allowed", func(t *testing.T) {
		resp, err := client.Get(good.url(goodHost, "/a"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "hello from /a" {
			t.Errorf("got %d %q", resp.StatusCode, body)
		}
	})
	for _, target := range []string{bad.url("", "/"), bad.url(badHost, "/"), "http://10.0.0.1/", "http://[::1]:" + bad.port() + "/"} {
		t.Run("plain refused "+target, func(t *testing.T) {
			resp, err := client.Get(target)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			reason, ok := px.refusalFrom(map[string]string{refusalHeader: resp.Header.Get(refusalHeader)})
			if resp.StatusCode != http.StatusForbidden || !ok || reason != ReasonUnsafeAddress {
				t.Errorf("got %d, marker %q", resp.StatusCode, resp.Header.Get(refusalHeader))
			}
			u, _ := url.Parse(target)
			if px.Refused(u.Host) == nil && px.Refused(u.Host+":80") == nil {
				t.Errorf("no refusal noted for %s", u.Host)
			}
		})
	}
	t.Run("forged marker", func(t *testing.T) {
		if _, ok := px.refusalFrom(map[string]string{refusalHeader: "0000 unsafe_address"}); ok {
			t.Error("a marker without the proxy's token was believed")
		}
	})

	connect := func(t *testing.T, authority string) (net.Conn, *bufio.Reader, int) {
		t.Helper()
		conn, err := net.Dial("tcp", pu.Host)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		fmt.Fprintf(conn, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", authority, authority)
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
		if err != nil {
			t.Fatal(err)
		}
		return conn, br, resp.StatusCode
	}
	t.Run("connect allowed", func(t *testing.T) {
		conn, br, status := connect(t, net.JoinHostPort(goodHost, good.port()))
		if status != 200 {
			t.Fatalf("CONNECT status %d", status)
		}
		fmt.Fprintf(conn, "GET /tunnel HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", goodHost)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if string(body) != "hello from /tunnel" {
			t.Errorf("through the tunnel: %q", body)
		}
	})
	for _, authority := range []string{net.JoinHostPort(badHost, bad.port()), net.JoinHostPort("127.0.0.2", bad.port()), "169.254.169.254:443", pu.Host} {
		t.Run("connect refused "+authority, func(t *testing.T) {
			_, _, status := connect(t, authority)
			if status != http.StatusForbidden {
				t.Errorf("CONNECT status %d, want 403", status)
			}
		})
	}
	t.Run("origin-form request", func(t *testing.T) {
		resp, err := http.Get(px.URL() + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("status %d, want 400", resp.StatusCode)
		}
	})
	t.Run("close ends tunnels", func(t *testing.T) {
		conn, br, status := connect(t, net.JoinHostPort(goodHost, good.port()))
		if status != 200 {
			t.Fatalf("CONNECT status %d", status)
		}
		px.Close()
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := br.ReadByte(); err == nil || strings.Contains(err.Error(), "timeout") {
			t.Errorf("tunnel still open after Close: %v", err)
		}
	})
	if n := bad.accepted.Load(); n != 0 {
		t.Errorf("the forbidden server accepted %d connections", n)
	}
}
