package contracts

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/contracts/bindings/rewardsdistributor"
)

// Relayed claims (claimFor): a node that holds no ether signs a
// ClaimAuthorization; a relayer sends it, pays the gas, and is paid a fee
// in tokens out of the claim. See contracts/DESIGN.md, "Relayed claims".

// MaxRelayFeeBps is the distributor's MAX_RELAY_FEE_BPS: the most a relay
// fee may be, in basis points of what the claim pays in its token.
const MaxRelayFeeBps = 500

// ClaimAuthorizationType is the EIP-712 type string of a ClaimAuthorization.
const ClaimAuthorizationType = "ClaimAuthorization(address account,uint256 cumulativeMeadow,uint256 cumulativeStable,address payout,uint256 feeMeadow,uint256 feeStable,uint256 deadline)"

// ClaimAuthorizationTypeHash is keccak256 of ClaimAuthorizationType, the
// distributor's CLAIM_AUTHORIZATION_TYPEHASH.
var ClaimAuthorizationTypeHash = crypto.Keccak256Hash([]byte(ClaimAuthorizationType))

// ClaimAuthorization is what a node signs so that a relayer may claim its
// rewards for it: its leaf's cumulative totals (so the authorization pays
// once), where the tokens go, the relayer's fee in each token, and until
// when it is good.
type ClaimAuthorization struct {
	// Account is the node: the leaf's address, and the signer.
	Account common.Address
	// CumulativeMeadow and CumulativeStable are the leaf's totals in the
	// latest root, base units.
	CumulativeMeadow *big.Int
	CumulativeStable *big.Int
	// Payout receives the claim less the fees; zero means Account.
	Payout common.Address
	// FeeMeadow and FeeStable go to the relayer, each at most
	// MaxRelayFeeBps of what the claim pays in its token.
	FeeMeadow *big.Int
	FeeStable *big.Int
	// Deadline is the last block time (unix seconds) the authorization is
	// good for.
	Deadline uint64
}

// Validate checks the fields the contract would misread or always refuse.
func (a ClaimAuthorization) Validate() error {
	if a.Account == (common.Address{}) {
		return fmt.Errorf("%w: claim authorization: account is the zero address, want the node's address", ErrInvalidAddress)
	}
	for _, f := range []struct {
		name string
		v    *big.Int
	}{{"cumulative MEADOW", a.CumulativeMeadow}, {"cumulative stable", a.CumulativeStable}, {"MEADOW fee", a.FeeMeadow}, {"stable fee", a.FeeStable}} {
		if err := CheckUint256(f.name, f.v); err != nil {
			return err
		}
	}
	if a.FeeMeadow.Cmp(a.CumulativeMeadow) > 0 || a.FeeStable.Cmp(a.CumulativeStable) > 0 {
		return fmt.Errorf("%w: claim authorization: fees %s MEADOW and %s stable exceed the cumulative totals %s and %s", ErrInvalidAmount,
			a.FeeMeadow, a.FeeStable, a.CumulativeMeadow, a.CumulativeStable)
	}
	if a.Deadline == 0 {
		return fmt.Errorf("%w: claim authorization: deadline is 0, want a unix time in seconds", ErrInvalidAmount)
	}
	return nil
}

// PayoutAddress is where the tokens go: Payout, or Account when zero.
func (a ClaimAuthorization) PayoutAddress() common.Address {
	if a.Payout == (common.Address{}) {
		return a.Account
	}
	return a.Payout
}

// StructHash returns the EIP-712 struct hash, as the distributor's
// hashClaimAuthorizationStruct.
func (a ClaimAuthorization) StructHash() (common.Hash, error) {
	if err := a.Validate(); err != nil {
		return common.Hash{}, err
	}
	return crypto.Keccak256Hash(
		ClaimAuthorizationTypeHash[:],
		common.LeftPadBytes(a.Account[:], 32),
		word(a.CumulativeMeadow),
		word(a.CumulativeStable),
		common.LeftPadBytes(a.Payout[:], 32),
		word(a.FeeMeadow),
		word(a.FeeStable),
		word(new(big.Int).SetUint64(a.Deadline)),
	), nil
}

// Digest returns the EIP-712 digest of a in the distributor's domain d, the
// hash the node signs.
func (a ClaimAuthorization) Digest(d Domain) (common.Hash, error) {
	h, err := a.StructHash()
	if err != nil {
		return common.Hash{}, err
	}
	return d.digest(h), nil
}

// SignClaimAuthorization signs a with the node's key for the distributor of
// domain d (RewardsDomain). The key must be a.Account's: the contract counts
// no other signer.
func SignClaimAuthorization(key *ecdsa.PrivateKey, d Domain, a ClaimAuthorization) ([]byte, error) {
	h, err := a.Digest(d)
	if err != nil {
		return nil, err
	}
	if key == nil {
		return nil, fmt.Errorf("%w: a claim authorization needs the node's key", ErrNoKey)
	}
	if from := crypto.PubkeyToAddress(key.PublicKey); from != a.Account {
		return nil, fmt.Errorf("%w: the key is %s's, the authorization claims for %s", ErrNoKey, from.Hex(), a.Account.Hex())
	}
	return signDigest(key, h)
}

// RelayFee is bps basis points of paid, rounded down: the fee a relayer
// asking bps takes of a claim paying paid (the contract's cap is this with
// MaxRelayFeeBps).
func RelayFee(paid *big.Int, bps uint64) *big.Int {
	if paid == nil || paid.Sign() <= 0 {
		return new(big.Int)
	}
	f := new(big.Int).Mul(paid, new(big.Int).SetUint64(bps))
	return f.Quo(f, big.NewInt(10_000))
}

// RelayedClaimResult is what a relayed claim paid: the claim's gross amounts
// (what the account's totals grew by), the fees the relayer took out of
// them, and where the rest went.
type RelayedClaimResult struct {
	Meadow    *big.Int
	Stable    *big.Int
	FeeMeadow *big.Int
	FeeStable *big.Int
	Payout    common.Address
	Relayer   common.Address
	Receipt
}

// NetMeadow is what the payout address received in MEADOW.
func (r RelayedClaimResult) NetMeadow() *big.Int { return new(big.Int).Sub(r.Meadow, r.FeeMeadow) }

// NetStable is what the payout address received in stable tokens.
func (r RelayedClaimResult) NetStable() *big.Int { return new(big.Int).Sub(r.Stable, r.FeeStable) }

func (a ClaimAuthorization) binding() rewardsdistributor.RewardsDistributorClaimAuthorization {
	return rewardsdistributor.RewardsDistributorClaimAuthorization{
		Account: a.Account, CumulativeMeadow: a.CumulativeMeadow, CumulativeStable: a.CumulativeStable,
		Payout: a.Payout, FeeMeadow: a.FeeMeadow, FeeStable: a.FeeStable, Deadline: new(big.Int).SetUint64(a.Deadline),
	}
}

func proofOrEmpty(p [][32]byte) [][32]byte {
	if p == nil {
		return [][32]byte{}
	}
	return p
}

// CheckClaimFor runs the relayed claim with eth_call as from (the relayer)
// would send it, against the latest block, and returns what it would pay,
// fees included. A relayer calls it before spending gas: a forged, replayed,
// expired or over-fee authorization comes back as a *RevertError wrapping
// ErrInvalidClaimSignature, ErrNothingToClaim, ErrAuthorizationExpired,
// ErrRelayFeeAboveCap, ErrInvalidProof or ErrNoRoot.
//
// Where the node keeps a pending state it runs the call there too, so that
// a claim of the same totals already sent and not yet mined (by another
// relayer, or directly) comes back as ErrNothingToClaim instead of being
// sent a second time to revert. go-ethereum rebuilds its pending block at
// most every 2 seconds, so a transaction sent less than that before can
// still be missed: the check narrows the window, it does not close it.
func (c *Chain) CheckClaimFor(ctx context.Context, from common.Address, a ClaimAuthorization, proof [][32]byte, sig []byte) (meadow, stable *big.Int, err error) {
	op := "check relayed claim for " + a.Account.Hex()
	addrs, err := c.deployed(op)
	if err != nil {
		return nil, nil, err
	}
	if err := a.Validate(); err != nil {
		return nil, nil, err
	}
	msg := ethereum.CallMsg{From: from, To: &addrs.Distributor, Data: distributorC.PackClaimFor(a.binding(), proofOrEmpty(proof), sig)}
	out, err := c.backend.CallContract(ctx, msg, nil)
	if err != nil {
		return nil, nil, c.fail(op, err)
	}
	if p, ok := c.backend.(ethereum.PendingContractCaller); ok {
		// Only a revert counts: a node without a pending state (or one
		// that fails to build it) leaves the latest block's answer.
		if _, err := p.PendingCallContract(ctx, msg); err != nil {
			if d, ok := revertData(err); ok {
				return nil, nil, fmt.Errorf("%w (in the pending state: a claim of these totals waits to be mined)", decodeRevert(op, d))
			}
		}
	}
	res, err := distributorC.UnpackClaimFor(out)
	if err != nil {
		return nil, nil, fmt.Errorf("contracts: %s: %w", op, err)
	}
	return res.MeadowPaid, res.StablePaid, nil
}

// ClaimFor sends the relayed claim from the relayer's key, which pays the
// gas and receives the fees, and waits until it is mined. The node estimates
// gas first, so an authorization the contract refuses costs nothing and
// comes back as the errors CheckClaimFor lists.
func (c *Chain) ClaimFor(ctx context.Context, relayer *ecdsa.PrivateKey, a ClaimAuthorization, proof [][32]byte, sig []byte) (RelayedClaimResult, error) {
	op := "relayed claim for " + a.Account.Hex()
	addrs, err := c.deployed(op)
	if err != nil {
		return RelayedClaimResult{}, err
	}
	if err := a.Validate(); err != nil {
		return RelayedClaimResult{}, err
	}
	data := distributorC.PackClaimFor(a.binding(), proofOrEmpty(proof), sig)
	tx, err := c.send(ctx, op, relayer, &addrs.Distributor, data)
	if err != nil {
		return RelayedClaimResult{}, err
	}
	rcpt, err := c.waitSuccess(ctx, op, relayer, &addrs.Distributor, data, tx)
	if err != nil {
		return RelayedClaimResult{}, err
	}
	return relayedResult(addrs.Distributor, rcpt), nil
}

// SendClaimFor is ClaimFor without the wait: it returns once the
// transaction is sent (gas estimated first, so a refused authorization
// costs nothing). The relaying coordinator answers with the hash at once;
// WaitRelayedClaim reads the outcome.
func (c *Chain) SendClaimFor(ctx context.Context, relayer *ecdsa.PrivateKey, a ClaimAuthorization, proof [][32]byte, sig []byte) (common.Hash, error) {
	op := "relayed claim for " + a.Account.Hex()
	addrs, err := c.deployed(op)
	if err != nil {
		return common.Hash{}, err
	}
	if err := a.Validate(); err != nil {
		return common.Hash{}, err
	}
	tx, err := c.send(ctx, op, relayer, &addrs.Distributor, distributorC.PackClaimFor(a.binding(), proofOrEmpty(proof), sig))
	if err != nil {
		return common.Hash{}, err
	}
	return tx.Hash(), nil
}

// WaitRelayedClaim waits until the relayed claim sent as tx is mined and
// returns what it paid; a transaction that failed is ErrTxFailed, and one
// that is not a relayed claim of this distributor an error naming it.
func (c *Chain) WaitRelayedClaim(ctx context.Context, tx common.Hash) (RelayedClaimResult, error) {
	op := "relayed claim " + tx.Hex()
	addrs, err := c.deployed(op)
	if err != nil {
		return RelayedClaimResult{}, err
	}
	rcpt, err := c.waitMined(ctx, op, tx)
	if err != nil {
		return RelayedClaimResult{}, err
	}
	if rcpt.Status != types.ReceiptStatusSuccessful {
		return RelayedClaimResult{}, fmt.Errorf("%w: %s failed in block %d (another claim of the same totals may have landed first)", ErrTxFailed, op, rcpt.BlockNumber.Uint64())
	}
	res := relayedResult(addrs.Distributor, rcpt)
	if res.Relayer == (common.Address{}) {
		return RelayedClaimResult{}, fmt.Errorf("contracts: %s: the transaction has no RelayedClaim event of distributor %s", op, addrs.Distributor.Hex())
	}
	return res, nil
}

// Mined reports whether the transaction tx has been mined (successful or
// not); false while it waits in a pool, or if the node does not know it.
func (c *Chain) Mined(ctx context.Context, tx common.Hash) (bool, error) {
	_, err := c.backend.TransactionReceipt(ctx, tx)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ethereum.NotFound) || stillIndexing(err):
		return false, nil
	}
	return false, c.fail("look up transaction "+tx.Hex(), err)
}

// relayedResult reads a relayed claim's Claimed and RelayedClaim events.
func relayedResult(distributor common.Address, rcpt *types.Receipt) RelayedClaimResult {
	res := RelayedClaimResult{Meadow: new(big.Int), Stable: new(big.Int), FeeMeadow: new(big.Int), FeeStable: new(big.Int), Receipt: receiptOf(rcpt)}
	for _, l := range rcpt.Logs {
		if l.Address != distributor || len(l.Topics) == 0 {
			continue
		}
		switch l.Topics[0] {
		case claimedTopic:
			if ev, err := distributorC.UnpackClaimedEvent(l); err == nil {
				res.Meadow, res.Stable = ev.Meadow, ev.Stable
			}
		case relayedClaimTopic:
			if ev, err := distributorC.UnpackRelayedClaimEvent(l); err == nil {
				res.FeeMeadow, res.FeeStable, res.Payout, res.Relayer = ev.FeeMeadow, ev.FeeStable, ev.Payout, ev.Relayer
			}
		}
	}
	return res
}

var relayedClaimTopic = distributorC.GetABI().Events["RelayedClaim"].ID

// EtherBalance returns account's balance of the chain's native coin, in
// wei: whether a node can pay for its own claim's gas.
func (c *Chain) EtherBalance(ctx context.Context, account common.Address) (*big.Int, error) {
	b, ok := c.backend.(interface {
		BalanceAt(ctx context.Context, account common.Address, block *big.Int) (*big.Int, error)
	})
	if !ok {
		return nil, fmt.Errorf("contracts: read the ether balance of %s: the backend cannot", account.Hex())
	}
	v, err := b.BalanceAt(ctx, account, nil)
	if err != nil {
		return nil, c.fail("read the ether balance of "+account.Hex(), err)
	}
	return v, nil
}

// HeadTime returns the timestamp of the latest block (unix seconds): the
// clock a claim authorization's deadline is checked against.
func (c *Chain) HeadTime(ctx context.Context) (uint64, error) {
	h, err := c.backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return 0, c.fail("read the latest block", err)
	}
	return h.Time, nil
}
