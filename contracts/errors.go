package contracts

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// Errors the contracts raise, as Go sentinels. A reverted call or
// transaction comes back as a *RevertError that wraps one of them, so callers
// test with errors.Is and read the details with errors.As.
var (
	// ErrEpochOutOfOrder: a root was posted for an epoch other than the one
	// after the last settled.
	ErrEpochOutOfOrder = errors.New("contracts: epoch out of order")
	// ErrInvalidEpoch: epochs count from 1.
	ErrInvalidEpoch = errors.New("contracts: invalid epoch")
	// ErrInvalidReferralTier: a referral tier other than 1 or 2.
	ErrInvalidReferralTier = errors.New("contracts: invalid referral tier")
	// ErrNotEnoughSignatures: fewer than the threshold of distinct operators
	// signed (signatures by unknown keys and repeated signers do not count).
	ErrNotEnoughSignatures = errors.New("contracts: not enough operator signatures")
	// ErrEmissionAboveSchedule: a root's emission exceeds what the on-chain
	// schedule allows for its epoch.
	ErrEmissionAboveSchedule = errors.New("contracts: emission above schedule")
	// ErrRevenueShareAboveLimit: a root's revenue share exceeds 70% of the
	// epoch's revenue.
	ErrRevenueShareAboveLimit = errors.New("contracts: revenue share above limit")
	// ErrRevenueShareNotCovered: a root's revenue share exceeds the stable
	// tokens forwarded to the distributor and not yet assigned.
	ErrRevenueShareNotCovered = errors.New("contracts: revenue share not covered by forwarded revenue")
	// ErrNoRoot: a claim before any root was posted.
	ErrNoRoot = errors.New("contracts: no reward root posted yet")
	// ErrInvalidProof: a claim whose proof does not lead to the latest root.
	ErrInvalidProof = errors.New("contracts: invalid reward proof")
	// ErrDatasetExists: a dataset's root is already recorded; roots never
	// change.
	ErrDatasetExists = errors.New("contracts: dataset already posted")
	// ErrZeroRoot: a dataset root of zero.
	ErrZeroRoot = errors.New("contracts: zero root")
	// ErrZeroAmount: a payment of zero.
	ErrZeroAmount = errors.New("contracts: zero amount")
	// ErrInsufficientAllowance: the buyer has not approved enough stable
	// tokens for the marketplace.
	ErrInsufficientAllowance = errors.New("contracts: insufficient allowance")
	// ErrInsufficientBalance: an account holds fewer tokens than a transfer
	// needs.
	ErrInsufficientBalance = errors.New("contracts: insufficient token balance")
	// ErrCapExceeded: minting would pass MEADOW's supply cap.
	ErrCapExceeded = errors.New("contracts: MEADOW cap exceeded")
	// ErrNotMinter: only the distributor may mint MEADOW.
	ErrNotMinter = errors.New("contracts: caller is not the minter")
	// ErrInvalidOperatorSet: operator keys or threshold are unusable (empty,
	// duplicated, zero, or a threshold below 2 or above the number of keys).
	ErrInvalidOperatorSet = errors.New("contracts: invalid operator set")
	// ErrStableDecimals: the stable token does not have 6 decimals.
	ErrStableDecimals = errors.New("contracts: stable token must have 6 decimals")
	// ErrZeroAddress: an address that must be set is zero.
	ErrZeroAddress = errors.New("contracts: zero address")
	// ErrOverflow: uint256 arithmetic in a contract overflowed.
	ErrOverflow = errors.New("contracts: arithmetic overflow")
	// ErrInvalidClaimSignature: a claim authorization not signed by its
	// account (forged, for another domain, or malformed).
	ErrInvalidClaimSignature = errors.New("contracts: claim authorization not signed by the account")
	// ErrAuthorizationExpired: a claim authorization past its deadline.
	ErrAuthorizationExpired = errors.New("contracts: claim authorization expired")
	// ErrNothingToClaim: a relayed claim that would pay nothing (the
	// authorization was used, or the account claimed itself).
	ErrNothingToClaim = errors.New("contracts: nothing to claim")
	// ErrRelayFeeAboveCap: a relay fee above MaxRelayFeeBps of what the
	// claim pays in its token.
	ErrRelayFeeAboveCap = errors.New("contracts: relay fee above the cap")
	// ErrReverted: a revert this package has no better name for.
	ErrReverted = errors.New("contracts: transaction reverted")
)

// Errors of the Go side.
var (
	// ErrInvalidAddress: text that is not a 20-byte hex address, or whose
	// mixed-case checksum is wrong.
	ErrInvalidAddress = errors.New("contracts: invalid address")
	// ErrInvalidAmount: an amount that is missing, negative, not a number, or
	// does not fit in uint256.
	ErrInvalidAmount = errors.New("contracts: invalid amount")
	// ErrInvalidConfig: a DeployConfig or WatcherConfig field out of range.
	ErrInvalidConfig = errors.New("contracts: invalid config")
	// ErrNoKey: a transaction needs a private key and none was given.
	ErrNoKey = errors.New("contracts: no signing key")
	// ErrNotDeployed: the Chain has no contract addresses (Deploy or Attach
	// first), or there is no code at one of them.
	ErrNotDeployed = errors.New("contracts: contracts not deployed")
	// ErrChainUnavailable: the chain endpoint could not be reached; the error
	// names the endpoint.
	ErrChainUnavailable = errors.New("contracts: chain unavailable")
	// ErrTxFailed: a transaction was mined but failed, and replaying it gave
	// no reason.
	ErrTxFailed = errors.New("contracts: transaction failed")
	// ErrCursor: the watcher's cursor file is unreadable or belongs to another
	// chain or deployment.
	ErrCursor = errors.New("contracts: payment cursor")
	// ErrDeliver: the payment callback returned an error; the payment will be
	// offered again.
	ErrDeliver = errors.New("contracts: payment delivery failed")
	// ErrInsufficientFunds: the sending account holds too little of the
	// chain's native coin for a transaction's gas; the error names the
	// account, its balance and the chain.
	ErrInsufficientFunds = errors.New("contracts: insufficient funds for gas")
	// ErrReceiptTimeout: a transaction was sent but not mined within the
	// Chain's receipt timeout. It may still be mined: the error names its
	// hash, to look up before sending it again.
	ErrReceiptTimeout = errors.New("contracts: transaction not mined in time")
)

// RevertError is a contract revert decoded from its custom error.
type RevertError struct {
	// Op is what was being done, e.g. "post root".
	Op string
	// Name is the Solidity error's name, e.g. "EpochOutOfOrder" (or "Panic",
	// "Error" for the built-in ones; empty when the data was not recognised).
	Name string
	// Args are the error's arguments by name, in declaration order.
	Args []RevertArg
	// Data is the raw revert data.
	Data []byte

	sentinel error
}

// RevertArg is one named argument of a custom error.
type RevertArg struct {
	Name  string
	Value any
}

// Error names the operation, the problem and the contract's own words.
func (e *RevertError) Error() string {
	var b strings.Builder
	b.WriteString(e.sentinel.Error())
	b.WriteString(": ")
	b.WriteString(e.Op)
	b.WriteString(" reverted")
	if e.Name == "" {
		fmt.Fprintf(&b, " with data %s", hexutil.Encode(e.Data))
		return b.String()
	}
	b.WriteString(" with ")
	b.WriteString(e.Name)
	b.WriteByte('(')
	for i, a := range e.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		if a.Name != "" {
			b.WriteString(a.Name)
			b.WriteString(": ")
		}
		b.WriteString(formatArg(a.Value))
	}
	b.WriteByte(')')
	return b.String()
}

// Unwrap returns the sentinel error the revert maps to.
func (e *RevertError) Unwrap() error { return e.sentinel }

// Arg returns the argument called name, or nil.
func (e *RevertError) Arg(name string) any {
	for _, a := range e.Args {
		if a.Name == name {
			return a.Value
		}
	}
	return nil
}

func formatArg(v any) string {
	switch x := v.(type) {
	case [32]byte:
		return hexutil.Encode(x[:])
	case common.Address:
		return x.Hex()
	case *big.Int:
		return x.String()
	default:
		return fmt.Sprint(v)
	}
}

// sentinels maps each custom error name of the contracts to its Go error.
var sentinels = map[string]error{
	"EpochOutOfOrder":            ErrEpochOutOfOrder,
	"InvalidEpoch":               ErrInvalidEpoch,
	"InvalidReferralTier":        ErrInvalidReferralTier,
	"NotEnoughSignatures":        ErrNotEnoughSignatures,
	"EmissionAboveSchedule":      ErrEmissionAboveSchedule,
	"RevenueShareAboveLimit":     ErrRevenueShareAboveLimit,
	"RevenueShareNotCovered":     ErrRevenueShareNotCovered,
	"NoRoot":                     ErrNoRoot,
	"InvalidProof":               ErrInvalidProof,
	"DatasetExists":              ErrDatasetExists,
	"ZeroRoot":                   ErrZeroRoot,
	"ZeroAmount":                 ErrZeroAmount,
	"InvalidClaimSignature":      ErrInvalidClaimSignature,
	"AuthorizationExpired":       ErrAuthorizationExpired,
	"NothingToClaim":             ErrNothingToClaim,
	"RelayFeeAboveCap":           ErrRelayFeeAboveCap,
	"ERC20InsufficientAllowance": ErrInsufficientAllowance,
	"ERC20InsufficientBalance":   ErrInsufficientBalance,
	"ERC20ExceededCap":           ErrCapExceeded,
	"NotMinter":                  ErrNotMinter,
	"InvalidOperatorCount":       ErrInvalidOperatorSet,
	"InvalidThreshold":           ErrInvalidOperatorSet,
	"ZeroOperator":               ErrInvalidOperatorSet,
	"DuplicateOperator":          ErrInvalidOperatorSet,
	"StableDecimals":             ErrStableDecimals,
	"ZeroAddress":                ErrZeroAddress,
	"ZeroMinter":                 ErrZeroAddress,
}

// Selectors of Solidity's built-in errors.
var (
	panicSelector = [4]byte{0x4e, 0x48, 0x7b, 0x71} // Panic(uint256)
	errorSelector = [4]byte{0x08, 0xc3, 0x79, 0xa0} // Error(string)
)

// decodeRevert turns revert data into a *RevertError using the custom errors
// of every Meadow contract.
func decodeRevert(op string, data []byte) *RevertError {
	e := &RevertError{Op: op, Data: data, sentinel: ErrReverted}
	if len(data) < 4 {
		return e
	}
	var sel [4]byte
	copy(sel[:], data[:4])
	switch sel {
	case panicSelector:
		e.Name = "Panic"
		if len(data) == 36 {
			code := new(big.Int).SetBytes(data[4:])
			e.Args = []RevertArg{{Name: "code", Value: code}}
			if code.Cmp(big.NewInt(0x11)) == 0 {
				e.sentinel = ErrOverflow
			}
		}
		return e
	case errorSelector:
		e.Name = "Error"
		if v, err := abi.UnpackRevert(data); err == nil {
			e.Args = []RevertArg{{Name: "reason", Value: v}}
		}
		return e
	}
	for _, parsed := range allABIs() {
		for name, abiErr := range parsed.Errors {
			if [4]byte(abiErr.ID[:4]) != sel {
				continue
			}
			e.Name = name
			if s, ok := sentinels[name]; ok {
				e.sentinel = s
			}
			if vals, err := abiErr.Inputs.Unpack(data[4:]); err == nil {
				for i, in := range abiErr.Inputs {
					if i < len(vals) {
						e.Args = append(e.Args, RevertArg{Name: in.Name, Value: vals[i]})
					}
				}
			}
			return e
		}
	}
	return e
}

// revertData extracts revert data from an error returned by a JSON-RPC
// call (eth_call, eth_estimateGas), if it carries any.
func revertData(err error) ([]byte, bool) {
	var de interface{ ErrorData() interface{} }
	if !errors.As(err, &de) {
		return nil, false
	}
	switch d := de.ErrorData().(type) {
	case string:
		b, decErr := hexutil.Decode(d)
		if decErr != nil {
			return nil, false
		}
		return b, true
	case []byte:
		return d, true
	}
	return nil, false
}
