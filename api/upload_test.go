package api

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
)

// A staged upload's report is answered once the member has read the blob
// back and checked it: WithAnswerWork lets each try wait for that, in
// proportion to the blob's size, where a small write's try would give up.
func TestWithAnswerWork(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(700 * time.Millisecond) // the member checking
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"rows": 3}` + "\n"))
	}))
	t.Cleanup(srv.Close)
	key, _ := crypto.GenerateKey()
	newClient := func(k *ecdsa.PrivateKey) *Client {
		c, err := NewClient(ClientConfig{Coordinators: []string{srv.URL}, Key: k, Domain: DevDomain(), AttemptTimeout: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		c.Attempts = 1
		return c
	}
	up := Upload{TaskID: "t1", LeaseID: "l1", SHA256: Hash{1}, Size: 8 << 20}
	var out UploadResponse
	err := newClient(key).Post(context.Background(), MethodUploadStaged, RouteUploadStaged, up, &out)
	if !errors.Is(err, ErrNoCoordinator) {
		t.Fatalf("without WithAnswerWork: %v, want the try to time out", err)
	}
	// 8 MiB at uploadCopyRate (4 MiB/s) is 2 s more to wait.
	if err := newClient(key).Post(WithAnswerWork(context.Background(), up.Size), MethodUploadStaged, RouteUploadStaged, up, &out); err != nil || out.Rows != 3 {
		t.Fatalf("with WithAnswerWork: %+v %v", out, err)
	}
}

func TestUploadURLValidate(t *testing.T) {
	tests := []struct {
		name  string
		u     UploadURL
		field string
	}{
		{name: "no URL", u: UploadURL{}},
		{name: "stored", u: UploadURL{Stored: true, Rows: 20}},
		{name: "a URL", u: UploadURL{URL: "http://127.0.0.1:9000/b/k?X-Amz-Signature=1", Headers: map[string]string{"Content-Length": "3"}, ExpiresAt: 1}},
		{name: "not http", u: UploadURL{URL: "file:///etc/passwd", ExpiresAt: 1}, field: "url"},
		{name: "no expiry", u: UploadURL{URL: "https://s3.example/b/k"}, field: "expires_at"},
		{name: "header with a line break", u: UploadURL{URL: "https://s3.example/b/k", ExpiresAt: 1, Headers: map[string]string{"X": "a\r\nB: c"}}, field: "headers"},
		{name: "stored with a URL", u: UploadURL{URL: "https://s3.example/b/k", ExpiresAt: 1, Stored: true}, field: "url"},
		{name: "rows out of range", u: UploadURL{Stored: true, Rows: -1}, field: "rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.u.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("Validate = %v, want a FieldError naming %s", err, tt.field)
			}
		})
	}
}
