package coord_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
)

// bearerGet GETs url with a plain net/http request carrying token, as curl
// -H "Authorization: Bearer TOKEN" would, and returns the status, the body
// and the error body of a refusal.
func bearerGet(t *testing.T, url, token string) (int, []byte, api.ErrorBody) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var eb api.ErrorBody
	if resp.StatusCode != 200 {
		_ = json.Unmarshal(body, &eb)
		if resp.StatusCode == 401 && resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("GET %s: 401 without WWW-Authenticate", url)
		}
	}
	return resp.StatusCode, body, eb
}

// TestReadTokens: a buyer's read token, sent as a bearer token by a plain
// HTTP client, downloads the dataset and its manifest from any member; a
// token outside its scope or of someone who may not read the job is 403;
// an expired, forged or other chain's token 401 with its own code; a token
// revoked through one member is refused by every member.
func TestReadTokens(t *testing.T) {
	c := coordtest.NewTestCluster(t, 3)
	buyer, stranger := newSigner(t), newSigner(t)
	job := doneDataset(t, c, crypto.PubkeyToAddress(buyer.key.PublicKey))
	ds := state.DatasetID(job)
	leader := c.WaitLeader()
	f := c.Followers()[0]
	base := func(m *coordtest.Member) string { return "http://" + m.Config.HTTPAddr }
	chain := leader.Config.ChainID
	now := time.Now()
	mint := func(s *signer, scope string, issued time.Time, ttl time.Duration, chainID uint64) string {
		t.Helper()
		tok, _, err := api.MintReadToken(s.key, scope, ttl, issued, chainID, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	dsTok := mint(buyer, "dataset:"+ds, now, 24*time.Hour, chain)

	// The data and the manifest, from a follower, as curl would fetch them.
	status, data, eb := bearerGet(t, base(f)+"/v1/datasets/"+ds+"/data?format=arrow", dsTok)
	if status != 200 || len(data) == 0 {
		t.Fatalf("data with a dataset token: %d %+v", status, eb)
	}
	_, signed, _ := readAs(t, f.Config.HTTPAddr, "/v1/datasets/"+ds+"/data?format=arrow", buyer, api.MethodDatasetGet, map[string]string{"dataset_id": ds, "format": "arrow"})
	if !bytes.Equal(data, signed) {
		t.Errorf("the bearer download (%d bytes) differs from the signed one (%d bytes)", len(data), len(signed))
	}
	status, man, eb := bearerGet(t, base(f)+"/v1/datasets/"+ds+"/manifest", dsTok)
	if status != 200 || !bytes.Contains(man, []byte(`"root"`)) {
		t.Fatalf("manifest with a dataset token: %d %+v %s", status, eb, man)
	}
	if status, _, eb := bearerGet(t, base(leader)+"/v1/datasets/"+ds+"/proof?row=1", dsTok); status != 200 {
		t.Errorf("proof with a dataset token: %d %+v", status, eb)
	}
	jobTok := mint(buyer, "job:"+job, now, time.Hour, chain)
	allTok := mint(buyer, "all", now, time.Hour, chain)
	for _, tt := range []struct{ name, token, path string }{
		{"job token, its job", jobTok, "/v1/jobs/" + job},
		{"job token, its dataset", jobTok, "/v1/datasets/" + ds + "/manifest"},
		{"all, the list", allTok, "/v1/datasets"},
		{"all, a consistent job read", allTok, "/v1/jobs/" + job + "?consistent=1"},
	} {
		if status, body, eb := bearerGet(t, base(f)+tt.path, tt.token); status != 200 {
			t.Errorf("%s: %d %+v", tt.name, status, eb)
		} else if tt.path == "/v1/datasets" && !bytes.Contains(body, []byte(ds)) {
			t.Errorf("%s: %s lacks %s", tt.name, body, ds)
		}
	}

	// Refusals: 403 for a good token outside what it may read, 401 with a
	// code for a token that is no good.
	var forged string
	{
		claims, sig, err := api.ParseReadToken(dsTok)
		if err != nil {
			t.Fatal(err)
		}
		claims.Scope = "all"
		cb, _ := json.Marshal(claims)
		forged = api.ReadTokenPrefix + base64.RawURLEncoding.EncodeToString(cb) + "." + base64.RawURLEncoding.EncodeToString(sig[:])
	}
	refusals := []struct {
		name, token, path string
		status            int
		code              api.ErrorCode
		msg               string
	}{
		{name: "dataset token on the job", token: dsTok, path: "/v1/jobs/" + job, status: 403, code: "forbidden", msg: "scope"},
		{name: "dataset token on the list", token: dsTok, path: "/v1/datasets", status: 403, code: "forbidden", msg: "scope"},
		{name: "another job's token", token: mint(buyer, "job:j-other", now, time.Hour, chain), path: "/v1/datasets/" + ds + "/data?format=arrow", status: 403, code: "forbidden", msg: "scope"},
		{name: "a stranger's token", token: mint(stranger, "all", now, time.Hour, chain), path: "/v1/datasets/" + ds + "/manifest", status: 403, code: "forbidden"},
		{name: "expired", token: mint(buyer, "all", now.Add(-2*time.Hour), time.Hour, chain), path: "/v1/jobs/" + job, status: 401, code: api.CodeExpired},
		{name: "forged", token: forged, path: "/v1/jobs/" + job, status: 401, code: api.CodeBadSig},
		{name: "another chain", token: mint(buyer, "all", now, time.Hour, 31337), path: "/v1/datasets/" + ds + "/data?format=parquet", status: 401, code: "wrong_domain", msg: "chain id 31337"},
		{name: "not a token", token: "hello", path: "/v1/jobs/" + job, status: 401, code: "bad_token"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			status, _, eb := bearerGet(t, base(f)+tt.path, tt.token)
			if status != tt.status || eb.Error.Code != tt.code || !strings.Contains(eb.Error.Message, tt.msg) {
				t.Errorf("%d %+v, want %d %s (%q)", status, eb, tt.status, tt.code, tt.msg)
			}
		})
	}

	// Revoked through one member (a follower, which forwards the write),
	// refused by every member once it has applied the revocation.
	claims, _, _ := api.ParseReadToken(dsTok)
	var rev api.TokenRevoked
	if status, eb := call(t, f.Config.HTTPAddr, api.RouteTokenRevoke, buyer.envelope(t, api.MethodTokenRevoke, api.TokenRevoke{ID: claims.ID}), &rev); status != 200 {
		t.Fatalf("revoke: %d %+v", status, eb)
	}
	if rev.ID != claims.ID || rev.Until < time.Now().Add(api.MaxReadTokenTTL).UnixMilli() {
		t.Errorf("revoke answer %+v", rev)
	}
	c.WaitConverged()
	for _, m := range c.Running() {
		status, _, eb := bearerGet(t, base(m)+"/v1/datasets/"+ds+"/data?format=arrow", dsTok)
		if status != 401 || eb.Error.Code != "revoked" {
			t.Errorf("%s: revoked token: %d %+v, want 401 revoked", m.Config.ID, status, eb)
		}
	}
	// Others of the buyer's tokens still read; a stranger's revocation of
	// the buyer's token id revokes nothing of the buyer's.
	jobClaims, _, _ := api.ParseReadToken(jobTok)
	if status, eb := call(t, leader.Config.HTTPAddr, api.RouteTokenRevoke, stranger.envelope(t, api.MethodTokenRevoke, api.TokenRevoke{ID: jobClaims.ID}), &rev); status != 200 {
		t.Fatalf("a stranger's revoke: %d %+v", status, eb)
	}
	c.WaitConverged()
	if status, _, eb := bearerGet(t, base(f)+"/v1/jobs/"+job, jobTok); status != 200 {
		t.Errorf("the job token after a stranger revoked its id: %d %+v", status, eb)
	}
	// A revocation with a bad id changes nothing and names the field.
	if status, eb := call(t, f.Config.HTTPAddr, api.RouteTokenRevoke, buyer.envelope(t, api.MethodTokenRevoke, api.TokenRevoke{ID: "XYZ"}), &rev); status != 400 || eb.Error.Field != "body.id" {
		t.Errorf("revoke id XYZ: %d %+v, want 400 naming body.id", status, eb)
	}
}
