package contracts

import (
	"math/big"
	"testing"
)

// TestCommunityPaysFromCredits: a community vault credits the community's
// ERC-6551 account; the holder of the community's key pays a job from
// those credits through the account (PayWithCreditsAs), the payment's buyer
// is the account and the marketplace counts it as any payment; a member
// who does not hold the key cannot, nor can the holder spend more credits
// than the account has. Refusals change no credits.
func TestCommunityPaysFromCredits(t *testing.T) {
	n := newCommunityNet(t)
	ctx := testCtx(t)
	account := n.community.Account
	v := newVaultNet(t, n.testNet, VaultConfig{Name: "Growers' compute", Symbol: "gC", Mode: CreditsCommunity,
		CreditHolder: account, RateBps: 500, BlocksPerYear: 1000})
	n.fund(t, big.NewInt(200_000_000), n.alice)
	n.mint(t, addr(n.alice))
	v.deposit(t, n.alice, big.NewInt(200_000_000))
	v.mine(20)
	h := v.harvest(t)
	credits := v.credits(t, account)
	wantEq(t, "the account's credits after the harvest", credits, h.TotalHarvested)
	if credits.Sign() == 0 {
		t.Fatal("no credits harvested")
	}

	job := JobKey("j-community-credits")
	price := new(big.Int).Div(credits, big.NewInt(2))
	revenueBefore, err := n.chain.RevenueOf(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	// A member who does not hold token 0: refused before anything moves.
	_, err = n.chain.PayWithCreditsAs(ctx, n.alice, account, v.Vault, job, price)
	wantTBAErr(t, "a member pays from the community's credits", err, ErrNotAccountHolder)
	// More than the account holds.
	_, err = n.chain.PayWithCreditsAs(ctx, n.admin, account, v.Vault, job, new(big.Int).Add(credits, big.NewInt(1)))
	wantErr(t, "paying more than the credits", err, ErrInsufficientCredits)
	wantEq(t, "credits after the refusals", v.credits(t, account), credits)

	p, err := n.chain.PayWithCreditsAs(ctx, n.admin, account, v.Vault, job, price)
	if err != nil {
		t.Fatalf("pay from credits through the account: %v", err)
	}
	if p.Buyer != account || p.JobID != job || p.Amount.Cmp(price) != 0 {
		t.Fatalf("payment %+v: want %s paid by the account %s for the job", p, price, account.Hex())
	}
	wantEq(t, "credits after paying", v.credits(t, account), new(big.Int).Sub(credits, price))
	paid, err := n.chain.PaidFor(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	wantEq(t, "the marketplace's paidFor", paid, price)
	revenue, err := n.chain.RevenueOf(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	wantEq(t, "the epoch's revenue", revenue, new(big.Int).Add(revenueBefore, price))
}
