package blob

import (
	"errors"
	"net/http"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// TestHandlerReadError checks that ReadError chooses the answer to a
// refused read, and that a refusal it does not map (a status below 400)
// stays 403.
func TestHandlerReadError(t *testing.T) {
	s, _ := newTestStore(t)
	_, h := randomBlob(t, 100)
	errNoSig := errors.New("no signature")
	srv := startServer(t, NewHandler(s, HandlerConfig{
		AuthorizeRead: func(ctx *fasthttp.RequestCtx, _ dataset.Hash) error {
			if len(ctx.Request.Header.Peek("Meadow-Envelope")) == 0 {
				return errNoSig
			}
			return errors.New("no lease")
		},
		ReadError: func(err error) (int, api.ErrorBody) {
			if errors.Is(err, errNoSig) {
				return http.StatusUnauthorized, api.ErrorBody{Error: api.ErrorDetail{Code: CodeUnauthorized, Field: "Meadow-Envelope", Message: err.Error()}}
			}
			return http.StatusOK, api.ErrorBody{}
		},
	}).Serve, false)
	resp, got := do(t, "GET", srv.url()+PathPrefix+h.String(), nil, nil)
	if eb := errorBody(t, got); resp.StatusCode != 401 || eb.Code != CodeUnauthorized || eb.Field != "Meadow-Envelope" {
		t.Fatalf("read without an envelope: %d %s", resp.StatusCode, got)
	}
	resp, got = do(t, "GET", srv.url()+PathPrefix+h.String(), nil, map[string]string{"Meadow-Envelope": "x"})
	if eb := errorBody(t, got); resp.StatusCode != 403 || eb.Code != CodeForbidden {
		t.Fatalf("read refused with an unmapped error: %d %s", resp.StatusCode, got)
	}
}
