package coord_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/release"
	"github.com/meadow-net/meadow/release/releasetest"
)

func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(url)
	if err := fasthttp.DoTimeout(req, resp, 10*time.Second); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode(), bytes.Clone(resp.Body())
}

// TestReleaseRoutes: a member given a release dir serves the SUMS file,
// its signature and the version from its names, and the archives it lists
// and nothing else; a member without one answers 404.
func TestReleaseRoutes(t *testing.T) {
	key, _ := crypto.GenerateKey()
	dir := t.TempDir()
	name, archive := releasetest.NodeArchive(t, "v0.0.2", "linux", "amd64", []byte("#!/bin/sh\necho v0.0.2\n"))
	sums := releasetest.WriteDir(t, dir, key, map[string][]byte{name: archive, "notes.txt": []byte("hi\n")})
	c := coordtest.NewTestCluster(t, 2, coordtest.WithConfig(func(i int, cfg *coord.Config) {
		if i == 0 {
			cfg.ReleaseDir = dir
		}
	}))
	with, without := "http://"+c.Members[0].Config.HTTPAddr, "http://"+c.Members[1].Config.HTTPAddr

	code, body := get(t, with+api.ReleaseRoute)
	if code != 200 {
		t.Fatalf("GET /v1/release: %d %s", code, body)
	}
	var info api.ReleaseInfo
	if err := api.Unmarshal(body, &info); err != nil {
		t.Fatal(err)
	}
	if info.Version != "v0.0.2" || info.Sums != string(sums) {
		t.Fatalf("release info %+v, want v0.0.2 and the SUMS file", info)
	}
	if _, err := release.Verify([]byte(info.Sums), []byte(info.Sig), crypto.PubkeyToAddress(key.PublicKey)); err != nil {
		t.Fatalf("the served signature does not verify: %v", err)
	}
	code, body = get(t, with+api.ReleaseFilesRoute+name)
	if code != 200 || !bytes.Equal(body, archive) {
		t.Fatalf("GET the archive: %d, %d bytes, want 200 and its %d bytes", code, len(body), len(archive))
	}
	for _, p := range []string{"SHA256SUMS.sig", "..%2f..%2fetc%2fpasswd", "../SHA256SUMS", "nope.tar.gz"} {
		if code, body := get(t, with+api.ReleaseFilesRoute+p); code != http.StatusNotFound {
			t.Errorf("GET files/%s: %d %s, want 404 (only listed files are served)", p, code, body)
		}
	}
	if code, body := get(t, without+api.ReleaseRoute); code != http.StatusNotFound || !strings.Contains(string(body), "--release-dir") {
		t.Errorf("a member without a release: %d %s, want 404 naming --release-dir", code, body)
	}
}
