package api

import (
	"math/big"
	"net"
	"strconv"

	"github.com/ethereum/go-ethereum/common"
)

// The operator API: membership of the coordinator cluster and epoch
// settlement. Requests are signed Envelopes by an operator key.

// Envelope methods of the operator API.
const (
	MethodJoin   = "operator.join"
	MethodRemove = "operator.remove"
	MethodSettle = "operator.settle"
)

// Member is one coordinator of the Raft cluster.
type Member struct {
	ID       string `json:"id"`
	RaftAddr string `json:"raft_addr"` // host:port of Raft's TCP transport
	HTTPAddr string `json:"http_addr"` // host:port of the HTTP APIs
	Voter    bool   `json:"voter"`
	Leader   bool   `json:"leader"`
}

// Validate checks the member.
func (m Member) Validate() error {
	var v validator
	m.check(&v, "")
	return v.err()
}

func (m Member) check(v *validator, p string) {
	v.id(sub(p, "id"), m.ID)
	checkHostPort(v, sub(p, "raft_addr"), m.RaftAddr)
	checkHostPort(v, sub(p, "http_addr"), m.HTTPAddr)
	if m.Leader && !m.Voter {
		v.add(sub(p, "leader"), "true", "false for a non-voter")
	}
}

// checkHostPort checks host:port with a port from 1 to 65535.
func checkHostPort(v *validator, field, s string) {
	host, port, err := net.SplitHostPort(s)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 1 || n > 65535 || !validHost(host) {
		v.add(field, quote(s), "host:port with a port from 1 to 65535, such as 127.0.0.1:7000")
	}
}

// Members lists the cluster; exactly one member is the leader when the
// cluster has one.
type Members struct {
	Members []Member `json:"members"`
}

// Validate checks every member, that ids are unique and that at most one
// member leads.
func (ms Members) Validate() error {
	var v validator
	ids := make(map[string]int, len(ms.Members))
	leaders := 0
	for i, m := range ms.Members {
		p := at("members", i)
		m.check(&v, p)
		if j, dup := ids[m.ID]; dup {
			v.add(sub(p, "id"), quote(m.ID), "an id no other member has (members["+itoa(int64(j))+"] has it)")
		}
		ids[m.ID] = i
		if m.Leader {
			leaders++
			if leaders > 1 {
				v.add(sub(p, "leader"), "true", "one leader at most")
			}
		}
	}
	return v.err()
}

// JoinRequest asks the leader to add a coordinator (MethodJoin).
type JoinRequest struct {
	ID       string `json:"id"`
	RaftAddr string `json:"raft_addr"`
	HTTPAddr string `json:"http_addr"`
	Voter    bool   `json:"voter"`
}

// Validate checks the request.
func (r JoinRequest) Validate() error {
	return Member{ID: r.ID, RaftAddr: r.RaftAddr, HTTPAddr: r.HTTPAddr, Voter: r.Voter}.Validate()
}

// RemoveRequest asks the leader to remove a coordinator (MethodRemove).
type RemoveRequest struct {
	ID string `json:"id"`
}

// Validate checks the request.
func (r RemoveRequest) Validate() error {
	var v validator
	v.id("id", r.ID)
	return v.err()
}

// SettleRequest asks the leader to settle an epoch (MethodSettle). Epochs
// are numbered from 1; 0 means the next one. Naming the epoch guards against
// settling one twice by running the command twice.
type SettleRequest struct {
	Epoch uint64 `json:"epoch,omitempty"`
}

// Validate checks the request; every epoch number is acceptable here (the
// leader answers a conflict for one that is not next).
func (r SettleRequest) Validate() error { return nil }

// SettleResponse reports an epoch settled and posted on chain: the reward
// tree's root (keccak256, as it goes on chain), how many balances it holds,
// the MEADOW emitted and the stable revenue share it assigned, the work units
// it paid for, the operators whose signatures the root carried and the
// transaction that posted it.
type SettleResponse struct {
	Epoch  uint64      `json:"epoch"`
	Root   common.Hash `json:"root"`
	Leaves int64       `json:"leaves"`
	// Emission (MEADOW, 18 decimals) and RevenueShare (stable, 6 decimals)
	// are in the token's smallest unit, as decimal strings: amounts pass
	// 2^64 and JavaScript's exact integers.
	Emission     string           `json:"emission"`
	RevenueShare string           `json:"revenue_share"`
	Units        uint64           `json:"units"`
	Signers      []common.Address `json:"signers"`
	Tx           common.Hash      `json:"tx"`
	// Referral is the MEADOW the epoch paid referrers out of its referral
	// reserve, and Unminted the rest of the reserve, which was not minted
	// (Emission leaves it out); Referrers each referrer's share, by
	// account, at most MaxSettleReferrers of them (GET
	// /v1/node/{address}/rewards has every account's).
	Referral  string           `json:"referral,omitempty"`
	Unminted  string           `json:"unminted,omitempty"`
	Referrers []ReferralPayout `json:"referrers,omitempty"`
}

// MaxSettleReferrers bounds SettleResponse.Referrers: an epoch of a
// million nodes would otherwise answer with a million shares.
const MaxSettleReferrers = 1000

// ReferralPayout is one referrer's share of an epoch's referral reserve,
// MEADOW in base units.
type ReferralPayout struct {
	Account common.Address `json:"account"`
	Meadow  string         `json:"meadow"`
}

// Validate checks the response.
func (r SettleResponse) Validate() error {
	var v validator
	if r.Epoch == 0 {
		v.add("epoch", "0", "an epoch number from 1")
	}
	if r.Root == (common.Hash{}) {
		v.add("root", quote(r.Root.Hex()), "the reward root, not all zero")
	}
	if r.Leaves < 0 {
		v.add("leaves", itoa(r.Leaves), "a non-negative count")
	}
	checkAmount(&v, "emission", r.Emission)
	checkAmount(&v, "revenue_share", r.RevenueShare)
	if r.Referral != "" {
		checkAmount(&v, "referral", r.Referral)
	}
	if r.Unminted != "" {
		checkAmount(&v, "unminted", r.Unminted)
	}
	if len(r.Referrers) > MaxSettleReferrers {
		v.add("referrers", items(len(r.Referrers)), "at most "+itoa(MaxSettleReferrers))
	}
	for i, p := range r.Referrers {
		checkAmount(&v, sub(at("referrers", i), "meadow"), p.Meadow)
	}
	return v.err()
}

// checkAmount checks a required token amount (validAmount).
func checkAmount(v *validator, field, s string) {
	if !validAmount(s) {
		v.add(field, quote(s), "a non-negative decimal integer without sign or leading zeros, at most 78 digits")
	}
}

// validAmount checks a token amount: a uint256 in decimal.
func validAmount(s string) bool {
	if s == "" || len(s) > 78 || (len(s) > 1 && s[0] == '0') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	n, ok := new(big.Int).SetString(s, 10)
	return ok && n.BitLen() <= 256
}
