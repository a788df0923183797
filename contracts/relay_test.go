package contracts

import (
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"

	"github.com/meadow-net/meadow/rewards"
)

type claimVectorFile struct {
	Type     string `json:"type"`
	TypeHash string `json:"type_hash"`
	Cases    []struct {
		Name              string `json:"name"`
		DomainName        string `json:"domain_name"`
		DomainVersion     string `json:"domain_version"`
		ChainID           string `json:"chain_id"`
		VerifyingContract string `json:"verifying_contract"`
		DomainSeparator   string `json:"domain_separator"`
		Account           string `json:"account"`
		CumulativeMeadow  string `json:"cumulative_meadow"`
		CumulativeStable  string `json:"cumulative_stable"`
		Payout            string `json:"payout"`
		FeeMeadow         string `json:"fee_meadow"`
		FeeStable         string `json:"fee_stable"`
		Deadline          uint64 `json:"deadline"`
		StructHash        string `json:"struct_hash"`
		Digest            string `json:"digest"`
		Signature         string `json:"signature"`
	} `json:"cases"`
}

// TestClaimAuthorizationVectors: the claim authorization vectors
// (contracts/testdata/claim_authorization.json) hold for the Go code, for
// go-ethereum's independent EIP-712 encoder (signer/core/apitypes) and for
// the distributor on chain: its type hash, its struct hash of every vector,
// and its digest in its own domain against the Go digest in that domain.
func TestClaimAuthorizationVectors(t *testing.T) {
	var f claimVectorFile
	raw, err := os.ReadFile(filepath.Join("testdata", "claim_authorization.json"))
	if err != nil {
		t.Fatalf("%v (go run ./contracts/internal/genclaimvectors)", err)
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) < 5 {
		t.Fatalf("only %d claim vectors", len(f.Cases))
	}
	if f.Type != ClaimAuthorizationType || f.TypeHash != ClaimAuthorizationTypeHash.Hex() {
		t.Fatalf("type %q %s, Go %q %s", f.Type, f.TypeHash, ClaimAuthorizationType, ClaimAuthorizationTypeHash.Hex())
	}
	n := newTestNet(t)
	ctx := testCtx(t)
	out, err := n.chain.call(ctx, "type hash", n.addrs.Distributor, distributorC.PackCLAIMAUTHORIZATIONTYPEHASH())
	if err != nil {
		t.Fatal(err)
	}
	if common.BytesToHash(out) != ClaimAuthorizationTypeHash {
		t.Fatalf("contract type hash %x, Go %s", out, ClaimAuthorizationTypeHash.Hex())
	}
	out, err = n.chain.call(ctx, "max relay fee", n.addrs.Distributor, distributorC.PackMAXRELAYFEEBPS())
	if err != nil || new(big.Int).SetBytes(out).Cmp(big.NewInt(MaxRelayFeeBps)) != 0 {
		t.Fatalf("contract MAX_RELAY_FEE_BPS %x %v, Go %d", out, err, MaxRelayFeeBps)
	}
	deployed, err := n.chain.RewardsDomain(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			d := Domain{Name: c.DomainName, Version: c.DomainVersion, ChainID: bigOf(t, c.ChainID), VerifyingContract: common.HexToAddress(c.VerifyingContract)}
			a := ClaimAuthorization{
				Account: common.HexToAddress(c.Account), CumulativeMeadow: bigOf(t, c.CumulativeMeadow), CumulativeStable: bigOf(t, c.CumulativeStable),
				Payout: common.HexToAddress(c.Payout), FeeMeadow: bigOf(t, c.FeeMeadow), FeeStable: bigOf(t, c.FeeStable), Deadline: c.Deadline,
			}
			if got := d.Separator().Hex(); got != c.DomainSeparator {
				t.Errorf("Go separator %s, vector %s", got, c.DomainSeparator)
			}
			sh, err := a.StructHash()
			if err != nil || sh.Hex() != c.StructHash {
				t.Errorf("Go struct hash %s %v, vector %s", sh.Hex(), err, c.StructHash)
			}
			dg, err := a.Digest(d)
			if err != nil || dg.Hex() != c.Digest {
				t.Errorf("Go digest %s %v, vector %s", dg.Hex(), err, c.Digest)
			}
			if ind := independentDigest(t, d, a); ind != common.HexToHash(c.Digest) {
				t.Errorf("go-ethereum's apitypes digest %s, vector %s", ind.Hex(), c.Digest)
			}
			who, err := RecoverSigner(common.HexToHash(c.Digest), hexutil.MustDecode(c.Signature))
			if err != nil || who != a.Account {
				t.Errorf("signature recovers to %s %v, want %s", who.Hex(), err, a.Account.Hex())
			}
			out, err := n.chain.call(ctx, "struct hash", n.addrs.Distributor, distributorC.PackHashClaimAuthorizationStruct(a.binding()))
			if err != nil || common.BytesToHash(out).Hex() != c.StructHash {
				t.Errorf("contract struct hash %x %v, vector %s", out, err, c.StructHash)
			}
			out, err = n.chain.call(ctx, "digest", n.addrs.Distributor, distributorC.PackHashClaimAuthorization(a.binding()))
			want, _ := a.Digest(deployed)
			if err != nil || common.BytesToHash(out) != want {
				t.Errorf("contract digest in its domain %x %v, Go %s", out, err, want.Hex())
			}
		})
	}
}

// independentDigest computes a's digest with go-ethereum's generic EIP-712
// encoder, which shares no code with ClaimAuthorization.Digest.
func independentDigest(tb testing.TB, d Domain, a ClaimAuthorization) common.Hash {
	tb.Helper()
	td := apitypes.TypedData{
		Types: apitypes.Types{
			"EIP712Domain": {{Name: "name", Type: "string"}, {Name: "version", Type: "string"}, {Name: "chainId", Type: "uint256"}, {Name: "verifyingContract", Type: "address"}},
			"ClaimAuthorization": {
				{Name: "account", Type: "address"}, {Name: "cumulativeMeadow", Type: "uint256"}, {Name: "cumulativeStable", Type: "uint256"},
				{Name: "payout", Type: "address"}, {Name: "feeMeadow", Type: "uint256"}, {Name: "feeStable", Type: "uint256"}, {Name: "deadline", Type: "uint256"},
			},
		},
		PrimaryType: "ClaimAuthorization",
		Domain: apitypes.TypedDataDomain{Name: d.Name, Version: d.Version, ChainId: (*math.HexOrDecimal256)(d.ChainID),
			VerifyingContract: d.VerifyingContract.Hex()},
		Message: apitypes.TypedDataMessage{
			"account": a.Account.Hex(), "cumulativeMeadow": a.CumulativeMeadow.String(), "cumulativeStable": a.CumulativeStable.String(),
			"payout": a.Payout.Hex(), "feeMeadow": a.FeeMeadow.String(), "feeStable": a.FeeStable.String(),
			"deadline": new(big.Int).SetUint64(a.Deadline).String(),
		},
	}
	h, _, err := apitypes.TypedDataAndHash(td)
	if err != nil {
		tb.Fatalf("apitypes: %v", err)
	}
	return common.BytesToHash(h)
}

// relayNet is a testNet with one epoch settled over a tree of three keyed
// nodes (none of which holds any ether) and the deployer as relayer.
type relayNet struct {
	*testNet
	nodes  []*ecdsa.PrivateKey
	leaves []rewards.Leaf
	tree   *rewards.Tree
	domain Domain
}

func newRelayNet(tb testing.TB, opts ...func(*node.Config, *ethconfig.Config)) *relayNet {
	tb.Helper()
	n := &relayNet{testNet: newTestNetWith(tb, opts...)}
	ctx := testCtx(tb)
	// Revenue for the stable share.
	n.fundAndPay(tb, "relay-job", units(100, 6))
	share, err := n.chain.RevenueShareLimit(ctx, 1)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		k := testKey(tb, fmt.Sprint("relay-node-", i))
		n.nodes = append(n.nodes, k)
		n.leaves = append(n.leaves, leaf(k, units(int64(1000*(i+1)), 18), new(big.Int).Div(share, big.NewInt(3))))
	}
	emission := new(big.Int)
	for _, l := range n.leaves {
		emission.Add(emission, l.Meadow)
	}
	n.tree = n.settle(tb, n.leaves, emission, share)
	if n.domain, err = n.chain.RewardsDomain(ctx); err != nil {
		tb.Fatal(err)
	}
	return n
}

// auth is node i's authorization of its current leaf with the given fees.
func (n *relayNet) auth(i int, payout common.Address, feeMeadow, feeStable *big.Int) ClaimAuthorization {
	l := n.leaves[i]
	return ClaimAuthorization{Account: addr(n.nodes[i]), CumulativeMeadow: l.Meadow, CumulativeStable: l.Stable,
		Payout: payout, FeeMeadow: feeMeadow, FeeStable: feeStable, Deadline: 4_000_000_000}
}

func (n *relayNet) proof(tb testing.TB, i int) [][32]byte {
	tb.Helper()
	p, err := n.tree.Proof(n.leaves[i].Account)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func (n *relayNet) signAuth(tb testing.TB, k *ecdsa.PrivateKey, d Domain, a ClaimAuthorization) []byte {
	tb.Helper()
	// Signing with a key other than the account's is refused in Go; a
	// forger signs the digest directly.
	h, err := a.Digest(d)
	if err != nil {
		tb.Fatal(err)
	}
	sig, err := signDigest(k, h)
	if err != nil {
		tb.Fatal(err)
	}
	return sig
}

// TestRelayedClaim: a node holding no ether has a relayer claim for it; the
// contract refuses forged, tampered, malleable, other-domain, expired and
// over-fee authorizations before any state changes, pays the payout address
// the claim less the fees and the relayer the fees, and refuses the same
// authorization a second time (the fee is never paid twice).
func TestRelayedClaim(t *testing.T) {
	n := newRelayNet(t)
	ctx := testCtx(t)
	relayer := n.deployer
	payout := addr(testKey(t, "payout"))
	nodeKey := n.nodes[0]
	if bal, err := n.chain.EtherBalance(ctx, addr(nodeKey)); err != nil || bal.Sign() != 0 {
		t.Fatalf("node's ether %v %v, want 0", bal, err)
	}
	l := n.leaves[0]
	feeM := RelayFee(l.Meadow, 100) // 1%
	feeS := RelayFee(l.Stable, 100)
	good := n.auth(0, payout, feeM, feeS)
	sig, err := SignClaimAuthorization(nodeKey, n.domain, good)
	if err != nil {
		t.Fatal(err)
	}
	proof := n.proof(t, 0)

	otherChain := n.domain
	otherChain.ChainID = big.NewInt(1)
	otherContract := n.domain
	otherContract.VerifyingContract = n.addrs.Registry
	tampered := good
	tampered.Payout = addr(relayer)
	overFee := n.auth(0, payout, RelayFee(l.Meadow, MaxRelayFeeBps+1), feeS)
	overFeeStable := n.auth(0, payout, feeM, new(big.Int).Add(RelayFee(l.Stable, MaxRelayFeeBps), big.NewInt(1)))
	head, err := n.chain.HeadTime(ctx)
	if err != nil {
		t.Fatal(err)
	}
	expired := good
	expired.Deadline = head - 1
	malleable := highS(sig)

	for _, tc := range []struct {
		name string
		a    ClaimAuthorization
		sig  []byte
		want error
		text string
	}{
		{"forged: signed by another key", good, n.signAuth(t, n.nodes[1], n.domain, good), ErrInvalidClaimSignature, "InvalidClaimSignature(account: " + good.Account.Hex()},
		{"tampered: payout changed after signing", tampered, sig, ErrInvalidClaimSignature, ""},
		{"another chain's domain", good, n.signAuth(t, nodeKey, otherChain, good), ErrInvalidClaimSignature, ""},
		{"another contract's domain", good, n.signAuth(t, nodeKey, otherContract, good), ErrInvalidClaimSignature, ""},
		{"malleable signature (high s)", good, malleable, ErrInvalidClaimSignature, ""},
		{"short signature", good, sig[:64], ErrInvalidClaimSignature, ""},
		{"MEADOW fee above the cap", overFee, n.signAuth(t, nodeKey, n.domain, overFee), ErrRelayFeeAboveCap, "RelayFeeAboveCap(token: " + n.addrs.Token.Hex()},
		{"stable fee above the cap", overFeeStable, n.signAuth(t, nodeKey, n.domain, overFeeStable), ErrRelayFeeAboveCap, "RelayFeeAboveCap(token: " + n.addrs.Stable.Hex()},
		{"expired", expired, n.signAuth(t, nodeKey, n.domain, expired), ErrAuthorizationExpired, "AuthorizationExpired(deadline: "},
		{"someone else's leaf", n.auth(1, payout, feeM, feeS), n.signAuth(t, nodeKey, n.domain, n.auth(1, payout, feeM, feeS)), ErrInvalidClaimSignature, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := n.chain.CheckClaimFor(ctx, addr(relayer), tc.a, proof, tc.sig); !errors.Is(err, tc.want) {
				t.Fatalf("check: %v, want %v", err, tc.want)
			}
			_, err := n.chain.ClaimFor(ctx, relayer, tc.a, proof, tc.sig)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("claimFor: %v, want %v naming %q", err, tc.want, tc.text)
			}
		})
	}
	// Nothing moved.
	if m, s, err := n.chain.Claimed(ctx, good.Account); err != nil || m.Sign() != 0 || s.Sign() != 0 {
		t.Fatalf("claimed after refusals: %v %v %v", m, s, err)
	}
	wantBalance(t, n.chain, TokenMeadow, payout, new(big.Int))

	// The good one: checked first, as a relayer does, then sent.
	m, s, err := n.chain.CheckClaimFor(ctx, addr(relayer), good, proof, sig)
	if err != nil || m.Cmp(l.Meadow) != 0 || s.Cmp(l.Stable) != 0 {
		t.Fatalf("check: %v %v %v, want %s %s", m, s, err, l.Meadow, l.Stable)
	}
	relayerMeadow, _ := n.chain.BalanceOf(ctx, TokenMeadow, addr(relayer))
	relayerStable, _ := n.chain.BalanceOf(ctx, TokenStable, addr(relayer))
	res, err := n.chain.ClaimFor(ctx, relayer, good, proof, sig)
	if err != nil {
		t.Fatal(err)
	}
	if res.Meadow.Cmp(l.Meadow) != 0 || res.Stable.Cmp(l.Stable) != 0 || res.FeeMeadow.Cmp(feeM) != 0 || res.FeeStable.Cmp(feeS) != 0 ||
		res.Payout != payout || res.Relayer != addr(relayer) {
		t.Fatalf("result %+v", res)
	}
	wantBalance(t, n.chain, TokenMeadow, payout, res.NetMeadow())
	wantBalance(t, n.chain, TokenStable, payout, res.NetStable())
	wantBalance(t, n.chain, TokenMeadow, addr(nodeKey), new(big.Int))
	wantBalance(t, n.chain, TokenMeadow, addr(relayer), new(big.Int).Add(relayerMeadow, feeM))
	wantBalance(t, n.chain, TokenStable, addr(relayer), new(big.Int).Add(relayerStable, feeS))
	if bal, _ := n.chain.EtherBalance(ctx, addr(nodeKey)); bal.Sign() != 0 {
		t.Fatalf("node's ether %s, want 0", bal)
	}

	// Replayed: refused, and the relayer is not paid again.
	if _, err := n.chain.ClaimFor(ctx, relayer, good, proof, sig); !errors.Is(err, ErrNothingToClaim) {
		t.Fatalf("replay: %v, want ErrNothingToClaim", err)
	}
	wantBalance(t, n.chain, TokenMeadow, addr(relayer), new(big.Int).Add(relayerMeadow, feeM))

	// At the cap exactly, payout zero: the account itself is paid.
	a1 := n.auth(1, common.Address{}, RelayFee(n.leaves[1].Meadow, MaxRelayFeeBps), RelayFee(n.leaves[1].Stable, MaxRelayFeeBps))
	sig1, err := SignClaimAuthorization(n.nodes[1], n.domain, a1)
	if err != nil {
		t.Fatal(err)
	}
	// Sent without waiting, as the relaying coordinator does; the outcome
	// read from the receipt.
	tx1, err := n.chain.SendClaimFor(ctx, relayer, a1, n.proof(t, 1), sig1)
	if err != nil {
		t.Fatal(err)
	}
	res1, err := n.chain.WaitRelayedClaim(ctx, tx1)
	if err != nil {
		t.Fatal(err)
	}
	if res1.TxHash != tx1 || res1.Meadow.Cmp(n.leaves[1].Meadow) != 0 {
		t.Fatalf("relayed claim %s: %+v", tx1.Hex(), res1)
	}
	if res1.Payout != a1.Account {
		t.Fatalf("payout %s, want the account %s", res1.Payout.Hex(), a1.Account.Hex())
	}
	wantBalance(t, n.chain, TokenMeadow, a1.Account, res1.NetMeadow())
	wantBalance(t, n.chain, TokenStable, a1.Account, res1.NetStable())

	// A node that claimed directly (someone else paid the gas) cannot then
	// have its authorization pay a fee.
	a2 := n.auth(2, common.Address{}, RelayFee(n.leaves[2].Meadow, 100), new(big.Int))
	sig2, _ := SignClaimAuthorization(n.nodes[2], n.domain, a2)
	if _, err := n.chain.Claim(ctx, relayer, NewClaim(n.leaves[2], n.proof(t, 2))); err != nil {
		t.Fatal(err)
	}
	if _, err := n.chain.ClaimFor(ctx, relayer, a2, n.proof(t, 2), sig2); !errors.Is(err, ErrNothingToClaim) {
		t.Fatalf("after a direct claim: %v, want ErrNothingToClaim", err)
	}

	// The next epoch: node 0's total grows. The old authorization no longer
	// proves; a new one pays the growth only, fee capped on the growth.
	grown := append([]rewards.Leaf(nil), n.leaves...)
	grown[0] = leaf(nodeKey, new(big.Int).Add(l.Meadow, units(500, 18)), l.Stable)
	emission := units(500, 18)
	n.leaves, n.tree = grown, n.settle(t, grown, emission, new(big.Int))
	if _, err := n.chain.ClaimFor(ctx, relayer, good, proof, sig); !errors.Is(err, ErrInvalidProof) {
		t.Fatalf("old authorization against the new root: %v, want ErrInvalidProof", err)
	}
	tooMuch := n.auth(0, payout, RelayFee(l.Meadow, MaxRelayFeeBps), new(big.Int)) // 5% of the old total is 10% of the growth
	if _, err := n.chain.ClaimFor(ctx, relayer, tooMuch, n.proof(t, 0), n.signAuth(t, nodeKey, n.domain, tooMuch)); !errors.Is(err, ErrRelayFeeAboveCap) {
		t.Fatalf("fee on the total, not the growth: %v, want ErrRelayFeeAboveCap", err)
	}
	next := n.auth(0, payout, RelayFee(units(500, 18), 100), new(big.Int))
	sigNext, _ := SignClaimAuthorization(nodeKey, n.domain, next)
	resNext, err := n.chain.ClaimFor(ctx, relayer, next, n.proof(t, 0), sigNext)
	if err != nil {
		t.Fatal(err)
	}
	if resNext.Meadow.Cmp(units(500, 18)) != 0 || resNext.Stable.Sign() != 0 {
		t.Fatalf("second epoch paid %s %s, want the growth 500e18 and 0", resNext.Meadow, resNext.Stable)
	}
}

// highS turns a low-s signature into its malleable twin (n - s, v flipped),
// which recovers the same key but OpenZeppelin's ECDSA refuses.
func highS(sig []byte) []byte {
	out := append([]byte(nil), sig...)
	s := new(big.Int).SetBytes(out[32:64])
	s.Sub(crypto.S256().Params().N, s)
	copy(out[32:64], common.LeftPadBytes(s.Bytes(), 32))
	if out[64] == 27 {
		out[64] = 28
	} else {
		out[64] = 27
	}
	return out
}

// TestClaimAuthorizationValidate: what the Go side refuses before signing
// or sending anything.
func TestClaimAuthorizationValidate(t *testing.T) {
	k := testKey(t, "v")
	ok := ClaimAuthorization{Account: addr(k), CumulativeMeadow: big.NewInt(100), CumulativeStable: big.NewInt(0),
		FeeMeadow: big.NewInt(1), FeeStable: big.NewInt(0), Deadline: 10}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	d := Domain{Name: RewardsDomainName, Version: DomainVersion, ChainID: big.NewInt(1337)}
	for _, tc := range []struct {
		name string
		edit func(*ClaimAuthorization)
		want error
		text string
	}{
		{"zero account", func(a *ClaimAuthorization) { a.Account = common.Address{} }, ErrInvalidAddress, "account"},
		{"missing fee", func(a *ClaimAuthorization) { a.FeeStable = nil }, ErrInvalidAmount, "stable fee"},
		{"negative total", func(a *ClaimAuthorization) { a.CumulativeMeadow = big.NewInt(-1) }, ErrInvalidAmount, "cumulative MEADOW"},
		{"fee above the total", func(a *ClaimAuthorization) { a.FeeMeadow = big.NewInt(101) }, ErrInvalidAmount, "exceed"},
		{"no deadline", func(a *ClaimAuthorization) { a.Deadline = 0 }, ErrInvalidAmount, "deadline"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := ok
			tc.edit(&a)
			if _, err := SignClaimAuthorization(k, d, a); !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("%v, want %v naming %q", err, tc.want, tc.text)
			}
		})
	}
	if _, err := SignClaimAuthorization(testKey(t, "other"), d, ok); !errors.Is(err, ErrNoKey) {
		t.Fatalf("another key: %v, want ErrNoKey", err)
	}
}

// TestRelayedClaimGas measures a relayed claim against a direct one for a
// new holder in a 1,000-leaf tree, under Osaka rules (docs/BENCHMARKS.md):
//
//	go test ./contracts -run TestRelayedClaimGas -v
func TestRelayedClaimGas(t *testing.T) {
	n := newTestNetWith(t, osaka)
	ctx := testCtx(t)
	n.fundAndPay(t, "gas-relay", units(1000, 6))
	share, _ := n.chain.RevenueShareLimit(ctx, 1)
	keys := make([]*ecdsa.PrivateKey, 6)
	leaves := make([]rewards.Leaf, 1000)
	for i := range leaves {
		if i < len(keys) {
			keys[i] = testKey(t, fmt.Sprint("gas-relay-", i))
			leaves[i] = leaf(keys[i], units(10, 18), big.NewInt(1000))
			continue
		}
		var a rewards.Address
		a[0], a[1], a[2] = 0xdd, byte(i>>8), byte(i)
		leaves[i] = rewards.Leaf{Account: a, Meadow: big.NewInt(int64(i)), Stable: big.NewInt(0)}
	}
	limit, _ := n.chain.EmissionLimit(ctx, 1)
	tree := n.settle(t, leaves, limit, share)
	d, _ := n.chain.RewardsDomain(ctx)
	proofOf := func(i int) [][32]byte {
		p, err := tree.Proof(leaves[i].Account)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	report := func(what string, gas, bound uint64) {
		t.Helper()
		t.Logf("gas %-64s %7d", what, gas)
		if gas > bound {
			t.Errorf("%s used %d gas, more than the %d expected", what, gas, bound)
		}
	}
	direct, err := n.chain.Claim(ctx, n.deployer, NewClaim(leaves[0], proofOf(0)))
	if err != nil {
		t.Fatal(err)
	}
	report("claim (direct), new holder, MEADOW + stable", direct.GasUsed, 135_000)
	payout := addr(testKey(t, "gas-payout"))
	for i, tc := range []struct {
		what   string
		payout common.Address
		fees   bool
		bound  uint64
	}{
		{"claimFor (relayed), relayer's first fees (fresh balances), to the account", common.Address{}, true, 200_000},
		{"claimFor (relayed), fees in both tokens, to the account", common.Address{}, true, 170_000},
		{"claimFor (relayed), fees in both tokens, to a new payout address", payout, true, 170_000},
		{"claimFor (relayed), no fee, to the account", common.Address{}, false, 145_000},
	} {
		k := keys[i+1]
		l := leaves[i+1]
		a := ClaimAuthorization{Account: addr(k), CumulativeMeadow: l.Meadow, CumulativeStable: l.Stable, Payout: tc.payout,
			FeeMeadow: new(big.Int), FeeStable: new(big.Int), Deadline: 4_000_000_000}
		if tc.fees {
			a.FeeMeadow, a.FeeStable = RelayFee(l.Meadow, 100), RelayFee(l.Stable, 100)
		}
		sig, err := SignClaimAuthorization(k, d, a)
		if err != nil {
			t.Fatal(err)
		}
		res, err := n.chain.ClaimFor(ctx, n.deployer, a, proofOf(i+1), sig)
		if err != nil {
			t.Fatal(err)
		}
		report(tc.what, res.GasUsed, tc.bound)
	}
}
