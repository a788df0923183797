package blob

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// errorBody decodes an api.ErrorBody.
func errorBody(t *testing.T, b []byte) api.ErrorDetail {
	t.Helper()
	var eb api.ErrorBody
	if err := json.Unmarshal(b, &eb); err != nil {
		t.Fatalf("error body %q: %v", b, err)
	}
	if err := eb.Validate(); err != nil {
		t.Fatalf("error body %q: %v", b, err)
	}
	return eb.Error
}

func TestHandlerGet(t *testing.T) {
	forEachBackend(t, testHandlerGet)
}

func testHandlerGet(t *testing.T, s *testBackend) {
	b, h := randomBlob(t, 50_000)
	if _, err := s.Put(context.Background(), bytes.NewReader(b), h, 0); err != nil {
		t.Fatal(err)
	}
	_, absent := randomBlob(t, 1)
	srv := startServer(t, NewHandler(s.Backend, HandlerConfig{Token: testToken}).Serve, true)
	peer := map[string]string{TokenHeader: testToken}
	url := srv.url() + PathPrefix + h.String()

	resp, got := do(t, "GET", url, nil, peer)
	if resp.StatusCode != 200 || !bytes.Equal(got, b) {
		t.Fatalf("GET: %d, %d bytes", resp.StatusCode, len(got))
	}
	if resp.Header.Get("ETag") != `"`+h.String()+`"` || resp.Header.Get("Content-Type") != ContentType {
		t.Fatalf("GET headers: %v", resp.Header)
	}
	resp, got = do(t, "GET", url, nil, map[string]string{TokenHeader: testToken, "Range": "bytes=100-199"})
	if resp.StatusCode != 206 || !bytes.Equal(got, b[100:200]) {
		t.Fatalf("GET range: %d, %d bytes", resp.StatusCode, len(got))
	}
	resp, got = do(t, "HEAD", url, nil, peer)
	if resp.StatusCode != 200 || resp.ContentLength != int64(len(b)) || len(got) != 0 {
		t.Fatalf("HEAD: %d, length %d, %d body bytes", resp.StatusCode, resp.ContentLength, len(got))
	}

	tests := []struct {
		name   string
		method string
		path   string
		header map[string]string
		status int
		code   api.ErrorCode
		field  string
	}{
		{name: "absent", method: "GET", path: PathPrefix + absent.String(), header: peer, status: 404, code: api.CodeNotFound, field: "hash"},
		{name: "absent head", method: "HEAD", path: PathPrefix + absent.String(), header: peer, status: 404},
		{name: "uppercase hash", method: "GET", path: PathPrefix + strings.ToUpper(h.String()), header: peer, status: 400, code: api.CodeInvalid, field: "hash"},
		{name: "short hash", method: "GET", path: PathPrefix + "abc", header: peer, status: 400, code: api.CodeInvalid, field: "hash"},
		{name: "no hash", method: "GET", path: PathPrefix, header: peer, status: 400, code: api.CodeInvalid, field: "hash"},
		{name: "sub path", method: "GET", path: PathPrefix + h.String() + "/x", header: peer, status: 400, code: api.CodeInvalid, field: "hash"},
		{name: "delete", method: "DELETE", path: PathPrefix + h.String(), header: peer, status: 405, code: api.CodeInvalid, field: "method"},
		{name: "no token", method: "GET", path: PathPrefix + h.String(), status: 401, code: CodeUnauthorized, field: TokenHeader},
		{name: "wrong token", method: "GET", path: PathPrefix + h.String(), header: map[string]string{TokenHeader: testToken + "x"}, status: 403, code: CodeForbidden, field: TokenHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, got := do(t, tt.method, srv.url()+tt.path, nil, tt.header)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.status, got)
			}
			if tt.method == "HEAD" {
				return
			}
			d := errorBody(t, got)
			if d.Code != tt.code || d.Field != tt.field {
				t.Fatalf("error %+v, want code %q field %q", d, tt.code, tt.field)
			}
		})
	}
}

func TestHandlerAuthorizeRead(t *testing.T) {
	s, _ := newTestStore(t)
	b, h := randomBlob(t, 1000)
	if _, err := s.Put(context.Background(), bytes.NewReader(b), h, 0); err != nil {
		t.Fatal(err)
	}
	_, other := randomBlob(t, 1000)
	srv := startServer(t, NewHandler(s, HandlerConfig{
		AuthorizeRead: func(ctx *fasthttp.RequestCtx, got dataset.Hash) error {
			if got != h || string(ctx.Request.Header.Peek("Meadow-Envelope")) != "lease-1" {
				return errors.New("no lease names this blob")
			}
			return nil
		},
	}).Serve, false)
	resp, got := do(t, "GET", srv.url()+PathPrefix+h.String(), nil, map[string]string{"Meadow-Envelope": "lease-1"})
	if resp.StatusCode != 200 || !bytes.Equal(got, b) {
		t.Fatalf("authorized GET: %d %s", resp.StatusCode, truncate(string(got), 100))
	}
	resp, got = do(t, "GET", srv.url()+PathPrefix+other.String(), nil, map[string]string{"Meadow-Envelope": "lease-1"})
	if resp.StatusCode != 403 || !strings.Contains(errorBody(t, got).Message, "no lease") {
		t.Fatalf("unauthorized GET: %d %s", resp.StatusCode, got)
	}
	// No token configured: a caller claiming to be a peer is refused.
	resp, got = do(t, "GET", srv.url()+PathPrefix+h.String(), nil, map[string]string{TokenHeader: testToken})
	if resp.StatusCode != 403 || errorBody(t, got).Code != CodeForbidden {
		t.Fatalf("GET with a token on a coordinator without one: %d %s", resp.StatusCode, got)
	}
}

func TestHandlerPut(t *testing.T) {
	b, h := randomBlob(t, 3<<20) // beyond the test server's in-memory body limit
	corrupt := bytes.Clone(b)
	corrupt[1] ^= 1
	small, hs := randomBlob(t, 1000)
	for _, stream := range []bool{true, false} {
		name := "streamed"
		if !stream {
			name = "buffered"
			b, h = small, hs
			corrupt = bytes.Clone(small)
			corrupt[1] ^= 1
		}
		t.Run(name, func(t *testing.T) {
			tests := []struct {
				name    string
				body    []byte
				header  map[string]string
				noToken bool
				status  int
				code    api.ErrorCode
				field   string
				stored  bool
			}{
				{name: "no token", body: small, status: 401, code: CodeUnauthorized, field: TokenHeader},
				{name: "wrong token", body: small, header: map[string]string{TokenHeader: "guess"}, status: 403, code: CodeForbidden, field: TokenHeader},
				{name: "peer pushes disabled", body: small, header: map[string]string{TokenHeader: testToken}, noToken: true, status: 403, code: CodeForbidden, field: TokenHeader},
				{name: "wrong bytes", body: corrupt, header: map[string]string{TokenHeader: testToken}, status: 400, code: api.CodeInvalid, field: "body"},
				{name: "truncated", body: b[:len(b)-1], header: map[string]string{TokenHeader: testToken}, status: 400, code: api.CodeInvalid, field: "body"},
				{name: "stored", body: b, header: map[string]string{TokenHeader: testToken}, status: 201, stored: true},
			}
			for _, tt := range tests {
				for _, k := range backendKinds {
					t.Run(tt.name+"/"+k.name, func(t *testing.T) {
						s := k.open(t)
						cfg := HandlerConfig{Token: testToken}
						if tt.noToken {
							cfg.Token = ""
						}
						srv := startServer(t, NewHandler(s.Backend, cfg).Serve, stream)
						url := srv.url() + PathPrefix + h.String()
						resp, got := do(t, "PUT", url, tt.body, tt.header)
						if resp.StatusCode != tt.status {
							t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.status, got)
						}
						if has := Has(context.Background(), s, h); has != tt.stored {
							t.Fatalf("Has = %v, want %v", has, tt.stored)
						}
						if !tt.stored {
							if fs := s.leftovers(t); len(fs) != 0 {
								t.Fatalf("files left behind: %v", fs)
							}
							d := errorBody(t, got)
							if d.Code != tt.code || d.Field != tt.field {
								t.Fatalf("error %+v, want code %q field %q", d, tt.code, tt.field)
							}
							if tt.name == "wrong bytes" && !strings.Contains(d.Message, h.String()) {
								t.Fatalf("digest error %q does not name the expected digest", d.Message)
							}
							return
						}
						var pr PutResponse
						if err := json.Unmarshal(got, &pr); err != nil || pr.SHA256 != h || pr.Size != int64(len(b)) {
							t.Fatalf("PUT answer %s: %+v, %v", got, pr, err)
						}
						resp, _ = do(t, "PUT", url, tt.body, tt.header)
						if resp.StatusCode != 200 {
							t.Fatalf("second PUT: %d, want 200", resp.StatusCode)
						}
					})
				}
			}
		})
	}
}

func TestHandlerPutTooLarge(t *testing.T) {
	b, h := randomBlob(t, 2<<20)
	for _, stream := range []bool{false, true} {
		// A buffered server has the whole body when the handler runs, so
		// the 413 always arrives. A streaming one refuses before reading
		// and then closes the connection, so the client may see the 413
		// or a reset; either way nothing is stored.
		name := map[bool]string{false: "buffered", true: "streamed"}[stream]
		for _, chunked := range []bool{false, true} {
			t.Run(name+map[bool]string{false: " declared", true: " chunked"}[chunked], func(t *testing.T) {
				s, _ := newTestStore(t)
				srv := startServer(t, NewHandler(s, HandlerConfig{Token: testToken, MaxSize: 1 << 20}).Serve, stream)
				var body io.Reader = bytes.NewReader(b)
				if chunked {
					body = io.MultiReader(body) // hides the length
				}
				req, err := http.NewRequest("PUT", srv.url()+PathPrefix+h.String(), body)
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set(TokenHeader, testToken)
				resp, err := http.DefaultClient.Do(req)
				switch {
				case err != nil && !stream:
					t.Fatal(err)
				case err == nil:
					got, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if d := errorBody(t, got); resp.StatusCode != 413 || d.Code != api.CodeTooLarge || d.Field != "body" {
						t.Fatalf("PUT of %d bytes: %d %s", len(b), resp.StatusCode, got)
					}
				}
				if fs := files(t, s.Dir()); len(fs) != 0 || s.Has(h) {
					t.Fatalf("files left behind: %v", fs)
				}
			})
		}
	}
}

// A large PUT with a bad token is refused before its body is read; a
// streaming server then closes the connection, so the client may see the
// 403 or a reset, but never a stored blob.
func TestHandlerPutUnauthorizedLarge(t *testing.T) {
	b, h := randomBlob(t, 4<<20)
	s, _ := newTestStore(t)
	srv := startServer(t, NewHandler(s, HandlerConfig{Token: testToken}).Serve, true)
	req, err := http.NewRequest("PUT", srv.url()+PathPrefix+h.String(), bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(TokenHeader, "guess")
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Fatalf("status %d, want 403", resp.StatusCode)
		}
	}
	if s.Has(h) || len(files(t, s.Dir())) != 0 {
		t.Fatal("an unauthorized PUT stored something")
	}
}
