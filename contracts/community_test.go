package contracts

import (
	"bytes"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
)

// communityNet is a testNet with the community contracts deployed, one
// community whose admin is `admin`, and two funded member keys.
type communityNet struct {
	*testNet
	cm         *Communities
	community  Community
	admin      *ecdsa.PrivateKey
	alice, bob *ecdsa.PrivateKey
}

func newCommunityNet(tb testing.TB) *communityNet {
	tb.Helper()
	n := &communityNet{testNet: newTestNet(tb), admin: testKey(tb, "community admin"), alice: testKey(tb, "alice"), bob: testKey(tb, "bob")}
	ctx := testCtx(tb)
	var err error
	if n.cm, err = n.chain.Communities(ctx); err != nil { // Deploy's
		tb.Fatalf("the deployment's communities: %v", err)
	}
	for _, k := range []*ecdsa.PrivateKey{n.admin, n.alice, n.bob} {
		if _, err := n.chain.SendEther(ctx, n.deployer, addr(k), units(10, 18)); err != nil {
			tb.Fatal(err)
		}
	}
	if n.community, err = n.cm.CreateCommunity(ctx, n.deployer, "Meadow Growers", "GROW", addr(n.admin)); err != nil {
		tb.Fatalf("create community: %v", err)
	}
	return n
}

func (n *communityNet) mint(tb testing.TB, to common.Address) Member {
	tb.Helper()
	m, _, err := n.cm.MintMember(testCtx(tb), n.admin, n.community.Collection, to)
	if err != nil {
		tb.Fatalf("mint to %s: %v", to.Hex(), err)
	}
	return m
}

func wantTBAErr(tb testing.TB, what string, err, want error) {
	tb.Helper()
	if !errors.Is(err, want) {
		tb.Fatalf("%s: got %v, want %v", what, err, want)
	}
	tb.Logf("%s: %v", what, err)
}

// TestCommunityAccountAddress: the registry's account address, the
// factory's, Go's own CREATE2 computation from the EIP's byte layout and
// the code actually deployed all agree.
func TestCommunityAccountAddress(t *testing.T) {
	n := newCommunityNet(t)
	ctx := testCtx(t)
	cm, c := n.cm, n.community
	a := cm.Addresses()
	chainID, err := n.chain.ChainID(ctx)
	if err != nil {
		t.Fatal(err)
	}

	want := TokenBoundAccountAddress(a.Registry, a.Implementation, common.Hash{}, chainID, c.Collection, big.NewInt(0))
	got, err := cm.AccountOf(ctx, c.Collection, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got != want || c.Account != want {
		t.Fatalf("community account: registry %s, factory event %s, Go %s", got.Hex(), c.Account.Hex(), want.Hex())
	}
	code, err := n.chain.Backend().CodeAt(ctx, c.Account, nil)
	if err != nil {
		t.Fatal(err)
	}
	if wantCode := TokenBoundAccountCode(a.Implementation, common.Hash{}, chainID, c.Collection, big.NewInt(0)); !bytes.Equal(code, wantCode) {
		t.Fatalf("account code\n got %x\nwant %x", code, wantCode)
	}
	if len(code) != 173 {
		t.Fatalf("account code is %d bytes, want 173", len(code))
	}
	tok, err := n.chain.TokenBound(ctx, c.Account, tbaHead(t, n.chain))
	if err != nil {
		t.Fatal(err)
	}
	if tok.ChainID.Cmp(chainID) != 0 || tok.Contract != c.Collection || tok.TokenID.Sign() != 0 {
		t.Fatalf("token() = %v %s %v, want %v %s 0", tok.ChainID, tok.Contract.Hex(), tok.TokenID, chainID, c.Collection.Hex())
	}

	// Any salt, chain id, contract and token id: the registry's view
	// function and Go agree.
	for i, tt := range []struct {
		salt     common.Hash
		chain    *big.Int
		contract common.Address
		id       *big.Int
	}{
		{common.Hash{}, chainID, c.Collection, big.NewInt(7)},
		{common.HexToHash("0x01"), big.NewInt(1), common.HexToAddress("0x00000000000000000000000000000000000000ff"), new(big.Int).Lsh(big.NewInt(1), 200)},
		{crypto.Keccak256Hash([]byte("salt")), big.NewInt(8453), a.Factory, new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))},
	} {
		out, err := n.chain.call(ctx, "account", a.Registry, tbaRegistryC.PackAccount(a.Implementation, tt.salt, tt.chain, tt.contract, tt.id))
		if err != nil {
			t.Fatal(err)
		}
		onChain, err := tbaRegistryC.UnpackAccount(out)
		if err != nil {
			t.Fatal(err)
		}
		if goAddr := TokenBoundAccountAddress(a.Registry, a.Implementation, tt.salt, tt.chain, tt.contract, tt.id); onChain != goAddr {
			t.Errorf("case %d: registry %s, Go %s", i, onChain.Hex(), goAddr.Hex())
		}
	}

	// Each minted token's account is where the registry says, and the
	// mint created it.
	m := n.mint(t, addr(n.alice))
	if m.TokenID != 1 || m.Holder != addr(n.alice) {
		t.Fatalf("mint: %+v", m)
	}
	if want := TokenBoundAccountAddress(a.Registry, a.Implementation, common.Hash{}, chainID, c.Collection, big.NewInt(1)); m.Account != want {
		t.Fatalf("member account %s, want %s", m.Account.Hex(), want.Hex())
	}
	if code, _ := n.chain.Backend().CodeAt(ctx, m.Account, nil); len(code) != 173 {
		t.Fatalf("member account has %d bytes of code, want 173", len(code))
	}
	if ok, err := cm.IsCommunity(ctx, c.Collection); err != nil || !ok {
		t.Fatalf("IsCommunity = %v, %v", ok, err)
	}
}

// TestCreateAccountTwice: createAccount is idempotent: the second call
// returns the same address and deploys nothing.
func TestCreateAccountTwice(t *testing.T) {
	n := newCommunityNet(t)
	ctx := testCtx(t)
	for _, id := range []int64{0, 42} { // an existing account, then one for a token not minted yet
		first, err := n.cm.CreateAccount(ctx, n.deployer, n.community.Collection, big.NewInt(id))
		if err != nil {
			t.Fatal(err)
		}
		second, err := n.cm.CreateAccount(ctx, n.deployer, n.community.Collection, big.NewInt(id))
		if err != nil {
			t.Fatal(err)
		}
		if first.Account != second.Account {
			t.Fatalf("token %d: %s then %s", id, first.Account.Hex(), second.Account.Hex())
		}
		if first.Created != (id == 42) || second.Created {
			t.Fatalf("token %d: created %v then %v", id, first.Created, second.Created)
		}
		t.Logf("token %d: createAccount %d gas, again %d gas", id, first.GasUsed, second.GasUsed)
	}
}

// TestAccountFollowsToken: the account is controlled by whoever holds its
// token now; a former holder can neither execute nor sign for it.
func TestAccountFollowsToken(t *testing.T) {
	n := newCommunityNet(t)
	ctx := testCtx(t)
	m := n.mint(t, addr(n.alice))
	wantOwner := func(who *ecdsa.PrivateKey) {
		t.Helper()
		got, err := n.chain.AccountOwner(ctx, m.Account)
		if err != nil {
			t.Fatal(err)
		}
		if got != addr(who) {
			t.Fatalf("owner() = %s, want %s", got.Hex(), addr(who).Hex())
		}
	}
	wantOwner(n.alice)
	if _, err := n.chain.MintTestStable(ctx, n.deployer, m.Account, units(100, 6)); err != nil {
		t.Fatal(err)
	}
	pay := func(who *ecdsa.PrivateKey) error {
		_, err := n.chain.ExecuteAs(ctx, who, m.Account, n.addrs.Stable, nil, stableC.PackTransfer(addr(who), units(1, 6)))
		return err
	}
	wantTBAErr(t, "bob executes through alice's account", pay(n.bob), ErrNotAccountHolder)
	if err := pay(n.alice); err != nil {
		t.Fatalf("alice executes through her account: %v", err)
	}

	// ERC-1271: alice's signature is the account's, bob's is not.
	hash := crypto.Keccak256Hash([]byte("an order"))
	checkSig := func(signer *ecdsa.PrivateKey) [4]byte {
		t.Helper()
		sig, err := crypto.Sign(hash.Bytes(), signer)
		if err != nil {
			t.Fatal(err)
		}
		sig[64] += 27
		out, err := n.chain.call(ctx, "isValidSignature", m.Account, tbaAccountC.PackIsValidSignature(hash, sig))
		if err != nil {
			t.Fatal(err)
		}
		v, err := tbaAccountC.UnpackIsValidSignature(out)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	erc1271 := [4]byte{0x16, 0x26, 0xba, 0x7e}
	if v := checkSig(n.alice); v != erc1271 {
		t.Fatalf("alice's signature: %x, want %x", v, erc1271)
	}
	if v := checkSig(n.bob); v == erc1271 {
		t.Fatal("bob's signature is accepted for alice's account")
	}

	// Alice transfers the token: control goes to bob, with the balance.
	if _, err := n.chain.TransferMembership(ctx, n.alice, n.community.Collection, addr(n.bob), m.TokenID); err != nil {
		t.Fatal(err)
	}
	wantOwner(n.bob)
	wantTBAErr(t, "former holder alice executes", pay(n.alice), ErrNotAccountHolder)
	if err := pay(n.bob); err != nil {
		t.Fatalf("bob executes after the transfer: %v", err)
	}
	if v := checkSig(n.alice); v == erc1271 {
		t.Fatal("former holder alice's signature is still accepted")
	}
	if v := checkSig(n.bob); v != erc1271 {
		t.Fatalf("bob's signature after the transfer: %x", v)
	}
	for _, k := range []struct {
		who  *ecdsa.PrivateKey
		want [4]byte
	}{{n.bob, [4]byte{0x52, 0x3e, 0x32, 0x60}}, {n.alice, [4]byte{}}} {
		out, err := n.chain.call(ctx, "isValidSigner", m.Account, tbaAccountC.PackIsValidSigner(addr(k.who), nil))
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := tbaAccountC.UnpackIsValidSigner(out); v != k.want {
			t.Fatalf("isValidSigner(%s) = %x, want %x", addr(k.who).Hex(), v, k.want)
		}
	}
	wantTBAErr(t, "alice transfers a token she no longer holds",
		func() error {
			_, err := n.chain.TransferMembership(ctx, n.alice, n.community.Collection, addr(n.alice), m.TokenID)
			return err
		}(), ErrNotTokenHolder)
}

// TestAccountHoldsAndSends: an account holds and sends the stable token
// and ether, pays the marketplace as a buyer, and its state() changes with
// every call.
func TestAccountHoldsAndSends(t *testing.T) {
	n := newCommunityNet(t)
	ctx := testCtx(t)
	acct := n.community.Account
	dest := common.HexToAddress("0x00000000000000000000000000000000000d0e57")

	if _, err := n.chain.MintTestStable(ctx, n.deployer, acct, units(50, 6)); err != nil {
		t.Fatal(err)
	}
	sendEtherToContract(t, n.chain, n.deployer, acct, units(2, 18))
	s0, err := n.chain.AccountState(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.chain.ExecuteAs(ctx, n.admin, acct, n.addrs.Stable, nil, stableC.PackTransfer(dest, units(20, 6))); err != nil {
		t.Fatal(err)
	}
	wantBalance(t, n.chain, TokenStable, dest, units(20, 6))
	wantBalance(t, n.chain, TokenStable, acct, units(30, 6))
	if _, err := n.chain.ExecuteAs(ctx, n.admin, acct, dest, units(1, 18), nil); err != nil {
		t.Fatal(err)
	}
	for who, want := range map[common.Address]*big.Int{dest: units(1, 18), acct: units(1, 18)} {
		if got, err := n.chain.Backend().BalanceAt(ctx, who, nil); err != nil || got.Cmp(want) != 0 {
			t.Fatalf("ether of %s = %v, %v; want %s", who.Hex(), got, err, want)
		}
	}
	s1, err := n.chain.AccountState(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	if new(big.Int).Sub(s1, s0).Cmp(big.NewInt(2)) != 0 {
		t.Fatalf("state() went from %s to %s after two calls", s0, s1)
	}

	// More than it holds: the token's own error comes back, nothing moves.
	wantTBAErr(t, "overspend through the account",
		func() error {
			_, err := n.chain.ExecuteAs(ctx, n.admin, acct, n.addrs.Stable, nil, stableC.PackTransfer(dest, units(31, 6)))
			return err
		}(), ErrInsufficientBalance)

	// The community's account is the buyer of its jobs.
	p, err := n.chain.PayAs(ctx, n.admin, acct, jobID("community job"), units(30, 6))
	if err != nil {
		t.Fatal(err)
	}
	if p.Buyer != acct || p.Amount.Cmp(units(30, 6)) != 0 {
		t.Fatalf("payment %+v, want buyer %s", p, acct.Hex())
	}
	wantBalance(t, n.chain, TokenStable, acct, new(big.Int))
	if ok, err := n.chain.IsMember(ctx, p.Buyer, addr(n.admin), p.BlockNumber); err != nil || !ok {
		t.Fatalf("admin is a member of the buyer's community: %v, %v", ok, err)
	}
}

// TestIsMember: the coordinators' read, at a block: a non-member is
// refused, a holder admitted, a former holder refused from the block of
// the transfer on (and still admitted at blocks before it).
func TestIsMember(t *testing.T) {
	n := newCommunityNet(t)
	ctx := testCtx(t)
	acct := n.community.Account
	outsider := addr(testKey(t, "outsider"))
	m := n.mint(t, addr(n.alice))
	before := tbaHead(t, n.chain)
	rcpt, err := n.chain.TransferMembership(ctx, n.alice, n.community.Collection, addr(n.bob), m.TokenID)
	if err != nil {
		t.Fatal(err)
	}
	after := rcpt.BlockNumber
	if after <= before {
		t.Fatalf("transfer mined at %d, not after %d", after, before)
	}
	for _, tt := range []struct {
		name   string
		holder common.Address
		block  uint64
		want   bool
	}{
		{"admin holds token 0", addr(n.admin), after, true},
		{"outsider", outsider, after, false},
		{"zero address", common.Address{}, after, false},
		{"alice before her transfer", addr(n.alice), before, true},
		{"alice after her transfer", addr(n.alice), after, false},
		{"bob before the transfer", addr(n.bob), before, false},
		{"bob after the transfer", addr(n.bob), after, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := n.chain.IsMember(ctx, acct, tt.holder, tt.block)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("IsMember(%s, block %d) = %v, want %v", tt.holder.Hex(), tt.block, got, tt.want)
			}
		})
	}
	// A member's own account counts as the collection's too.
	if ok, err := n.chain.IsMember(ctx, m.Account, addr(n.admin), after); err != nil || !ok {
		t.Fatalf("IsMember through a member's account: %v, %v", ok, err)
	}

	for _, tt := range []struct {
		name    string
		account common.Address
		block   uint64
		want    error
	}{
		{"buyer is an EOA", addr(n.buyer), after, ErrNotContract},
		{"buyer is a contract without token()", n.addrs.Stable, after, ErrNotTokenBoundAccount},
		{"buyer is the account implementation", n.cm.Addresses().Implementation, after, ErrNotTokenBoundAccount},
		{"account before it existed", acct, n.addrs.DeployBlock, ErrNotContract},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := n.chain.IsMember(ctx, tt.account, addr(n.admin), tt.block)
			wantTBAErr(t, tt.name, err, tt.want)
		})
	}
	if _, err := n.chain.IsMember(ctx, acct, addr(n.admin), after+1000); err == nil {
		t.Fatal("IsMember at a block past the head: no error")
	} else {
		t.Logf("block past the head: %v", err)
	}
}

// TestCommunityRefusals: bad inputs revert with named errors, before
// anything is sent.
func TestCommunityRefusals(t *testing.T) {
	n := newCommunityNet(t)
	ctx := testCtx(t)
	coll := n.community.Collection
	a1 := n.mint(t, addr(n.alice))
	a2 := n.mint(t, addr(n.alice))

	_, err := n.cm.CreateCommunity(ctx, n.deployer, "", "X", addr(n.admin))
	wantTBAErr(t, "empty name", err, ErrEmptyName)
	_, err = n.cm.CreateCommunity(ctx, n.deployer, "X", "", addr(n.admin))
	wantTBAErr(t, "empty symbol", err, ErrEmptyName)
	_, err = n.cm.CreateCommunity(ctx, n.deployer, "X", "X", common.Address{})
	wantTBAErr(t, "zero admin", err, ErrZeroAddress)
	_, _, err = n.cm.MintMember(ctx, n.alice, coll, addr(n.alice))
	wantTBAErr(t, "a member mints", err, ErrNotCommunityAdmin)
	_, _, err = n.cm.MintMember(ctx, n.admin, coll, common.Address{})
	wantTBAErr(t, "mint to the zero address", err, ErrInvalidReceiver)
	_, _, err = n.cm.MintMember(ctx, n.admin, coll, n.addrs.Stable)
	wantTBAErr(t, "mint to a contract that cannot hold tokens", err, ErrInvalidReceiver)
	_, err = n.chain.HolderOf(ctx, coll, 99)
	wantTBAErr(t, "holder of a token never minted", err, ErrNoSuchToken)

	for _, op := range []uint8{1, 2, 3} {
		_, err = n.chain.transact(ctx, "execute", n.alice, &a1.Account, tbaAccountC.PackExecute(addr(n.bob), new(big.Int), nil, op))
		wantTBAErr(t, "operation "+string(rune('0'+op)), tbaError(err), ErrUnsupportedOperation)
	}

	// Ownership cycles: a token to its own account, and a token to the
	// account of a token that its own account holds.
	_, err = n.chain.TransferMembership(ctx, n.alice, coll, a1.Account, a1.TokenID)
	wantTBAErr(t, "token 1 to its own account", err, ErrOwnershipCycle)
	_, err = n.chain.transact(ctx, "transferFrom", n.alice, &coll, membershipC.PackTransferFrom(addr(n.alice), a1.Account, big.NewInt(int64(a1.TokenID))))
	wantTBAErr(t, "token 1 to its own account, plain transferFrom", tbaError(err), ErrOwnershipCycle)
	if _, err := n.chain.TransferMembership(ctx, n.alice, coll, a1.Account, a2.TokenID); err != nil {
		t.Fatalf("token 2 into token 1's account (no cycle): %v", err)
	}
	_, err = n.chain.TransferMembership(ctx, n.alice, coll, a2.Account, a1.TokenID)
	wantTBAErr(t, "token 1 to token 2's account, which token 1's account holds", err, ErrOwnershipCycle)
	// The nested token is still usable: alice, through token 1's account,
	// makes token 2's account act.
	inner := tbaAccountC.PackExecute(addr(n.bob), new(big.Int), nil, 0)
	if _, err := n.chain.ExecuteAs(ctx, n.alice, a1.Account, a2.Account, nil, inner); err != nil {
		t.Fatalf("nested execute: %v", err)
	}
	_, err = n.chain.ExecuteAs(ctx, n.alice, a2.Account, addr(n.bob), nil, nil)
	wantTBAErr(t, "alice directly through token 2's account (held by token 1's)", err, ErrNotAccountHolder)

	// ERC-165.
	for _, id := range []string{"01ffc9a7", "6faff5f1", "51945447", "1626ba7e", "150b7a02", "4e2312e0"} {
		var iface [4]byte
		copy(iface[:], common.FromHex(id))
		out, err := n.chain.call(ctx, "supportsInterface", a1.Account, tbaAccountC.PackSupportsInterface(iface))
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := tbaAccountC.UnpackSupportsInterface(out); !ok {
			t.Errorf("supportsInterface(0x%s) = false", id)
		}
	}
}

// TestCommunityAdmin: the admin is whoever holds token 0, and the
// community's account may mint too; Members lists every token.
func TestCommunityAdmin(t *testing.T) {
	n := newCommunityNet(t)
	ctx := testCtx(t)
	coll := n.community.Collection
	ms, _, err := n.cm.MintMembers(ctx, n.admin, coll, []common.Address{addr(n.alice), addr(n.bob), addr(n.alice)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 3 || ms[0].TokenID != 1 || ms[2].TokenID != 3 {
		t.Fatalf("batch: %+v", ms)
	}
	// The account of token 0 mints.
	if _, err := n.chain.ExecuteAs(ctx, n.admin, n.community.Account, coll, nil, membershipC.PackMint(addr(n.bob))); err != nil {
		t.Fatalf("the community's account mints: %v", err)
	}
	// Token 0 goes to bob: bob is the admin now, the old admin is not.
	if _, err := n.chain.TransferMembership(ctx, n.admin, coll, addr(n.bob), 0); err != nil {
		t.Fatal(err)
	}
	_, _, err = n.cm.MintMember(ctx, n.admin, coll, addr(n.admin))
	wantTBAErr(t, "former admin mints", err, ErrNotCommunityAdmin)
	if _, _, err := n.cm.MintMember(ctx, n.bob, coll, addr(n.alice)); err != nil {
		t.Fatalf("new admin mints: %v", err)
	}
	members, err := n.cm.Members(ctx, coll)
	if err != nil {
		t.Fatal(err)
	}
	want := []common.Address{addr(n.bob), addr(n.alice), addr(n.bob), addr(n.alice), addr(n.bob), addr(n.alice)}
	if len(members) != len(want) {
		t.Fatalf("%d members, want %d", len(members), len(want))
	}
	for i, m := range members {
		acct, err := n.cm.AccountOf(ctx, coll, m.TokenID)
		if err != nil {
			t.Fatal(err)
		}
		if m.TokenID != uint64(i) || m.Holder != want[i] || m.Account != acct {
			t.Errorf("member %d: %+v, want holder %s account %s", i, m, want[i].Hex(), acct.Hex())
		}
	}
}

// tbaHead is the chain's latest block.
func tbaHead(tb testing.TB, c *Chain) uint64 {
	tb.Helper()
	h, err := c.Head(testCtx(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// sendEtherToContract sends wei to a contract, with the gas its receive
// needs (SendEther gives 21,000, too little for a call through a proxy).
func sendEtherToContract(tb testing.TB, c *Chain, from *ecdsa.PrivateKey, to common.Address, wei *big.Int) {
	tb.Helper()
	ctx := testCtx(tb)
	b := c.Backend()
	gas, err := b.EstimateGas(ctx, ethereum.CallMsg{From: addr(from), To: &to, Value: wei})
	if err != nil {
		tb.Fatal(err)
	}
	nonce, err := b.PendingNonceAt(ctx, addr(from))
	if err != nil {
		tb.Fatal(err)
	}
	price, err := b.SuggestGasPrice(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	chainID, err := c.ChainID(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	tx, err := types.SignNewTx(from, types.LatestSignerForChainID(chainID), &types.LegacyTx{Nonce: nonce, To: &to, Value: wei, Gas: gas, GasPrice: price})
	if err != nil {
		tb.Fatal(err)
	}
	if err := b.SendTransaction(ctx, tx); err != nil {
		tb.Fatal(err)
	}
	c.Mine()
	rcpt, err := c.waitMined(ctx, "send ether", tx.Hash())
	if err != nil || rcpt.Status != types.ReceiptStatusSuccessful {
		tb.Fatalf("send ether to %s: %v (status %v)", to.Hex(), err, rcpt)
	}
}

// TestSendStableFundsAnAccount: a holder funds the community's account
// with SendStable, and the account pays a job with it (PayAs); sending more
// than one holds is ErrInsufficientBalance, and 0 or the zero address are
// refused before anything is sent.
func TestSendStableFundsAnAccount(t *testing.T) {
	n := newCommunityNet(t)
	ctx := testCtx(t)
	acct := n.community.Account
	if _, err := n.chain.MintTestStable(ctx, n.admin, addr(n.admin), units(5, 6)); err != nil {
		t.Fatal(err)
	}
	if _, err := n.chain.SendStable(ctx, n.admin, acct, units(2, 6)); err != nil {
		t.Fatal(err)
	}
	if b, err := n.chain.BalanceOf(ctx, TokenStable, acct); err != nil || b.Cmp(units(2, 6)) != 0 {
		t.Fatalf("the account holds %v (%v), want 2 stable", b, err)
	}
	p, err := n.chain.PayAs(ctx, n.admin, acct, JobKey("j-funded"), units(1, 6))
	if err != nil || p.Buyer != acct {
		t.Fatalf("PayAs = %+v, %v; want the account as buyer", p, err)
	}
	_, err = n.chain.SendStable(ctx, n.admin, acct, units(100, 6))
	wantTBAErr(t, "send more than held", err, ErrInsufficientBalance)
	_, err = n.chain.SendStable(ctx, n.admin, acct, new(big.Int))
	wantTBAErr(t, "send 0", err, ErrZeroAmount)
	_, err = n.chain.SendStable(ctx, n.admin, common.Address{}, big.NewInt(1))
	wantTBAErr(t, "send to the zero address", err, ErrZeroAddress)
}
