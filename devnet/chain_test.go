package devnet

import (
	"context"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/meadow-net/meadow/contracts"
)

func TestStartChain(t *testing.T) {
	ctx := context.Background()
	c, err := StartChain(ctx, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Addrs.Validate(); err != nil {
		t.Fatalf("addresses: %v", err)
	}
	bal, err := c.BalanceOf(ctx, contracts.TokenStable, c.BuyerAddress())
	if err != nil {
		t.Fatal(err)
	}
	if bal.Cmp(BuyerFunds) != 0 {
		t.Fatalf("buyer holds %s stable units, want %s", bal, BuyerFunds)
	}
	// Each coordinator's relayer has ether for the gas of gasless claims.
	if len(c.Relayers) != 3 {
		t.Fatalf("%d relayers, want one per coordinator", len(c.Relayers))
	}
	for _, k := range c.Relayers {
		if eth, err := c.EtherBalance(ctx, crypto.PubkeyToAddress(k.PublicKey)); err != nil || eth.Sign() == 0 {
			t.Fatalf("relayer ether %v %v, want some", eth, err)
		}
	}
}
