package blob

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestParseRange(t *testing.T) {
	const size = 1000
	tests := []struct {
		name      string
		header    string
		size      int64
		wantOK    bool
		wantStart int64
		wantLen   int64
		wantErr   error
	}{
		{name: "none", header: "", size: size},
		{name: "closed", header: "bytes=0-99", size: size, wantOK: true, wantStart: 0, wantLen: 100},
		{name: "one byte", header: "bytes=5-5", size: size, wantOK: true, wantStart: 5, wantLen: 1},
		{name: "open", header: "bytes=900-", size: size, wantOK: true, wantStart: 900, wantLen: 100},
		{name: "last byte", header: "bytes=999-", size: size, wantOK: true, wantStart: 999, wantLen: 1},
		{name: "end clamped", header: "bytes=990-5000", size: size, wantOK: true, wantStart: 990, wantLen: 10},
		{name: "end beyond int64", header: "bytes=1-99999999999999999999999", size: size, wantOK: true, wantStart: 1, wantLen: 999},
		{name: "suffix", header: "bytes=-10", size: size, wantOK: true, wantStart: 990, wantLen: 10},
		{name: "suffix longer than file", header: "bytes=-5000", size: size, wantOK: true, wantStart: 0, wantLen: size},
		{name: "unit case and spaces", header: " Bytes=1-2 ", size: size, wantOK: true, wantStart: 1, wantLen: 2},
		{name: "empty list elements", header: "bytes=, 1-2 ,", size: size, wantOK: true, wantStart: 1, wantLen: 2},
		{name: "other unit ignored", header: "items=0-1", size: size},
		{name: "start at end", header: "bytes=1000-", size: size, wantErr: errRangeUnsatisfiable},
		{name: "start beyond int64", header: "bytes=99999999999999999999-", size: size, wantErr: errRangeUnsatisfiable},
		{name: "zero suffix", header: "bytes=-0", size: size, wantErr: errRangeUnsatisfiable},
		{name: "empty file", header: "bytes=0-", size: 0, wantErr: errRangeUnsatisfiable},
		{name: "empty file suffix", header: "bytes=-1", size: 0, wantErr: errRangeUnsatisfiable},
		{name: "reversed", header: "bytes=10-5", size: size, wantErr: errRangeSyntax},
		{name: "two ranges", header: "bytes=0-1,5-6", size: size, wantErr: errRangeSyntax},
		{name: "no dash", header: "bytes=5", size: size, wantErr: errRangeSyntax},
		{name: "no numbers", header: "bytes=-", size: size, wantErr: errRangeSyntax},
		{name: "sign", header: "bytes=+1-2", size: size, wantErr: errRangeSyntax},
		{name: "negative", header: "bytes=--1", size: size, wantErr: errRangeSyntax},
		{name: "inner space", header: "bytes=1 -2", size: size, wantErr: errRangeSyntax},
		{name: "no equals", header: "bytes", size: size, wantErr: errRangeSyntax},
		{name: "empty set", header: "bytes=", size: size, wantErr: errRangeSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok, err := parseRange(tt.header, tt.size)
			if !errors.Is(err, tt.wantErr) || ok != tt.wantOK {
				t.Fatalf("parseRange(%q, %d) = %+v, %v, %v; want ok %v, err %v", tt.header, tt.size, r, ok, err, tt.wantOK, tt.wantErr)
			}
			if ok && (r.start != tt.wantStart || r.length != tt.wantLen) {
				t.Fatalf("parseRange(%q, %d) = %+v, want start %d length %d", tt.header, tt.size, r, tt.wantStart, tt.wantLen)
			}
		})
	}
}

// FuzzParseRange checks that any header either is ignored, is rejected, or
// gives a non-empty range inside the representation, and that a range the
// parser accepts is the one a plain reading of the header means.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-0", "bytes=-1", "bytes=10-", "bytes=1-2,3-4", "bytes=9223372036854775807-", "items=1-2", "bytes= 0-1 ", "bytes=-9223372036854775808"} {
		f.Add(s, int64(1000))
	}
	f.Fuzz(func(t *testing.T, header string, size int64) {
		if size < 0 {
			size = -(size + 1)
		}
		r, ok, err := parseRange(header, size)
		if err != nil {
			if ok || (err != errRangeSyntax && err != errRangeUnsatisfiable) {
				t.Fatalf("parseRange(%q, %d) = %+v, %v, %v", header, size, r, ok, err)
			}
			return
		}
		if !ok {
			return
		}
		if r.start < 0 || r.length <= 0 || r.start > size-r.length {
			t.Fatalf("parseRange(%q, %d) = %+v: outside the representation", header, size, r)
		}
		// An accepted header holds exactly one FIRST-LAST spec.
		_, set, _ := strings.Cut(strings.TrimSpace(header), "=")
		spec := strings.Trim(strings.ReplaceAll(set, ",", ""), " \t")
		first, last, _ := strings.Cut(spec, "-")
		if first == "" {
			n, _ := strconv.ParseInt(last, 10, 64)
			if n > 0 && n < size && r.length != n {
				t.Fatalf("suffix %q of %d gave %+v", last, size, r)
			}
			if r.start+r.length != size {
				t.Fatalf("suffix range %+v does not end at %d", r, size)
			}
			return
		}
		if s, _ := strconv.ParseInt(first, 10, 64); s != r.start {
			t.Fatalf("parseRange(%q) start %d, want %d", header, r.start, s)
		}
	})
}

// serveFile serves a fixed byte slice through ServeRange.
func serveFile(body []byte, etag string) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		if etag != "" {
			ctx.Response.Header.Set("ETag", etag)
		}
		ServeRange(ctx, bytes.NewReader(body), int64(len(body)), "application/octet-stream")
	}
}

func TestServeRange(t *testing.T) {
	body, _ := randomBlob(t, 10_000)
	srv := startServer(t, serveFile(body, `"v1"`), false)
	tests := []struct {
		name       string
		method     string
		header     map[string]string
		wantStatus int
		wantBody   []byte
		wantRange  string
		wantLength int64
	}{
		{name: "whole", method: "GET", wantStatus: 200, wantBody: body, wantLength: 10_000},
		{name: "first bytes", method: "GET", header: map[string]string{"Range": "bytes=0-9"}, wantStatus: 206, wantBody: body[:10], wantRange: "bytes 0-9/10000", wantLength: 10},
		{name: "middle", method: "GET", header: map[string]string{"Range": "bytes=4000-4999"}, wantStatus: 206, wantBody: body[4000:5000], wantRange: "bytes 4000-4999/10000", wantLength: 1000},
		{name: "suffix", method: "GET", header: map[string]string{"Range": "bytes=-3"}, wantStatus: 206, wantBody: body[9997:], wantRange: "bytes 9997-9999/10000", wantLength: 3},
		{name: "open", method: "GET", header: map[string]string{"Range": "bytes=9990-"}, wantStatus: 206, wantBody: body[9990:], wantRange: "bytes 9990-9999/10000", wantLength: 10},
		{name: "beyond end", method: "GET", header: map[string]string{"Range": "bytes=10000-"}, wantStatus: 416, wantRange: "bytes */10000"},
		{name: "malformed", method: "GET", header: map[string]string{"Range": "bytes=x-"}, wantStatus: 416, wantRange: "bytes */10000"},
		{name: "two ranges", method: "GET", header: map[string]string{"Range": "bytes=0-1,3-4"}, wantStatus: 416, wantRange: "bytes */10000"},
		{name: "other unit", method: "GET", header: map[string]string{"Range": "pages=1-2"}, wantStatus: 200, wantBody: body, wantLength: 10_000},
		{name: "if-range matches", method: "GET", header: map[string]string{"Range": "bytes=0-0", "If-Range": `"v1"`}, wantStatus: 206, wantBody: body[:1], wantRange: "bytes 0-0/10000", wantLength: 1},
		{name: "if-range differs", method: "GET", header: map[string]string{"Range": "bytes=0-0", "If-Range": `"v0"`}, wantStatus: 200, wantBody: body, wantLength: 10_000},
		{name: "head", method: "HEAD", wantStatus: 200, wantBody: []byte{}, wantLength: 10_000},
		{name: "head range", method: "HEAD", header: map[string]string{"Range": "bytes=1-2"}, wantStatus: 206, wantBody: []byte{}, wantRange: "bytes 1-2/10000", wantLength: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, got := do(t, tt.method, srv.url()+"/f", nil, tt.header)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %q", resp.StatusCode, tt.wantStatus, truncate(string(got), 200))
			}
			if cr := resp.Header.Get("Content-Range"); cr != tt.wantRange {
				t.Fatalf("Content-Range %q, want %q", cr, tt.wantRange)
			}
			if tt.wantStatus == http.StatusRequestedRangeNotSatisfiable {
				if !strings.Contains(string(got), `"field":"Range"`) {
					t.Fatalf("416 body %q does not name the Range field", got)
				}
				return
			}
			if resp.ContentLength != tt.wantLength {
				t.Fatalf("Content-Length %d, want %d", resp.ContentLength, tt.wantLength)
			}
			if !bytes.Equal(got, tt.wantBody) {
				t.Fatalf("body of %d bytes differs from the expected %d", len(got), len(tt.wantBody))
			}
			if resp.Header.Get("Accept-Ranges") != "bytes" {
				t.Fatal("no Accept-Ranges: bytes")
			}
		})
	}
}
