package coord

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/contracts"
	"github.com/meadow-net/meadow/coord/state"
)

// Communities' datasets (issue 15; docs/ARCHITECTURE.md, "Communities and
// their datasets"). A community's jobs have its ERC-6551 account as their
// buyer (the token-bound account of its membership collection's token 0).
// Such an account signs nothing itself, so the state's rule (the buyer and
// its grantees) would leave its datasets unreadable: a reader the state
// refuses may still read a job whose buyer is a token-bound account when it
// holds a token of that account's collection now — read from the chain at
// request time, at the head less the watcher's confirmations, so a transfer
// counts once it is that deep and a former holder is refused as soon as it
// is. Nothing of it goes through Raft: it is a read of the chain, the same on
// every member that sees the same blocks.
//
// The answer is never cached; only "this buyer is no token-bound account"
// is, for a minute, so that the jobs of ordinary buyers cost no chain read
// per refusal. (An address's code can appear later — a token-bound
// account's address is known before the account is made — hence not
// forever.)

// notAccountTTL is how long a buyer found to be no token-bound account is
// not asked again.
const notAccountTTL = time.Minute

// communityReads remembers the buyers that are not token-bound accounts.
type communityReads struct {
	mu  sync.Mutex
	not map[common.Address]time.Time // buyer → when it was found not to be one
}

// memberRead decides a read the state refused (err wraps
// state.ErrForbidden) of a job bought by buyer: nil when reader holds a
// token of the buyer's community now, else err unchanged, or an error
// saying the chain could not be asked.
func (c *Coordinator) memberRead(ctx context.Context, buyer common.Address, reader string, err error) error {
	if c.chain == nil || !errors.Is(err, state.ErrForbidden) || !common.IsHexAddress(reader) {
		return err
	}
	now := time.Now()
	c.community.mu.Lock()
	at, known := c.community.not[buyer]
	c.community.mu.Unlock()
	if known && now.Sub(at) < notAccountTTL {
		return err
	}
	head, herr := c.chain.Head(ctx)
	if herr != nil {
		return fmt.Errorf("%w: checking whether %s holds a membership of the community of %s: %v", contracts.ErrChainUnavailable, reader, buyer.Hex(), herr)
	}
	block := uint64(0)
	if head > c.cfg.ChainConfirmations {
		block = head - c.cfg.ChainConfirmations
	}
	ok, merr := c.chain.IsMember(ctx, buyer, common.HexToAddress(reader), block)
	switch {
	case merr == nil && ok:
		return nil
	case merr == nil:
		return fmt.Errorf("%w (%s holds no membership of the community whose account %s bought it, at block %d)", err, reader, buyer.Hex(), block)
	case errors.Is(merr, contracts.ErrNotContract) || errors.Is(merr, contracts.ErrNotTokenBoundAccount):
		c.community.mu.Lock()
		if c.community.not == nil {
			c.community.not = map[common.Address]time.Time{}
		}
		if len(c.community.not) > 100_000 {
			clear(c.community.not)
		}
		c.community.not[buyer] = now
		c.community.mu.Unlock()
		return err
	default:
		return fmt.Errorf("%w: checking whether %s holds a membership of the community of %s: %v", contracts.ErrChainUnavailable, reader, buyer.Hex(), merr)
	}
}

// Acting for a community. A token-bound account signs nothing: its token's
// holder signs for it. A job spec naming an account (api.JobSpec.Account)
// is bought by the account when the signer holds the account's token now;
// the job's buyer is then the account, and the same holder (whoever holds
// the token when they ask) pauses, resumes, cancels and grants for it. The
// holder is read at the chain's head: acting needs control now, and what a
// stale holder could do with it costs the community nothing, since paying
// for the job is the account's own call on chain.

// errNotHolder is a request on behalf of an account by someone who does not
// hold its token.
var errNotHolder = errors.New("not the holder of the account's token")

// buyerOf returns the buyer of a job that signer submits with spec: the
// signer, or the account spec names when signer holds its token.
func (c *Coordinator) buyerOf(ctx context.Context, signer common.Address, spec api.JobSpec) (common.Address, error) {
	if spec.Account == "" {
		return signer, nil
	}
	account := common.HexToAddress(spec.Account)
	if account == signer {
		return signer, nil
	}
	if c.chain == nil {
		return common.Address{}, &state.FieldError{Field: "account", Err: fmt.Errorf("%w: %s: expected no account on a network without a chain (nothing can tell who holds it)", ErrInvalid, spec.Account)}
	}
	if err := c.actsFor(ctx, signer, account); err != nil {
		if errors.Is(err, contracts.ErrChainUnavailable) {
			return common.Address{}, err
		}
		return common.Address{}, &state.FieldError{Field: "account", Err: err}
	}
	return account, nil
}

// actsFor returns nil when signer holds the token of the ERC-6551 account
// `account` now; otherwise an error wrapping state.ErrForbidden (or
// contracts.ErrChainUnavailable) that says why.
func (c *Coordinator) actsFor(ctx context.Context, signer, account common.Address) error {
	owner, err := c.chain.AccountOwner(ctx, account)
	switch {
	case errors.Is(err, contracts.ErrChainUnavailable):
		return fmt.Errorf("%w: reading who holds the token of account %s: %v", contracts.ErrChainUnavailable, account.Hex(), err)
	case err != nil:
		return fmt.Errorf("%w: %s is not a token-bound account whose token %s holds: %v", state.ErrForbidden, account.Hex(), signer.Hex(), err)
	case owner != signer:
		return fmt.Errorf("%w: %s is %s (%s holds it)", state.ErrForbidden, signer.Hex(), errNotHolder, owner.Hex())
	}
	return nil
}

// jobActor returns who a request about job id signed by signer acts as:
// the job's buyer when the buyer is an account whose token signer holds,
// else the signer (whom the state then refuses if it is not the buyer).
func (c *Coordinator) jobActor(ctx context.Context, signer common.Address, id string) (common.Address, error) {
	if c.chain == nil {
		return signer, nil
	}
	var buyer common.Address
	c.fsm.read(func(s *state.State) {
		if j, ok := s.Jobs[id]; ok {
			buyer = j.Buyer
		}
	})
	if buyer == (common.Address{}) || buyer == signer {
		return signer, nil
	}
	if err := c.actsFor(ctx, signer, buyer); err != nil {
		if errors.Is(err, contracts.ErrChainUnavailable) {
			return common.Address{}, err
		}
		return signer, nil
	}
	return buyer, nil
}
