package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestFieldErrorFormat(t *testing.T) {
	tests := []struct {
		name string
		err  *FieldError
		want string
	}{
		{name: "with value", err: &FieldError{Field: "crawl.seeds[0]", Value: `"ftp://x"`, Expected: "an http or https URL"}, want: `api: crawl.seeds[0] "ftp://x": expected an http or https URL`},
		{name: "missing", err: &FieldError{Field: "compute.input", Expected: "the id of a verified dataset"}, want: "api: compute.input: expected the id of a verified dataset"},
		{name: "unknown", err: &FieldError{Field: "crawl.x", Expected: "one of the fields a, b", Err: ErrUnknownField}, want: "api: crawl.x: unknown field; expected one of the fields a, b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Fatalf("Error() = %q, want %q", got, tt.want)
			}
			if !errors.Is(tt.err, ErrInvalid) {
				t.Fatal("not ErrInvalid")
			}
		})
	}
	if !errors.Is(&FieldError{Err: ErrUnknownField}, ErrUnknownField) {
		t.Fatal("unknown field error is not ErrUnknownField")
	}
}

func TestQuoteShortens(t *testing.T) {
	got := quote(strings.Repeat("é", 200))
	if want := `"` + strings.Repeat("é", maxValueLen) + `"…`; got != want {
		t.Fatalf("quote = %s", got)
	}
}

func TestFieldErrorsAndAs(t *testing.T) {
	err := fmt.Errorf("decoding job: %w", crawlJob(func(c *CrawlSpec) { c.Seeds = []string{"ftp://a", "ftp://b"} }).Validate())
	fes := FieldErrors(err)
	if len(fes) != 2 || fes[0].Field != "crawl.seeds[0]" || fes[1].Field != "crawl.seeds[1]" {
		t.Fatalf("FieldErrors = %v", fes)
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "crawl.seeds[0]" {
		t.Fatalf("errors.As = %v", fe)
	}
	if FieldErrors(nil) != nil || FieldErrors(errors.New("x")) != nil {
		t.Fatal("FieldErrors of a non-field error")
	}
}

func TestErrorFor(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		code   ErrorCode
		field  string
		ok     bool
		remote error // what the client's RemoteError matches
	}{
		{name: "field", err: crawlJob(func(c *CrawlSpec) { c.MaxDepth = 99 }).Validate(), status: http.StatusBadRequest, code: CodeInvalid, field: "crawl.max_depth", ok: true, remote: ErrInvalid},
		{name: "wrapped field", err: fmt.Errorf("x: %w", &FieldError{Field: "a", Expected: "b"}), status: 400, code: CodeInvalid, field: "a", ok: true, remote: ErrInvalid},
		{name: "malformed", err: fmt.Errorf("%w at byte 3", ErrMalformed), status: 400, code: CodeMalformed, ok: true, remote: ErrMalformed},
		{name: "trailing", err: ErrTrailingData, status: 400, code: CodeMalformed, ok: true, remote: ErrMalformed},
		{name: "not canonical", err: ErrBodyNotCanonical, status: 400, code: CodeMalformed, ok: true, remote: ErrMalformed},
		{name: "too large", err: fmt.Errorf("%w: more", ErrTooLarge), status: 413, code: CodeTooLarge, ok: true, remote: ErrTooLarge},
		{name: "bad signature", err: ErrBadSignature, status: 401, code: CodeBadSig, ok: true, remote: ErrBadSignature},
		{name: "wrong method", err: ErrWrongMethod, status: 401, code: CodeBadSig, ok: true, remote: ErrBadSignature},
		{name: "expired", err: ErrExpired, status: 401, code: CodeExpired, ok: true, remote: ErrExpired},
		{name: "too far", err: ErrExpiryTooFar, status: 401, code: CodeExpired, ok: true, remote: ErrExpired},
		{name: "replayed", err: ErrReplayed, status: 409, code: CodeReplayed, ok: true, remote: ErrReplayed},
		{name: "foreign", err: errors.New("coord: disk on fire"), status: 500, code: CodeInternal, ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, ok := ErrorFor(tt.err)
			if status != tt.status || body.Error.Code != tt.code || body.Error.Field != tt.field || ok != tt.ok {
				t.Fatalf("ErrorFor = %d %+v %v", status, body, ok)
			}
			if err := body.Validate(); err != nil {
				t.Fatalf("the body is invalid: %v", err)
			}
			if !ok && strings.Contains(body.Error.Message, "fire") {
				t.Fatal("an internal error's message leaked")
			}
			// What the client rebuilds matches the sentinel again.
			b, _ := json.Marshal(body)
			var got ErrorBody
			if err := Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if remote := got.Err(status); tt.remote != nil && !errors.Is(remote, tt.remote) {
				t.Fatalf("remote %v does not match %v", remote, tt.remote)
			}
		})
	}
}

func TestRemoteError(t *testing.T) {
	err := ErrorBody{Error: ErrorDetail{Code: CodeInvalid, Field: "crawl.seeds[0]", Message: "api: …"}}.Err(400)
	if !errors.Is(err, ErrInvalid) || errors.Is(err, ErrReplayed) {
		t.Fatal("RemoteError.Is")
	}
	if !strings.Contains(err.Error(), "remote 400 invalid (crawl.seeds[0])") {
		t.Fatalf("Error() = %q", err)
	}
	nl := ErrorBody{Error: ErrorDetail{Code: CodeNotLeader, Message: "m"}}.Err(503)
	if errors.Is(nl, ErrInvalid) || nl.Error() != "remote 503 not_leader: m" {
		t.Fatalf("not leader: %v", nl)
	}
	runValidation(t, []validationCase{
		{name: "body", v: ErrorBody{Error: ErrorDetail{Code: CodeNotFound, Message: "no such job"}}},
		{name: "body without code", v: ErrorBody{Error: ErrorDetail{Message: "m"}}, field: "error.code", want: "error code"},
		{name: "body without message", v: ErrorBody{Error: ErrorDetail{Code: CodeInternal}}, field: "error.message", want: "a message"},
	})
}
