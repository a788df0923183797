package coord_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord"
	"github.com/meadow-net/meadow/coord/coordtest"
)

type fakeFaucet struct{}

func (fakeFaucet) Fund(context.Context, common.Address) (api.FaucetGrant, error) {
	return api.FaucetGrant{}, nil
}

// TestFaucetOnlyOnADevNetwork: a coordinator started without the dev
// network's faucet answers POST /v1/dev/faucet 404 saying why, even to a
// well-signed request; and New refuses a faucet on a coordinator whose chain
// is not the in-process simulated one (here: none), so it cannot be switched
// on by accident elsewhere. The faucet's grants and rate limit are tested
// against a dev network in TestBuyTutorial.
func TestFaucetOnlyOnADevNetwork(t *testing.T) {
	c := coordtest.NewTestCluster(t, 1)
	leader := c.WaitLeader()
	s := newSigner(t)
	status, eb := call(t, leader.Config.HTTPAddr, api.RouteDevFaucet, s.envelope(t, api.MethodDevFaucet, api.FaucetRequest{}), &struct{}{})
	if status != 404 || eb.Error.Code != api.CodeNotFound || !strings.Contains(eb.Error.Message, "no faucet") || !strings.Contains(eb.Error.Message, "dev network") {
		t.Errorf("faucet of a coordinator without one: %d %+v, want 404 naming why", status, eb)
	}

	cfg := coordtest.TestConfig("f1", t.TempDir())
	co, err := coord.New(cfg, coord.WithDevFaucet(fakeFaucet{}))
	if err == nil {
		co.Close()
		t.Fatal("New with a faucet and no simulated chain: no error")
	}
	if !strings.Contains(err.Error(), "simulated chain") {
		t.Errorf("New with a faucet and no chain: %v, want it to name the simulated chain", err)
	}
}
