package api

import (
	"github.com/ethereum/go-ethereum/common"
)

// Rewards and the chain, as the coordinators publish them. These reads are
// public: balances are leaves of a reward tree whose root is on chain, and
// anyone may check them.

// ChainInfo is what GET /v1/chain answers: the chain the network settles
// on and its contracts, so that a node can claim and a buyer pay without
// being told the addresses by hand. Endpoint is the JSON-RPC URL the
// operators publish, empty when they publish none (then the client brings
// its own, --chain-rpc).
type ChainInfo struct {
	ChainID     uint64         `json:"chain_id"`
	Endpoint    string         `json:"endpoint,omitempty"`
	Distributor common.Address `json:"distributor"`
	Registry    common.Address `json:"registry"`
	Marketplace common.Address `json:"marketplace"`
	Meadow      common.Address `json:"meadow"`
	Stable      common.Address `json:"stable"`
	DeployBlock uint64         `json:"deploy_block"`
	// CommunityFactory creates communities (meadow community create);
	// absent for a network deployed before communities.
	CommunityFactory common.Address `json:"community_factory,omitzero"`
	// PricePerRow is what an accepted row costs a buyer, in stable base
	// units (6 decimals).
	PricePerRow uint64 `json:"price_per_row"`
	// Relay is the answering member's relayer of gasless claims (POST
	// /v1/rewards/relay); absent when it relays none.
	Relay *RelayInfo `json:"relay,omitempty"`
}

// Validate checks the chain description.
func (c ChainInfo) Validate() error {
	var v validator
	if c.ChainID == 0 {
		v.add("chain_id", "0", "the chain's id")
	}
	if c.Distributor == (common.Address{}) {
		v.add("distributor", quote(c.Distributor.Hex()), "the distributor's address, not zero")
	}
	if c.Registry == (common.Address{}) {
		v.add("registry", quote(c.Registry.Hex()), "the registry's address, not zero")
	}
	return v.err()
}

// NodeRewards is what GET /v1/node/{address}/rewards answers: what a node
// earned, settled and not, and the proof that lets it claim.
type NodeRewards struct {
	Address common.Address `json:"address"`
	// Units are the work units earned in all; PendingUnits those not yet in
	// an epoch posted on chain.
	Units        uint64 `json:"units"`
	PendingUnits uint64 `json:"pending_units"`
	// Epoch is the last epoch posted on chain (0 before the first) and
	// Root its reward root.
	Epoch uint64      `json:"epoch"`
	Root  common.Hash `json:"root"`
	// Meadow (18 decimals) and Stable (6 decimals) are the cumulative
	// amounts of the node's leaf in that tree, decimal base units; the
	// distributor pays them less what it paid before. Proof leads from the
	// leaf to Root; empty when the node has no leaf yet.
	Meadow string        `json:"meadow"`
	Stable string        `json:"stable"`
	Proof  []common.Hash `json:"proof"`
	// ClaimedMeadow and ClaimedStable are what the distributor has already
	// paid the node (its claimedMeadow and claimedStable), decimal base
	// units, read from the chain by the answering member; absent when that
	// member has no chain, cannot read it, or the node has nothing settled. A claim
	// pays Meadow minus ClaimedMeadow (and so in stable): a client without
	// chain access (the browser extension) computes a relay fee from them.
	ClaimedMeadow string `json:"claimed_meadow,omitempty"`
	ClaimedStable string `json:"claimed_stable,omitempty"`
	// History lists the posted epochs that paid the node, oldest first.
	History []EpochPayout `json:"history"`
}

// EpochPayout is what one posted epoch paid one node.
// Meadow is what its own work earned; Referral, when present, the MEADOW
// it earned as a referrer, from the epoch's referral reserve (both add to
// its cumulative MEADOW).
type EpochPayout struct {
	Epoch    uint64      `json:"epoch"`
	Units    uint64      `json:"units"`
	Meadow   string      `json:"meadow"`
	Stable   string      `json:"stable"`
	Referral string      `json:"referral,omitempty"`
	Tx       common.Hash `json:"tx"`
}

// Validate checks the rewards.
func (r NodeRewards) Validate() error {
	var v validator
	if r.Address == (common.Address{}) {
		v.add("address", quote(r.Address.Hex()), "the node's address, not zero")
	}
	checkAmount(&v, "meadow", r.Meadow)
	checkAmount(&v, "stable", r.Stable)
	if r.ClaimedMeadow != "" {
		checkAmount(&v, "claimed_meadow", r.ClaimedMeadow)
	}
	if r.ClaimedStable != "" {
		checkAmount(&v, "claimed_stable", r.ClaimedStable)
	}
	for i, h := range r.History {
		p := at("history", i)
		if h.Epoch == 0 {
			v.add(sub(p, "epoch"), "0", "an epoch number from 1")
		}
		checkAmount(&v, sub(p, "meadow"), h.Meadow)
		checkAmount(&v, sub(p, "stable"), h.Stable)
		if h.Referral != "" {
			checkAmount(&v, sub(p, "referral"), h.Referral)
		}
	}
	return v.err()
}
