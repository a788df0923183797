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
