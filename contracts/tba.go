package contracts

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/meadow-net/meadow/contracts/bindings/erc6551account"
	"github.com/meadow-net/meadow/contracts/bindings/erc6551registry"
)

// ERC-6551 token bound accounts from Go: their addresses (computed here,
// independently of the registry), calls through them, and the read the
// coordinators make to decide who may see a community's jobs.

var (
	tbaRegistryC = erc6551registry.NewERC6551Registry()
	tbaAccountC  = erc6551account.NewERC6551Account()
)

// Errors of token bound accounts. Reverts carry them as *RevertError (see
// tbaError); the last two are the Go side's own.
var (
	// ErrNotAccountHolder: a call through a token bound account from
	// someone who does not hold its token now (a former holder included).
	ErrNotAccountHolder = errors.New("contracts: caller does not hold the account's token")
	// ErrUnsupportedOperation: an ERC-6551 operation other than CALL.
	ErrUnsupportedOperation = errors.New("contracts: unsupported account operation")
	// ErrOwnershipCycle: a transfer that would make a token held, directly
	// or through accounts, by its own account.
	ErrOwnershipCycle = errors.New("contracts: ownership cycle")
	// ErrAccountCreationFailed: the registry's CREATE2 failed.
	ErrAccountCreationFailed = errors.New("contracts: account creation failed")
	// ErrNotContract: an address that should be a contract (a token bound
	// account, a collection) has no code at the block read.
	ErrNotContract = errors.New("contracts: not a contract")
	// ErrNotTokenBoundAccount: a contract that does not answer ERC-6551's
	// token(), or is bound to a token on another chain.
	ErrNotTokenBoundAccount = errors.New("contracts: not a token-bound account")
)

// tbaSentinels maps the custom errors of the ERC-6551 and community
// contracts to their Go errors. decodeRevert knows their names (allABIs)
// but not these sentinels: tbaError adds them.
var tbaSentinels = map[string]error{
	"NotAuthorized":              ErrNotAccountHolder,
	"UnsupportedOperation":       ErrUnsupportedOperation,
	"OwnershipCycle":             ErrOwnershipCycle,
	"AccountCreationFailed":      ErrAccountCreationFailed,
	"NotCommunityAdmin":          ErrNotCommunityAdmin,
	"EmptyName":                  ErrEmptyName,
	"ERC721NonexistentToken":     ErrNoSuchToken,
	"ERC721IncorrectOwner":       ErrNotTokenHolder,
	"ERC721InsufficientApproval": ErrNotTokenHolder,
	"ERC721InvalidReceiver":      ErrInvalidReceiver,
}

// tbaError gives a revert of the ERC-6551 or community contracts its
// sentinel, so that callers can use errors.Is.
func tbaError(err error) error {
	var re *RevertError
	if errors.As(err, &re) && re.sentinel == ErrReverted {
		if s, ok := tbaSentinels[re.Name]; ok {
			re.sentinel = s
		}
	}
	return err
}

// ERC-1167 pieces of a token bound account's code (ERC-6551's layout).
var (
	tbaInitPrefix  = common.FromHex("3d60ad80600a3d3981f3") // copy 0xad bytes of runtime code and return them
	tbaProxyHeader = common.FromHex("363d3d373d3d3d363d73")
	tbaProxyFooter = common.FromHex("5af43d82803e903d91602b57fd5bf3")
)

// TokenBoundAccountCode is the runtime code of the ERC-6551 account of a
// token: the ERC-1167 proxy to implementation (45 bytes) followed by salt,
// chain id, token contract and token id, 32 bytes each (173 bytes).
func TokenBoundAccountCode(implementation common.Address, salt common.Hash, chainID *big.Int, tokenContract common.Address, tokenID *big.Int) []byte {
	code := make([]byte, 0, 173)
	code = append(code, tbaProxyHeader...)
	code = append(code, implementation.Bytes()...)
	code = append(code, tbaProxyFooter...)
	code = append(code, salt.Bytes()...)
	code = append(code, common.BigToHash(chainID).Bytes()...)
	code = append(code, common.BytesToHash(tokenContract.Bytes()).Bytes()...)
	code = append(code, common.BigToHash(tokenID).Bytes()...)
	return code
}

// TokenBoundAccountAddress computes, without asking the chain, the address
// at which registry deploys the ERC-6551 account of token tokenID of
// tokenContract: the CREATE2 address (EIP-1014) of the account's init code
// with salt as the CREATE2 salt.
func TokenBoundAccountAddress(registry, implementation common.Address, salt common.Hash, chainID *big.Int, tokenContract common.Address, tokenID *big.Int) common.Address {
	init := append(append([]byte{}, tbaInitPrefix...), TokenBoundAccountCode(implementation, salt, chainID, tokenContract, tokenID)...)
	return crypto.CreateAddress2(registry, salt, crypto.Keccak256(init))
}

// BoundToken is the token an ERC-6551 account is bound to, as its token()
// answers.
type BoundToken struct {
	ChainID  *big.Int
	Contract common.Address
	TokenID  *big.Int
}

// TokenBound reads, at block atBlock, the token that account is bound to.
// An address without code is ErrNotContract; a contract whose token() does
// not answer, or answers a token on another chain, is
// ErrNotTokenBoundAccount; a node that cannot be reached is
// ErrChainUnavailable.
func (c *Chain) TokenBound(ctx context.Context, account common.Address, atBlock uint64) (BoundToken, error) {
	block := new(big.Int).SetUint64(atBlock)
	op := fmt.Sprintf("read the token of account %s at block %d", account.Hex(), atBlock)
	code, err := c.backend.CodeAt(ctx, account, block)
	if err != nil {
		return BoundToken{}, c.fail(op, err)
	}
	if len(code) == 0 {
		return BoundToken{}, fmt.Errorf("%w: %s: no code at %s at block %d (an externally owned account, or nothing)", ErrNotContract, op, account.Hex(), atBlock)
	}
	out, err := c.backend.CallContract(ctx, ethereum.CallMsg{To: &account, Data: tbaAccountC.PackToken()}, block)
	if err != nil {
		if _, reverted := revertData(err); reverted || isExecutionError(err) {
			return BoundToken{}, fmt.Errorf("%w: %s: token() reverted: %v", ErrNotTokenBoundAccount, op, err)
		}
		return BoundToken{}, c.fail(op, err)
	}
	tok, err := tbaAccountC.UnpackToken(out)
	if err != nil || len(out) != 96 {
		return BoundToken{}, fmt.Errorf("%w: %s: token() answered %d bytes, want 96 (chain id, token contract, token id)", ErrNotTokenBoundAccount, op, len(out))
	}
	id, err := c.ChainID(ctx)
	if err != nil {
		return BoundToken{}, err
	}
	if tok.ChainId.Sign() == 0 {
		return BoundToken{}, fmt.Errorf("%w: %s: token() answers chain 0: bound to no token (an account implementation itself?)", ErrNotTokenBoundAccount, op)
	}
	if tok.ChainId.Cmp(id) != 0 {
		return BoundToken{}, fmt.Errorf("%w: %s: bound to token %s of %s on chain %s, and this is chain %s", ErrNotTokenBoundAccount, op, tok.TokenId, tok.TokenContract.Hex(), tok.ChainId, id)
	}
	return BoundToken{ChainID: tok.ChainId, Contract: tok.TokenContract, TokenID: tok.TokenId}, nil
}

// isExecutionError reports an eth_call the node ran and refused (an
// execution error: a revert, an invalid opcode, out of gas), as opposed to a
// node that could not be reached.
func isExecutionError(err error) bool {
	var re rpc.Error
	return errors.As(err, &re) && !unreachable(err)
}

// IsMember reports whether holder, at block atBlock, holds any token of the
// collection that the ERC-6551 account `account` is bound to: the check a
// coordinator makes when account is the buyer of a job (a community's
// account) and holder asks for its datasets. The coordinator passes its head
// less its confirmations, so a transfer is seen only once it is that deep.
// Any account bound to a token of the collection counts as the
// collection's: BoundToken tells which token, for a stricter policy.
// Errors: ErrNotContract (no code at account or at its token contract),
// ErrNotTokenBoundAccount (token() does not answer, another chain),
// ErrChainUnavailable (the node), each naming the address and block.
func (c *Chain) IsMember(ctx context.Context, account, holder common.Address, atBlock uint64) (bool, error) {
	tok, err := c.TokenBound(ctx, account, atBlock)
	if err != nil {
		return false, err
	}
	if holder == (common.Address{}) {
		return false, nil
	}
	block := new(big.Int).SetUint64(atBlock)
	op := fmt.Sprintf("read the balance of %s in collection %s (of account %s) at block %d", holder.Hex(), tok.Contract.Hex(), account.Hex(), atBlock)
	out, err := c.backend.CallContract(ctx, ethereum.CallMsg{To: &tok.Contract, Data: membershipC.PackBalanceOf(holder)}, block)
	if err != nil {
		return false, c.fail(op, err)
	}
	if len(out) == 0 {
		if code, cerr := c.backend.CodeAt(ctx, tok.Contract, block); cerr == nil && len(code) == 0 {
			return false, fmt.Errorf("%w: %s: no code at the token contract", ErrNotContract, op)
		}
	}
	n, err := membershipC.UnpackBalanceOf(out)
	if err != nil {
		return false, fmt.Errorf("contracts: %s: %w", op, err)
	}
	return n.Sign() > 0, nil
}

// ExecuteAs makes the ERC-6551 account `account` call `to` with value wei
// and data, in a transaction signed by holder, who must hold the account's
// token now (else ErrNotAccountHolder, before anything is sent). A revert of
// the callee comes back as the callee's own error (an ERC-20's
// ERC20InsufficientBalance, say).
func (c *Chain) ExecuteAs(ctx context.Context, holder *ecdsa.PrivateKey, account, to common.Address, value *big.Int, data []byte) (Receipt, error) {
	if value == nil {
		value = new(big.Int)
	}
	if err := CheckUint256("value", value); err != nil {
		return Receipt{}, err
	}
	op := fmt.Sprintf("call %s through account %s", to.Hex(), account.Hex())
	if value.Sign() > 0 {
		// execute is payable but the account pays value from its own
		// balance: the holder's transaction carries none.
		op += fmt.Sprintf(" with %s wei", value)
	}
	rcpt, err := c.transact(ctx, op, holder, &account, tbaAccountC.PackExecute(to, value, data, 0))
	if err != nil {
		return Receipt{}, tbaError(err)
	}
	return receiptOf(rcpt), nil
}

// PayAs pays amount of the stable token for jobID from the ERC-6551 account
// `account`, signed by the holder of its token: the account approves the
// marketplace when its allowance is short, then pays. The payment's buyer is
// the account (a community's jobs are bought by the community's account).
func (c *Chain) PayAs(ctx context.Context, holder *ecdsa.PrivateKey, account common.Address, jobID common.Hash, amount *big.Int) (Payment, error) {
	op := fmt.Sprintf("pay for job %s from account %s", jobID.Hex(), account.Hex())
	a, err := c.deployed(op)
	if err != nil {
		return Payment{}, err
	}
	if err := positive(op, "amount", amount); err != nil {
		return Payment{}, err
	}
	allowance, err := c.readUint(ctx, "read allowance", a.Stable, stableC.PackAllowance(account, a.Marketplace), stableC.UnpackAllowance)
	if err != nil {
		return Payment{}, err
	}
	if allowance.Cmp(amount) < 0 {
		if _, err := c.ExecuteAs(ctx, holder, account, a.Stable, nil, stableC.PackApprove(a.Marketplace, amount)); err != nil {
			return Payment{}, err
		}
	}
	return c.payThrough(ctx, op, holder, account, a.Marketplace, marketC.PackPay(jobID, amount))
}

// PayWithCreditsAs pays amount (stable base units) for jobID from the
// compute credits that the ERC-6551 account `account` holds in vault (a
// community vault credits its community's account), in a transaction
// signed by the holder of the account's token: the account calls the
// marketplace's payWithCredits. The payment's buyer is the account, and the
// marketplace counts it as any payment (the same Paid event). Credits short
// of amount are ErrInsufficientCredits.
func (c *Chain) PayWithCreditsAs(ctx context.Context, holder *ecdsa.PrivateKey, account, vault common.Address, jobID common.Hash, amount *big.Int) (Payment, error) {
	op := fmt.Sprintf("pay for job %s from the credits of account %s in vault %s", jobID.Hex(), account.Hex(), vault.Hex())
	a, err := c.deployed(op)
	if err != nil {
		return Payment{}, err
	}
	if err := positive(op, "amount", amount); err != nil {
		return Payment{}, err
	}
	return c.payThrough(ctx, op, holder, account, a.Marketplace, marketC.PackPayWithCredits(vault, jobID, amount))
}

// payThrough has account call the marketplace with data (a payment),
// signed by the holder of its token, and returns the payment's Paid event.
func (c *Chain) payThrough(ctx context.Context, op string, holder *ecdsa.PrivateKey, account, market common.Address, data []byte) (Payment, error) {
	rcpt, err := c.transact(ctx, op, holder, &account, tbaAccountC.PackExecute(market, new(big.Int), data, 0))
	if err != nil {
		return Payment{}, tbaError(err)
	}
	return paymentIn(market, op, rcpt)
}

// AccountState reads an account's ERC-6551 state(): it changes with every
// call the account makes, so a buyer of a token can tell the account was
// not used between a quote and a sale.
func (c *Chain) AccountState(ctx context.Context, account common.Address) (*big.Int, error) {
	return c.readUint(ctx, "read the state of account "+account.Hex(), account, tbaAccountC.PackState(), tbaAccountC.UnpackState)
}

// AccountOwner reads who controls an account now: the holder of its token.
func (c *Chain) AccountOwner(ctx context.Context, account common.Address) (common.Address, error) {
	a, err := c.callAddress(ctx, "read the owner of account "+account.Hex(), account, tbaAccountC.PackOwner(), tbaAccountC.UnpackOwner)
	return a, tbaError(err)
}
