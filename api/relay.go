package api

import (
	"math/big"

	"github.com/ethereum/go-ethereum/common"
)

// MaxRelayProof bounds the proof of a relayed claim: a reward tree of 2^64
// leaves has a proof of 64 hashes.
const MaxRelayProof = 64

// RelayInfo is what a coordinator that relays claims says about it, in
// ChainInfo: the fee it asks and the most the distributor allows, in basis
// points of what a claim pays in each token, and the account that sends
// the claims and receives the fees.
type RelayInfo struct {
	FeeBps    uint64         `json:"fee_bps"`
	MaxFeeBps uint64         `json:"max_fee_bps"`
	Relayer   common.Address `json:"relayer"`
	// MinFeeMeadow and MinFeeStable are the smallest fees, in base units
	// (decimal), for which this relayer sends a claim: one whose fee
	// reaches either; omitted, that token's fee does not count, and both
	// omitted, there is no minimum.
	MinFeeMeadow string `json:"min_fee_meadow,omitempty"`
	MinFeeStable string `json:"min_fee_stable,omitempty"`
}

// RelayClaimRequest is the body of POST /v1/rewards/relay: a node's signed
// claim authorization (contracts.ClaimAuthorization, EIP-712 in the
// distributor's domain) and the proof of its leaf. It is not an envelope:
// the signature over the authorization is the node's consent, and the
// contract checks it.
type RelayClaimRequest struct {
	// Account is the node, the leaf's address and the signer.
	Account common.Address `json:"account"`
	// CumulativeMeadow and CumulativeStable are the leaf's totals in the
	// latest root (decimal base units), as GET /v1/node/{address}/rewards
	// gives them.
	CumulativeMeadow string `json:"cumulative_meadow"`
	CumulativeStable string `json:"cumulative_stable"`
	// Proof leads from the leaf to the latest root.
	Proof []common.Hash `json:"proof"`
	// Payout receives the claim less the fees; omitted or the zero address:
	// the account.
	Payout common.Address `json:"payout"`
	// FeeMeadow and FeeStable are the relayer's fees, decimal base units.
	FeeMeadow string `json:"fee_meadow"`
	FeeStable string `json:"fee_stable"`
	// Deadline is the last block time (unix seconds) the authorization is
	// good for.
	Deadline uint64 `json:"deadline"`
	// Signature is the node's, r ‖ s ‖ v.
	Signature Signature `json:"signature"`
}

// Validate checks the request's fields.
func (r RelayClaimRequest) Validate() error {
	var v validator
	if r.Account == (common.Address{}) {
		v.add("account", quote(r.Account.Hex()), "the node's address, not zero")
	}
	checkUint256(&v, "cumulative_meadow", r.CumulativeMeadow)
	checkUint256(&v, "cumulative_stable", r.CumulativeStable)
	checkUint256(&v, "fee_meadow", r.FeeMeadow)
	checkUint256(&v, "fee_stable", r.FeeStable)
	if len(r.Proof) > MaxRelayProof {
		v.add("proof", itoa(int64(len(r.Proof)))+" hashes", "at most "+itoa(MaxRelayProof)+" hashes")
	}
	for _, f := range []struct{ fee, total, field string }{{r.FeeMeadow, r.CumulativeMeadow, "fee_meadow"}, {r.FeeStable, r.CumulativeStable, "fee_stable"}} {
		fee, ok1 := new(big.Int).SetString(f.fee, 10)
		total, ok2 := new(big.Int).SetString(f.total, 10)
		if ok1 && ok2 && validAmount(f.fee) && validAmount(f.total) && fee.Cmp(total) > 0 {
			v.add(f.field, quote(f.fee), "at most the cumulative total "+f.total)
		}
	}
	if r.Deadline == 0 {
		v.add("deadline", "0", "a unix time in seconds")
	}
	if r.Signature == (Signature{}) {
		v.add("signature", quote(r.Signature.String()), SignatureExpected)
	}
	return v.err()
}

// maxUint256 is 2^256 - 1.
var maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// checkUint256 is checkAmount that also refuses 78-digit numbers past
// 2^256 - 1.
func checkUint256(v *validator, field, s string) {
	if !validAmount(s) {
		checkAmount(v, field, s)
		return
	}
	if x, _ := new(big.Int).SetString(s, 10); x.Cmp(maxUint256) > 0 {
		v.add(field, quote(s), "at most 2^256-1")
	}
}

// RelayClaimResponse is what POST /v1/rewards/relay answers once the claim
// is sent: the transaction, who sends it, and what the chain said, just
// before, that it would pay. The outcome is the transaction's receipt.
type RelayClaimResponse struct {
	Tx      common.Hash    `json:"tx"`
	Relayer common.Address `json:"relayer"`
	Account common.Address `json:"account"`
	// Payout is where the tokens go (the account when the request had none).
	Payout common.Address `json:"payout"`
	// Meadow and Stable are what the claim pays in all, FeeMeadow and
	// FeeStable the relayer's part of it; decimal base units.
	Meadow    string `json:"meadow"`
	Stable    string `json:"stable"`
	FeeMeadow string `json:"fee_meadow"`
	FeeStable string `json:"fee_stable"`
}

// Validate checks the answer.
func (r RelayClaimResponse) Validate() error {
	var v validator
	if r.Tx == (common.Hash{}) {
		v.add("tx", quote(r.Tx.Hex()), "the transaction's hash")
	}
	checkUint256(&v, "meadow", r.Meadow)
	checkUint256(&v, "stable", r.Stable)
	checkUint256(&v, "fee_meadow", r.FeeMeadow)
	checkUint256(&v, "fee_stable", r.FeeStable)
	return v.err()
}
