package coord_test

import (
	"context"
	"encoding/json"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
)

// TestCommunityMembersReadItsDatasets: a job bought by a community's
// ERC-6551 account (paid from the account, through its key holder) is
// readable — status, dataset, manifest, proof, data, and the list — by every
// current holder of the community's membership, read from the chain at
// request time; a stranger is refused 403 naming the community; a member who
// transfers their token is refused from then on and its new holder admitted.
func TestCommunityMembersReadItsDatasets(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	deployer, admin, member, stranger := newSigner(t), newSigner(t), newSigner(t), newSigner(t)
	var ops []*signer
	var opAddrs []common.Address
	for range 3 {
		s := newSigner(t)
		ops = append(ops, s)
		opAddrs = append(opAddrs, keyAddr(s.key))
	}
	ch, err := contracts.NewSimulated(append([]common.Address{keyAddr(deployer.key), keyAddr(admin.key), keyAddr(member.key), keyAddr(stranger.key)}, opAddrs...)...)
	if err != nil {
		t.Fatalf("in-process chain: %v", err)
	}
	t.Cleanup(ch.Close)
	if _, err := ch.Deploy(ctx, deployer.key, contracts.DeployConfig{Operators: opAddrs, Threshold: 2, Treasury: keyAddr(deployer.key)}); err != nil {
		t.Fatal(err)
	}
	cm, err := ch.Communities(ctx) // Deploy's
	if err != nil {
		t.Fatal(err)
	}
	com, err := cm.CreateCommunity(ctx, admin.key, "Meadow Readers", "MRD", keyAddr(admin.key))
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := cm.MintMember(ctx, admin.key, com.Collection, keyAddr(member.key))
	if err != nil {
		t.Fatal(err)
	}

	c := coordtest.NewTestCluster(t, 3,
		coordtest.WithConfig(func(_ int, cfg *coord.Config) { cfg.ChainPoll, cfg.ChainConfirmations = 20*time.Millisecond, 0 }),
		coordtest.WithMemberOptions(func(i int) []coord.Option { return []coord.Option{coord.WithChain(ch, ops[i].key)} }))
	job := doneDataset(t, c, com.Account)
	ds := state.DatasetID(job)
	// The community's account pays, through the holder of its key.
	if _, err := ch.MintTestStable(ctx, deployer.key, com.Account, big.NewInt(10_000_000)); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.PayAs(ctx, admin.key, com.Account, contracts.JobKey(job), big.NewInt(1_000_000)); err != nil {
		t.Fatal(err)
	}
	// Every member's replica, not only the leader's: the reads below go
	// to a follower, which answers 402 until it has applied the payment.
	c.WaitFor("payment recorded", func() bool {
		for _, m := range c.Members {
			if j, err := m.C.Job(job); err != nil || j.PaidAmount().Sign() == 0 {
				return false
			}
		}
		return true
	})

	f := c.Followers()[0].Config.HTTPAddr
	reads := []struct {
		name, path, method string
		body               any
	}{
		{name: "job status", path: "/v1/jobs/" + job},
		{name: "dataset", path: "/v1/datasets/" + ds},
		{name: "manifest", path: "/v1/datasets/" + ds + "/manifest"},
		{name: "proof", path: "/v1/datasets/" + ds + "/proof?row=1"},
		{name: "data", path: "/v1/datasets/" + ds + "/data?format=parquet", method: api.MethodDatasetGet,
			body: map[string]string{"dataset_id": ds, "format": "parquet"}},
	}
	listed := func(s *signer) bool {
		t.Helper()
		code, b, _ := readAs(t, f, "/v1/datasets", s, "", nil)
		var l []api.DatasetInfo
		if code != 200 || json.Unmarshal(b, &l) != nil {
			t.Fatalf("list: %d %s", code, b)
		}
		return slices.ContainsFunc(l, func(d api.DatasetInfo) bool { return d.ID == ds })
	}
	mayRead := func(who string, s *signer) {
		t.Helper()
		for _, r := range reads {
			if code, b, _ := readAs(t, f, r.path, s, r.method, r.body); code != 200 {
				t.Errorf("%s reads the %s: %d %s", who, r.name, code, b)
			}
		}
		if !listed(s) {
			t.Errorf("%s does not list the community's dataset", who)
		}
	}
	mayNotRead := func(who string, s *signer) {
		t.Helper()
		for _, r := range reads {
			code, b, eb := readAs(t, f, r.path, s, r.method, r.body)
			if code != 403 || !strings.Contains(eb.Error.Message, com.Account.Hex()) {
				t.Errorf("%s reads the %s: %d %s; want 403 naming the community's account %s", who, r.name, code, b, com.Account.Hex())
			}
		}
		if listed(s) {
			t.Errorf("%s lists the community's dataset", who)
		}
	}

	// The manifest is signed once the dataset's root is on chain.
	c.WaitFor("the manifest signed", func() bool {
		code, _, _ := readAs(t, f, "/v1/datasets/"+ds+"/manifest", admin, "", nil)
		return code == 200
	})
	mayRead("the admin (token 0)", admin)
	mayRead("a member", member)
	mayNotRead("a stranger", stranger)

	// The member leaves: their token goes to the stranger.
	if _, err := ch.TransferMembership(ctx, member.key, com.Collection, keyAddr(stranger.key), m.TokenID); err != nil {
		t.Fatal(err)
	}
	mayNotRead("a former member", member)
	mayRead("the token's new holder", stranger)

	// Submitting for the account: only the holder of its token (token 0,
	// the admin's) may, and the job is then the account's.
	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/community"}}, Account: com.Account.Hex()}
	var cj api.Job
	if code, eb := call(t, f, "/v1/jobs", stranger.envelope(t, api.MethodJobSubmit, spec), &cj); code != 403 || eb.Error.Field != "body.account" {
		t.Fatalf("a member submits for the community's account: %d %+v; want 403 on body.account", code, eb)
	}
	if code, eb := call(t, f, "/v1/jobs", admin.envelope(t, api.MethodJobSubmit, spec), &cj); code != 200 || cj.Buyer != com.Account {
		t.Fatalf("the admin submits for the community's account: %d %+v %+v; want the account as buyer", code, eb, cj)
	}
	bad := spec
	bad.Account = "0x12"
	if code, eb := call(t, f, "/v1/jobs", admin.envelope(t, api.MethodJobSubmit, bad), &cj); code != 400 || eb.Error.Field != "body.account" {
		t.Fatalf("a malformed account: %d %+v; want 400 on body.account", code, eb)
	}
	notAccount := spec
	notAccount.Account = keyAddr(member.key).Hex()
	if code, eb := call(t, f, "/v1/jobs", admin.envelope(t, api.MethodJobSubmit, notAccount), &cj); code != 403 || eb.Error.Field != "body.account" {
		t.Fatalf("an account that is no token-bound account: %d %+v; want 403 on body.account", code, eb)
	}
	// The holder pauses the account's job; a member may read it but not act.
	var out api.Job
	ref := map[string]string{"job_id": cj.ID}
	if code, eb := call(t, f, "/v1/jobs/"+cj.ID+"/pause", stranger.envelope(t, api.MethodJobPause, ref), &out); code != 409 || !strings.Contains(eb.Error.Message, "another buyer") {
		t.Fatalf("a member pauses the community's job: %d %+v; want 409, another buyer's", code, eb)
	}
	if code, eb := call(t, f, "/v1/jobs/"+cj.ID+"/pause", admin.envelope(t, api.MethodJobPause, ref), &out); code != 200 || out.State != api.JobPaused {
		t.Fatalf("the holder pauses the community's job: %d %+v %+v", code, eb, out)
	}
}
