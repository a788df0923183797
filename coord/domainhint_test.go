package coord_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/coordtest"
)

// TestOtherDomainAnswerNamesTheExpectedOne: a job submitted with a
// signature for another chain (the old default 31337) is refused 401
// bad_signature, and the answer names the domain and chain id this network
// verifies in, so that the client learns which to sign for.
func TestOtherDomainAnswerNamesTheExpectedOne(t *testing.T) {
	c := coordtest.NewTestCluster(t, 1)
	leader := c.WaitLeader()
	s := newSigner(t)
	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/x"}}}
	env, err := api.Sign(s.key, api.MethodJobSubmit, spec, s.nonces.Next(time.Now()), time.Now().Add(time.Minute), api.DomainFor(31337))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(env)
	status, eb := call(t, leader.Config.HTTPAddr, "/v1/jobs", raw, &struct{}{})
	if status != 401 || eb.Error.Code != api.CodeBadSig {
		t.Fatalf("signed for chain 31337: %d %+v, want 401 %s", status, eb, api.CodeBadSig)
	}
	want := "chainId 1337"
	if leader.Config.ChainID != api.DevChainID || !strings.Contains(eb.Error.Message, want) || !strings.Contains(eb.Error.Message, "network file") {
		t.Errorf("message %q: want the expected domain (%q) and where to find it", eb.Error.Message, want)
	}
}
