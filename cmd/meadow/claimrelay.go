package main

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/spf13/cobra"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/node"
	"github.com/meadow-net/meadow/rewards"
)

// Gasless claims from meadow node claim: when the node's key holds no ether
// (or with --relay), the node signs a claim authorization and a
// coordinator's relayer sends it, taking its fee out of the claim. See
// docs/ARCHITECTURE.md, "Claims without gas".

// relayAuthorizationTTL is how long a claim authorization stays good: long
// enough for a relayer to send it on a slow chain, short enough that a
// forgotten one does not linger.
const relayAuthorizationTTL = time.Hour

// claimRelayFlags are meadow node claim's flags for relayed claims.
type claimRelayFlags struct {
	relay  bool
	payout string
	maxFee string
}

func (f *claimRelayFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.relay, "relay", false, "claim through a coordinator's relayer even if the node's key holds ether (the default when it holds none)")
	fl.StringVar(&f.payout, "payout", "", "with a relayed claim: the address that receives the tokens (default: the node's own)")
	fl.StringVar(&f.maxFee, "max-fee", "1%", "with a relayed claim: the largest relay fee accepted, a percentage of what the claim pays in each token (the distributor allows at most 5%)")
}

// parseMaxFee reads --max-fee: a percentage with up to two decimals
// ("1%", "0.25%", "2"), in basis points.
func parseMaxFee(s string) (uint64, error) {
	bad := fmt.Errorf("--max-fee %q: expected a percentage from 0%% to %d%% with at most two decimals, such as 1%% or 0.5%%", s, contracts.MaxRelayFeeBps/100)
	v := strings.TrimSuffix(strings.TrimSpace(s), "%")
	whole, frac, _ := strings.Cut(v, ".")
	if whole == "" || len(frac) > 2 {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseUint(whole, 10, 16)
	fr, err2 := strconv.ParseUint(frac, 10, 8)
	if err1 != nil || err2 != nil {
		return 0, bad
	}
	bps := w*100 + fr
	if bps > contracts.MaxRelayFeeBps {
		return 0, bad
	}
	return bps, nil
}

// relayWanted decides whether meadow node claim relays: --relay, or a node
// key that holds no ether. With --address the key is not the account's, so
// it cannot sign the authorization: relaying is refused there.
func (f *claimRelayFlags) relayWanted(ctx context.Context, ch *contracts.Chain, id *node.Identity, ownKey bool) (bool, error) {
	if !ownKey {
		if f.relay || f.payout != "" {
			return false, usageError(errors.New("--relay: a relayed claim is signed by the node's own key; expected --data-dir, not --address"))
		}
		return false, nil
	}
	if f.relay {
		return true, nil
	}
	bal, err := ch.EtherBalance(ctx, id.Address)
	if err != nil {
		return false, err
	}
	if bal.Sign() == 0 {
		return true, nil
	}
	if f.payout != "" {
		return false, usageError(errors.New("--payout: only a relayed claim pays elsewhere; add --relay (a direct claim always pays the node's address)"))
	}
	return false, nil
}

// relayedClaimReport is what a relayed meadow node claim prints as JSON.
type relayedClaimReport struct {
	Account          common.Address `json:"account"`
	Payout           common.Address `json:"payout"`
	Relayer          common.Address `json:"relayer"`
	Epoch            uint64         `json:"epoch"`
	Root             common.Hash    `json:"root"`
	Tx               common.Hash    `json:"tx"`
	PaidMeadow       string         `json:"paid_meadow"`
	PaidStable       string         `json:"paid_stable"`
	FeeMeadow        string         `json:"fee_meadow"`
	FeeStable        string         `json:"fee_stable"`
	NetMeadow        string         `json:"net_meadow"`
	NetStable        string         `json:"net_stable"`
	CumulativeMeadow string         `json:"cumulative_meadow"`
	CumulativeStable string         `json:"cumulative_stable"`
	Relayed          bool           `json:"relayed"`
}

// relayClaim signs the node's claim authorization for what is claimable
// now, with the relayer's fee (refused above --max-fee), has a coordinator
// relay it, waits for the transaction and prints what it paid.
func (f *claimRelayFlags) relayClaim(ctx context.Context, a *app, c *node.Client, ch *contracts.Chain, info api.ChainInfo, id *node.Identity, r api.NodeRewards) error {
	maxBps, err := parseMaxFee(f.maxFee)
	if err != nil {
		return usageError(err)
	}
	var payout common.Address
	if f.payout != "" {
		if payout, err = api.ParseAddress(f.payout); err != nil {
			return usageError(fmt.Errorf("--payout: %w", err))
		}
	}
	if info.Relay == nil {
		return fmt.Errorf("node %s holds no ether for gas and the coordinators relay no claims: send some ether to %s, or claim with --address %s --key FILE (a key with ether pays the gas)",
			id.Address.Hex(), id.Address.Hex(), id.Address.Hex())
	}
	if info.Relay.FeeBps > maxBps {
		return fmt.Errorf("the relayer asks %s of the claim, above --max-fee %s: pass --max-fee %s to accept it, or fund %s and claim directly",
			bpsPercent(info.Relay.FeeBps), bpsPercent(maxBps), bpsPercent(info.Relay.FeeBps), id.Address.Hex())
	}
	cumM, cumS := amountOf(r.Meadow), amountOf(r.Stable)
	paidM, paidS, err := ch.Claimed(ctx, id.Address)
	if err != nil {
		return err
	}
	domain, err := ch.RewardsDomain(ctx)
	if err != nil {
		return err
	}
	// The deadline is on the chain's clock, which the contract reads.
	now := uint64(time.Now().Unix())
	if head, err := ch.HeadTime(ctx); err == nil && head > now {
		now = head
	}
	claim, err := contracts.AuthorizeClaim(id.Key, domain, id.Address, cumM, cumS, paidM, paidS, info.Relay.FeeBps, payout, now+uint64(relayAuthorizationTTL/time.Second))
	if errors.Is(err, contracts.ErrNothingToClaim) {
		return a.nothingToClaim(id.Address, r.Epoch)
	}
	if err != nil {
		return err
	}
	if err := relayMinFee(*info.Relay, claim.Auth.FeeMeadow, claim.Auth.FeeStable, id.Address); err != nil {
		return err
	}
	req := relayRequest(r, claim)
	sent, err := c.RelayClaim(ctx, req)
	if err != nil {
		// A try that timed out may have been sent after all, and a retry
		// on another member then finds nothing to claim: the chain says
		// whether the claim landed.
		if m, s, cerr := ch.Claimed(ctx, id.Address); cerr == nil && m.Cmp(cumM) >= 0 && s.Cmp(cumS) >= 0 {
			fmt.Fprintf(a.stderr, "the relay's answer was lost (%v), but the chain shows the claim paid\n", err)
			return a.nothingToClaim(id.Address, r.Epoch)
		}
		return fmt.Errorf("relayed claim: %w", err)
	}
	res, err := ch.WaitRelayedClaim(ctx, sent.Tx)
	if err != nil {
		return err
	}
	rep := relayedClaimReport{Account: id.Address, Payout: res.Payout, Relayer: res.Relayer, Epoch: r.Epoch, Root: r.Root, Tx: res.TxHash,
		PaidMeadow: res.Meadow.String(), PaidStable: res.Stable.String(), FeeMeadow: res.FeeMeadow.String(), FeeStable: res.FeeStable.String(),
		NetMeadow: res.NetMeadow().String(), NetStable: res.NetStable().String(), CumulativeMeadow: r.Meadow, CumulativeStable: r.Stable, Relayed: true}
	if a.jsonOut {
		return a.printJSON(rep)
	}
	fmt.Fprintf(a.stdout, "claimed %s MEADOW and %s stable for %s without gas (everything settled up to epoch %d)\n",
		rewards.FormatAmount(rep.PaidMeadow, 18), rewards.FormatAmount(rep.PaidStable, 6), id.Address.Hex(), r.Epoch)
	fmt.Fprintf(a.stdout, "  relay fee    %s MEADOW, %s stable (%s, to relayer %s)\n",
		rewards.FormatAmount(rep.FeeMeadow, 18), rewards.FormatAmount(rep.FeeStable, 6), bpsPercent(info.Relay.FeeBps), res.Relayer.Hex())
	fmt.Fprintf(a.stdout, "  received     %s MEADOW, %s stable at %s\n",
		rewards.FormatAmount(rep.NetMeadow, 18), rewards.FormatAmount(rep.NetStable, 6), res.Payout.Hex())
	fmt.Fprintf(a.stdout, "  transaction  %s\n", res.TxHash.Hex())
	return nil
}

// relayMinFee refuses, before anything is signed or sent, a claim whose
// fees reach neither of the relayer's minimums (api.RelayInfo
// MinFeeMeadow, MinFeeStable): the relayer would refuse it, since the gas
// would cost it more. It says how much must be settled first.
func relayMinFee(info api.RelayInfo, feeMeadow, feeStable *big.Int, account common.Address) error {
	type token struct {
		name     string
		decimals int
		fee      *big.Int
		min      string
	}
	var want, need []string
	for _, t := range []token{{"MEADOW", 18, feeMeadow, info.MinFeeMeadow}, {"stable", 6, feeStable, info.MinFeeStable}} {
		floor, ok := new(big.Int).SetString(t.min, 10)
		if !ok || floor.Sign() <= 0 {
			continue
		}
		if t.fee.Cmp(floor) >= 0 {
			return nil
		}
		want = append(want, formatTokenAmount(floor, t.decimals)+" "+t.name)
		if info.FeeBps > 0 {
			claim := new(big.Int).Mul(floor, big.NewInt(10_000))
			claim.Add(claim, big.NewInt(int64(info.FeeBps)-1)).Div(claim, new(big.Int).SetUint64(info.FeeBps))
			need = append(need, formatTokenAmount(claim, t.decimals)+" "+t.name)
		}
	}
	if len(want) == 0 {
		return nil
	}
	msg := fmt.Sprintf("node %s's claim is too small to relay: at the relayer's fee of %s it would pay a fee of %s MEADOW and %s stable, under its minimum of %s (what sending a claim costs it in gas)",
		account.Hex(), bpsPercent(info.FeeBps), formatTokenAmount(feeMeadow, 18), formatTokenAmount(feeStable, 6), strings.Join(want, " or "))
	if len(need) > 0 {
		msg += "; claim once " + strings.Join(need, " or ") + " are settled and unclaimed"
	}
	return errors.New(msg + ", or send some ether to " + account.Hex() + " and claim directly")
}

// relayRequest is the body of POST /v1/rewards/relay for a signed claim of
// the rewards r.
func relayRequest(r api.NodeRewards, c contracts.RelayedClaimAuth) api.RelayClaimRequest {
	q := api.RelayClaimRequest{Account: c.Auth.Account, CumulativeMeadow: r.Meadow, CumulativeStable: r.Stable, Proof: r.Proof,
		Payout: c.Auth.Payout, FeeMeadow: c.Auth.FeeMeadow.String(), FeeStable: c.Auth.FeeStable.String(), Deadline: c.Auth.Deadline}
	copy(q.Signature[:], c.Signature)
	return q
}

// nothingToClaim says so, in text or JSON.
func (a *app) nothingToClaim(account common.Address, epoch uint64) error {
	if a.jsonOut {
		return a.printJSON(map[string]any{"account": account, "epoch": epoch, "paid_meadow": "0", "paid_stable": "0"})
	}
	fmt.Fprintf(a.stdout, "nothing new to claim: node %s already claimed everything settled up to epoch %d\n", account.Hex(), epoch)
	return nil
}

// bpsPercent writes basis points as a percentage: 100 is "1%", 25 "0.25%".
func bpsPercent(bps uint64) string {
	s := strconv.FormatUint(bps/100, 10)
	if frac := bps % 100; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", frac), "0")
	}
	return s + "%"
}
