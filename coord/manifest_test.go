package coord_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/dataset"
)

// TestManifestWaitsForQuorum: right after a dataset completes, its
// manifest is not signed yet (the leader signs it when it next looks for
// datasets to register, here every second). The manifest route says so (409, field
// "signatures", Retry-After) instead of serving it unsigned, and a buyer's
// client waits: every manifest it returns, and every 200 the route gives,
// carries at least the registry's threshold of operator signatures, which
// verify against the registry's operators.
func TestManifestWaitsForQuorum(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	const threshold = 2
	n := newRegistryNet(ctx, t, time.Second*coordtest.Scale())
	c, buyerKey, opAddrs := n.c, n.buyer, n.opAddrs
	job := doneDataset(t, c, keyAddr(buyerKey))
	ds := state.DatasetID(job)
	f := c.Followers()[0].Config.HTTPAddr
	reader := &signer{key: buyerKey}

	// The route, read at once: a 409 naming the signatures, or a signed
	// manifest; never an unsigned one.
	code, body, eb := readAs(t, f, "/v1/datasets/"+ds+"/manifest", reader, "", nil)
	switch code {
	case http.StatusConflict:
		if eb.Error.Field != "signatures" {
			t.Fatalf("manifest at once: 409 %+v; want field signatures", eb)
		}
	case http.StatusOK:
		var m dataset.Manifest
		if err := json.Unmarshal(body, &m); err != nil || len(m.Signatures) < threshold {
			t.Fatalf("manifest at once: 200 with %d signatures (%v): %s", len(m.Signatures), err, body)
		}
	default:
		t.Fatalf("manifest at once: %d %s", code, body)
	}

	b, err := buyer.New(buyer.Config{Coordinators: []string{"http://" + f}, Key: buyerKey, ChainID: api.DevChainID})
	if err != nil {
		t.Fatal(err)
	}
	m, raw, err := b.Manifest(ctx, ds)
	if err != nil {
		t.Fatalf("the buyer's manifest: %v", err)
	}
	if len(m.Signatures) < threshold {
		t.Fatalf("the buyer's client returned a manifest with %d signatures, want at least %d: %s", len(m.Signatures), threshold, raw)
	}
	var trusted []string
	for _, a := range opAddrs {
		trusted = append(trusted, a.Hex())
	}
	if err := m.VerifySignatures(dataset.EthereumVerifier, threshold, trusted); err != nil {
		t.Fatalf("the manifest's signatures against the operators: %v", err)
	}
}

// TestRegistryPostWaitsForPayment: a job is paid after it is done, so a
// buyer who never pays must not cost the operators a registry post (about
// 85,000 gas each). A complete, unpaid dataset's manifest is signed at once
// (a buyer checks it against the registry's operators before paying), but
// no operator sends a transaction for it; once the buyer pays, the leader
// posts its root, keeping the manifest signatures it had.
func TestRegistryPostWaitsForPayment(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	poll := 50 * time.Millisecond
	n := newRegistryNet(ctx, t, poll)
	ch, c, buyerKey, opAddrs := n.chain, n.c, n.buyer, n.opAddrs
	if _, err := ch.MintTestStable(ctx, n.deployer, keyAddr(buyerKey), big.NewInt(1_000_000_000)); err != nil {
		t.Fatal(err)
	}
	job := doneDataset(t, c, keyAddr(buyerKey))
	ds := state.DatasetID(job)
	key := contracts.DatasetKey(ds)

	var signed state.Dataset
	c.WaitFor("the unpaid dataset's manifest signed", func() bool {
		d, err := c.WaitLeader().C.Dataset(ds)
		signed = d
		return err == nil && len(d.Signatures) >= 2
	})
	time.Sleep(20 * poll) // many of the leader's looks at datasets to post
	if _, _, ok, err := ch.DatasetRoot(ctx, key); err != nil || ok {
		t.Fatalf("an unpaid dataset's root is in the registry (%v, %v): the operators paid gas for a job nobody paid", ok, err)
	}
	for i, a := range opAddrs {
		if nonce, err := ch.Backend().PendingNonceAt(ctx, a); err != nil || nonce != 0 {
			t.Fatalf("operator %d sent %d transactions (%v) while the job was unpaid", i, nonce, err)
		}
	}
	if d, _ := c.WaitLeader().C.Dataset(ds); d.ChainTx != (common.Hash{}) {
		t.Fatalf("dataset recorded as posted in %s before payment", d.ChainTx.Hex())
	}
	// What every member tells its operators' Prometheus (the dashboard's
	// panel and the MeadowDatasetRootsNotPosted alert read it): "" when
	// every member reports unpaid and unposted, else what one reports.
	awaiting := func(unpaid, unposted string) string {
		for _, m := range c.Members {
			got := scrape(t, m.Config.HTTPAddr)
			if p, r := got["meadow_datasets_awaiting_payment"], got["meadow_datasets_awaiting_registry"]; p != unpaid || r != unposted {
				return fmt.Sprintf("member %s reports %q datasets awaiting payment and %q awaiting the registry, want %s and %s", m.Config.ID, p, r, unpaid, unposted)
			}
		}
		return ""
	}
	checkAwaiting := func(when, unpaid, unposted string) {
		t.Helper()
		c.WaitConverged()
		if msg := awaiting(unpaid, unposted); msg != "" {
			t.Fatalf("%s: %s", when, msg)
		}
	}
	checkAwaiting("unpaid", "1", "0")

	j, err := c.WaitLeader().C.Job(job)
	if err != nil {
		t.Fatal(err)
	}
	if !j.Unpaid() || j.Price().Sign() <= 0 {
		t.Fatalf("job priced %s, paid %s: want an unpaid priced job", j.Price(), j.PaidAmount())
	}
	if _, err := ch.Pay(ctx, buyerKey, contracts.JobKey(job), j.Price()); err != nil {
		t.Fatal(err)
	}
	// Blocks held from here, the post waits in the pool: the dataset is
	// paid and awaits the registry, on every member, until it is mined.
	ch.HoldBlocks(true)
	c.WaitFor("every member to report the paid dataset awaiting the registry", func() bool { return awaiting("0", "1") == "" })
	ch.HoldBlocks(false)
	ch.Mine()
	rctx, rcancel := context.WithTimeout(ctx, 30*time.Second)
	defer rcancel()
	if _, err := buyer.CheckRegistry(rctx, ch, ds, common.Hash(signed.Root), uint64(signed.Rows), poll); err != nil {
		t.Fatalf("the paid dataset's root: %v", err)
	}
	c.WaitFor("the post recorded", func() bool {
		d, err := c.WaitLeader().C.Dataset(ds)
		return err == nil && d.ChainTx != (common.Hash{})
	})
	checkAwaiting("paid and posted", "0", "0")
	d, _ := c.WaitLeader().C.Dataset(ds)
	if len(d.Signatures) != len(signed.Signatures) {
		t.Fatalf("manifest signatures: %d after the post, %d before", len(d.Signatures), len(signed.Signatures))
	}
	for i := range d.Signatures {
		if d.Signatures[i].Signer != signed.Signatures[i].Signer || !bytes.Equal(d.Signatures[i].Signature, signed.Signatures[i].Signature) {
			t.Fatalf("manifest signature %d changed when the root was posted", i)
		}
	}
}

// registryNet is a three-member cluster on an in-process chain whose
// contracts name the members' three operator keys, threshold 2, with a
// buyer holding ether; the leader looks at the chain every poll.
type registryNet struct {
	chain           *contracts.Chain
	c               *coordtest.Cluster
	deployer, buyer *ecdsa.PrivateKey
	ops             []*ecdsa.PrivateKey
	opAddrs         []common.Address
}

func newRegistryNet(ctx context.Context, t *testing.T, poll time.Duration, config ...func(*coord.Config)) *registryNet {
	t.Helper()
	n := &registryNet{deployer: newKey(t), buyer: newKey(t)}
	for range 3 {
		k := newKey(t)
		n.ops, n.opAddrs = append(n.ops, k), append(n.opAddrs, keyAddr(k))
	}
	ch, err := contracts.NewSimulated(append([]common.Address{keyAddr(n.deployer), keyAddr(n.buyer)}, n.opAddrs...)...)
	if err != nil {
		t.Fatalf("in-process chain: %v", err)
	}
	t.Cleanup(ch.Close)
	n.chain = ch
	if _, err := ch.Deploy(ctx, n.deployer, contracts.DeployConfig{Operators: n.opAddrs, Threshold: 2, Treasury: keyAddr(n.deployer)}); err != nil {
		t.Fatal(err)
	}
	n.c = coordtest.NewTestCluster(t, 3,
		coordtest.WithConfig(func(i int, cfg *coord.Config) {
			cfg.ChainPoll = poll
			cfg.ChainConfirmations = 0
			for _, f := range config {
				f(cfg)
			}
		}),
		coordtest.WithMemberOptions(func(i int) []coord.Option {
			return []coord.Option{coord.WithChain(ch, n.ops[i])}
		}))
	return n
}

// TestUnpaidJobStopsSubmissions: a buyer pays after the work, so a buyer
// whose done job stays unpaid past the grace (here 2 s) may submit no more
// jobs or pipelines, through any member: 402 payment_required naming the
// job and how to pay, and no job is made. Within the
// grace, another buyer, and the same buyer once it paid, submit as usual.
func TestUnpaidJobStopsSubmissions(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	const grace = 2 * time.Second
	n := newRegistryNet(ctx, t, 50*time.Millisecond, func(cfg *coord.Config) { cfg.UnpaidGrace = grace })
	c := n.c
	if _, err := n.chain.MintTestStable(ctx, n.deployer, keyAddr(n.buyer), big.NewInt(1_000_000_000)); err != nil {
		t.Fatal(err)
	}
	job := doneDataset(t, c, keyAddr(n.buyer))
	done := time.Now()
	client := func(k *ecdsa.PrivateKey) *buyer.Client {
		var urls []string
		for _, m := range c.Followers() {
			urls = append(urls, "http://"+m.Config.HTTPAddr)
		}
		b, err := buyer.New(buyer.Config{Coordinators: urls, Key: k, ChainID: api.DevChainID})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	b := client(n.buyer)
	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/next"}}}
	if _, err := b.Submit(ctx, spec); err != nil {
		t.Fatalf("a submission within the grace: %v", err)
	}
	time.Sleep(time.Until(done.Add(grace + 200*time.Millisecond)))

	// Jobs in every state, by the leader's /metrics.
	jobs := func() string {
		var all []string
		for k, v := range scrape(t, c.WaitLeader().Config.HTTPAddr) {
			if strings.HasPrefix(k, "meadow_jobs{") {
				all = append(all, k+"="+v)
			}
		}
		slices.Sort(all)
		return strings.Join(all, " ")
	}
	before := jobs()
	pipe := api.PipelineSpec{Template: "pretrain", Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/p"}}}
	for what, submit := range map[string]func() error{
		"job":      func() error { _, err := b.Submit(ctx, spec); return err },
		"pipeline": func() error { _, err := b.SubmitPipeline(ctx, pipe); return err },
	} {
		err := submit()
		var re *api.RemoteError
		if !errors.As(err, &re) || re.Status != http.StatusPaymentRequired || re.Code != api.CodePaymentRequired ||
			!strings.Contains(err.Error(), job) || !strings.Contains(err.Error(), "meadow buyer pay "+job) {
			t.Fatalf("a %s from a buyer in arrears: %v; want 402 payment_required naming %s and meadow buyer pay", what, err, job)
		}
	}
	if after := jobs(); after != before {
		t.Fatalf("jobs: %s before the refused submissions, %s after", before, after)
	}
	if _, err := client(newKey(t)).Submit(ctx, spec); err != nil {
		t.Fatalf("another buyer: %v", err)
	}

	j, err := c.WaitLeader().C.Job(job)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.chain.Pay(ctx, n.buyer, contracts.JobKey(job), j.Price()); err != nil {
		t.Fatal(err)
	}
	c.WaitFor("the payment counted", func() bool {
		j, err := c.WaitLeader().C.Job(job)
		return err == nil && !j.Unpaid()
	})
	if _, err := b.Submit(ctx, spec); err != nil {
		t.Fatalf("a submission once paid: %v", err)
	}
}

// TestManifestsSignedWhilePostsFail: a paid dataset whose root cannot be
// posted (the operator keys have no ether left for gas) is retried every
// look, and every later dataset's manifest is still signed meanwhile: the
// leader signs manifests before it posts, so a failing post never leaves
// buyers without a manifest to check.
func TestManifestsSignedWhilePostsFail(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	n := newRegistryNet(ctx, t, 50*time.Millisecond)
	c, ch := n.c, n.chain
	if _, err := ch.MintTestStable(ctx, n.deployer, keyAddr(n.buyer), big.NewInt(1_000_000_000)); err != nil {
		t.Fatal(err)
	}
	signed := func(ds string) bool {
		d, err := c.WaitLeader().C.Dataset(ds)
		return err == nil && len(d.Signatures) >= 2
	}
	// Dataset ids are random and the leader takes datasets in id order:
	// the one paid for is the first in that order of four, so that a later
	// dataset most likely sorts after it, and a leader taking them in id
	// order would try the failing post first.
	var paidJob string
	for range 4 {
		if j := doneDataset(t, c, keyAddr(n.buyer)); paidJob == "" || j < paidJob {
			paidJob = j
		}
	}
	paid := state.DatasetID(paidJob)
	c.WaitFor("the first manifests signed", func() bool { return signed(paid) })

	// The operators give away their ether, all but less than a post's gas.
	price, err := ch.Backend().SuggestGasPrice(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range n.ops {
		bal, err := ch.Backend().BalanceAt(ctx, keyAddr(k), nil)
		if err != nil {
			t.Fatal(err)
		}
		keep := new(big.Int).Mul(price, big.NewInt(2*21_000))
		if _, err := ch.SendEther(ctx, k, keyAddr(n.deployer), new(big.Int).Sub(bal, keep)); err != nil {
			t.Fatalf("operator %d gives its ether away: %v", i, err)
		}
	}
	j, err := c.WaitLeader().C.Job(paidJob)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.Pay(ctx, n.buyer, contracts.JobKey(paidJob), j.Price()); err != nil {
		t.Fatal(err)
	}
	c.WaitFor("the payment counted", func() bool {
		j, err := c.WaitLeader().C.Job(paidJob)
		return err == nil && !j.Unpaid()
	})

	var later string
	for try := 0; later == ""; try++ {
		if try == 12 {
			t.Fatalf("no dataset id sorted after the paid one's (%s) in 12 jobs", paid)
		}
		if ds := state.DatasetID(doneDataset(t, c, keyAddr(n.buyer))); ds > paid {
			later = ds
		}
	}
	c.WaitFor("the later manifest signed while the paid dataset's post fails", func() bool { return signed(later) })
	if _, _, ok, err := ch.DatasetRoot(ctx, contracts.DatasetKey(paid)); err != nil || ok {
		t.Fatalf("the paid dataset's root is in the registry (%v, %v): the operators' ether was meant to be gone", ok, err)
	}
	if got := scrape(t, c.WaitLeader().Config.HTTPAddr)["meadow_datasets_awaiting_registry"]; got != "1" {
		t.Fatalf("meadow_datasets_awaiting_registry %q, want 1 (the alert's condition)", got)
	}

	// Ether back: the post goes through.
	for _, a := range n.opAddrs {
		if _, err := ch.SendEther(ctx, n.deployer, a, big.NewInt(1e18)); err != nil {
			t.Fatal(err)
		}
	}
	rctx, rcancel := context.WithTimeout(ctx, 30*time.Second)
	defer rcancel()
	d, _ := c.WaitLeader().C.Dataset(paid)
	if _, err := buyer.CheckRegistry(rctx, ch, paid, common.Hash(d.Root), uint64(d.Rows), 50*time.Millisecond); err != nil {
		t.Fatalf("the paid dataset's root once the operators have ether: %v", err)
	}
}
