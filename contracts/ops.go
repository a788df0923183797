package contracts

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/rewards"
)

// RewardsDomain returns the EIP-712 domain operators sign epoch roots in.
func (c *Chain) RewardsDomain(ctx context.Context) (Domain, error) {
	a, err := c.deployed("rewards domain")
	if err != nil {
		return Domain{}, err
	}
	id, err := c.ChainID(ctx)
	if err != nil {
		return Domain{}, err
	}
	return Domain{Name: RewardsDomainName, Version: DomainVersion, ChainID: id, VerifyingContract: a.Distributor}, nil
}

// DatasetsDomain returns the EIP-712 domain operators sign dataset roots in.
func (c *Chain) DatasetsDomain(ctx context.Context) (Domain, error) {
	a, err := c.deployed("datasets domain")
	if err != nil {
		return Domain{}, err
	}
	id, err := c.ChainID(ctx)
	if err != nil {
		return Domain{}, err
	}
	return Domain{Name: DatasetsDomainName, Version: DomainVersion, ChainID: id, VerifyingContract: a.Registry}, nil
}

// PostRoot settles r.Epoch on chain with the operators' signatures
// (SignEpochRoot); sender pays for gas and need not be an operator. The
// contract checks the epoch order, the signatures, the schedule and the
// revenue share; a refusal comes back as a *RevertError wrapping
// ErrEpochOutOfOrder, ErrNotEnoughSignatures, ErrEmissionAboveSchedule,
// ErrRevenueShareAboveLimit or ErrRevenueShareNotCovered.
func (c *Chain) PostRoot(ctx context.Context, sender *ecdsa.PrivateKey, r EpochRoot, signatures [][]byte) (Receipt, error) {
	op := fmt.Sprintf("post root for epoch %d", r.Epoch)
	a, err := c.deployed(op)
	if err != nil {
		return Receipt{}, err
	}
	if err := r.Validate(); err != nil {
		return Receipt{}, err
	}
	data := distributorC.PackPostRoot(new(big.Int).SetUint64(r.Epoch), r.Root, r.Emission, r.RevenueShare, signatures)
	rcpt, err := c.transact(ctx, op, sender, &a.Distributor, data)
	if err != nil {
		return Receipt{}, err
	}
	return receiptOf(rcpt), nil
}

// PostDataset records a dataset's root with the operators' signatures
// (SignDataset).
func (c *Chain) PostDataset(ctx context.Context, sender *ecdsa.PrivateKey, ds Dataset, signatures [][]byte) (Receipt, error) {
	op := "post dataset " + ds.ID.Hex()
	a, err := c.deployed(op)
	if err != nil {
		return Receipt{}, err
	}
	if err := ds.Validate(); err != nil {
		return Receipt{}, err
	}
	data := registryC.PackPostDataset(ds.ID, ds.Root, new(big.Int).SetUint64(ds.Rows), signatures)
	rcpt, err := c.transact(ctx, op, sender, &a.Registry, data)
	if err != nil {
		return Receipt{}, err
	}
	return receiptOf(rcpt), nil
}

// DatasetRoot returns the recorded root and row count of a dataset; ok is
// false when none was posted.
func (c *Chain) DatasetRoot(ctx context.Context, id common.Hash) (root common.Hash, rows uint64, ok bool, err error) {
	a, err := c.deployed("read dataset root")
	if err != nil {
		return common.Hash{}, 0, false, err
	}
	out, err := c.call(ctx, "read dataset root", a.Registry, registryC.PackRootOf(id))
	if err != nil {
		return common.Hash{}, 0, false, err
	}
	r, err := registryC.UnpackRootOf(out)
	if err != nil {
		return common.Hash{}, 0, false, fmt.Errorf("contracts: read dataset root: %w", err)
	}
	if r == ([32]byte{}) {
		return common.Hash{}, 0, false, nil
	}
	n, err := c.readUint(ctx, "read dataset rows", a.Registry, registryC.PackRowsOf(id), registryC.UnpackRowsOf)
	if err != nil {
		return common.Hash{}, 0, false, err
	}
	return r, n.Uint64(), true, nil
}

// Payment is one Paid event of the marketplace.
type Payment struct {
	JobID       common.Hash    `json:"job_id"`
	Buyer       common.Address `json:"buyer"`
	Amount      *big.Int       `json:"amount"` // stable base units (6 decimals)
	Epoch       uint64         `json:"epoch"`  // the epoch the revenue counts toward
	BlockNumber uint64         `json:"block_number"`
	BlockHash   common.Hash    `json:"block_hash"`
	TxHash      common.Hash    `json:"tx_hash"`
	LogIndex    uint           `json:"log_index"`
}

// ID identifies the payment on its chain: transaction hash and log index.
// Consumers dedupe by it.
func (p Payment) ID() string {
	return fmt.Sprintf("%s:%d", p.TxHash.Hex(), p.LogIndex)
}

// Pay pays amount of the stable token (base units, 6 decimals) for jobID
// from buyer's key: it approves the marketplace first when the allowance is
// short, then pays, and returns the payment as the chain recorded it.
func (c *Chain) Pay(ctx context.Context, buyer *ecdsa.PrivateKey, jobID common.Hash, amount *big.Int) (Payment, error) {
	op := "pay for job " + jobID.Hex()
	a, err := c.deployed(op)
	if err != nil {
		return Payment{}, err
	}
	if err := positive(op, "amount", amount); err != nil {
		return Payment{}, err
	}
	if buyer == nil {
		return Payment{}, fmt.Errorf("%w: %s needs the buyer's private key", ErrNoKey, op)
	}
	from := crypto.PubkeyToAddress(buyer.PublicKey)
	allowance, err := c.readUint(ctx, "read allowance", a.Stable, stableC.PackAllowance(from, a.Marketplace), stableC.UnpackAllowance)
	if err != nil {
		return Payment{}, err
	}
	if allowance.Cmp(amount) < 0 {
		if _, err := c.transact(ctx, "approve marketplace", buyer, &a.Stable, stableC.PackApprove(a.Marketplace, amount)); err != nil {
			return Payment{}, err
		}
	}
	rcpt, err := c.transact(ctx, op, buyer, &a.Marketplace, marketC.PackPay(jobID, amount))
	if err != nil {
		return Payment{}, err
	}
	for _, l := range rcpt.Logs {
		if p, ok := parsePaid(a.Marketplace, l); ok {
			return p, nil
		}
	}
	return Payment{}, fmt.Errorf("contracts: %s: transaction %s has no Paid event", op, rcpt.TxHash.Hex())
}

// parsePaid decodes a marketplace Paid log.
func parsePaid(market common.Address, l *types.Log) (Payment, bool) {
	if l.Address != market || len(l.Topics) == 0 || l.Topics[0] != paidTopic {
		return Payment{}, false
	}
	ev, err := marketC.UnpackPaidEvent(l)
	if err != nil || !ev.Epoch.IsUint64() {
		return Payment{}, false
	}
	return Payment{
		JobID: ev.JobId, Buyer: ev.Buyer, Amount: ev.Amount, Epoch: ev.Epoch.Uint64(),
		BlockNumber: l.BlockNumber, BlockHash: l.BlockHash, TxHash: l.TxHash, LogIndex: l.Index,
	}, true
}

var paidTopic = marketC.GetABI().Events["Paid"].ID

// SendEther sends wei of the chain's native coin from key to an account, for
// its gas: the dev network funds its nodes' keys so that they claim their
// rewards themselves.
func (c *Chain) SendEther(ctx context.Context, from *ecdsa.PrivateKey, to common.Address, wei *big.Int) (Receipt, error) {
	if wei == nil || wei.Sign() <= 0 {
		return Receipt{}, fmt.Errorf("%w: send %v wei to %s: want a positive amount", ErrInvalidAmount, wei, to.Hex())
	}
	op := "send ether to " + to.Hex()
	if from == nil {
		return Receipt{}, fmt.Errorf("%w: %s needs the sender's private key", ErrNoKey, op)
	}
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return Receipt{}, err
	}
	c.txMu.Lock()
	defer c.txMu.Unlock()
	nonce, err := c.backend.PendingNonceAt(ctx, crypto.PubkeyToAddress(from.PublicKey))
	if err != nil {
		return Receipt{}, c.fail(op, err)
	}
	price, err := c.backend.SuggestGasPrice(ctx)
	if err != nil {
		return Receipt{}, c.fail(op, err)
	}
	tx, err := types.SignNewTx(from, types.LatestSignerForChainID(chainID), &types.LegacyTx{
		Nonce: nonce, To: &to, Value: wei, Gas: 21_000, GasPrice: price,
	})
	if err != nil {
		return Receipt{}, fmt.Errorf("contracts: %s: sign: %w", op, err)
	}
	if err := retryLaggingPool(ctx, func() error { return c.backend.SendTransaction(ctx, tx) }); err != nil {
		if lacksFunds(err) {
			return Receipt{}, c.noFunds(ctx, op, crypto.PubkeyToAddress(from.PublicKey), err)
		}
		return Receipt{}, c.fail(op, err)
	}
	c.mineSent()
	rcpt, err := c.waitMined(ctx, op, tx.Hash())
	if err != nil {
		return Receipt{}, err
	}
	if rcpt.Status != types.ReceiptStatusSuccessful {
		return Receipt{}, fmt.Errorf("%w: %s: transaction %s", ErrTxFailed, op, tx.Hash().Hex())
	}
	return receiptOf(rcpt), nil
}

// MintTestStable mints amount of the test StableToken to to. It only works
// where Deploy created the test token (development chains).
func (c *Chain) MintTestStable(ctx context.Context, sender *ecdsa.PrivateKey, to common.Address, amount *big.Int) (Receipt, error) {
	a, err := c.deployed("mint test stable")
	if err != nil {
		return Receipt{}, err
	}
	if err := CheckUint256("amount", amount); err != nil {
		return Receipt{}, err
	}
	rcpt, err := c.transact(ctx, "mint test stable to "+to.Hex(), sender, &a.Stable, stableC.PackMint(to, amount))
	if err != nil {
		return Receipt{}, err
	}
	return receiptOf(rcpt), nil
}

// Claim is an account's claim against the latest reward root: its
// cumulative totals and the Merkle proof of its leaf.
type Claim struct {
	Account          common.Address
	CumulativeMeadow *big.Int
	CumulativeStable *big.Int
	Proof            [][32]byte
}

// NewClaim builds the claim for a leaf of a rewards.Tree and its proof.
func NewClaim(leaf rewards.Leaf, proof [][32]byte) Claim {
	return Claim{Account: common.Address(leaf.Account), CumulativeMeadow: leaf.Meadow, CumulativeStable: leaf.Stable, Proof: proof}
}

// NewClaimFromHashes is NewClaim for a proof as the coordinators serve it
// (api.NodeRewards.Proof).
func NewClaimFromHashes(leaf rewards.Leaf, proof []common.Hash) Claim {
	p := make([][32]byte, len(proof))
	for i, h := range proof {
		p[i] = h
	}
	return NewClaim(leaf, p)
}

// ClaimResult is what a claim paid.
type ClaimResult struct {
	Meadow *big.Int
	Stable *big.Int
	Receipt
}

// Claim pays cl.Account what its cumulative totals exceed what it was
// already paid; claiming the same totals again pays nothing. sender pays for
// gas; the tokens always go to cl.Account. A bad proof comes back as a
// *RevertError wrapping ErrInvalidProof.
func (c *Chain) Claim(ctx context.Context, sender *ecdsa.PrivateKey, cl Claim) (ClaimResult, error) {
	op := "claim for " + cl.Account.Hex()
	a, err := c.deployed(op)
	if err != nil {
		return ClaimResult{}, err
	}
	if err := CheckUint256("cumulative MEADOW", cl.CumulativeMeadow); err != nil {
		return ClaimResult{}, err
	}
	if err := CheckUint256("cumulative stable", cl.CumulativeStable); err != nil {
		return ClaimResult{}, err
	}
	proof := cl.Proof
	if proof == nil {
		proof = [][32]byte{}
	}
	rcpt, err := c.transact(ctx, op, sender, &a.Distributor, distributorC.PackClaim(cl.Account, cl.CumulativeMeadow, cl.CumulativeStable, proof))
	if err != nil {
		return ClaimResult{}, err
	}
	res := ClaimResult{Meadow: new(big.Int), Stable: new(big.Int), Receipt: receiptOf(rcpt)}
	for _, l := range rcpt.Logs {
		if l.Address != a.Distributor || len(l.Topics) == 0 || l.Topics[0] != claimedTopic {
			continue
		}
		if ev, err := distributorC.UnpackClaimedEvent(l); err == nil {
			res.Meadow, res.Stable = ev.Meadow, ev.Stable
		}
	}
	return res, nil
}

var claimedTopic = distributorC.GetABI().Events["Claimed"].ID

// Token selects one of the two tokens for BalanceOf.
type Token int

// The tokens.
const (
	TokenMeadow Token = iota
	TokenStable
)

// BalanceOf returns account's balance of token, in base units.
func (c *Chain) BalanceOf(ctx context.Context, token Token, account common.Address) (*big.Int, error) {
	a, err := c.deployed("read balance")
	if err != nil {
		return nil, err
	}
	addr := a.Token
	if token == TokenStable {
		addr = a.Stable
	}
	return c.readUint(ctx, "read balance of "+account.Hex(), addr, tokenC.PackBalanceOf(account), tokenC.UnpackBalanceOf)
}

// Minted returns the MEADOW minted so far (its total supply).
func (c *Chain) Minted(ctx context.Context) (*big.Int, error) {
	a, err := c.deployed("read minted")
	if err != nil {
		return nil, err
	}
	return c.readUint(ctx, "read minted", a.Token, tokenC.PackTotalSupply(), tokenC.UnpackTotalSupply)
}

// RevenueOf returns the buyer revenue attributed to epoch (stable base units).
func (c *Chain) RevenueOf(ctx context.Context, epoch uint64) (*big.Int, error) {
	a, err := c.deployed("read revenue")
	if err != nil {
		return nil, err
	}
	return c.readUint(ctx, fmt.Sprintf("read revenue of epoch %d", epoch), a.Marketplace, marketC.PackRevenueOf(new(big.Int).SetUint64(epoch)), marketC.UnpackRevenueOf)
}

// PaidFor returns the total paid for a job.
func (c *Chain) PaidFor(ctx context.Context, jobID common.Hash) (*big.Int, error) {
	a, err := c.deployed("read paid for job")
	if err != nil {
		return nil, err
	}
	return c.readUint(ctx, "read paid for job "+jobID.Hex(), a.Marketplace, marketC.PackPaidFor(jobID), marketC.UnpackPaidFor)
}

// CurrentEpoch returns the epoch payments count toward now: the one after
// the last settled.
func (c *Chain) CurrentEpoch(ctx context.Context) (uint64, error) {
	a, err := c.deployed("read current epoch")
	if err != nil {
		return 0, err
	}
	n, err := c.readUint(ctx, "read current epoch", a.Distributor, distributorC.PackCurrentEpoch(), distributorC.UnpackCurrentEpoch)
	if err != nil {
		return 0, err
	}
	return n.Uint64(), nil
}

// LatestRoot returns the last settled epoch and its root (0 and zero before
// the first).
func (c *Chain) LatestRoot(ctx context.Context) (uint64, common.Hash, error) {
	a, err := c.deployed("read latest root")
	if err != nil {
		return 0, common.Hash{}, err
	}
	n, err := c.readUint(ctx, "read last epoch", a.Distributor, distributorC.PackLastEpoch(), distributorC.UnpackLastEpoch)
	if err != nil {
		return 0, common.Hash{}, err
	}
	out, err := c.call(ctx, "read latest root", a.Distributor, distributorC.PackRoot())
	if err != nil {
		return 0, common.Hash{}, err
	}
	root, err := distributorC.UnpackRoot(out)
	if err != nil {
		return 0, common.Hash{}, fmt.Errorf("contracts: read latest root: %w", err)
	}
	return n.Uint64(), root, nil
}

// Claimed returns what account has been paid so far.
func (c *Chain) Claimed(ctx context.Context, account common.Address) (meadow, stable *big.Int, err error) {
	a, err := c.deployed("read claimed")
	if err != nil {
		return nil, nil, err
	}
	if meadow, err = c.readUint(ctx, "read claimed MEADOW", a.Distributor, distributorC.PackClaimedMeadow(account), distributorC.UnpackClaimedMeadow); err != nil {
		return nil, nil, err
	}
	if stable, err = c.readUint(ctx, "read claimed stable", a.Distributor, distributorC.PackClaimedStable(account), distributorC.UnpackClaimedStable); err != nil {
		return nil, nil, err
	}
	return meadow, stable, nil
}

// EmissionLimit returns the most MEADOW a root for epoch may emit given the
// revenue and supply on chain now.
func (c *Chain) EmissionLimit(ctx context.Context, epoch uint64) (*big.Int, error) {
	a, err := c.deployed("read emission limit")
	if err != nil {
		return nil, err
	}
	return c.readUint(ctx, fmt.Sprintf("read emission limit of epoch %d", epoch), a.Distributor, distributorC.PackEmissionLimit(new(big.Int).SetUint64(epoch)), distributorC.UnpackEmissionLimit)
}

// RevenueShareLimit returns the most stable tokens a root for epoch may
// assign given the revenue forwarded so far.
func (c *Chain) RevenueShareLimit(ctx context.Context, epoch uint64) (*big.Int, error) {
	a, err := c.deployed("read revenue share limit")
	if err != nil {
		return nil, err
	}
	return c.readUint(ctx, fmt.Sprintf("read revenue share limit of epoch %d", epoch), a.Distributor, distributorC.PackRevenueShareLimit(new(big.Int).SetUint64(epoch)), distributorC.UnpackRevenueShareLimit)
}

// ScheduleEmission evaluates the contract's pure schedule function.
func (c *Chain) ScheduleEmission(ctx context.Context, epoch uint64, trailingRevenue, minted *big.Int) (*big.Int, error) {
	a, err := c.deployed("schedule emission")
	if err != nil {
		return nil, err
	}
	if err := CheckUint256("trailing revenue", trailingRevenue); err != nil {
		return nil, err
	}
	if err := CheckUint256("minted", minted); err != nil {
		return nil, err
	}
	return c.readUint(ctx, "schedule emission", a.Distributor, distributorC.PackScheduleEmission(new(big.Int).SetUint64(epoch), trailingRevenue, minted), distributorC.UnpackScheduleEmission)
}

func (c *Chain) readUint(ctx context.Context, op string, to common.Address, data []byte, unpack func([]byte) (*big.Int, error)) (*big.Int, error) {
	out, err := c.call(ctx, op, to, data)
	if err != nil {
		return nil, err
	}
	v, err := unpack(out)
	if err != nil {
		return nil, fmt.Errorf("contracts: %s at %s: %w", op, to.Hex(), err)
	}
	return v, nil
}
