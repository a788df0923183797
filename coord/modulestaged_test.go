package coord_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/minio/minio-go/v7"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
)

// A buyer's module goes straight to the bucket (issue 16: no coordinator
// carries the bytes): `buyer.UploadModule` asks for a URL, PUTs the module
// and reports it; the leader checks it, puts it under its name and records
// the buyer as an owner. A second buyer's upload of the same module adds an
// owner; a staged object that is not the module signed for, or not
// WebAssembly, is refused naming the field, removed, and records nothing.
func TestModuleUploadPresigned(t *testing.T) {
	s := newStagedCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var urls []string
	for _, m := range s.c.Members {
		urls = append(urls, "http://"+m.Config.HTTPAddr)
	}
	body, up := wasmModule(t, 200_000)
	owners := []*signer{newSigner(t), newSigner(t)}
	for i, o := range owners {
		b, err := buyer.New(buyer.Config{Coordinators: urls, Key: o.key, ChainID: api.DevChainID})
		if err != nil {
			t.Fatal(err)
		}
		m, err := b.UploadModule(ctx, body)
		if err != nil {
			t.Fatalf("buyer %d: %v", i, err)
		}
		if m.SHA256 != up.SHA256 || m.Size != up.Size {
			t.Fatalf("buyer %d: module %+v, want %s of %d bytes", i, m, up.SHA256, up.Size)
		}
	}
	leader := s.c.WaitLeader().C
	m, err := leader.Module(up.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range owners {
		if a := strings.ToLower(crypto.PubkeyToAddress(o.key.PublicKey).Hex()); !slices.Contains(m.Owners, a) {
			t.Fatalf("owners %v: want %s", m.Owners, a)
		}
	}
	if got := s.metric(t, false, "meadow_modules_presigned_total"); got != 2 {
		t.Fatalf("meadow_modules_presigned_total = %v on the leader, want 2", got)
	}
	// The module is in the bucket under its name, and no staging is left.
	if got, ok := leader.BlobBytes(up.SHA256); !ok || !bytes.Equal(got, body) {
		t.Fatalf("the module is not stored under its name (%d bytes read)", len(got))
	}
	for oi := range s.srv.Client().ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: "meadow/uploads/", Recursive: true}) {
		t.Fatalf("a staging object was left: %s (%v)", oi.Key, oi.Err)
	}

	// Hostile stagings, through the raw protocol.
	k := newSigner(t)
	cl, err := api.NewClient(api.ClientConfig{Coordinators: urls, Key: k.key, Domain: api.DevDomain()})
	if err != nil {
		t.Fatal(err)
	}
	notWasm := bytes.Repeat([]byte("not wasm"), 100)
	other, _ := wasmModule(t, len(notWasm))
	for _, tt := range []struct {
		name       string
		signed     []byte // what the envelope names
		put        []byte // what reaches the store (nil: nothing)
		field, msg string
	}{
		{name: "nothing staged", signed: other, field: "sha256", msg: "no staged upload"},
		{name: "not WebAssembly", signed: notWasm, put: notWasm, field: "body", msg: "WebAssembly"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mu := api.ModuleUpload{SHA256: api.Hash(sha256.Sum256(tt.signed)), Size: int64(len(tt.signed))}
			var u api.UploadURL
			if err := cl.Post(ctx, api.MethodModuleUploadURL, api.RouteModuleUploadURL, mu, &u); err != nil || u.URL == "" {
				t.Fatalf("upload URL: %+v, %v", u, err)
			}
			if tt.put != nil {
				if err := api.PutPresigned(ctx, cl.HTTP(), u, int64(len(tt.put)), bytes.NewReader(tt.put)); err != nil {
					t.Fatal(err)
				}
			}
			var got api.Module
			err := cl.Post(ctx, api.MethodModuleUploadStaged, api.RouteModuleUploadStaged, mu, &got)
			var ae *api.RemoteError
			if !errors.As(err, &ae) || !strings.Contains(ae.Field, tt.field) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("report: %v, want a refusal naming %s (%q)", err, tt.field, tt.msg)
			}
			if _, err := leader.Module(mu.SHA256); err == nil {
				t.Fatal("a refused module was recorded")
			}
		})
	}
	for oi := range s.srv.Client().ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: "meadow/uploads/", Recursive: true}) {
		t.Fatalf("a refused staging object was left: %s (%v)", oi.Key, oi.Err)
	}
	// Bytes other than those signed never reach the store: its checksum
	// refuses them.
	mu := api.ModuleUpload{SHA256: api.Hash(sha256.Sum256(other)), Size: int64(len(other))}
	var u api.UploadURL
	if err := cl.Post(ctx, api.MethodModuleUploadURL, api.RouteModuleUploadURL, mu, &u); err != nil {
		t.Fatal(err)
	}
	if err := api.PutPresigned(ctx, cl.HTTP(), u, int64(len(notWasm)), bytes.NewReader(notWasm)); err == nil {
		t.Fatal("the store took bytes other than the ones signed")
	}

	// The store gone: the buyer's PUTs fail, and the members, which carry
	// no blob bytes, refuse the module too. The error says both, and
	// nothing is recorded.
	s.srv.Kill()
	b, err := buyer.New(buyer.Config{Coordinators: urls, Key: k.key, ChainID: api.DevChainID})
	if err != nil {
		t.Fatal(err)
	}
	lost, lostUp := wasmModule(t, 3_000)
	_, err = b.UploadModule(ctx, lost)
	var ae *api.RemoteError
	if !errors.As(err, &ae) || ae.Status != http.StatusConflict || ae.Field != "route" || !strings.Contains(err.Error(), "object store refused the module") {
		t.Fatalf("upload with the store down: %v; want the store's refusal and the members' 409 naming route", err)
	}
	if _, err := leader.Module(lostUp.SHA256); err == nil {
		t.Fatal("a module the store never took was recorded")
	}
}
