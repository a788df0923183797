package coord

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/valyala/fasthttp"

	"github.com/meadow-net/meadow/api"
)

// The dev faucet (POST /v1/dev/faucet). A buyer with a new key on the dev
// network holds no ether for gas and no stable tokens to pay with; the
// faucet sends it some. It exists only where it cannot give away anything
// of value: WithDevFaucet is an option of the Go API (no flag, config key or
// environment variable of meadow coord sets it), and New refuses it unless
// the coordinator's chain is the in-process simulated one, which only a dev
// network (devnet, meadow dev) runs. Every other coordinator answers 404
// saying why.

// Faucet funds an address on a dev chain. It decides how much and how often:
// a *FaucetWait error refuses an address funded too recently.
type Faucet interface {
	Fund(ctx context.Context, to common.Address) (api.FaucetGrant, error)
}

// FaucetWait is a Faucet's refusal of an address it funded recently: it
// may ask again after Wait.
type FaucetWait struct {
	Address common.Address
	Wait    time.Duration
}

func (e *FaucetWait) Error() string {
	return fmt.Sprintf("coord: faucet: %s was funded recently; ask again in %s", e.Address.Hex(), e.Wait.Round(time.Second))
}

// ErrNoFaucet is the answer of a coordinator that has no faucet.
var ErrNoFaucet = errors.New("coord: this coordinator has no faucet: only the coordinators of a dev network " +
	"(meadow dev, an in-process simulated chain) give test funds; on any other network a buyer pays from its own wallet " +
	"(ether for gas, and the network's stable token)")

// WithDevFaucet gives the coordinator a faucet. New refuses it unless the
// coordinator also has the in-process simulated chain (WithChain).
func WithDevFaucet(f Faucet) Option { return func(o *options) { o.faucet = f } }

// setFaucet installs f after checking that the chain is a simulated one.
func (c *Coordinator) setFaucet(f Faucet) error {
	if f == nil {
		return nil
	}
	if c.chain == nil || c.chain.Simulated() == nil {
		return invalidf("dev faucet: expected the in-process simulated chain (a dev network); a coordinator on any other chain has no faucet")
	}
	c.faucet = f
	return nil
}

// faucetTimeout bounds one grant: two transactions on the in-process chain.
const faucetTimeout = 30 * time.Second

// serveFaucet answers POST /v1/dev/faucet on the member asked (the chain,
// not Raft, holds what it gives). The envelope's nonce is spent in this
// member's memory, as for reads.
func (c *Coordinator) serveFaucet(ctx *fasthttp.RequestCtx) {
	if !ctx.IsPost() {
		c.methodNotAllowed(ctx, "POST")
		return
	}
	if c.faucet == nil {
		c.replyStatus(ctx, fasthttp.StatusNotFound, api.ErrorDetail{Code: api.CodeNotFound, Message: ErrNoFaucet.Error()})
		return
	}
	var req api.FaucetRequest
	o, err := c.openBody(ctx, api.MethodDevFaucet, &req)
	if err == nil {
		err = c.useWorkNonce(o.addr, o.sg.Nonce)
	}
	if err != nil {
		c.reply(ctx, nil, err)
		return
	}
	rctx, cancel := context.WithTimeout(context.Background(), faucetTimeout)
	defer cancel()
	g, err := c.faucet.Fund(rctx, o.signer)
	if w := (*FaucetWait)(nil); errors.As(err, &w) {
		secs := int64(w.Wait/time.Second) + 1
		ctx.Response.Header.Set("Retry-After", strconv.FormatInt(secs, 10))
		c.replyStatus(ctx, fasthttp.StatusTooManyRequests, api.ErrorDetail{Code: api.CodeRateLimited, Message: err.Error()})
		return
	}
	if err != nil {
		c.log.Warn("faucet", "to", o.signer, "err", err)
		c.replyStatus(ctx, fasthttp.StatusServiceUnavailable, api.ErrorDetail{Code: api.CodeUnavailable, Message: "coord: faucet: " + err.Error()})
		return
	}
	c.reply(ctx, g, nil)
}
