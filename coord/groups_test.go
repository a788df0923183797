package coord_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
	"github.com/meadow-net/meadow/coord/state"
	"github.com/meadow-net/meadow/rewards"
)

// twoGroups starts two real three-member clusters, g1 and g2, each holding
// the same group map signed by two operator keys, and returns them with the
// trust a client of the network has (the network file's operators).
func twoGroups(t *testing.T) (g1, g2 *coordtest.Cluster, m api.GroupMap, trust *api.GroupTrust) {
	t.Helper()
	addrs := make([][]string, 2)
	m = api.GroupMap{Format: api.GroupMapFormat, ChainID: api.DevChainID, Epoch: 3}
	for i, start := range api.EvenGroupStarts(2) {
		g := api.Group{ID: fmt.Sprintf("g%d", i+1), Start: start}
		for range 3 {
			a := coordtest.FreeAddr(t)
			addrs[i] = append(addrs[i], a)
			g.Members = append(g.Members, "http://"+a)
		}
		m.Groups = append(m.Groups, g)
	}
	trust = &api.GroupTrust{ChainID: api.DevChainID, Threshold: 2}
	for range 2 {
		k, _ := crypto.GenerateKey()
		if err := m.Sign(k); err != nil {
			t.Fatal(err)
		}
		trust.Operators = append(trust.Operators, crypto.PubkeyToAddress(k.PublicKey))
	}
	start := func(i int) *coordtest.Cluster {
		return coordtest.NewTestCluster(t, 3,
			coordtest.WithConfig(func(j int, c *coord.Config) { c.HTTPAddr = addrs[i][j] }),
			coordtest.WithCoordOptions(coord.WithGroups(m, m.Groups[i].ID)))
	}
	return start(0), start(1), m, trust
}

// keyIn returns a key whose address's home is group i of m.
func keyIn(t *testing.T, m api.GroupMap, i int) *ecdsa.PrivateKey {
	t.Helper()
	for {
		k, _ := crypto.GenerateKey()
		if m.Home(api.NodeKey(crypto.PubkeyToAddress(k.PublicKey))) == i {
			return k
		}
	}
}

func registerVia(t *testing.T, c *api.Client, k *ecdsa.PrivateKey) error {
	t.Helper()
	var rr api.RegisterResponse
	return c.Post(t.Context(), api.MethodRegister, "/v1/node/register",
		api.RegisterRequest{Address: crypto.PubkeyToAddress(k.PublicKey), Capabilities: api.Capabilities{CPUCores: 1, MaxConcurrent: 1}, Version: "dev"}, &rr)
}

// TestWorkGroups runs two real groups and sends nodes and buyers to the
// wrong one: the member answers 421 wrong_group before opening anything,
// a client that trusts the operators verifies the map and goes to the
// home group, one that cannot verify it stops, and each group holds only
// its own nodes and mints only its own job ids.
func TestWorkGroups(t *testing.T) {
	g1, g2, m, trust := twoGroups(t)
	g1.WaitLeader()
	g2.WaitLeader()
	members := func(cl *coordtest.Cluster) []string {
		var out []string
		for _, mb := range cl.Members {
			out = append(out, "http://"+mb.Config.HTTPAddr)
		}
		return out
	}

	// Every member serves the same signed map.
	resp, err := http.Get("http://" + g2.Members[1].Config.HTTPAddr + api.GroupsRoute)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", api.GroupsRoute, resp.StatusCode)
	}

	// A node of g2 that knows only g1's members, with the operators'
	// trust: its registration is answered 421 by g1 and lands in g2.
	n2 := keyIn(t, m, 1)
	c, err := api.NewClient(api.ClientConfig{Coordinators: members(g1)[:1], Key: n2, Domain: api.DevDomain(), Groups: trust})
	if err != nil {
		t.Fatal(err)
	}
	if err := registerVia(t, c, n2); err != nil {
		t.Fatalf("register through the wrong group: %v", err)
	}
	if got := c.Current(); !strings.Contains(strings.Join(members(g2), " "), got) {
		t.Fatalf("the client answered from %s, not one of g2's members %v", got, members(g2))
	}
	if c.Groups() == nil || c.Groups().Epoch != 3 {
		t.Fatalf("the client keeps no verified map: %+v", c.Groups())
	}
	addr := api.NodeKey(crypto.PubkeyToAddress(n2.PublicKey))
	var rec api.NodeRecord
	if err := c.Get(t.Context(), "/v1/node/"+addr, &rec); err != nil || !strings.EqualFold(rec.Address, addr) {
		t.Fatalf("g2's record of the node: %v %+v", err, rec)
	}
	// g1 holds nothing of it, and says so with 421 naming g2.
	plain, _ := api.NewClient(api.ClientConfig{Coordinators: members(g1), Domain: api.DevDomain()})
	err = plain.Get(t.Context(), "/v1/node/"+addr, &rec)
	var re *api.RemoteError
	if !errors.As(err, &re) || re.Status != 421 || re.Code != api.CodeWrongGroup || re.Group != "g2" || re.GroupsEpoch != 3 {
		t.Fatalf("g1 asked for g2's node: %v", err)
	}

	// A client that cannot verify the map (no operators) does not follow.
	n2b := keyIn(t, m, 1)
	blind, _ := api.NewClient(api.ClientConfig{Coordinators: members(g1), Key: n2b, Domain: api.DevDomain()})
	if err := registerVia(t, blind, n2b); !errors.Is(err, api.ErrWrongGroup) {
		t.Fatalf("a client without the operators' trust: %v; want ErrWrongGroup", err)
	}
	// Nor one whose operators did not sign this map.
	k, _ := crypto.GenerateKey()
	wrong := &api.GroupTrust{ChainID: api.DevChainID, Operators: []common.Address{crypto.PubkeyToAddress(k.PublicKey)}, Threshold: 1}
	fooled, _ := api.NewClient(api.ClientConfig{Coordinators: members(g1), Key: n2b, Domain: api.DevDomain(), Groups: wrong})
	if err := registerVia(t, fooled, n2b); !errors.Is(err, api.ErrWrongGroup) || !strings.Contains(err.Error(), "signatures by the network's 1 operators") {
		t.Fatalf("a map the client's operators did not sign: %v", err)
	}
	// The unverified client registered nowhere: g2 does not know it.
	if err := c.Get(t.Context(), "/v1/node/"+api.NodeKey(crypto.PubkeyToAddress(n2b.PublicKey)), &rec); err == nil {
		t.Fatal("g2 knows a node that never reached it")
	}

	// A job submitted to g1 gets an id that is g1's; a buyer who asks g2
	// for it is sent to g1.
	buyer := keyIn(t, m, 0)
	b1, _ := api.NewClient(api.ClientConfig{Coordinators: members(g1), Key: buyer, Domain: api.DevDomain(), Groups: trust})
	var job api.Job
	spec := api.JobSpec{Kind: api.JobCrawl, Crawl: &api.CrawlSpec{URLs: []string{"https://a.example/one", "https://a.example/two"}}}
	if err := b1.Post(t.Context(), api.MethodJobSubmit, "/v1/jobs", spec, &job); err != nil {
		t.Fatalf("submit: %v", err)
	}
	if m.Home(api.JobKey(job.ID)) != 0 {
		t.Fatalf("g1 minted %s, whose home is %s", job.ID, m.Groups[m.Home(api.JobKey(job.ID))].ID)
	}
	b2, _ := api.NewClient(api.ClientConfig{Coordinators: members(g2), Key: buyer, Domain: api.DevDomain(), Groups: trust})
	var st api.JobStatus
	if err := b2.GetSigned(t.Context(), "/v1/jobs/"+job.ID, &st); err != nil || st.ID != job.ID {
		t.Fatalf("the job read through g2: %v %+v", err, st)
	}
	// g2's state never had it: asked directly, without following, 421.
	direct, _ := api.NewClient(api.ClientConfig{Coordinators: members(g2), Key: buyer, Domain: api.DevDomain()})
	if err := direct.GetSigned(t.Context(), "/v1/jobs/"+job.ID, &st); !errors.Is(err, api.ErrWrongGroup) {
		t.Fatalf("g2 asked for g1's job: %v", err)
	}
}

// TestWorkGroupsSettle settles a network of two real groups on the
// in-process chain: g1 (the settling group) asks g2 for its report, settles
// both groups' units in one root, and g2's nodes claim their rewards on
// chain with proofs from g1. g2 refuses to settle, naming g1. An epoch
// settled while g2 is down leaves it out, and its units go into the next
// one, paid once.
func TestWorkGroupsSettle(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	deployer, buyer := newKey(t), newKey(t)
	var ops []*ecdsa.PrivateKey
	var opAddrs []common.Address
	for range 3 {
		k := newKey(t)
		ops, opAddrs = append(ops, k), append(opAddrs, keyAddr(k))
	}
	m := api.GroupMap{Format: api.GroupMapFormat, ChainID: api.DevChainID, Epoch: 1}
	addrs := make([][]string, 2)
	for i, start := range api.EvenGroupStarts(2) {
		g := api.Group{ID: fmt.Sprintf("g%d", i+1), Start: start}
		for range 3 {
			a := coordtest.FreeAddr(t)
			addrs[i] = append(addrs[i], a)
			g.Members = append(g.Members, "http://"+a)
		}
		m.Groups = append(m.Groups, g)
	}
	for _, k := range ops[:2] {
		if err := m.Sign(k); err != nil {
			t.Fatal(err)
		}
	}
	// Two nodes at home in each group.
	var nodes [2][]*ecdsa.PrivateKey
	for g := range 2 {
		nodes[g] = []*ecdsa.PrivateKey{keyIn(t, m, g), keyIn(t, m, g)}
	}
	funded := append([]common.Address{keyAddr(deployer), keyAddr(buyer)}, opAddrs...)
	for _, ks := range nodes {
		for _, k := range ks {
			funded = append(funded, keyAddr(k))
		}
	}
	ch, err := contracts.NewSimulated(funded...)
	if err != nil {
		t.Fatalf("in-process chain: %v", err)
	}
	t.Cleanup(ch.Close)
	if _, err := ch.Deploy(ctx, deployer, contracts.DeployConfig{Operators: opAddrs, Threshold: 2, Treasury: keyAddr(deployer)}); err != nil {
		t.Fatal(err)
	}
	g1 := coordtest.NewTestCluster(t, 3,
		coordtest.WithConfig(func(j int, c *coord.Config) {
			c.HTTPAddr, c.ChainPoll, c.ChainConfirmations = addrs[0][j], 20*time.Millisecond, 0
		}),
		coordtest.WithMemberOptions(func(j int) []coord.Option {
			return []coord.Option{coord.WithChain(ch, ops[j]), coord.WithGroups(m, "g1")}
		}))
	g2 := coordtest.NewTestCluster(t, 3,
		coordtest.WithConfig(func(j int, c *coord.Config) { c.HTTPAddr = addrs[1][j] }),
		coordtest.WithCoordOptions(coord.WithGroups(m, "g2")))
	clusters := []*coordtest.Cluster{g1, g2}
	addrOf := func(k *ecdsa.PrivateKey) string { return api.NodeKey(keyAddr(k)) }
	for g, cl := range clusters {
		for i, k := range nodes[g] {
			r := state.Registration{Address: addrOf(k), IP: fmt.Sprintf("10.%d.%d.1", g+1, i)}
			coordtest.WaitFor(t, 20*time.Second, "registration", func() bool {
				_, err := cl.WaitLeader().C.RegisterNode(ctx, r)
				return err == nil
			})
		}
	}
	// g1's nodes earn 40 units each (4 rows), g2's 20 each (2 rows).
	runCrawl(t, g1.WaitLeader().C, keyAddr(buyer), 4, addrOf(nodes[0][0]), addrOf(nodes[0][1]))
	runCrawl(t, g2.WaitLeader().C, keyAddr(buyer), 2, addrOf(nodes[1][0]), addrOf(nodes[1][1]))

	settle := func(cl *coordtest.Cluster, body string) (int, api.SettleResponse, string) {
		code, raw := httpPost(t, cl.WaitLeader().Config.HTTPAddr, "/v1/cluster/settle", body)
		var r api.SettleResponse
		if code == http.StatusOK {
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
		}
		return code, r, string(raw)
	}
	if code, _, raw := settle(g2, `{}`); code != http.StatusConflict || !strings.Contains(raw, "group g1") {
		t.Fatalf("settle asked of g2: %d %s", code, raw)
	}
	code, res, raw := settle(g1, `{}`)
	if code != http.StatusOK || res.Epoch != 1 || res.Units != 120 || res.Leaves != 4 {
		t.Fatalf("settle across groups: %d %s", code, raw)
	}
	// g2's nodes: nothing pending there any more, balances and proofs at
	// g1, and the claim pays on chain.
	for _, k := range nodes[1] {
		nd, err := g2.WaitLeader().C.Node(addrOf(k))
		if err != nil || nd.PendingUnits != 0 {
			t.Fatalf("g2's node after the epoch: %+v %v", nd, err)
		}
		var r api.NodeRewards
		coordtest.WaitFor(t, 10*time.Second, "g1's follower applied the post", func() bool {
			httpGet(t, g1.Followers()[0].Config.HTTPAddr, "/v1/node/"+addrOf(k)+"/rewards", &r)
			return r.Epoch == 1
		})
		if r.Units != 20 || r.Root != res.Root || len(r.Proof) == 0 {
			t.Fatalf("rewards of g2's node, from g1: %+v", r)
		}
		mw, _ := new(big.Int).SetString(r.Meadow, 10)
		st, _ := new(big.Int).SetString(r.Stable, 10)
		acct, _ := rewards.ParseAddress(addrOf(k))
		got, err := ch.Claim(ctx, k, contracts.NewClaimFromHashes(rewards.Leaf{Account: acct, Meadow: mw, Stable: st}, r.Proof))
		if err != nil || got.Meadow.Sign() <= 0 || got.Meadow.Cmp(mw) != 0 {
			t.Fatalf("claim of g2's node: %+v %v", got, err)
		}
		// g2 sends the rewards route to g1.
		resp, err := http.Get("http://" + g2.Members[0].Config.HTTPAddr + "/v1/node/" + addrOf(k) + "/rewards")
		if err != nil {
			t.Fatal(err)
		}
		var eb api.ErrorBody
		_ = json.NewDecoder(resp.Body).Decode(&eb)
		resp.Body.Close()
		if resp.StatusCode != http.StatusMisdirectedRequest || eb.Error.Group != "g1" {
			t.Fatalf("g2 asked for rewards: %d %+v", resp.StatusCode, eb)
		}
	}

	// g2 earns again, then goes down: epoch 2 leaves it out.
	runCrawl(t, g2.WaitLeader().C, keyAddr(buyer), 3, addrOf(nodes[1][0]), addrOf(nodes[1][1]))
	for _, mb := range g2.Members {
		g2.Stop(mb)
	}
	if code, res, raw := settle(g1, `{"epoch":2}`); code != http.StatusOK || res.Units != 0 {
		t.Fatalf("epoch 2 without g2: %d %s", code, raw)
	}
	for _, mb := range g2.Members {
		g2.Start(mb)
	}
	g2.WaitLeader()
	// Epoch 3 pays g2's 30 units each, once: the report of epoch 1 was
	// posted, so it is not paid again.
	code, res, raw = settle(g1, `{"epoch":3}`)
	if code != http.StatusOK || res.Units != 60 {
		t.Fatalf("epoch 3 with g2 back: %d %s", code, raw)
	}
	for _, k := range nodes[1] {
		var r api.NodeRewards
		coordtest.WaitFor(t, 10*time.Second, "g1 applied epoch 3", func() bool {
			httpGet(t, g1.WaitLeader().Config.HTTPAddr, "/v1/node/"+addrOf(k)+"/rewards", &r)
			return r.Epoch == 3
		})
		if r.Units != 50 {
			t.Fatalf("g2's node after epoch 3: %d units in all, want 50", r.Units)
		}
	}
}

// TestForGroupsOnOneGroup: a client that has the operators' trust, on a
// network of one group, finds no map (404) and goes on as before.
func TestForGroupsOnOneGroup(t *testing.T) {
	cl := coordtest.NewTestCluster(t, 1)
	k, _ := crypto.GenerateKey()
	trust := &api.GroupTrust{ChainID: api.DevChainID, Operators: []common.Address{keyAddr(k)}, Threshold: 1}
	c, err := api.NewClient(api.ClientConfig{Coordinators: []string{"http://" + cl.Members[0].Config.HTTPAddr}, Key: k, Domain: api.DevDomain(), Groups: trust})
	if err != nil {
		t.Fatal(err)
	}
	groups, m, err := c.ForGroups(t.Context())
	if err != nil || groups != nil || m != nil {
		t.Fatalf("ForGroups on one group: %v %v %v", groups, m, err)
	}
	var ds []api.DatasetInfo
	if err := c.GetSigned(t.Context(), "/v1/datasets", &ds); err != nil {
		t.Fatalf("the list on one group: %v", err)
	}
}
