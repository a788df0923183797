package buyer

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
)

// routeChain describes the chain the network settles on.
const routeChain = "/v1/chain"

// Chain describes the chain and contracts the network settles on and its
// price per row.
func (b *Client) Chain(ctx context.Context) (api.ChainInfo, error) {
	var out api.ChainInfo
	if err := b.c.Get(ctx, routeChain, &out); err != nil {
		return out, err
	}
	return out, out.Validate()
}

// Errors of Pay.
var (
	// ErrNotDone is returned for a job whose price is not known yet.
	ErrNotDone = errors.New("buyer: job not done")
	// ErrPaid is returned for a job already paid in full.
	ErrPaid = errors.New("buyer: job already paid")
	// ErrNoPrice is returned for a job on a network without payments.
	ErrNoPrice = errors.New("buyer: job has no price")
)

// Payment is what Pay paid and what the network saw.
type Payment struct {
	JobID  string      `json:"job_id"`
	Amount *big.Int    `json:"amount"` // stable base units (6 decimals)
	Price  *big.Int    `json:"price"`
	Tx     common.Hash `json:"tx"`
	Epoch  uint64      `json:"epoch"`
	// Payer is the buyer the marketplace's Paid event names: the buyer's
	// own address, or the account it paid as (PaySource).
	Payer common.Address `json:"payer"`
	// Seen is how long the coordinators took to count the payment.
	Seen time.Duration `json:"seen_ns"`
}

// Pay pays on chain, from the buyer's key, what a done job still owes
// (its price less what was paid), then waits until the coordinators have
// counted the payment, so that the job's data can be downloaded when Pay
// returns. ch must be attached to the network's contracts (Chain tells which).
func (b *Client) Pay(ctx context.Context, ch *contracts.Chain, jobID string, every time.Duration) (Payment, error) {
	return b.PayFrom(ctx, ch, jobID, PaySource{}, every)
}

// PaySource says where a payment comes from. The zero value is the buyer's
// own stable tokens.
type PaySource struct {
	// Account is an ERC-6551 account whose token the buyer's key holds (a
	// community's account, token 0's): the account pays from its own
	// stable tokens, through the key (contracts.Chain.PayAs), and is the
	// payment's buyer on chain.
	Account common.Address
	// Vault, when set, pays from compute credits in that vault instead of
	// stable tokens: the buyer's own credits, or Account's with Account
	// (contracts.Chain.PayWithCredits, PayWithCreditsAs).
	Vault common.Address
}

// String says where the money comes from, for messages.
func (s PaySource) String() string {
	who := "the buyer's key"
	if s.Account != (common.Address{}) {
		who = "account " + s.Account.Hex()
	}
	if s.Vault != (common.Address{}) {
		return "the credits of " + who + " in vault " + s.Vault.Hex()
	}
	return who
}

// PayFrom is Pay from src.
func (b *Client) PayFrom(ctx context.Context, ch *contracts.Chain, jobID string, src PaySource, every time.Duration) (Payment, error) {
	if b.key == nil {
		return Payment{}, fmt.Errorf("buyer: pay for job %s: no buyer key (--key)", jobID)
	}
	st, err := b.Status(ctx, jobID)
	if err != nil {
		return Payment{}, err
	}
	price, paid, err := owed(st)
	if err != nil {
		return Payment{}, err
	}
	left := new(big.Int).Sub(price, paid)
	if left.Sign() <= 0 {
		return Payment{}, fmt.Errorf("%w: job %s costs %s and %s was paid", ErrPaid, jobID, price, paid)
	}
	me := crypto.PubkeyToAddress(b.key.PublicKey)
	payer := me
	if src.Account != (common.Address{}) {
		payer = src.Account
	}
	if src.Vault != (common.Address{}) {
		// Checked before anything is sent, with the numbers a person
		// needs: the vault would refuse (InsufficientCredits) after gas.
		credits, err := ch.Credits(ctx, src.Vault, payer)
		if err != nil {
			return Payment{}, fmt.Errorf("buyer: pay for job %s from %s: %w", jobID, src, err)
		}
		if credits.Cmp(left) < 0 {
			return Payment{}, fmt.Errorf("buyer: pay for job %s from %s: %w: %s holds %s base units of credits there, the job owes %s (harvest the vault's yield first, or pay in stable)",
				jobID, src, contracts.ErrInsufficientCredits, payer.Hex(), credits, left)
		}
	}
	var p contracts.Payment
	if src.Account != (common.Address{}) {
		// Checked before anything is sent: the account would refuse the
		// call anyway (NotAuthorized), after the key paid for gas.
		owner, err := ch.AccountOwner(ctx, src.Account)
		if err != nil {
			return Payment{}, fmt.Errorf("buyer: pay for job %s from account %s: %w", jobID, src.Account.Hex(), err)
		}
		if owner != me {
			return Payment{}, fmt.Errorf("buyer: pay for job %s from account %s: %w: the account is controlled by the holder of its token, %s, not by this key's %s",
				jobID, src.Account.Hex(), contracts.ErrNotAccountHolder, owner.Hex(), me.Hex())
		}
		if src.Vault != (common.Address{}) {
			p, err = ch.PayWithCreditsAs(ctx, b.key, src.Account, src.Vault, contracts.JobKey(jobID), left)
		} else {
			p, err = ch.PayAs(ctx, b.key, src.Account, contracts.JobKey(jobID), left)
		}
	} else if src.Vault != (common.Address{}) {
		p, err = ch.PayWithCredits(ctx, b.key, src.Vault, contracts.JobKey(jobID), left)
	} else {
		p, err = ch.Pay(ctx, b.key, contracts.JobKey(jobID), left)
	}
	if err != nil {
		return Payment{}, fmt.Errorf("buyer: pay %s for job %s from %s: %w", left, jobID, src, err)
	}
	t0 := time.Now()
	for {
		st, err := b.Status(ctx, jobID)
		if err != nil {
			return Payment{}, err
		}
		if got, ok := new(big.Int).SetString(st.Paid, 10); ok && got.Cmp(price) >= 0 {
			return Payment{JobID: jobID, Amount: left, Price: price, Tx: p.TxHash, Epoch: p.Epoch, Payer: p.Buyer, Seen: time.Since(t0)}, nil
		}
		select {
		case <-ctx.Done():
			return Payment{}, fmt.Errorf("buyer: job %s: paid %s in transaction %s, but the coordinators have not counted it yet (they wait for confirmations): %w", jobID, left, p.TxHash.Hex(), ctx.Err())
		case <-time.After(every):
		}
	}
}

func owed(st api.JobStatus) (price, paid *big.Int, err error) {
	if st.PricePerRow == 0 {
		return nil, nil, fmt.Errorf("%w: job %s: this network takes no payments (no chain)", ErrNoPrice, st.ID)
	}
	if st.State != api.JobDone || st.Price == "" {
		return nil, nil, fmt.Errorf("%w: job %s is %s; its price is known once its rows are verified", ErrNotDone, st.ID, st.State)
	}
	price, ok1 := new(big.Int).SetString(st.Price, 10)
	paid, ok2 := new(big.Int).SetString(st.Paid, 10)
	if !ok1 || !ok2 {
		return nil, nil, fmt.Errorf("buyer: job %s: price %q, paid %q: expected decimal amounts", st.ID, st.Price, st.Paid)
	}
	return price, paid, nil
}

// CheckRegistry waits until the chain's registry holds the dataset's root
// (the coordinators post it once the dataset is complete) and checks it is
// root with rows rows.
func CheckRegistry(ctx context.Context, ch *contracts.Chain, datasetID string, root common.Hash, rows uint64, every time.Duration) (common.Hash, error) {
	key := contracts.DatasetKey(datasetID)
	for {
		got, n, ok, err := ch.DatasetRoot(ctx, key)
		if err != nil {
			return common.Hash{}, err
		}
		if ok {
			if got != root || n != rows {
				return got, fmt.Errorf("buyer: dataset %s: the registry holds root %s with %d rows, the manifest says %s with %d", datasetID, got.Hex(), n, root.Hex(), rows)
			}
			return got, nil
		}
		select {
		case <-ctx.Done():
			return common.Hash{}, fmt.Errorf("buyer: dataset %s: its root is not in the registry yet: %w", datasetID, ctx.Err())
		case <-time.After(every):
		}
	}
}
