//go:build !nodeonly

package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/devnet"
)

// communityEnv is a dev network (chain, three coordinators, two nodes) and
// three keys: the admin (the dev buyer, with ether and stable), a member
// and a stranger (no funds).
type communityEnv struct {
	nw                     *devnet.Network
	dir                    string
	adminKey, memberKey    string // key files
	strangerKey            string
	admin, member, strange *ecdsa.PrivateKey
}

func newCommunityEnv(t *testing.T, ctx context.Context) *communityEnv {
	t.Helper()
	cfg := devnet.DefaultConfig()
	cfg.Nodes, cfg.Faulty, cfg.JSNodes = 2, 0, 0
	cfg.Dir = t.TempDir()
	nw, err := devnet.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nw.Close)
	e := &communityEnv{nw: nw, dir: t.TempDir(), admin: nw.Chain.Buyer}
	write := func(name string, k *ecdsa.PrivateKey) string {
		p := filepath.Join(e.dir, name+".key")
		if err := os.WriteFile(p, []byte(hex.EncodeToString(crypto.FromECDSA(k))), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var err2 error
	if e.member, err2 = crypto.GenerateKey(); err2 != nil {
		t.Fatal(err2)
	}
	if e.strange, err2 = crypto.GenerateKey(); err2 != nil {
		t.Fatal(err2)
	}
	e.adminKey, e.memberKey, e.strangerKey = write("admin", e.admin), write("member", e.member), write("stranger", e.strange)
	return e
}

// as runs meadow with key's identity against the dev network.
func (e *communityEnv) as(t *testing.T, key string, args ...string) (string, error) {
	t.Helper()
	return meadow(t, append(args, "--coord", strings.Join(e.nw.CoordURLs, ","), "--key", key, "--chain-id", fmt.Sprint(e.nw.ChainID()))...)
}

// asJSON runs meadow --json and decodes standard output into out.
func (e *communityEnv) asJSON(t *testing.T, key string, out any, args ...string) {
	t.Helper()
	stdout, stderr, err := meadowStreams(t, append(args, "--json", "--coord", strings.Join(e.nw.CoordURLs, ","), "--key", key, "--chain-id", fmt.Sprint(e.nw.ChainID()))...)
	if err != nil {
		t.Fatalf("meadow %s: %v\n%s%s", strings.Join(args, " "), err, stdout, stderr)
	}
	if err := json.Unmarshal([]byte(stdout), out); err != nil {
		t.Fatalf("meadow %s --json: %v\n%s", strings.Join(args, " "), err, stdout)
	}
}

// TestCommunityCommands walks a community from the command line against a
// dev network: create it, mint to a second key, list the members (checked
// against the chain's own answer), fund its account, submit a job for the
// account, pay as the account, and read the dataset as the member; a
// stranger is refused, and so is the member once their token is gone.
func TestCommunityCommands(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	e := newCommunityEnv(t, ctx)
	ch := e.nw.Chain.Chain
	adminAddr, memberAddr, strangerAddr := crypto.PubkeyToAddress(e.admin.PublicKey), crypto.PubkeyToAddress(e.member.PublicKey), crypto.PubkeyToAddress(e.strange.PublicKey)

	var com contracts.Community
	e.asJSON(t, e.adminKey, &com, "community", "create", "Meadow Readers", "MRD")
	if com.Admin != adminAddr || com.Collection == (common.Address{}) || com.Account == (common.Address{}) || com.Name != "Meadow Readers" {
		t.Fatalf("create: %+v; want the buyer's key as admin", com)
	}
	col := com.Collection.Hex()
	if holder, err := ch.HolderOf(ctx, com.Collection, 0); err != nil || holder != adminAddr {
		t.Fatalf("the chain says token 0 is held by %s (%v), want %s", holder.Hex(), err, adminAddr.Hex())
	}

	var minted struct {
		Members []contracts.Member `json:"members"`
	}
	e.asJSON(t, e.adminKey, &minted, "community", "mint", "--community", col, memberAddr.Hex())
	if len(minted.Members) != 1 || minted.Members[0].Holder != memberAddr || minted.Members[0].TokenID != 1 {
		t.Fatalf("mint: %+v", minted)
	}

	// The member list is the chain's: compare with Members read directly.
	cm, err := ch.Communities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	members := func() []contracts.Member {
		t.Helper()
		var got []contracts.Member
		e.asJSON(t, e.strangerKey, &got, "community", "members", "--community", col)
		want, err := cm.Members(ctx, com.Collection)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("community members: %+v\nthe chain: %+v", got, want)
		}
		return got
	}
	if ms := members(); len(ms) != 2 || ms[0].Holder != adminAddr || ms[0].Account != com.Account || ms[1].Holder != memberAddr {
		t.Fatalf("members: %+v; want the admin (token 0, the community's account) and the member", ms)
	}
	if out, err := e.as(t, e.strangerKey, "community", "members", "--community", col); err != nil || !strings.Contains(out, "2 token(s), 2 member(s)") {
		t.Fatalf("members, human: %v\n%s", err, out)
	}

	// The account is funded, buys a crawl and pays for it.
	if out, err := e.as(t, e.adminKey, "community", "fund", "--community", col, "2.5"); err != nil || !strings.Contains(out, "it holds 2.5 stable") {
		t.Fatalf("fund: %v\n%s", err, out)
	}
	static, _ := e.nw.Site.ArticleURLs(e.nw.SiteURL)
	spec := filepath.Join(e.dir, "crawl.json")
	if err := os.WriteFile(spec, []byte(fmt.Sprintf(`{"kind":"crawl","crawl":{"urls":%s,"fields":[{"name":"title","selector":"h1.title"}],"text_selector":"article","exclude":[".clock",".ad"],"task_size":4}}`, mustJSON(t, static[:4]))), 0o600); err != nil {
		t.Fatal(err)
	}
	var job struct {
		ID      string `json:"id"`
		State   string `json:"state"`
		Dataset string `json:"dataset"`
	}
	e.asJSON(t, e.adminKey, &job, "buyer", "job", "submit", spec, "--account", com.Account.Hex(), "--wait")
	if job.State != "done" || job.Dataset == "" {
		t.Fatalf("submit --account --wait: %+v", job)
	}
	var paid struct {
		Payer  common.Address `json:"payer"`
		Amount *big.Int       `json:"amount"`
	}
	// Only the holder of token 0 pays as the account: a member is refused
	// before anything is sent.
	if out, err := e.as(t, e.memberKey, "buyer", "pay", job.ID, "--as-account", com.Account.Hex()); err == nil || !strings.Contains(err.Error(), "controlled by the holder of its token, "+adminAddr.Hex()) {
		t.Fatalf("a member pays as the account: %v\n%s", err, out)
	}
	before, err := ch.BalanceOf(ctx, contracts.TokenStable, com.Account)
	if err != nil {
		t.Fatal(err)
	}
	e.asJSON(t, e.adminKey, &paid, "buyer", "pay", job.ID, "--as-account", com.Account.Hex())
	after, err := ch.BalanceOf(ctx, contracts.TokenStable, com.Account)
	if err != nil {
		t.Fatal(err)
	}
	if paid.Payer != com.Account || paid.Amount == nil || new(big.Int).Sub(before, after).Cmp(paid.Amount) != 0 {
		t.Fatalf("pay --as-account: %+v; the account held %s, then %s", paid, before, after)
	}

	// The member reads the community's dataset; a stranger may not.
	file := filepath.Join(e.dir, "member.parquet")
	if out, err := e.as(t, e.memberKey, "buyer", "dataset", "get", job.Dataset, "-o", file); err != nil || !strings.Contains(out, "every row checked") {
		t.Fatalf("the member's dataset get: %v\n%s", err, out)
	}
	if out, err := e.as(t, e.strangerKey, "buyer", "dataset", "get", job.Dataset, "-o", file+".x"); err == nil || !strings.Contains(err.Error(), "403") || !strings.Contains(err.Error(), com.Account.Hex()) {
		t.Fatalf("a stranger's dataset get: %v\n%s; want 403 naming the community's account", err, out)
	}

	// The member gives their token to the stranger: the former member is
	// refused, the new holder admitted, and the list says so.
	if _, err := ch.SendEther(ctx, e.admin, memberAddr, big.NewInt(1e16)); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.TransferMembership(ctx, e.member, com.Collection, strangerAddr, 1); err != nil {
		t.Fatal(err)
	}
	if out, err := e.as(t, e.memberKey, "buyer", "dataset", "get", job.Dataset, "-o", file+".y"); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("a former member's dataset get: %v\n%s; want 403", err, out)
	}
	if out, err := e.as(t, e.strangerKey, "buyer", "dataset", "get", job.Dataset, "-o", file+".z"); err != nil {
		t.Fatalf("the token's new holder's dataset get: %v\n%s", err, out)
	}
	if ms := members(); ms[1].Holder != strangerAddr {
		t.Fatalf("members after the transfer: %+v", ms)
	}

	// What a buyer gets wrong, each error naming the flag or argument.
	tests := []struct {
		name string
		key  string
		args []string
		want string
	}{
		{name: "create without a symbol", args: []string{"community", "create", "Only A Name"}, want: "NAME and SYMBOL"},
		{name: "create with a bad admin", args: []string{"community", "create", "N", "S", "--admin", "0x12"}, want: "--admin"},
		{name: "mint without --community", args: []string{"community", "mint", memberAddr.Hex()}, want: "--community"},
		{name: "mint without an address", args: []string{"community", "mint", "--community", col}, want: "ADDRESS"},
		{name: "mint to a bad address", args: []string{"community", "mint", "--community", col, memberAddr.Hex(), "0xnot"}, want: "ADDRESS[1]"},
		{name: "mint to the zero address", args: []string{"community", "mint", "--community", col, "0x0000000000000000000000000000000000000000"}, want: "ADDRESS[0]"},
		{name: "mint by a member", key: e.strangerKey, args: []string{"community", "mint", "--community", col, memberAddr.Hex()}, want: "only the community's admin mints"},
		{name: "members of something else", args: []string{"community", "members", "--community", com.Account.Hex()}, want: "not a community of this network"},
		{name: "fund with a bad amount", args: []string{"community", "fund", "--community", col, "1e6"}, want: "AMOUNT"},
		{name: "fund with more than held", key: e.memberKey, args: []string{"community", "fund", "--community", col, "1"}, want: "holds less stable"},
		{name: "submit for a bad account", args: []string{"buyer", "job", "submit", spec, "--account", "0x12"}, want: "--account"},
		{name: "submit for an account not held", key: e.strangerKey, args: []string{"buyer", "job", "submit", spec, "--account", com.Account.Hex()}, want: "body.account"},
		{name: "pay as a bad account", args: []string{"buyer", "pay", job.ID, "--as-account", "0x12"}, want: "--as-account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := tt.key
			if key == "" {
				key = e.adminKey
			}
			out, err := e.as(t, key, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v (output %q): want one naming %q", err, out, tt.want)
			}
			t.Logf("%v", err)
		})
	}
}

// TestCommunityVaultCommands: a community's vault from the command line on
// a dev network: created (dev networks only), a member funded by the
// faucet deposits, blocks pass, harvest turns only the yield into the
// community account's credits (principal unchanged, as the chain says),
// credits pay for the community's job through the holder of token 0, the
// member reads the dataset, and withdraws their whole principal. A second,
// per-depositor vault with a lock credits the depositor and holds their
// principal until the lock ends.
func TestCommunityVaultCommands(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	e := newCommunityEnv(t, ctx)
	ch := e.nw.Chain.Chain
	memberAddr := crypto.PubkeyToAddress(e.member.PublicKey)
	netFile := e.nw.NetworkFilePath()

	var com contracts.Community
	e.asJSON(t, e.adminKey, &com, "community", "create", "Meadow Savers", "SAVE")
	col := com.Collection.Hex()
	var minted struct {
		Members []contracts.Member `json:"members"`
	}
	e.asJSON(t, e.adminKey, &minted, "community", "mint", "--community", col, memberAddr.Hex())

	// Without the dev network's file, no test strategy.
	if out, err := e.as(t, e.adminKey, "buyer", "vault", "create", "--community", col); err == nil || !strings.Contains(err.Error(), "--network") {
		t.Fatalf("vault create without a dev network file: %v\n%s", err, out)
	}
	var created struct {
		Vault        common.Address `json:"vault"`
		CreditHolder common.Address `json:"credit_holder"`
		TestStrategy bool           `json:"test_strategy"`
	}
	e.asJSON(t, e.adminKey, &created, "buyer", "vault", "create", "--community", col, "--dev-rate-bps", "500", "--dev-blocks-per-year", "2000", "--network", netFile)
	if created.CreditHolder != com.Account || !created.TestStrategy {
		t.Fatalf("vault create: %+v; want the community's account %s as credit holder", created, com.Account.Hex())
	}
	vault := created.Vault.Hex()

	// The member gets gas and test stable from the dev faucet, and deposits.
	if out, err := e.as(t, e.memberKey, "buyer", "faucet", "--network", netFile); err != nil {
		t.Fatalf("faucet: %v\n%s", err, out)
	}
	before, err := ch.BalanceOf(ctx, contracts.TokenStable, memberAddr)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := e.as(t, e.memberKey, "buyer", "vault", "deposit", "--vault", vault, "100"); err != nil || !strings.Contains(out, "100 stable of principal") {
		t.Fatalf("deposit: %v\n%s", err, out)
	}

	// Blocks pass (the dev chain mines when there is something to mine,
	// so the test mines a few, a second apart); harvest until there is
	// yield.
	var h struct {
		Yield     string `json:"yield"`
		Principal string `json:"principal"`
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		stdout, stderr, err := meadowStreams(t, "buyer", "vault", "harvest", "--vault", vault, "--json", "--coord", strings.Join(e.nw.CoordURLs, ","), "--key", e.adminKey, "--chain-id", fmt.Sprint(e.nw.ChainID()))
		if err == nil {
			if err := json.Unmarshal([]byte(stdout), &h); err != nil {
				t.Fatalf("harvest --json: %v\n%s", err, stdout)
			}
			break
		}
		if !strings.Contains(err.Error(), "nothing to harvest") || time.Now().After(deadline) {
			t.Fatalf("harvest: %v\n%s%s", err, stdout, stderr)
		}
		mineBlocks(t, ch, 3)
	}
	st, err := ch.Vault(ctx, created.Vault)
	if err != nil {
		t.Fatal(err)
	}
	if h.Principal != "100000000" || st.Principal.String() != "100000000" || st.TotalHarvested.String() != h.Yield {
		t.Fatalf("after the harvest: %+v, the chain %+v; want principal 100 whole and the yield harvested", h, st)
	}
	var cr struct {
		Member contracts.VaultMember `json:"member"`
	}
	e.asJSON(t, e.strangerKey, &cr, "buyer", "vault", "credits", "--vault", vault, "--account", com.Account.Hex())
	if onChain, err := ch.Credits(ctx, created.Vault, com.Account); err != nil || cr.Member.Credits == nil || cr.Member.Credits.Cmp(onChain) != 0 || onChain.Sign() == 0 {
		t.Fatalf("credits: %+v, the chain %v (%v)", cr, onChain, err)
	}

	// The community's job, paid from the account's credits.
	static, _ := e.nw.Site.ArticleURLs(e.nw.SiteURL)
	spec := filepath.Join(e.dir, "crawl.json")
	if err := os.WriteFile(spec, []byte(fmt.Sprintf(`{"kind":"crawl","crawl":{"urls":%s,"fields":[{"name":"title","selector":"h1.title"}],"text_selector":"article","exclude":[".clock",".ad"],"task_size":4}}`, mustJSON(t, static[:4]))), 0o600); err != nil {
		t.Fatal(err)
	}
	var job struct {
		ID      string `json:"id"`
		State   string `json:"state"`
		Dataset string `json:"dataset"`
	}
	e.asJSON(t, e.adminKey, &job, "buyer", "job", "submit", spec, "--account", com.Account.Hex(), "--wait")
	if job.State != "done" {
		t.Fatalf("submit: %+v", job)
	}
	creditsBefore, err := ch.Credits(ctx, created.Vault, com.Account)
	if err != nil {
		t.Fatal(err)
	}
	var paid struct {
		Payer  common.Address `json:"payer"`
		Amount *big.Int       `json:"amount"`
	}
	e.asJSON(t, e.adminKey, &paid, "buyer", "pay", job.ID, "--credits", vault, "--as-account", com.Account.Hex())
	creditsAfter, err := ch.Credits(ctx, created.Vault, com.Account)
	if err != nil {
		t.Fatal(err)
	}
	if paid.Payer != com.Account || paid.Amount == nil || new(big.Int).Sub(creditsBefore, creditsAfter).Cmp(paid.Amount) != 0 {
		t.Fatalf("pay --credits --as-account: %+v; credits %s then %s", paid, creditsBefore, creditsAfter)
	}
	if out, err := e.as(t, e.memberKey, "buyer", "dataset", "get", job.Dataset, "-o", filepath.Join(e.dir, "d.parquet")); err != nil || !strings.Contains(out, "every row checked") {
		t.Fatalf("the member's dataset get: %v\n%s", err, out)
	}

	// The member leaves with their whole principal.
	if out, err := e.as(t, e.memberKey, "buyer", "vault", "withdraw", "--vault", vault, "100.000001"); err == nil || !strings.Contains(err.Error(), "AMOUNT 100.000001") {
		t.Fatalf("withdraw more than the principal: %v\n%s", err, out)
	}
	if out, err := e.as(t, e.memberKey, "buyer", "vault", "withdraw", "--vault", vault, "100"); err != nil || !strings.Contains(out, "0 stable of principal") {
		t.Fatalf("withdraw: %v\n%s", err, out)
	}
	if after, err := ch.BalanceOf(ctx, contracts.TokenStable, memberAddr); err != nil || after.Cmp(before) != 0 {
		t.Fatalf("the member holds %v (%v) after leaving, %s before depositing", after, err, before)
	}

	// Per depositor, with a lock: the depositor's own credits, and no
	// withdrawal before the lock ends.
	var locked struct {
		Vault common.Address `json:"vault"`
	}
	e.asJSON(t, e.adminKey, &locked, "buyer", "vault", "create", "--community", col, "--per-depositor", "--lock", "1h", "--dev-blocks-per-year", "2000", "--network", netFile)
	if out, err := e.as(t, e.memberKey, "buyer", "vault", "deposit", "--vault", locked.Vault.Hex(), "50"); err != nil || !strings.Contains(out, "locked until") {
		t.Fatalf("deposit into the locked vault: %v\n%s", err, out)
	}
	if out, err := e.as(t, e.memberKey, "buyer", "vault", "withdraw", "--vault", locked.Vault.Hex(), "50"); err == nil || !strings.Contains(err.Error(), "still locked") {
		t.Fatalf("withdraw before the lock ends: %v\n%s", err, out)
	}
	deadline = time.Now().Add(20 * time.Second)
	for {
		if _, err := e.as(t, e.adminKey, "buyer", "vault", "harvest", "--vault", locked.Vault.Hex()); err == nil {
			break
		} else if !strings.Contains(err.Error(), "nothing to harvest") || time.Now().After(deadline) {
			t.Fatalf("harvest of the per-depositor vault: %v", err)
		}
		mineBlocks(t, ch, 3)
	}
	var mine struct {
		Member contracts.VaultMember `json:"member"`
	}
	e.asJSON(t, e.memberKey, &mine, "buyer", "vault", "credits", "--vault", locked.Vault.Hex())
	if mine.Member.Credits == nil || mine.Member.Credits.Sign() == 0 || mine.Member.Principal.String() != "50000000" {
		t.Fatalf("the depositor's standing: %+v; want credits and 50 of principal", mine.Member)
	}

	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{name: "deposit too fine", args: []string{"buyer", "vault", "deposit", "--vault", vault, "0.0000001"}, want: "AMOUNT"},
		{name: "deposit without a vault", args: []string{"buyer", "vault", "deposit", "1"}, want: "--vault"},
		{name: "a vault that is none", args: []string{"buyer", "vault", "harvest", "--vault", col}, want: "not a compute vault"},
		{name: "a bad lock", args: []string{"buyer", "vault", "create", "--community", col, "--lock", "1500ms", "--network", netFile}, want: "--lock"},
		{name: "a rate past 100 %", args: []string{"buyer", "vault", "create", "--community", col, "--dev-rate-bps", "10001", "--network", netFile}, want: "--dev-rate-bps"},
		{name: "pay from a bad vault", args: []string{"buyer", "pay", job.ID, "--credits", "0x12"}, want: "--credits"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := e.as(t, e.adminKey, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v (output %q): want one naming %q", err, out, tt.want)
			}
			t.Logf("%v", err)
		})
	}
}

// mineBlocks mines n blocks on the dev chain, each a second after the last.
func mineBlocks(t *testing.T, ch *contracts.Chain, n int) {
	t.Helper()
	for range n {
		if err := ch.AdvanceTime(time.Second); err != nil {
			t.Fatal(err)
		}
	}
}
