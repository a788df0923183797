package api

import (
	"github.com/ethereum/go-ethereum/common"
)

// The dev faucet: POST /v1/dev/faucet with a MethodDevFaucet envelope (body
// FaucetRequest, an empty object) sends the signer ether for gas and test
// stable tokens. Only the coordinators of a dev network serve it (see
// coord.WithDevFaucet); any other answers 404 saying so.
const (
	MethodDevFaucet = "dev.faucet"
	// RouteDevFaucet is the faucet's route.
	RouteDevFaucet = "/v1/dev/faucet"
)

// FaucetRequest is the body of MethodDevFaucet: the faucet funds the
// envelope's signer, so there is nothing to say (an empty object).
type FaucetRequest struct{}

// Validate has nothing to check.
func (FaucetRequest) Validate() error { return nil }

// FaucetGrant is the faucet's answer: what it sent to whom, in which
// transactions. Amounts are decimal strings of base units (wei; the stable
// token's 6 decimals).
type FaucetGrant struct {
	Address  common.Address `json:"address"`
	Ether    string         `json:"ether_wei"`
	Stable   string         `json:"stable"`
	EtherTx  common.Hash    `json:"ether_tx"`
	StableTx common.Hash    `json:"stable_tx"`
}

// Validate checks the grant (a client reads it from a coordinator).
func (g FaucetGrant) Validate() error {
	var v validator
	if g.Address == (common.Address{}) {
		v.add("address", "", "the funded address")
	}
	checkAmount(&v, "ether_wei", g.Ether)
	checkAmount(&v, "stable", g.Stable)
	return v.err()
}
