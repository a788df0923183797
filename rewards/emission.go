package rewards

import (
	"errors"
	"fmt"
	"math/big"
)

// Params are the constants of the emission schedule and of the revenue share.
// Amounts are uint256 values held in big.Ints: MEADOW amounts in its base unit
// (18 decimals), revenue in the stable token's base unit (6 decimals).
type Params struct {
	// EMax0 is the most MEADOW an epoch emits: the emission of epoch 1 at
	// zero revenue.
	EMax0 *big.Int `json:"emax0"`
	// HalvingEpochs is how many epochs pass between halvings of the base
	// emission.
	HalvingEpochs uint64 `json:"halving_epochs"`
	// R0 is the trailing revenue at which the emission is half its base.
	R0 *big.Int `json:"r0"`
	// Floor is the least an epoch emits, whatever the revenue, until Cap is
	// reached.
	Floor *big.Int `json:"floor"`
	// Cap is the most MEADOW ever emitted, over all epochs.
	Cap *big.Int `json:"cap"`
	// Window is how many epochs, ending with the current one, make up the
	// trailing revenue.
	Window uint64 `json:"window"`
	// RevenueShareBps is the share of an epoch's buyer revenue paid to nodes,
	// in basis points (10000 is all of it).
	RevenueShareBps uint64 `json:"revenue_share_bps"`
	// ReferralTier1Bps and ReferralTier2Bps are the MEADOW a referee's
	// direct referrer (tier 1) and that referrer's own referrer (tier 2)
	// earn on top of the referee's reward, in basis points of it. They are
	// paid from a reserve split off the emission (EmissionSplit), never
	// taken from the referee; 0 and 0 turn referrals off.
	ReferralTier1Bps uint64 `json:"referral_tier1_bps"`
	ReferralTier2Bps uint64 `json:"referral_tier2_bps"`
}

// bpsDenominator is 100%, in basis points.
const bpsDenominator = 10000

// DefaultParams returns the launch schedule: 100,000 MEADOW an epoch at most,
// halving every 520 epochs, halved again by 10,000 of trailing stable revenue
// over 4 epochs, never below 1,000 an epoch, 1,000,000,000 in all; nodes get
// 70% of revenue; referrers get 20% (first tier) and 10% (second tier) of
// their referees' MEADOW rewards, from the referral reserve. Each call returns
// values the caller may modify.
func DefaultParams() Params {
	return Params{
		EMax0:           tokens(100_000, 18),
		HalvingEpochs:   520,
		R0:              tokens(10_000, 6),
		Floor:           tokens(1_000, 18),
		Cap:             tokens(1_000_000_000, 18),
		Window:          4,
		RevenueShareBps: 7000,

		ReferralTier1Bps: 2000,
		ReferralTier2Bps: 1000,
	}
}

// tokens returns n whole tokens in base units of a token with the given
// decimals.
func tokens(n int64, decimals int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(n), new(big.Int).Exp(big.NewInt(10), big.NewInt(decimals), nil))
}

// Validate reports every field out of its range, each error wrapping
// ErrInvalidParams and naming the field, its value and what is expected. It
// also requires EMax0*R0 to fit in 256 bits, so that Emission's first product
// cannot overflow in the contract's uint256 arithmetic.
func (p Params) Validate() error {
	var errs []error
	bad := func(field string, value any, want string) {
		errs = append(errs, fmt.Errorf("%w: %s is %v, want %s", ErrInvalidParams, field, value, want))
	}
	amount := func(field string, x *big.Int, positive bool) bool {
		if err := checkAmount(field, x); err != nil {
			errs = append(errs, fmt.Errorf("%w: %w", ErrInvalidParams, err))
			return false
		}
		if positive && x.Sign() == 0 {
			bad(field, x, "more than 0")
			return false
		}
		return true
	}
	okEMax := amount("emax0", p.EMax0, true)
	okR0 := amount("r0", p.R0, true)
	if amount("floor", p.Floor, false) && okEMax && p.Floor.Cmp(p.EMax0) > 0 {
		bad("floor", p.Floor, fmt.Sprintf("at most emax0 (%s)", p.EMax0))
	}
	amount("cap", p.Cap, true)
	if okEMax && okR0 && new(big.Int).Mul(p.EMax0, p.R0).BitLen() > 256 {
		bad("emax0*r0", new(big.Int).Mul(p.EMax0, p.R0), "below 2^256")
	}
	if p.HalvingEpochs == 0 {
		bad("halving_epochs", p.HalvingEpochs, "at least 1")
	}
	if p.Window == 0 {
		bad("window", p.Window, "at least 1")
	}
	if p.RevenueShareBps > bpsDenominator {
		bad("revenue_share_bps", p.RevenueShareBps, "at most 10000")
	}
	if p.ReferralTier1Bps > MaxReferralBps {
		bad("referral_tier1_bps", p.ReferralTier1Bps, fmt.Sprintf("at most %d", MaxReferralBps))
	}
	if p.ReferralTier2Bps > MaxReferralBps {
		bad("referral_tier2_bps", p.ReferralTier2Bps, fmt.Sprintf("at most %d", MaxReferralBps))
	}
	if p.ReferralTier1Bps <= MaxReferralBps && p.ReferralTier2Bps <= MaxReferralBps &&
		p.ReferralTier1Bps+p.ReferralTier2Bps > MaxReferralBps {
		bad("referral_tier1_bps+referral_tier2_bps", p.ReferralTier1Bps+p.ReferralTier2Bps, fmt.Sprintf("at most %d", MaxReferralBps))
	}
	return errors.Join(errs...)
}

// Emission returns the MEADOW emitted in epoch (counted from 1), given the
// trailing revenue of the epoch (TrailingRevenue) and the MEADOW minted in all
// earlier epochs:
//
//	base    = EMax0 >> ((epoch-1) / HalvingEpochs)    (0 once the shift reaches 256)
//	decayed = base * R0 / (R0 + trailingRevenue)      (floor division)
//	E       = min(max(decayed, Floor), Cap - minted)  (0 once minted reaches Cap)
//
// Every value is a uint256; an input that is nil, negative or 2^256 or more is
// an error, as is R0 + trailingRevenue overflowing 256 bits, where the
// contract would revert.
func Emission(p Params, epoch uint64, trailingRevenue, minted *big.Int) (*big.Int, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if epoch == 0 {
		return nil, fmt.Errorf("%w: epoch is 0, want 1 or more", ErrInvalidEpoch)
	}
	if err := checkAmount("trailing revenue", trailingRevenue); err != nil {
		return nil, err
	}
	if err := checkAmount("minted", minted); err != nil {
		return nil, err
	}
	e := new(big.Int)
	if shift := (epoch - 1) / p.HalvingEpochs; shift < 256 {
		e.Rsh(p.EMax0, uint(shift))
	}
	e.Mul(e, p.R0) // fits: base <= EMax0 and Validate bounds EMax0*R0
	den := new(big.Int).Add(p.R0, trailingRevenue)
	if den.BitLen() > 256 {
		return nil, fmt.Errorf("%w: r0 + trailing revenue %s exceeds 2^256-1", ErrOverflow, trailingRevenue)
	}
	e.Quo(e, den)
	if e.Cmp(p.Floor) < 0 {
		e.Set(p.Floor)
	}
	if minted.Cmp(p.Cap) >= 0 {
		return e.SetInt64(0), nil
	}
	if room := new(big.Int).Sub(p.Cap, minted); e.Cmp(room) > 0 {
		e.Set(room)
	}
	return e, nil
}

// TrailingRevenue returns the buyer revenue of the Window epochs ending with
// epoch: the sum of revenue(e') for e' from max(1, epoch-Window+1) to epoch.
// revenue[i] is the revenue of epoch i+1, so it must reach at least epoch.
func TrailingRevenue(p Params, epoch uint64, revenue []*big.Int) (*big.Int, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if epoch == 0 || epoch > uint64(len(revenue)) {
		return nil, fmt.Errorf("%w: epoch is %d, want 1 to %d (the epochs with revenue)", ErrInvalidEpoch, epoch, len(revenue))
	}
	first := uint64(1)
	if epoch > p.Window {
		first = epoch - p.Window + 1
	}
	sum := new(big.Int)
	for e := first; e <= epoch; e++ {
		r := revenue[e-1]
		if err := checkAmount(fmt.Sprintf("revenue of epoch %d", e), r); err != nil {
			return nil, err
		}
		if sum.Add(sum, r).BitLen() > 256 {
			return nil, fmt.Errorf("%w: trailing revenue of epoch %d exceeds 2^256-1", ErrOverflow, epoch)
		}
	}
	return sum, nil
}

// RevenueShare returns the part of an epoch's buyer revenue paid to nodes:
// revenue * RevenueShareBps / 10000, rounded down. The contract computes the
// product first, so a product of 2^256 or more is an overflow error.
func RevenueShare(p Params, revenue *big.Int) (*big.Int, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := checkAmount("revenue", revenue); err != nil {
		return nil, err
	}
	s := new(big.Int).Mul(revenue, new(big.Int).SetUint64(p.RevenueShareBps))
	if s.BitLen() > 256 {
		return nil, fmt.Errorf("%w: revenue %s * revenue_share_bps %d exceeds 2^256-1", ErrOverflow, revenue, p.RevenueShareBps)
	}
	return s.Quo(s, big.NewInt(bpsDenominator)), nil
}

// EmissionSchedule returns the emission of epochs 1 to len(revenue), where
// revenue[i] is the buyer revenue of epoch i+1, carrying the minted total and
// the trailing revenue from epoch to epoch as the contract does. The sum of the
// result never exceeds Cap.
func EmissionSchedule(p Params, revenue []*big.Int) ([]*big.Int, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	out := make([]*big.Int, len(revenue))
	minted := new(big.Int)
	for i := range revenue {
		epoch := uint64(i) + 1
		r, err := TrailingRevenue(p, epoch, revenue[:i+1])
		if err != nil {
			return nil, err
		}
		e, err := Emission(p, epoch, r, minted)
		if err != nil {
			return nil, err
		}
		out[i] = e
		minted.Add(minted, e)
	}
	return out, nil
}
