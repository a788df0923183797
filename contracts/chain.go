package contracts

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	bind "github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
)

// Backend is what a Chain needs from an Ethereum node. Both go-ethereum's
// ethclient.Client (any JSON-RPC endpoint) and the in-process simulated
// backend's client provide it.
type Backend interface {
	bind.ContractBackend
	TransactionReceipt(ctx context.Context, txHash common.Hash) (*types.Receipt, error)
	BlockNumber(ctx context.Context) (uint64, error)
	ChainID(ctx context.Context) (*big.Int, error)
	BalanceAt(ctx context.Context, account common.Address, blockNumber *big.Int) (*big.Int, error)
}

// SimulatedEndpoint is the endpoint name of the in-process chain, used in
// errors and cursor files.
const SimulatedEndpoint = "simulated"

// SimulatedFunds is the ether each account funded by NewSimulated starts with.
var SimulatedFunds = new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(1e18))

// Chain is a connection to an Ethereum chain with Meadow's contracts on it:
// it deploys them, posts reward and dataset roots, pays and claims, reads
// their state, and watches payments. Its methods are safe for concurrent
// use; transactions are sent one at a time, each waited for until mined.
type Chain struct {
	backend  Backend
	endpoint string
	sim      *simBackend // nil unless in-process (simulated.go)
	closer   func()

	idMu    sync.Mutex
	chainID *big.Int

	txMu     sync.Mutex // one transaction in flight: nonces and, in process, Commit
	commitMu sync.Mutex // the simulated beacon deadlocks on concurrent Commits
	// heldBlocks stops the in-process chain mining a block per
	// transaction sent (HoldBlocks), as a chain with a block time.
	heldBlocks atomic.Bool

	addrMu sync.RWMutex
	addrs  Addresses

	receiptPoll    time.Duration
	receiptTimeout time.Duration // 0: wait until the context ends
}

// DefaultReceiptTimeout is how long a Chain from Dial waits for a
// transaction it sent to be mined. A public chain mines one in seconds to a
// minute when its fee is enough; one still pending after five minutes is
// stuck (its fee too low for the chain's traffic), and waiting longer hides
// that from the operator.
const DefaultReceiptTimeout = 5 * time.Minute

// Dial connects to the JSON-RPC endpoint at rawURL (http, https, ws, wss, or
// the path of an IPC socket). It does not contact the node: an endpoint that
// is down is reported, by name, by the first call that needs it.
func Dial(ctx context.Context, rawURL string) (*Chain, error) {
	if err := validateEndpoint(rawURL); err != nil {
		return nil, err
	}
	client, err := ethclient.DialContext(ctx, rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w at %s: %v", ErrChainUnavailable, rawURL, err)
	}
	return &Chain{backend: client, endpoint: rawURL, closer: client.Close, receiptPoll: time.Second, receiptTimeout: DefaultReceiptTimeout}, nil
}

// NewChain wraps any Backend; endpoint names it in errors.
func NewChain(backend Backend, endpoint string) *Chain {
	return &Chain{backend: backend, endpoint: endpoint, receiptPoll: time.Second}
}

func validateEndpoint(rawURL string) error {
	if rawURL == "" {
		return fmt.Errorf("%w: chain endpoint is empty, want an http(s)://, ws(s):// URL or an IPC path", ErrInvalidConfig)
	}
	if strings.HasPrefix(rawURL, "/") {
		return nil // IPC socket
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("%w: chain endpoint %q: %v", ErrInvalidConfig, rawURL, err)
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
	default:
		return fmt.Errorf("%w: chain endpoint %q has scheme %q, want http, https, ws, wss or an IPC path", ErrInvalidConfig, rawURL, u.Scheme)
	}
	if u.Host == "" {
		return fmt.Errorf("%w: chain endpoint %q has no host", ErrInvalidConfig, rawURL)
	}
	return nil
}

// SetReceiptTimeout sets how long a transaction the Chain sends may take to
// be mined before the call fails with ErrReceiptTimeout (0: until the
// context ends), and how often its receipt is asked for (0 keeps the
// current interval). Call it before sending transactions.
func (c *Chain) SetReceiptTimeout(timeout, poll time.Duration) {
	c.receiptTimeout = timeout
	if poll > 0 {
		c.receiptPoll = poll
	}
}

// Close releases the connection (and stops the in-process chain).
func (c *Chain) Close() {
	if c.closer != nil {
		c.closer()
	}
}

// Endpoint is the URL the Chain talks to, or SimulatedEndpoint.
func (c *Chain) Endpoint() string { return c.endpoint }

// Mine mines one block on the in-process chain and returns its hash; on a
// chain reached over JSON-RPC it does nothing and returns the zero hash.
// Safe to call while the Chain sends transactions.
func (c *Chain) Mine() common.Hash {
	if c.sim == nil {
		return common.Hash{}
	}
	c.commitMu.Lock()
	defer c.commitMu.Unlock()
	return c.sim.Commit()
}

// HoldBlocks makes the in-process chain stop mining a block for each
// transaction the Chain sends (hold true) or go back to it: sent
// transactions then wait in the pool, as on a chain with a block time,
// until Mine. The Chain's own methods that wait for a receipt wait for that
// Mine too. On a chain reached over JSON-RPC it does nothing.
func (c *Chain) HoldBlocks(hold bool) { c.heldBlocks.Store(hold) }

// mineSent mines the block of a transaction just sent, on the in-process
// chain unless blocks are held.
func (c *Chain) mineSent() {
	if !c.heldBlocks.Load() {
		c.Mine()
	}
}

// Backend returns the node client the Chain uses.
func (c *Chain) Backend() Backend { return c.backend }

// ChainID returns the chain's id, asking the node once.
func (c *Chain) ChainID(ctx context.Context) (*big.Int, error) {
	c.idMu.Lock()
	defer c.idMu.Unlock()
	if c.chainID != nil {
		return new(big.Int).Set(c.chainID), nil
	}
	id, err := c.backend.ChainID(ctx)
	if err != nil {
		return nil, c.fail("read chain id", err)
	}
	c.chainID = id
	return new(big.Int).Set(id), nil
}

// Head returns the number of the latest block.
func (c *Chain) Head(ctx context.Context) (uint64, error) {
	n, err := c.backend.BlockNumber(ctx)
	if err != nil {
		return 0, c.fail("read block number", err)
	}
	return n, nil
}

// Receipt is what a mined Meadow transaction cost.
type Receipt struct {
	TxHash      common.Hash
	BlockNumber uint64
	GasUsed     uint64
}

func receiptOf(r *types.Receipt) Receipt {
	return Receipt{TxHash: r.TxHash, BlockNumber: r.BlockNumber.Uint64(), GasUsed: r.GasUsed}
}

// transact sends a transaction calling to with data, signed by key, waits
// until it is mined and returns its receipt; a revert, before sending (gas
// estimation) or after, comes back as a *RevertError. One transaction is in
// flight per Chain, from sending until mined.
func (c *Chain) transact(ctx context.Context, op string, key *ecdsa.PrivateKey, to *common.Address, data []byte) (*types.Receipt, error) {
	return c.transactWithHeadroom(ctx, op, key, to, data, 0)
}

// transactWithHeadroom is transact with the gas limit headroomPct percent
// above the node's estimate. The node estimates against the latest block,
// but the transaction runs in a later one: a call whose gas depends on the
// block (a vault's strategy accrues yield per block, and a block with new
// yield writes storage that the estimate's block did not) needs the margin
// or runs out of gas. Only the limit grows; the gas used is the same.
func (c *Chain) transactWithHeadroom(ctx context.Context, op string, key *ecdsa.PrivateKey, to *common.Address, data []byte, headroomPct uint64) (*types.Receipt, error) {
	c.txMu.Lock()
	defer c.txMu.Unlock()
	tx, err := c.sendLocked(ctx, op, key, to, data, headroomPct)
	if err != nil {
		return nil, err
	}
	return c.waitSuccess(ctx, op, key, to, data, tx)
}

// send signs and sends a transaction calling to with data (creating a
// contract when to is nil) after the node estimated its gas, so a call that
// would revert is refused, as a *RevertError, before anything is spent. It
// does not wait for the transaction to be mined (in process, it mines it),
// so other transactions may follow it before it is (pending nonces).
func (c *Chain) send(ctx context.Context, op string, key *ecdsa.PrivateKey, to *common.Address, data []byte) (*types.Transaction, error) {
	c.txMu.Lock()
	defer c.txMu.Unlock()
	return c.sendLocked(ctx, op, key, to, data, 0)
}

// sendLocked is send with txMu held, with the gas limit headroomPct percent
// above the estimate (transactWithHeadroom).
func (c *Chain) sendLocked(ctx context.Context, op string, key *ecdsa.PrivateKey, to *common.Address, data []byte, headroomPct uint64) (*types.Transaction, error) {
	if key == nil {
		return nil, fmt.Errorf("%w: %s needs the sender's private key", ErrNoKey, op)
	}
	chainID, err := c.ChainID(ctx)
	if err != nil {
		return nil, err
	}
	opts := bind.NewKeyedTransactor(key, chainID)
	opts.Context = ctx
	if headroomPct > 0 && to != nil {
		// A failed estimate leaves the limit to RawTransact, whose own
		// estimate reports the error as for any transaction.
		msg := ethereum.CallMsg{From: crypto.PubkeyToAddress(key.PublicKey), To: to, Data: data}
		if gas, err := c.backend.EstimateGas(ctx, msg); err == nil {
			opts.GasLimit = gas + gas*headroomPct/100
		}
	}
	bound := bind.NewBoundContract(common.Address{}, abi.ABI{}, c.backend, c.backend, c.backend)
	if to != nil {
		bound = bind.NewBoundContract(*to, abi.ABI{}, c.backend, c.backend, c.backend)
	}
	var tx *types.Transaction
	err = retryLaggingPool(ctx, func() (err error) {
		if to == nil {
			tx, err = bound.RawCreationTransact(opts, data)
		} else {
			tx, err = bound.RawTransact(opts, data)
		}
		return err
	})
	if err != nil {
		if errors.Is(err, bind.ErrNoCode) {
			return nil, fmt.Errorf("%w: %s: no contract code at %s on %s", ErrNotDeployed, op, to.Hex(), c.endpoint)
		}
		from := crypto.PubkeyToAddress(key.PublicKey)
		_, isRevert := revertData(err)
		if !isRevert && ctx.Err() == nil && !unreachable(err) && (lacksFunds(err) || c.shortOfGasMoney(ctx, from, to, data)) {
			return nil, c.noFunds(ctx, op, from, err)
		}
		return nil, c.fail(op, err)
	}
	c.mineSent()
	return tx, nil
}

// waitSuccess waits until tx (sent by send with these arguments) is mined
// and returns its receipt; a failed transaction is replayed with eth_call
// at its block to learn why, and comes back as a *RevertError.
func (c *Chain) waitSuccess(ctx context.Context, op string, key *ecdsa.PrivateKey, to *common.Address, data []byte, tx *types.Transaction) (*types.Receipt, error) {
	rcpt, err := c.waitMined(ctx, op, tx.Hash())
	if err != nil {
		return nil, err
	}
	if rcpt.Status != types.ReceiptStatusSuccessful {
		// Replay the call at its block to learn why it failed.
		from := crypto.PubkeyToAddress(key.PublicKey)
		_, callErr := c.backend.CallContract(ctx, ethereum.CallMsg{From: from, To: to, Data: data, Gas: tx.Gas()}, rcpt.BlockNumber)
		if d, ok := revertData(callErr); ok {
			return rcpt, decodeRevert(op, d)
		}
		return rcpt, fmt.Errorf("%w: %s: transaction %s in block %d (gas used %d of %d)", ErrTxFailed, op, tx.Hash().Hex(), rcpt.BlockNumber, rcpt.GasUsed, tx.Gas())
	}
	return rcpt, nil
}

// poolLagTries and poolLagWait bound retryLaggingPool: a few tries, a
// fifth of a second apart.
const (
	poolLagTries = 3
	poolLagWait  = 200 * time.Millisecond
)

// retryLaggingPool runs send, and again while a node refuses it for lack
// of funds, up to poolLagTries in all. A node's transaction pool takes a
// new block's state a moment after the block (go-ethereum resets it
// asynchronously), so a sender funded in the block just mined can be
// refused as penniless ("balance 0"): seen once in CI, where a deployment
// right after its funding failed at its first contract. A sender who
// really cannot pay is refused again, a few tenths of a second later; a
// refused transaction entered no pool, so the retry reuses its nonce.
func retryLaggingPool(ctx context.Context, send func() error) error {
	for try := 1; ; try++ {
		err := send()
		if err == nil || try == poolLagTries || !lacksFunds(err) || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(poolLagWait):
		}
	}
}

// lacksFunds reports whether a node refused a transaction (or its gas
// estimate) because the sender cannot pay for it. Nodes say so only in
// words: go-ethereum's "insufficient funds for gas * price + value" and
// "insufficient funds for transfer" (an estimate for an empty account),
// which other clients (Erigon, Nethermind, Anvil) also use.
func lacksFunds(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "insufficient funds")
}

// shortOfGasMoney reports whether from's balance cannot pay for the
// transaction at the fee it would offer. A node estimating gas for a sender
// caps the estimate at what the sender's balance pays for, so a poor sender
// often gets an execution error ("contract creation code storage out of
// gas", "gas required exceeds allowance") rather than "insufficient funds";
// estimated again without a fee, the node does not cap it.
func (c *Chain) shortOfGasMoney(ctx context.Context, from common.Address, to *common.Address, data []byte) bool {
	gas, err := c.backend.EstimateGas(ctx, ethereum.CallMsg{From: from, To: to, Data: data})
	if err != nil {
		return false
	}
	price, err := c.backend.SuggestGasPrice(ctx)
	if err != nil {
		return false
	}
	if head, err := c.backend.HeaderByNumber(ctx, nil); err == nil && head.BaseFee != nil {
		// What bind offers at most: the tip plus twice the base fee.
		tip, terr := c.backend.SuggestGasTipCap(ctx)
		if terr == nil {
			price = new(big.Int).Add(tip, new(big.Int).Mul(head.BaseFee, big.NewInt(2)))
		}
	}
	bal, err := c.backend.BalanceAt(ctx, from, nil)
	if err != nil {
		return false
	}
	return bal.Cmp(new(big.Int).Mul(price, new(big.Int).SetUint64(gas))) < 0
}

// noFunds is ErrInsufficientFunds naming the account, its balance and the
// chain, with the node's own words when err is not nil.
func (c *Chain) noFunds(ctx context.Context, op string, from common.Address, err error) error {
	bal := "an unknown amount of"
	if b, berr := c.backend.BalanceAt(ctx, from, nil); berr == nil {
		bal = formatEther(b)
	}
	chain := "the chain"
	if id, idErr := c.ChainID(ctx); idErr == nil {
		chain = "chain " + id.String()
	}
	msg := fmt.Sprintf("%s: account %s holds %s ether on %s (%s): send it ether for gas first", op, from.Hex(), bal, chain, c.endpoint)
	if err != nil {
		msg += fmt.Sprintf(" (the node said: %v)", err)
	}
	return fmt.Errorf("%w: %s", ErrInsufficientFunds, msg)
}

// formatEther writes wei as ether with up to 18 decimals, trailing zeros
// dropped.
func formatEther(wei *big.Int) string {
	if wei == nil {
		return "0"
	}
	q, r := new(big.Int).QuoRem(wei, big.NewInt(1e18), new(big.Int))
	if r.Sign() == 0 {
		return q.String()
	}
	digits := r.String()
	frac := strings.TrimRight(strings.Repeat("0", 18-len(digits))+digits, "0")
	return q.String() + "." + frac
}

// stillIndexing reports go-ethereum's answer for a receipt while it builds
// its transaction index (after a start, or while it catches up): not an
// error of the transaction, and gone in seconds, so the wait goes on.
func stillIndexing(err error) bool {
	return strings.Contains(err.Error(), "transaction indexing is in progress")
}

// waitMined polls for the receipt of hash until it exists, the receipt
// timeout passes (ErrReceiptTimeout) or ctx ends.
func (c *Chain) waitMined(ctx context.Context, op string, hash common.Hash) (*types.Receipt, error) {
	t := time.NewTicker(c.receiptPoll)
	defer t.Stop()
	var timeout <-chan time.Time
	if c.receiptTimeout > 0 {
		tm := time.NewTimer(c.receiptTimeout)
		defer tm.Stop()
		timeout = tm.C
	}
	for {
		rcpt, err := c.backend.TransactionReceipt(ctx, hash)
		if err == nil {
			return rcpt, nil
		}
		if !errors.Is(err, ethereum.NotFound) && !stillIndexing(err) {
			return nil, c.fail(op+": wait for receipt of "+hash.Hex(), err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("contracts: %s: waiting for transaction %s: %w", op, hash.Hex(), ctx.Err())
		case <-timeout:
			return nil, fmt.Errorf("%w: %s: transaction %s was sent to %s but not mined within %s; it may still be: look it up before sending again (a fee too low for the chain's traffic keeps it pending)",
				ErrReceiptTimeout, op, hash.Hex(), c.endpoint, c.receiptTimeout)
		case <-t.C:
		}
	}
}

// call runs a read-only call against the latest block.
func (c *Chain) call(ctx context.Context, op string, to common.Address, data []byte) ([]byte, error) {
	out, err := c.backend.CallContract(ctx, ethereum.CallMsg{To: &to, Data: data}, nil)
	if err != nil {
		return nil, c.fail(op, err)
	}
	if len(out) == 0 {
		if code, codeErr := c.backend.CodeAt(ctx, to, nil); codeErr == nil && len(code) == 0 {
			return nil, fmt.Errorf("%w: %s: no contract code at %s on %s", ErrNotDeployed, op, to.Hex(), c.endpoint)
		}
	}
	return out, nil
}

// fail turns a backend error into a package error: a revert into a
// *RevertError, an unreachable node into ErrChainUnavailable naming the
// endpoint, anything else wrapped with the operation and endpoint.
func (c *Chain) fail(op string, err error) error {
	if d, ok := revertData(err); ok {
		return decodeRevert(op, d)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("contracts: %s: %w", op, err)
	}
	if unreachable(err) {
		return fmt.Errorf("%w at %s: %s: %v", ErrChainUnavailable, c.endpoint, op, err)
	}
	return fmt.Errorf("contracts: %s on %s: %w", op, c.endpoint, err)
}

// unreachable reports whether err means the node could not be talked to, as
// opposed to the node answering with an error.
func unreachable(err error) bool {
	var opErr *net.OpError
	var urlErr *url.Error
	var dnsErr *net.DNSError
	var httpErr rpc.HTTPError
	switch {
	case errors.As(err, &opErr), errors.As(err, &urlErr), errors.As(err, &dnsErr):
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, rpc.ErrClientQuit):
		return true
	case errors.As(err, &httpErr):
		return httpErr.StatusCode >= 500 || httpErr.StatusCode == 429
	}
	return false
}
