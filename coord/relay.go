package coord

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord/state"
)

// Gasless claims. A node that holds no ether signs a claim authorization
// (contracts.ClaimAuthorization) and posts it to any member, which checks it
// with eth_call and sends it from its own relayer key (WithRelayer); the
// distributor pays the node, less the relayer's fee, and the relayer the
// fee. Nothing goes through Raft: the chain is the state, and the
// authorization is self-authenticating. See docs/ARCHITECTURE.md, "Claims
// without gas".

// DefaultRelayFeeBps is what a relayer asks by default: 1% of what a claim
// pays in each token.
const DefaultRelayFeeBps = 100

// The default smallest relay fees (Config.RelayMinFeeMeadow and
// RelayMinFeeStable): 1 MEADOW or 0.01 stable, so that at the default 1%
// a node relays claims of 100 MEADOW or 1 stable and more. Operators set
// their own from what a claimFor costs them in gas on their chain (about
// 152,000 gas; docs/DEPLOY.md, "The relayer key").
var (
	DefaultRelayMinFeeMeadow = big.NewInt(1e18)
	DefaultRelayMinFeeStable = big.NewInt(10_000)
)

// relayTimeout bounds one relay: a check with eth_call and a send.
const relayTimeout = 30 * time.Second

// maxRelayed bounds the authorizations a member remembers having sent (so
// that a client's retry gets the same transaction, not a second one that
// would revert and burn gas); past it the memory starts over.
const maxRelayed = 10_000

// relayInFlightFor is how long a member refuses a second claim of an
// account whose relayed claim it sent is not mined: past it the first is
// taken as dropped from the pool (the time contracts gives a transaction
// to be mined before calling it stuck).
const relayInFlightFor = contracts.DefaultReceiptTimeout

// minRelayDeadline is how far ahead an authorization's deadline must be
// for a member to send it: an authorization that expires while its
// transaction waits to be mined reverts at the relayer's cost (and its
// account may then sign another, again and again), so the deadline must
// outlast that wait (relayInFlightFor) with room to spare. Clients sign an
// hour ahead.
const minRelayDeadline = 2 * relayInFlightFor

// inFlight is a relayed claim this member sent and has not seen mined;
// key is its authorization's (struct hash and signature).
type inFlight struct {
	res  api.RelayClaimResponse
	key  string
	sent time.Time
}

var (
	// errNoRelayer answers a relay request to a member without a relayer
	// key.
	errNoRelayer = fmt.Errorf("%w: this coordinator relays no claims (no relayer key)", ErrNoChain)
	// errRelayerUnfunded answers a relay request when the relayer has no
	// ether for gas: temporary, another member may have some.
	errRelayerUnfunded = errors.New("coord: the relayer has no ether for gas")
)

// WithRelayer gives the coordinator a relayer key: it then sends nodes'
// signed claims (POST /v1/rewards/relay), paying their gas from this key's
// ether and receiving the fees. It needs WithChain.
func WithRelayer(key *ecdsa.PrivateKey) Option {
	return func(o *options) { o.relayerKey = key }
}

// RelayerAddress is the relayer key's address; zero without one.
func (c *Coordinator) RelayerAddress() common.Address {
	if c.relayerKey == nil {
		return common.Address{}
	}
	return crypto.PubkeyToAddress(c.relayerKey.PublicKey)
}

// relayInfo is ChainInfo's Relay: nil without a relayer.
func (c *Coordinator) relayInfo() *api.RelayInfo {
	if c.relayerKey == nil {
		return nil
	}
	return &api.RelayInfo{FeeBps: c.cfg.RelayFeeBps, MaxFeeBps: contracts.MaxRelayFeeBps, Relayer: c.RelayerAddress(),
		MinFeeMeadow: positiveString(c.cfg.RelayMinFeeMeadow), MinFeeStable: positiveString(c.cfg.RelayMinFeeStable)}
}

// positiveString is x in decimal, "" when nil or not above 0.
func positiveString(x *big.Int) string {
	if x == nil || x.Sign() <= 0 {
		return ""
	}
	return x.String()
}

// checkRelayMinFee refuses (400 naming fee_meadow) a claim whose fees
// reach neither of the relayer's minimums (Config.RelayMinFeeMeadow,
// RelayMinFeeStable).
func checkRelayMinFee(feeMeadow, feeStable, minMeadow, minStable *big.Int) error {
	counts := func(floor *big.Int) bool { return floor != nil && floor.Sign() > 0 }
	if !counts(minMeadow) && !counts(minStable) {
		return nil
	}
	if (counts(minMeadow) && feeMeadow.Cmp(minMeadow) >= 0) || (counts(minStable) && feeStable.Cmp(minStable) >= 0) {
		return nil
	}
	var want []string
	if counts(minMeadow) {
		want = append(want, fmt.Sprintf("%s MEADOW base units", minMeadow))
	}
	if counts(minStable) {
		want = append(want, fmt.Sprintf("%s stable base units", minStable))
	}
	return inRequest("fee_meadow", invalidf("fees of %s MEADOW and %s stable base units are under this relayer's minimum of %s, what sending a claim costs it in gas: claim when more is settled, or from a key that holds ether",
		feeMeadow, feeStable, strings.Join(want, " or ")))
}

// handleRelay answers POST /v1/rewards/relay on this member (never
// forwarded: every member relays with its own key).
func (c *Coordinator) handleRelay(ctx *fasthttp.RequestCtx) {
	if !ctx.IsPost() {
		c.methodNotAllowed(ctx, "POST")
		return
	}
	var r api.RelayClaimRequest
	if err := api.DecodeJSON(bytes.NewReader(ctx.PostBody()), api.MaxRequestSize, &r); err != nil {
		c.metrics.relays.WithLabelValues("refused").Inc() // a body that is not a request: 400
		c.reply(ctx, nil, err)
		return
	}
	rctx, cancel := context.WithTimeout(context.Background(), relayTimeout)
	defer cancel()
	res, err := c.RelayClaim(rctx, r)
	c.metrics.relays.WithLabelValues(relayResult(err)).Inc()
	if err != nil {
		c.reply(ctx, nil, err)
		return
	}
	c.reply(ctx, res, nil)
}

// RelayClaim checks a node's claim authorization against the chain (as
// this member's relayer would send it) and the fee this member asks, then
// sends it from the relayer key and answers with the transaction. A
// refused authorization costs nothing and changes nothing: 400 naming the
// field the contract objects to (signature, deadline, fee_meadow,
// fee_stable, proof), 409 when there is nothing to claim.
func (c *Coordinator) RelayClaim(ctx context.Context, r api.RelayClaimRequest) (api.RelayClaimResponse, error) {
	if c.chain == nil {
		return api.RelayClaimResponse{}, ErrNoChain
	}
	if c.relayerKey == nil {
		return api.RelayClaimResponse{}, errNoRelayer
	}
	if err := r.Validate(); err != nil {
		return api.RelayClaimResponse{}, err
	}
	if err := checkRelayDeadline(r.Deadline, c.clock()); err != nil {
		return api.RelayClaimResponse{}, err
	}
	auth := contracts.ClaimAuthorization{
		Account: r.Account, CumulativeMeadow: amount(r.CumulativeMeadow), CumulativeStable: amount(r.CumulativeStable),
		Payout: r.Payout, FeeMeadow: amount(r.FeeMeadow), FeeStable: amount(r.FeeStable), Deadline: r.Deadline,
	}
	if err := checkRelayMinFee(auth.FeeMeadow, auth.FeeStable, c.cfg.RelayMinFeeMeadow, c.cfg.RelayMinFeeStable); err != nil {
		return api.RelayClaimResponse{}, err
	}
	proof := make([][32]byte, len(r.Proof))
	for i, h := range r.Proof {
		proof[i] = h
	}
	sig := r.Signature[:]
	relayer := c.RelayerAddress()
	structHash, err := auth.StructHash()
	if err != nil {
		return api.RelayClaimResponse{}, inRequest("body", fmt.Errorf("%w: %w", ErrInvalid, err))
	}
	key := string(structHash[:]) + string(sig)

	// One relay at a time on this member: a retry of the same request
	// waits for the first and gets its transaction.
	c.relayMu.Lock()
	defer c.relayMu.Unlock()
	if res, ok := c.relayed[key]; ok {
		return res, nil
	}
	if res, same, err := c.checkNotInFlight(ctx, auth.Account, key); err != nil || same {
		return res, err
	}
	meadow, stable, err := c.chain.CheckClaimFor(ctx, relayer, auth, proof, sig)
	if err != nil {
		return api.RelayClaimResponse{}, relayRefusal(err, c.chain.Addresses())
	}
	for _, f := range []struct {
		field    string
		fee, pay *big.Int
		token    string
	}{{"fee_meadow", auth.FeeMeadow, meadow, "MEADOW"}, {"fee_stable", auth.FeeStable, stable, "stable"}} {
		if want := contracts.RelayFee(f.pay, c.cfg.RelayFeeBps); f.fee.Cmp(want) < 0 {
			return api.RelayClaimResponse{}, inRequest(f.field, invalidf("%s %s: this relayer asks %d basis points of the %s %s the claim pays, expected at least %s",
				f.field, f.fee, c.cfg.RelayFeeBps, f.pay, f.token, want))
		}
	}
	bal, err := c.chain.EtherBalance(ctx, relayer)
	if err == nil {
		c.relayerWei.Store(bal)
	}
	if err == nil && bal.Sign() == 0 {
		return api.RelayClaimResponse{}, fmt.Errorf("%w: relayer %s holds 0 ether; fund it or ask another coordinator", errRelayerUnfunded, relayer.Hex())
	}
	tx, err := c.chain.SendClaimFor(ctx, c.relayerKey, auth, proof, sig)
	if err != nil {
		if strings.Contains(err.Error(), "insufficient funds") {
			// Some ether, not enough for this transaction's gas.
			return api.RelayClaimResponse{}, fmt.Errorf("%w: relayer %s: %w", errRelayerUnfunded, relayer.Hex(), err)
		}
		return api.RelayClaimResponse{}, relayRefusal(err, c.chain.Addresses())
	}
	res := api.RelayClaimResponse{
		Tx: tx, Relayer: relayer, Account: auth.Account, Payout: auth.PayoutAddress(),
		Meadow: meadow.String(), Stable: stable.String(), FeeMeadow: auth.FeeMeadow.String(), FeeStable: auth.FeeStable.String(),
	}
	if c.relayed == nil || len(c.relayed) >= maxRelayed {
		c.relayed = map[string]api.RelayClaimResponse{}
	}
	c.relayed[key] = res
	c.rememberInFlight(res, key)
	c.claimed.drop(auth.Account)
	c.log.Info("relayed a claim", "account", auth.Account.Hex(), "payout", res.Payout.Hex(), "tx", tx.Hex(),
		"meadow", res.Meadow, "stable", res.Stable, "fee_meadow", res.FeeMeadow, "fee_stable", res.FeeStable)
	return res, nil
}

// checkRelayDeadline refuses (400 naming deadline) an authorization whose
// deadline is less than minRelayDeadline after now.
func checkRelayDeadline(deadline uint64, now time.Time) error {
	// In seconds: a far deadline does not fit a time.Duration.
	earliest := now.Add(minRelayDeadline).Unix()
	if earliest <= 0 || deadline >= uint64(earliest) {
		return nil
	}
	left := time.Duration(int64(deadline)-now.Unix()) * time.Second
	when := fmt.Sprintf("is %s away", left)
	if left <= 0 {
		when = fmt.Sprintf("passed %s ago", -left)
	}
	return inRequest("deadline", invalidf("deadline %d (%s) %s, expected at least %s ahead: a relayed claim may wait that long to be mined, and one that expires on the way reverts at the relayer's cost",
		deadline, time.Unix(int64(deadline), 0).UTC().Format(time.RFC3339), when, minRelayDeadline))
}

// checkNotInFlight refuses (409) a claim of account while a relayed claim
// of it that this member sent waits to be mined. Until then the chain's
// latest state still shows the totals unclaimed, so any other
// authorization of the account (a new deadline, fee or payout) would pass
// eth_call, be sent, and revert once the first is mined: without this
// check one node could make the relayer send transactions that pay nothing
// and burn its ether, as fast as it can sign. The same authorization again
// (key) gets its transaction (same true), even once relayed has started
// over. Under relayMu.
func (c *Coordinator) checkNotInFlight(ctx context.Context, account common.Address, key string) (res api.RelayClaimResponse, same bool, err error) {
	p, ok := c.relaying[account]
	if !ok {
		return res, false, nil
	}
	if p.key == key {
		return p.res, true, nil
	}
	if age := time.Since(p.sent); age < relayInFlightFor {
		mined, err := c.chain.Mined(ctx, p.res.Tx)
		if err != nil {
			return res, false, err
		}
		if !mined {
			return res, false, fmt.Errorf("%w: a claim of account %s is already on its way: transaction %s, sent %s ago by relayer %s, is not mined yet; it pays the totals it was signed for, so wait for it (meadow node rewards shows the claim once mined) rather than signing another",
				state.ErrConflict, account.Hex(), p.res.Tx.Hex(), age.Round(time.Second), p.res.Relayer.Hex())
		}
	}
	delete(c.relaying, account)
	return res, false, nil
}

// rememberInFlight records a relayed claim just sent, for
// checkNotInFlight. Under relayMu.
func (c *Coordinator) rememberInFlight(res api.RelayClaimResponse, key string) {
	if c.relaying == nil {
		c.relaying = map[common.Address]inFlight{}
	}
	if len(c.relaying) >= maxRelayed {
		// Entries leave when their account asks again; sweep those
		// too old to hold anything back.
		for a, p := range c.relaying {
			if time.Since(p.sent) >= relayInFlightFor {
				delete(c.relaying, a)
			}
		}
	}
	c.relaying[res.Account] = inFlight{res: res, key: key, sent: time.Now()}
}

// relayResults are the values of meadow_relay_claims_total's result label.
var relayResults = []string{"relayed", "refused", "unfunded", "failed"}

// relayResult names the outcome of a relay for the metric.
func relayResult(err error) string {
	switch {
	case err == nil:
		return "relayed"
	case errors.Is(err, errRelayerUnfunded):
		return "unfunded"
	case statusOf(err) < 500:
		return "refused" // the answer a client gets is a 4xx: nothing sent
	default:
		return "failed"
	}
}

// relayerBalanceInterval is how often relayerLoop reads the relayer's
// ether, for meadow_relayer_balance_wei and the MeadowRelayerLowBalance
// alert.
const relayerBalanceInterval = time.Minute

// relayerLoop reads the relayer key's ether balance at once and then every
// relayerBalanceInterval until ctx ends; without a relayer or a chain it
// returns at once.
func (c *Coordinator) relayerLoop(ctx context.Context) {
	if c.relayerKey == nil || c.chain == nil {
		return
	}
	t := time.NewTicker(relayerBalanceInterval)
	defer t.Stop()
	for {
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if bal, err := c.chain.EtherBalance(rctx, c.RelayerAddress()); err == nil {
			c.relayerWei.Store(bal)
		} else if ctx.Err() == nil {
			c.log.Warn("reading the relayer's balance", "relayer", c.RelayerAddress().Hex(), "err", err)
		}
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// relayRefusal turns the distributor's refusal of an authorization into a
// 400 naming the field it is about; nothing to claim (used, or claimed
// directly) and no root stay conflicts (409), as any revert.
func relayRefusal(err error, a contracts.Addresses) error {
	var field string
	switch {
	case errors.Is(err, contracts.ErrInvalidClaimSignature):
		field = "signature"
	case errors.Is(err, contracts.ErrAuthorizationExpired):
		field = "deadline"
	case errors.Is(err, contracts.ErrInvalidProof):
		field = "proof"
	case errors.Is(err, contracts.ErrRelayFeeAboveCap):
		field = "fee_meadow"
		var re *contracts.RevertError
		if errors.As(err, &re) && re.Arg("token") == a.Stable {
			field = "fee_stable"
		}
	case errors.Is(err, contracts.ErrInsufficientBalance):
		// The distributor short of tokens is the network's problem.
		return err
	default:
		return err
	}
	return inRequest(field, fmt.Errorf("%w: %w", ErrInvalid, err))
}

// amount parses a decimal amount api already validated.
func amount(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return new(big.Int)
	}
	return v
}
