package coord_test

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
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
