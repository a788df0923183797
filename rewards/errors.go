package rewards

import "errors"

// Sentinel errors. Every error this package returns wraps one of them with
// the field and the value that caused it, so callers test with errors.Is and
// users read what was wrong.
var (
	// ErrInvalidParams says a Params field is missing or out of its range.
	ErrInvalidParams = errors.New("rewards: invalid params")
	// ErrInvalidEpoch says an epoch number is 0 (epochs count from 1) or
	// beyond the history supplied.
	ErrInvalidEpoch = errors.New("rewards: invalid epoch")
	// ErrMissingAmount says a required amount is nil.
	ErrMissingAmount = errors.New("rewards: missing amount")
	// ErrNegative says an amount is below zero; every amount is a uint256.
	ErrNegative = errors.New("rewards: negative amount")
	// ErrOutOfRange says an amount is 2^256 or more and so is no uint256.
	ErrOutOfRange = errors.New("rewards: amount does not fit in uint256")
	// ErrOverflow says a result or an intermediate value of the arithmetic
	// does not fit its fixed width (uint256 for amounts, uint64 for work
	// units), where the contract's checked arithmetic would revert.
	ErrOverflow = errors.New("rewards: arithmetic overflow")
	// ErrUnknownKind says a task kind has no work-unit rate.
	ErrUnknownKind = errors.New("rewards: unknown task kind")
	// ErrUnknownKernel says a kernel (or crawl renderer) has no work-unit rate.
	ErrUnknownKernel = errors.New("rewards: unknown kernel")
	// ErrInvalidAddress says a string is not a 0x-prefixed 20-byte hex address.
	ErrInvalidAddress = errors.New("rewards: invalid address")
	// ErrEmptyTree says a reward tree was asked for with no leaves.
	ErrEmptyTree = errors.New("rewards: empty tree")
	// ErrDuplicateAccount says an account appears in more than one leaf.
	ErrDuplicateAccount = errors.New("rewards: duplicate account")
	// ErrUnsorted says a list that must be sorted, as referrals by referee,
	// is not.
	ErrUnsorted = errors.New("rewards: not sorted")
	// ErrInvalidReferralTier says a referral tier is neither 1 (the direct
	// referrer) nor 2 (the referrer's referrer).
	ErrInvalidReferralTier = errors.New("rewards: invalid referral tier")
	// ErrNotInTree says a proof was asked for an account the tree lacks.
	ErrNotInTree = errors.New("rewards: account not in tree")
)
