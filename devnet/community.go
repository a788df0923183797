package devnet

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"path/filepath"
	"slices"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/buyer"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/dataset"
	"github.com/meadow-net/meadow/rewards"
)

// The journey's community (issue 15): the dev buyer creates a community
// and holds its key (token 0), so the community's ERC-6551 account is the
// buyer of its job; members each deposit into the community's compute vault;
// blocks pass on the dev chain and the vault's (test) strategy accrues
// yield; a harvest turns the yield, never the principal, into credits for
// the community's account; the account pays for a crawl job from those
// credits; a member downloads and verifies the job's dataset with their
// membership NFT, and a stranger is refused. The example is 2,000
// members depositing 0.1 each, 200 at 5 % a year, a budget of 10 a year;
// here three members deposit 100 each at 5 % over a dev "year" of
// communityYearBlocks blocks, so that a few seconds of the dev chain's
// 50 ms blocks earn a small crawl's price.

const (
	communityMembers    = 3
	communityRateBps    = 500   // 5 % a year, as in the example
	communityYearBlocks = 2_000 // 100 s of the dev chain's blocks
	communityPages      = 6
)

// communityDeposit is what each member deposits: 100 stable.
var communityDeposit = big.NewInt(100_000_000)

// CommunitySummary is the journey's community: its contracts, members and
// vault, what the vault earned and the job it paid for, and who could read
// the job's dataset. Every amount is read from the chain or the
// coordinators.
type CommunitySummary struct {
	Collection string   `json:"collection"`
	Account    string   `json:"account"`
	Members    []string `json:"members"`
	Vault      string   `json:"vault"`
	Principal  string   `json:"principal"` // stable base units deposited, all members
	Harvested  string   `json:"harvested"` // yield turned into credits
	Credits    string   `json:"credits"`   // the account's credits left after paying
	Job        string   `json:"job"`
	Dataset    string   `json:"dataset"`
	Root       string   `json:"root"` // the dataset's, from its manifest
	Rows       int64    `json:"rows"`
	Paid       string   `json:"paid"` // from credits
	PayTx      string   `json:"pay_tx"`
	// MemberVerified is true when a member (not the key holder) downloaded
	// the dataset and verified it against its manifest; StrangerRefused
	// when a signer holding no membership was refused it.
	MemberVerified  bool `json:"member_verified"`
	StrangerRefused bool `json:"stranger_refused"`
}

// communityJourney runs the community; admin is the dev buyer's client
// (its key holds token 0).
func (n *Network) communityJourney(ctx context.Context, b *buyer.Client, pages []string, outDir string, s *Summary, step func(string, string, time.Time)) (string, error) {
	const name = "community"
	ch := n.Chain.Chain
	admin := n.Chain.Buyer
	cs := &CommunitySummary{}
	s.Community = cs

	t0 := time.Now()
	cm, err := n.Chain.Communities(ctx)
	if err != nil {
		return name + ": contracts", err
	}
	com, err := cm.CreateCommunity(ctx, admin, "Meadow Dev Community", "MDC", crypto.PubkeyToAddress(admin.PublicKey))
	if err != nil {
		return name + ": create", err
	}
	cs.Collection, cs.Account = com.Collection.Hex(), com.Account.Hex()
	members := make([]*ecdsa.PrivateKey, communityMembers)
	addrs := make([]common.Address, communityMembers)
	for i := range members {
		if members[i], err = crypto.GenerateKey(); err != nil {
			return name + ": members", err
		}
		addrs[i] = crypto.PubkeyToAddress(members[i].PublicKey)
		cs.Members = append(cs.Members, addrs[i].Hex())
		if _, err := ch.SendEther(ctx, n.Chain.Deployer, addrs[i], big.NewInt(1e17)); err != nil {
			return name + ": fund members", err
		}
		if _, err := ch.MintTestStable(ctx, n.Chain.Deployer, addrs[i], communityDeposit); err != nil {
			return name + ": fund members", err
		}
	}
	if _, _, err := cm.MintMembers(ctx, admin, com.Collection, addrs); err != nil {
		return name + ": mint", err
	}
	held, err := cm.Members(ctx, com.Collection)
	if err != nil {
		return name + ": mint", err
	}
	step(name+": create", fmt.Sprintf("community %s: collection %s, its account %s (token 0's, the buyer of its jobs); %d membership NFTs minted, each with its own account",
		com.Name, short(com.Collection.Hex()), short(com.Account.Hex()), len(held)-1), t0)

	t0 = time.Now()
	v, err := ch.DeployVault(ctx, admin, contracts.VaultConfig{
		Name: "Meadow Dev Community credits", Symbol: "mdcSHARE", Mode: contracts.CreditsCommunity, CreditHolder: com.Account,
		RateBps: communityRateBps, BlocksPerYear: communityYearBlocks,
	})
	if err != nil {
		return name + ": vault", err
	}
	cs.Vault = v.Vault.Hex()
	for i, k := range members {
		if _, err := ch.Deposit(ctx, k, v.Vault, communityDeposit); err != nil {
			return name + ": deposit", fmt.Errorf("member %d: %w", i+1, err)
		}
	}
	vs, err := ch.Vault(ctx, v.Vault)
	if err != nil {
		return name + ": deposit", err
	}
	cs.Principal = vs.Principal.String()
	step(name+": deposit", fmt.Sprintf("%d members deposited %s stable each into vault %s: principal %s, withdrawable, in a test strategy paying %d.%02d %% over a dev year of %d blocks",
		communityMembers, rewards.FormatAmount(communityDeposit.String(), 6), short(v.Vault.Hex()), rewards.FormatAmount(vs.Principal.String(), 6),
		communityRateBps/100, communityRateBps%100, communityYearBlocks), t0)

	// The crawl runs while blocks pass and the strategy accrues.
	t0 = time.Now()
	sctx, scancel := context.WithTimeout(ctx, 20*time.Second)
	defer scancel()
	spec := crawlJob("the community's crawl", pages[:min(len(pages), communityPages)], false)
	spec.Account = com.Account.Hex()
	job, err := b.Submit(sctx, spec)
	if err != nil {
		return name + ": submit", err
	}
	if job.Buyer != com.Account {
		return name + ": submit", fmt.Errorf("job %s is bought by %s, want the community's account %s", job.ID, job.Buyer.Hex(), com.Account.Hex())
	}
	st, err := b.Wait(ctx, job.ID, 200*time.Millisecond, nil)
	if err != nil {
		return name + ": run", err
	}
	price, ok := new(big.Int).SetString(st.Price, 10)
	if !ok {
		return name + ": run", fmt.Errorf("job %s: price %q", job.ID, st.Price)
	}
	cs.Job, cs.Dataset = job.ID, st.Dataset
	step(name+": run", fmt.Sprintf("job %s bought by the community's account: %d rows accepted, price %s stable", job.ID, st.Progress.RowsAccepted, rewards.FormatAmount(price.String(), 6)), t0)

	// Harvest once the yield covers the price: only yield moves.
	t0 = time.Now()
	var hv contracts.HarvestResult
	credits := new(big.Int)
	for credits.Cmp(price) < 0 {
		if hv, err = ch.Harvest(ctx, admin, v.Vault); err != nil && !errors.Is(err, contracts.ErrNothingToHarvest) {
			return name + ": harvest", err
		}
		if credits, err = ch.Credits(ctx, v.Vault, com.Account); err != nil {
			return name + ": harvest", err
		}
		if credits.Cmp(price) < 0 {
			// The dev chain makes a block only for a transaction: one
			// more block is one more block of yield.
			ch.Mine()
			select {
			case <-ctx.Done():
				return name + ": harvest", ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	after, err := ch.Vault(ctx, v.Vault)
	if err != nil {
		return name + ": harvest", err
	}
	if after.Principal.Cmp(vs.Principal) != 0 {
		return name + ": harvest", fmt.Errorf("the principal went from %s to %s in a harvest", vs.Principal, after.Principal)
	}
	cs.Harvested = after.TotalHarvested.String()
	step(name+": harvest", fmt.Sprintf("%s stable of yield harvested into credits for the community's account (last harvest %s); principal untouched at %s",
		rewards.FormatAmount(after.TotalHarvested.String(), 6), rewards.FormatAmount(hv.Yield.String(), 6), rewards.FormatAmount(after.Principal.String(), 6)), t0)

	t0 = time.Now()
	p, err := ch.PayWithCreditsAs(ctx, admin, com.Account, v.Vault, contracts.JobKey(job.ID), price)
	if err != nil {
		return name + ": pay from credits", err
	}
	cs.Paid, cs.PayTx = p.Amount.String(), p.TxHash.Hex()
	if err := waitFor(ctx, 30*time.Second, "the community's payment counted", func() bool {
		st, err := b.Status(ctx, job.ID)
		return err == nil && st.Paid == st.Price
	}); err != nil {
		return name + ": pay from credits", err
	}
	left, err := ch.Credits(ctx, v.Vault, com.Account)
	if err != nil {
		return name + ": pay from credits", err
	}
	cs.Credits = left.String()
	step(name+": pay from credits", fmt.Sprintf("the community's account paid %s stable from its credits in %s (through the key holder, ERC-6551); %s credits left",
		rewards.FormatAmount(p.Amount.String(), 6), short(p.TxHash.Hex()), rewards.FormatAmount(left.String(), 6)), t0)

	// A member, not the key holder, downloads and verifies the dataset.
	t0 = time.Now()
	mb, err := buyer.New(buyer.Config{Coordinators: n.CoordURLs, Key: members[0], ChainID: n.chainID})
	if err != nil {
		return name + ": member reads", err
	}
	list, err := mb.Datasets(ctx)
	if err != nil {
		return name + ": member reads", err
	}
	if !slices.ContainsFunc(list, func(d api.DatasetInfo) bool { return d.ID == st.Dataset }) {
		return name + ": member reads", fmt.Errorf("member %s does not see dataset %s in its list", addrs[0].Hex(), st.Dataset)
	}
	m, _, err := mb.Manifest(ctx, st.Dataset)
	if err != nil {
		return name + ": member reads", err
	}
	path := filepath.Join(outDir, st.Dataset+".community.parquet")
	if _, err := mb.Download(ctx, st.Dataset, api.FormatParquet, path); err != nil {
		return name + ": member reads", err
	}
	if _, err := dataset.Verify(ctx, path, dataset.VerifyOptions{Manifest: m}); err != nil {
		return name + ": member reads", err
	}
	cs.MemberVerified, cs.Root, cs.Rows = true, m.Root.String(), m.TotalRows

	stranger, err := crypto.GenerateKey()
	if err != nil {
		return name + ": stranger", err
	}
	sb, err := buyer.New(buyer.Config{Coordinators: n.CoordURLs, Key: stranger, ChainID: n.chainID})
	if err != nil {
		return name + ": stranger", err
	}
	_, _, err = sb.Manifest(ctx, st.Dataset)
	if re := (*api.RemoteError)(nil); !errors.As(err, &re) || re.Status != http.StatusForbidden {
		return name + ": stranger", fmt.Errorf("a stranger's read of the community's dataset: %v, want 403", err)
	}
	cs.StrangerRefused = true
	step(name+": member reads", fmt.Sprintf("member %s (membership NFT, not the key) listed, downloaded and verified dataset %s (%d rows); a stranger was refused 403",
		short(addrs[0].Hex()), st.Dataset, m.TotalRows), t0)

	// A member leaves and takes their principal back; the credits stay
	// the community's.
	t0 = time.Now()
	leaver := communityMembers - 1
	before, err := ch.BalanceOf(ctx, contracts.TokenStable, addrs[leaver])
	if err != nil {
		return name + ": leave", err
	}
	if _, err := ch.Withdraw(ctx, members[leaver], v.Vault, communityDeposit); err != nil {
		return name + ": leave", err
	}
	got, err := ch.BalanceOf(ctx, contracts.TokenStable, addrs[leaver])
	if err != nil {
		return name + ": leave", err
	}
	if back := new(big.Int).Sub(got, before); back.Cmp(communityDeposit) != 0 {
		return name + ": leave", fmt.Errorf("member %s withdrew and got %s back, deposited %s", addrs[leaver].Hex(), back, communityDeposit)
	}
	end, err := ch.Vault(ctx, v.Vault)
	if err != nil {
		return name + ": leave", err
	}
	kept, err := ch.Credits(ctx, v.Vault, com.Account)
	if err != nil {
		return name + ": leave", err
	}
	if kept.Cmp(left) < 0 {
		return name + ": leave", fmt.Errorf("the community's credits went from %s to %s when a member left", left, kept)
	}
	cs.Principal = end.Principal.String()
	step(name+": leave", fmt.Sprintf("member %s left and took their %s stable back; principal now %s, the community's credits kept (%s)",
		short(addrs[leaver].Hex()), rewards.FormatAmount(communityDeposit.String(), 6), rewards.FormatAmount(end.Principal.String(), 6), rewards.FormatAmount(kept.String(), 6)), t0)
	return "", nil
}
