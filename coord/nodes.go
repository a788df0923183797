package coord

import (
	"context"
	"fmt"

	"github.com/meadow-net/meadow/coord/state"
)

// RegisterNode registers a home node, or updates a known one's IP and
// capabilities. r.IP must be the address the request came from, as this
// member saw it. Only the leader can.
func (c *Coordinator) RegisterNode(ctx context.Context, r state.Registration) (state.Node, error) {
	return c.registerNode(ctx, r, Signed{})
}

func (c *Coordinator) registerNode(ctx context.Context, r state.Registration, sg Signed) (state.Node, error) {
	if err := r.Validate(); err != nil {
		return state.Node{}, err
	}
	v, err := c.propose(ctx, MsgNodeRegister, nodeRegisterCmd{Registration: r, Signed: sg, Now: c.now()})
	if err != nil {
		return state.Node{}, err
	}
	n, ok := v.(state.Node)
	if !ok {
		return state.Node{}, fmt.Errorf("coord: register node: apply returned %T", v)
	}
	return n, nil
}

// Node returns a registered node from this member's state (which may lag the
// leader's; see AppliedIndex).
func (c *Coordinator) Node(addr string) (n state.Node, err error) {
	c.fsm.read(func(st *state.State) { n, err = st.Node(addr) })
	return n, err
}

// StateDigest returns a digest of this member's whole state, for tests and
// operators that check that the replicas agree.
func (c *Coordinator) StateDigest() (string, error) {
	return c.fsm.digest()
}
