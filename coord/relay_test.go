package coord_test

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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
)

// relayNet is settleNet whose nodes hold no ether at all, and whose members
// each relay claims with a relayer key of their own: members 0 and 1 funded
// by the deployer (as meadow dev funds them), member 2's left without ether.
type relayNet struct {
	*settleNet
	relayers []*ecdsa.PrivateKey
}

func newRelayNet(t *testing.T, nodes int) *relayNet {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	n := &relayNet{settleNet: &settleNet{buyer: newKey(t)}}
	deployer := newKey(t)
	funded := []common.Address{keyAddr(deployer), keyAddr(n.buyer)}
	var opAddrs []common.Address
	for i := 0; i < 3; i++ {
		k := newKey(t)
		n.operators = append(n.operators, k)
		opAddrs = append(opAddrs, keyAddr(k))
		n.relayers = append(n.relayers, newKey(t))
	}
	for i := 0; i < nodes; i++ {
		n.nodes = append(n.nodes, newKey(t)) // not funded
	}
	ch, err := contracts.NewSimulated(append(funded, opAddrs...)...)
	if err != nil {
		t.Fatalf("in-process chain: %v", err)
	}
	t.Cleanup(ch.Close)
	n.chain = ch
	if _, err := ch.Deploy(ctx, deployer, contracts.DeployConfig{Operators: opAddrs, Threshold: 2, Treasury: keyAddr(deployer)}); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.MintTestStable(ctx, deployer, keyAddr(n.buyer), big.NewInt(1_000_000_000)); err != nil {
		t.Fatal(err)
	}
	for _, k := range n.relayers[:2] {
		if _, err := ch.SendEther(ctx, deployer, keyAddr(k), big.NewInt(1e18)); err != nil {
			t.Fatal(err)
		}
	}
	n.c = coordtest.NewTestCluster(t, 3,
		coordtest.WithConfig(func(i int, c *coord.Config) {
			c.ChainPoll = 20 * time.Millisecond
			c.ChainConfirmations = 0
		}),
		coordtest.WithMemberOptions(func(i int) []coord.Option {
			return []coord.Option{coord.WithChain(ch, n.operators[i]), coord.WithRelayer(n.relayers[i])}
		}))
	for i, k := range n.nodes {
		r := state.Registration{Address: strings.ToLower(keyAddr(k).Hex()), IP: fmt.Sprintf("10.8.%d.1", i)}
		coordtest.WaitFor(t, 20*time.Second, "registration", func() bool {
			_, err := n.c.WaitLeader().C.RegisterNode(ctx, r)
			return err == nil
		})
	}
	return n
}

// settleEpoch has the nodes do work a buyer pays for and settles epoch 1,
// so that each node has rewards to claim.
func (n *relayNet) settleEpoch(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	jobID := n.work(t, 4, 0, 1)
	n.pay(ctx, t, jobID, big.NewInt(5_000_000))
	if code, _, raw := n.settle(t, n.c.WaitLeader().Config.HTTPAddr, `{}`); code != http.StatusOK {
		t.Fatalf("settle: %d %s", code, raw)
	}
}

// settledRewards waits until every member answers node i's rewards of
// epoch 1, with a proof, and returns them.
func (n *relayNet) settledRewards(t *testing.T, i int) api.NodeRewards {
	t.Helper()
	var r api.NodeRewards
	coordtest.WaitFor(t, 10*time.Second, "the members applied the post", func() bool {
		for _, m := range n.c.Members {
			httpGet(t, m.Config.HTTPAddr, "/v1/node/"+n.nodeAddr(i)+"/rewards", &r)
			if r.Epoch != 1 || len(r.Proof) == 0 {
				return false
			}
		}
		return true
	})
	return r
}

// relayBody is the JSON of a relay request for the rewards r, signed by
// signer in domain d.
func relayBody(t *testing.T, signer *ecdsa.PrivateKey, d contracts.Domain, r api.NodeRewards, payout common.Address, feeM, feeS *big.Int) (contracts.ClaimAuthorization, string) {
	t.Helper()
	return relayBodyUntil(t, signer, d, r, payout, feeM, feeS, uint64(time.Now().Add(time.Hour).Unix()))
}

// relayBodyUntil is relayBody with the authorization's deadline.
func relayBodyUntil(t *testing.T, signer *ecdsa.PrivateKey, d contracts.Domain, r api.NodeRewards, payout common.Address, feeM, feeS *big.Int, deadline uint64) (contracts.ClaimAuthorization, string) {
	t.Helper()
	a := contracts.ClaimAuthorization{Account: r.Address, CumulativeMeadow: bigAmount(t, r.Meadow), CumulativeStable: bigAmount(t, r.Stable),
		Payout: payout, FeeMeadow: feeM, FeeStable: feeS, Deadline: deadline}
	h, err := a.Digest(d)
	if err != nil {
		t.Fatal(err)
	}
	// Signed directly, so that a forger's key can sign too
	// (contracts.SignClaimAuthorization refuses any key but the account's).
	raw, err := crypto.Sign(h[:], signer)
	if err != nil {
		t.Fatal(err)
	}
	raw[64] += 27
	var s api.Signature
	copy(s[:], raw)
	req := api.RelayClaimRequest{Account: a.Account, CumulativeMeadow: r.Meadow, CumulativeStable: r.Stable, Proof: r.Proof,
		Payout: payout, FeeMeadow: feeM.String(), FeeStable: feeS.String(), Deadline: a.Deadline, Signature: s}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return a, string(b)
}

func bigAmount(t *testing.T, s string) *big.Int {
	t.Helper()
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("amount %q", s)
	}
	return v
}

// TestRelayedClaimThroughCoordinators: a node that holds 0 ether claims its
// settled rewards through a coordinator's relayer and receives them less
// the fee, at a payout address it chose; the relayer is paid the fee. Bad
// bodies, forged or over-fee authorizations and fees below the relayer's
// ask are answered 400 naming the field, cost the relayer no gas and change
// nothing; a replay to another member is 409, to the same member the same
// transaction.
func TestRelayedClaimThroughCoordinators(t *testing.T) {
	n := newRelayNet(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	n.settleEpoch(t)

	// Members are asked by position, leader or not: relays are not
	// forwarded.
	f, second, unfunded := n.c.Members[0], n.c.Members[1], n.c.Members[2]
	var info api.ChainInfo
	httpGet(t, f.Config.HTTPAddr, "/v1/chain", &info)
	if info.Relay == nil || info.Relay.FeeBps != coord.DefaultRelayFeeBps || info.Relay.MaxFeeBps != contracts.MaxRelayFeeBps || info.Relay.Relayer != f.C.RelayerAddress() ||
		info.Relay.MinFeeMeadow != coord.DefaultRelayMinFeeMeadow.String() || info.Relay.MinFeeStable != coord.DefaultRelayMinFeeStable.String() {
		t.Fatalf("chain info relay %+v, want fee %d of %d by %s, at least %s MEADOW or %s stable", info.Relay, coord.DefaultRelayFeeBps, contracts.MaxRelayFeeBps,
			f.C.RelayerAddress().Hex(), coord.DefaultRelayMinFeeMeadow, coord.DefaultRelayMinFeeStable)
	}
	d, err := n.chain.RewardsDomain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	node := n.nodes[0]
	if bal, err := n.chain.EtherBalance(ctx, keyAddr(node)); err != nil || bal.Sign() != 0 {
		t.Fatalf("node's ether %v %v, want 0", bal, err)
	}
	var r api.NodeRewards
	coordtest.WaitFor(t, 10*time.Second, "the member applied the post", func() bool {
		httpGet(t, f.Config.HTTPAddr, "/v1/node/"+n.nodeAddr(0)+"/rewards", &r)
		return r.Epoch == 1 && len(r.Proof) > 0
	})
	m, s := bigAmount(t, r.Meadow), bigAmount(t, r.Stable)
	if m.Sign() == 0 || s.Sign() == 0 {
		t.Fatalf("rewards %+v: want MEADOW and stable", r)
	}
	// What the distributor paid so far, for clients without chain access.
	if r.ClaimedMeadow != "0" || r.ClaimedStable != "0" {
		t.Fatalf("rewards before any claim say claimed %q MEADOW and %q stable, want 0 and 0", r.ClaimedMeadow, r.ClaimedStable)
	}
	feeM, feeS := contracts.RelayFee(m, info.Relay.FeeBps), contracts.RelayFee(s, info.Relay.FeeBps)
	payout := keyAddr(newKey(t))
	relayerAddr := f.C.RelayerAddress()
	relayerEther, _ := n.chain.EtherBalance(ctx, relayerAddr)

	// Refusals: each names its field, costs no gas, changes nothing.
	_, good := relayBody(t, node, d, r, payout, feeM, feeS)
	_, forged := relayBody(t, n.nodes[1], d, r, payout, feeM, feeS)
	_, cheap := relayBody(t, node, d, r, payout, new(big.Int).Sub(feeM, big.NewInt(1)), feeS)
	_, overCap := relayBody(t, node, d, r, payout, contracts.RelayFee(m, contracts.MaxRelayFeeBps+1), feeS)
	other := d
	other.ChainID = big.NewInt(1)
	_, wrongDomain := relayBody(t, node, other, r, payout, feeM, feeS)
	// Good on chain for a minute: it could expire while its transaction
	// waits to be mined, and revert at the relayer's cost.
	_, soon := relayBodyUntil(t, node, d, r, payout, feeM, feeS, uint64(time.Now().Add(time.Minute).Unix()))
	_, expired := relayBodyUntil(t, node, d, r, payout, feeM, feeS, uint64(time.Now().Add(-time.Minute).Unix()))
	// Fees under the relayer's minimum: sending would cost it more gas.
	_, dust := relayBody(t, node, d, r, payout, new(big.Int).Sub(coord.DefaultRelayMinFeeMeadow, big.NewInt(1)), new(big.Int).Sub(coord.DefaultRelayMinFeeStable, big.NewInt(1)))
	for _, tc := range []struct {
		name, body string
		code       int
		field      string
	}{
		{"forged signature", forged, 400, "signature"},
		{"another chain's domain", wrongDomain, 400, "signature"},
		{"fee below the relayer's ask", cheap, 400, "fee_meadow"},
		{"fee above the contract's cap", overCap, 400, "fee_meadow"},
		{"deadline a minute ahead", soon, 400, "deadline"},
		{"deadline passed", expired, 400, "deadline"},
		{"fees under the relayer's minimum", dust, 400, "fee_meadow"},
		{"tampered payout", strings.Replace(good, strings.ToLower(payout.Hex()[2:]), strings.Repeat("1", 40), 1), 400, "signature"},
		{"bad amount", strings.Replace(good, `"fee_stable":"`, `"fee_stable":"-`, 1), 400, "fee_stable"},
		{"unknown key", strings.Replace(good, `{"account"`, `{"nonce":1,"account"`, 1), 400, "nonce"},
		{"not JSON", `account=1`, 400, "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, raw := httpPost(t, f.Config.HTTPAddr, "/v1/rewards/relay", tc.body)
			var eb api.ErrorBody
			_ = json.Unmarshal(raw, &eb)
			if code != tc.code || eb.Error.Field != tc.field {
				t.Fatalf("%d %s, want %d naming %q", code, raw, tc.code, tc.field)
			}
		})
	}
	if cm, cs, err := n.chain.Claimed(ctx, r.Address); err != nil || cm.Sign() != 0 || cs.Sign() != 0 {
		t.Fatalf("claimed after refusals: %v %v %v", cm, cs, err)
	}
	if bal, _ := n.chain.EtherBalance(ctx, relayerAddr); bal.Cmp(relayerEther) != 0 {
		t.Fatalf("refusals cost the relayer %s wei", new(big.Int).Sub(relayerEther, bal))
	}
	// A member whose relayer has no ether says so, 503: try another.
	if code, raw := httpPost(t, unfunded.Config.HTTPAddr, "/v1/rewards/relay", good); code != http.StatusServiceUnavailable || !strings.Contains(string(raw), "0 ether") {
		t.Fatalf("relay by an unfunded relayer: %d %s, want 503", code, raw)
	}
	if cm, _, _ := n.chain.Claimed(ctx, r.Address); cm.Sign() != 0 {
		t.Fatalf("the unfunded relayer's refusal claimed %s", cm)
	}

	// The good one.
	code, raw := httpPost(t, f.Config.HTTPAddr, "/v1/rewards/relay", good)
	if code != http.StatusOK {
		t.Fatalf("relay: %d %s", code, raw)
	}
	var res api.RelayClaimResponse
	if err := json.Unmarshal(raw, &res); err != nil || res.Validate() != nil {
		t.Fatalf("relay answer %s: %v", raw, err)
	}
	if res.Relayer != relayerAddr || res.Payout != payout || res.Meadow != m.String() || res.FeeMeadow != feeM.String() {
		t.Fatalf("relay answer %+v", res)
	}
	got, err := n.chain.WaitRelayedClaim(ctx, res.Tx)
	if err != nil {
		t.Fatal(err)
	}
	netM, netS := new(big.Int).Sub(m, feeM), new(big.Int).Sub(s, feeS)
	for _, b := range []struct {
		who   common.Address
		tok   contracts.Token
		want  *big.Int
		label string
	}{
		{payout, contracts.TokenMeadow, netM, "payout MEADOW"}, {payout, contracts.TokenStable, netS, "payout stable"},
		{relayerAddr, contracts.TokenMeadow, feeM, "relayer MEADOW"}, {relayerAddr, contracts.TokenStable, feeS, "relayer stable"},
		{r.Address, contracts.TokenMeadow, new(big.Int), "node MEADOW (paid to the payout address)"},
	} {
		if bal, err := n.chain.BalanceOf(ctx, b.tok, b.who); err != nil || bal.Cmp(b.want) != 0 {
			t.Fatalf("%s: %v %v, want %s", b.label, bal, err, b.want)
		}
	}
	if got.NetMeadow().Cmp(netM) != 0 || got.NetStable().Cmp(netS) != 0 {
		t.Fatalf("receipt says %+v", got)
	}
	if bal, _ := n.chain.EtherBalance(ctx, r.Address); bal.Sign() != 0 {
		t.Fatalf("the node's ether is %s, want 0 throughout", bal)
	}
	// A chain read that fails leaves the claimed fields out (the rest of
	// the answer stands): on a loaded machine, ask again.
	var after api.NodeRewards
	for i := 0; i < 20; i++ {
		httpGet(t, second.Config.HTTPAddr, "/v1/node/"+n.nodeAddr(0)+"/rewards", &after)
		if after.ClaimedMeadow != "" {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if after.ClaimedMeadow != r.Meadow || after.ClaimedStable != r.Stable {
		t.Fatalf("rewards after the claim say claimed %q MEADOW and %q stable, want %s and %s", after.ClaimedMeadow, after.ClaimedStable, r.Meadow, r.Stable)
	}

	// The same request again: this member answers with the same
	// transaction; another member finds nothing to claim.
	code, raw = httpPost(t, f.Config.HTTPAddr, "/v1/rewards/relay", good)
	var again api.RelayClaimResponse
	if code != http.StatusOK || json.Unmarshal(raw, &again) != nil || again.Tx != res.Tx {
		t.Fatalf("retry on the same member: %d %s, want the same transaction %s", code, raw, res.Tx.Hex())
	}
	code, raw = httpPost(t, second.Config.HTTPAddr, "/v1/rewards/relay", good)
	if code != http.StatusConflict || !strings.Contains(string(raw), "NothingToClaim") {
		t.Fatalf("replay on another member: %d %s, want 409 NothingToClaim", code, raw)
	}

	// Node 1, payout omitted: paid at its own address, by the other member.
	var r1 api.NodeRewards
	httpGet(t, second.Config.HTTPAddr, "/v1/node/"+n.nodeAddr(1)+"/rewards", &r1)
	m1, s1 := bigAmount(t, r1.Meadow), bigAmount(t, r1.Stable)
	_, body1 := relayBody(t, n.nodes[1], d, r1, common.Address{}, contracts.RelayFee(m1, 100), contracts.RelayFee(s1, 100))
	code, raw = httpPost(t, second.Config.HTTPAddr, "/v1/rewards/relay", body1)
	var res1 api.RelayClaimResponse
	if code != http.StatusOK || json.Unmarshal(raw, &res1) != nil || res1.Payout != r1.Address {
		t.Fatalf("relay for node 1: %d %s", code, raw)
	}
	if _, err := n.chain.WaitRelayedClaim(ctx, res1.Tx); err != nil {
		t.Fatal(err)
	}
	if bal, _ := n.chain.BalanceOf(ctx, contracts.TokenMeadow, r1.Address); bal.Cmp(new(big.Int).Sub(m1, contracts.RelayFee(m1, 100))) != 0 {
		t.Fatalf("node 1 holds %s MEADOW, want its claim less 1%%", bal)
	}

	// What the operators' alerts read: each member counts what its relayer
	// was asked, by result, and shows its relayer's ether.
	for _, tc := range []struct {
		addr string
		want []string
	}{
		{f.Config.HTTPAddr, []string{`meadow_relay_claims_total{result="relayed"} 2`, `meadow_relay_claims_total{result="refused"} 11`,
			`meadow_relay_claims_total{result="unfunded"} 0`, "meadow_relayer_balance_wei "}},
		{second.Config.HTTPAddr, []string{`meadow_relay_claims_total{result="relayed"} 1`, `meadow_relay_claims_total{result="refused"} 1`}},
		{unfunded.Config.HTTPAddr, []string{`meadow_relay_claims_total{result="unfunded"} 1`, "meadow_relayer_balance_wei 0"}},
	} {
		_, body := get(t, "http://"+tc.addr+"/metrics")
		for _, w := range tc.want {
			if !strings.Contains(string(body), "\n"+w) {
				t.Errorf("%s/metrics has no line %q:\n%s", tc.addr, w, grepLines(string(body), "meadow_relay"))
			}
		}
	}
}

// TestRelayedClaimInFlight: while a relayed claim waits to be mined
// (blocks held, as on a chain with a block time), the latest block still
// shows the node's totals unclaimed, so any other authorization of the
// same account (another payout, fee or deadline) passes eth_call. The
// member that sent the first refuses them, 409 naming its transaction,
// and sends nothing: otherwise each would be sent and revert once the
// first is mined, and one node could burn the relayer's ether as fast as
// it signs. Another member, once the chain's pending block holds the
// first, refuses them too (NothingToClaim in the pending state). A retry
// of the same authorization still gets the same transaction, and once the
// first is mined the account is checked against the chain as before.
func TestRelayedClaimInFlight(t *testing.T) {
	n := newRelayNet(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	n.settleEpoch(t)
	f, second := n.c.Members[0], n.c.Members[1]
	r := n.settledRewards(t, 0)
	d, err := n.chain.RewardsDomain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m, s := bigAmount(t, r.Meadow), bigAmount(t, r.Stable)
	feeM, feeS := contracts.RelayFee(m, coord.DefaultRelayFeeBps), contracts.RelayFee(s, coord.DefaultRelayFeeBps)
	// Each payout address makes another authorization of the same totals.
	body := func() string {
		_, b := relayBody(t, n.nodes[0], d, r, keyAddr(newKey(t)), feeM, feeS)
		return b
	}
	sent := func(m *coordtest.Member) uint64 {
		t.Helper()
		nonce, err := n.chain.Backend().PendingNonceAt(ctx, m.C.RelayerAddress())
		if err != nil {
			t.Fatal(err)
		}
		return nonce
	}
	mined := func(m *coordtest.Member) uint64 {
		t.Helper()
		nonce, err := n.chain.Simulated().Client().NonceAt(ctx, m.C.RelayerAddress(), nil)
		if err != nil {
			t.Fatal(err)
		}
		return nonce
	}

	n.chain.HoldBlocks(true)
	defer n.chain.HoldBlocks(false)
	first := body()
	code, raw := httpPost(t, f.Config.HTTPAddr, "/v1/rewards/relay", first)
	var res api.RelayClaimResponse
	if code != http.StatusOK || json.Unmarshal(raw, &res) != nil {
		t.Fatalf("relay: %d %s", code, raw)
	}
	if sent(f) != 1 || mined(f) != 0 {
		t.Fatalf("the relayer sent %d transactions, %d mined; want the relayed claim alone, waiting", sent(f), mined(f))
	}
	for i := 0; i < 5; i++ {
		code, raw := httpPost(t, f.Config.HTTPAddr, "/v1/rewards/relay", body())
		if code != http.StatusConflict || !strings.Contains(string(raw), res.Tx.Hex()) || !strings.Contains(string(raw), "not mined yet") {
			t.Fatalf("another authorization while the first waits: %d %s, want 409 naming %s", code, raw, res.Tx.Hex())
		}
	}
	code, raw = httpPost(t, f.Config.HTTPAddr, "/v1/rewards/relay", first)
	var again api.RelayClaimResponse
	if code != http.StatusOK || json.Unmarshal(raw, &again) != nil || again.Tx != res.Tx {
		t.Fatalf("retry of the first: %d %s, want the same transaction %s", code, raw, res.Tx.Hex())
	}
	// go-ethereum rebuilds its pending block at most every 2 s.
	time.Sleep(2100 * time.Millisecond)
	code, raw = httpPost(t, second.Config.HTTPAddr, "/v1/rewards/relay", body())
	if code != http.StatusConflict || !strings.Contains(string(raw), "NothingToClaim") || !strings.Contains(string(raw), "pending") {
		t.Fatalf("another authorization at another member: %d %s, want 409 NothingToClaim in the pending state", code, raw)
	}
	if got := sent(f); got != 1 || mined(f) != 0 || sent(second) != 0 {
		t.Fatalf("relayers sent %d (%d mined) and %d transactions, want 1 (waiting) and 0", got, mined(f), sent(second))
	}

	n.chain.Mine()
	n.chain.HoldBlocks(false)
	if _, err := n.chain.WaitRelayedClaim(ctx, res.Tx); err != nil {
		t.Fatal(err)
	}
	if cm, _, err := n.chain.Claimed(ctx, r.Address); err != nil || cm.Cmp(m) != 0 {
		t.Fatalf("claimed %v %v, want %s", cm, err, m)
	}
	// Mined: the account is checked against the chain again.
	code, raw = httpPost(t, f.Config.HTTPAddr, "/v1/rewards/relay", body())
	if code != http.StatusConflict || !strings.Contains(string(raw), "NothingToClaim") || strings.Contains(string(raw), "on its way") {
		t.Fatalf("another authorization after the first was mined: %d %s, want 409 NothingToClaim from the chain", code, raw)
	}
	if got := sent(f); got != 1 {
		t.Fatalf("the relayer sent %d transactions, want 1", got)
	}
}

// grepLines returns the lines of s that hold sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestRelayedClaimFromTheExtension: the browser extension's own claim code
// (ext/src/lib/claim.js through ext/src/node/coordinator.js, run by Node
// as ext/test/claimrun.mjs) claims a settled node's rewards without gas on
// a real cluster and chain. With the user's fee limit under the relayer's
// fee, nothing is signed or sent. Then the first member it asks has an
// unfunded relayer (503), so it fails over; the chain pays the payout
// address the user set its claim less the fee, the relayer gets the fee,
// and the node never holds ether.
func TestRelayedClaimFromTheExtension(t *testing.T) {
	nodeJS, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("Node.js (node) is missing: this test runs the extension's claim code with it (scripts/deps.sh installs nodejs)")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "@noble", "curves")); err != nil {
		t.Fatalf("the npm package @noble/curves is missing from node_modules (%v): run make deps", err)
	}
	n := newRelayNet(t, 2) // a crawl task has two replicas
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	n.settleEpoch(t)
	funded, unfunded := n.c.Members[0], n.c.Members[2]
	r := n.settledRewards(t, 0)
	m, s := bigAmount(t, r.Meadow), bigAmount(t, r.Stable)
	if m.Sign() == 0 || s.Sign() == 0 {
		t.Fatalf("rewards %+v: want MEADOW and stable", r)
	}
	feeM, feeS := contracts.RelayFee(m, coord.DefaultRelayFeeBps), contracts.RelayFee(s, coord.DefaultRelayFeeBps)

	coords := "MEADOW_COORDS=http://" + unfunded.Config.HTTPAddr + ",http://" + funded.Config.HTTPAddr
	nodeKey := fmt.Sprintf("MEADOW_KEY=%x", crypto.FromECDSA(n.nodes[0]))
	// The relayer's fee (1%) is above a limit of 0.99%: refused before
	// anything is signed, and no member is asked to relay.
	cmd := exec.CommandContext(ctx, nodeJS, filepath.Join("ext", "test", "claimrun.mjs"))
	cmd.Dir, cmd.Env = root, append(os.Environ(), coords, nodeKey, fmt.Sprintf("MEADOW_MAX_FEE_BPS=%d", coord.DefaultRelayFeeBps-1))
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "the relayer asks 1%, above your limit of 0.99%") {
		t.Fatalf("a claim above the fee limit: %v %s, want it refused naming the limit", err, out)
	}
	for _, m := range []*coordtest.Member{funded, unfunded} {
		_, body := get(t, "http://"+m.Config.HTTPAddr+"/metrics")
		for _, l := range strings.Split(grepLines(string(body), "meadow_relay_claims_total{"), "\n") {
			if l != "" && !strings.HasSuffix(l, " 0") {
				t.Fatalf("%s was asked to relay a claim above the limit: %s", m.Config.ID, l)
			}
		}
	}

	wallet, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	payout := crypto.PubkeyToAddress(wallet.PublicKey)
	cmd = exec.CommandContext(ctx, nodeJS, filepath.Join("ext", "test", "claimrun.mjs"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), coords, nodeKey, "MEADOW_PAYOUT="+payout.Hex())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the extension's claim: %v: %s", err, stderr.String())
	}
	var res struct {
		api.RelayClaimResponse
		NetMeadow string `json:"net_meadow"`
		NetStable string `json:"net_stable"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("the extension's answer %s: %v", out, err)
	}
	if res.Relayer != funded.C.RelayerAddress() || res.Payout != payout || res.FeeMeadow != feeM.String() || res.FeeStable != feeS.String() {
		t.Fatalf("the extension's claim %s, want relayed by %s to %s for fees %s and %s", out, funded.C.RelayerAddress().Hex(), payout.Hex(), feeM, feeS)
	}
	// It asked the unfunded member first, which said 503, and moved on.
	if _, body := get(t, "http://"+unfunded.Config.HTTPAddr+"/metrics"); !strings.Contains(string(body), "\n"+`meadow_relay_claims_total{result="unfunded"} 1`) {
		t.Errorf("the unfunded member was not asked first: %s", grepLines(string(body), "meadow_relay"))
	}
	got, err := n.chain.WaitRelayedClaim(ctx, res.Tx)
	if err != nil {
		t.Fatal(err)
	}
	netM, netS := new(big.Int).Sub(m, feeM), new(big.Int).Sub(s, feeS)
	if got.NetMeadow().Cmp(netM) != 0 || got.NetStable().Cmp(netS) != 0 || res.NetMeadow != netM.String() || res.NetStable != netS.String() {
		t.Fatalf("receipt %+v, the extension said net %s and %s, want %s and %s", got, res.NetMeadow, res.NetStable, netM, netS)
	}
	for _, b := range []struct {
		who   common.Address
		tok   contracts.Token
		want  *big.Int
		label string
	}{
		{payout, contracts.TokenMeadow, netM, "payout MEADOW"}, {payout, contracts.TokenStable, netS, "payout stable"},
		{r.Address, contracts.TokenMeadow, new(big.Int), "node MEADOW"}, {r.Address, contracts.TokenStable, new(big.Int), "node stable"},
		{res.Relayer, contracts.TokenMeadow, feeM, "relayer MEADOW"}, {res.Relayer, contracts.TokenStable, feeS, "relayer stable"},
	} {
		if bal, err := n.chain.BalanceOf(ctx, b.tok, b.who); err != nil || bal.Cmp(b.want) != 0 {
			t.Fatalf("%s: %v %v, want %s", b.label, bal, err, b.want)
		}
	}
	if bal, err := n.chain.EtherBalance(ctx, r.Address); err != nil || bal.Sign() != 0 {
		t.Fatalf("the node's ether is %v (%v), want 0 throughout", bal, err)
	}
	// Once paid, the rewards say so and the extension has nothing to claim.
	httpGet(t, funded.Config.HTTPAddr, "/v1/node/"+n.nodeAddr(0)+"/rewards", &r)
	if r.ClaimedMeadow != m.String() || r.ClaimedStable != s.String() {
		t.Fatalf("rewards after the claim: claimed %q and %q, want %s and %s", r.ClaimedMeadow, r.ClaimedStable, m, s)
	}
	cmd = exec.CommandContext(ctx, nodeJS, filepath.Join("ext", "test", "claimrun.mjs"))
	cmd.Dir, cmd.Env = root, append(os.Environ(), "MEADOW_COORDS=http://"+funded.Config.HTTPAddr, fmt.Sprintf("MEADOW_KEY=%x", crypto.FromECDSA(n.nodes[0])))
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "nothing new to claim") {
		t.Fatalf("a second claim: %v %s, want it refused before signing: nothing new to claim", err, out)
	}
}
