package coord

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

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
