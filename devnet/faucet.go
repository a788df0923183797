package devnet

import (
	"context"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
)

// What the dev faucet gives an address, and how often.
var (
	// FaucetEther is ether for gas: a payment costs well under 0.01.
	FaucetEther = new(big.Int).Mul(big.NewInt(1), big.NewInt(1e18))
	// FaucetStable is 1,000 test stable tokens (6 decimals): the price of
	// tens of thousands of rows at the dev network's price.
	FaucetStable = new(big.Int).Mul(big.NewInt(1_000), big.NewInt(1_000_000))
)

// FaucetEvery is how often one address may be funded.
const FaucetEvery = time.Minute

// Faucet is the dev network's faucet (coord.Faucet): it sends FaucetEther
// from the deployer's key and mints FaucetStable of the test stable token,
// at most once per FaucetEvery per address. The network's coordinators
// share one, so asking each in turn gets no more.
type Faucet struct {
	chain *Chain
	now   func() time.Time

	mu   sync.Mutex
	last map[common.Address]time.Time
}

// NewFaucet returns the faucet of chain.
func NewFaucet(chain *Chain) *Faucet {
	return &Faucet{chain: chain, now: time.Now, last: map[common.Address]time.Time{}}
}

var _ coord.Faucet = (*Faucet)(nil)

// Fund sends to its ether and test stable tokens, or refuses with a
// *coord.FaucetWait when it was funded less than FaucetEvery ago.
func (f *Faucet) Fund(ctx context.Context, to common.Address) (api.FaucetGrant, error) {
	f.mu.Lock()
	defer f.mu.Unlock() // one grant at a time: the deployer's nonces
	now := f.now()
	if t, ok := f.last[to]; ok && now.Sub(t) < FaucetEvery {
		return api.FaucetGrant{}, &coord.FaucetWait{Address: to, Wait: FaucetEvery - now.Sub(t)}
	}
	eth, err := f.chain.SendEther(ctx, f.chain.Deployer, to, FaucetEther)
	if err != nil {
		return api.FaucetGrant{}, fmt.Errorf("devnet: faucet: %w", err)
	}
	st, err := f.chain.MintTestStable(ctx, f.chain.Deployer, to, FaucetStable)
	if err != nil {
		return api.FaucetGrant{}, fmt.Errorf("devnet: faucet: %w", err)
	}
	f.last[to] = now
	return api.FaucetGrant{Address: to, Ether: FaucetEther.String(), Stable: FaucetStable.String(),
		EtherTx: eth.TxHash, StableTx: st.TxHash}, nil
}
