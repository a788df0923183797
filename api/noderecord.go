package api

import (
	"regexp"
	"strconv"
)

// NodeRecord is a node's record as the coordinators keep it: what GET
// /v1/node/{address} answers. It is the one type both sides use: the
// coordinator writes its state's node through it and the node's dashboard
// and `meadow node status` read it, so that a field renamed on one side
// fails to compile on the other instead of showing zeros (issue 18: the
// dashboard read work_units and tasks_accepted while the coordinator sent
// units and tasks).
type NodeRecord struct {
	// Address is the node's identity, lowercase 0x-hex; Operator whoever
	// runs it (the node's own address when it named none).
	Address  string `json:"address"`
	Operator string `json:"operator"`
	// IP and Network (its /24 or /48) are where a person lives: only the
	// node itself (a node.read envelope) and operators are shown them.
	IP      string `json:"ip,omitempty"`
	Network string `json:"network,omitempty"`

	Caps         Capabilities `json:"caps"`
	RegisteredAt int64        `json:"registered_at"` // unix ms
	// Referrer is the node this node named when it first registered, whose
	// referral share its rewards earn; empty when none.
	Referrer string `json:"referrer,omitempty"`

	// Reputation is in parts per million; below the scheduler's floor the
	// node gets no leases. Agreeing counts its verified replicated tasks
	// in a row that agreed with the majority.
	Reputation uint32 `json:"reputation"`
	Agreeing   int    `json:"agreeing"`
	// Units are the work units earned in all (rows accepted into verified
	// tasks); PendingUnits those not yet in an epoch posted on chain.
	Units        uint64 `json:"units"`
	PendingUnits uint64 `json:"pending_units"`
	// RowsAccepted and RowsRejected count the node's revealed rows in
	// verified tasks by the majority's verdict.
	RowsAccepted uint64 `json:"rows_accepted"`
	RowsRejected uint64 `json:"rows_rejected"`
	// Tasks counts the verified tasks the node revealed rows for (the
	// dashboard's "tasks accepted"); Expired its leases that ran past
	// their deadline.
	Tasks   uint64 `json:"tasks"`
	Expired uint64 `json:"expired"`
}

// MaxReputation is a reputation of one million parts per million.
const MaxReputation = 1_000_000

var reLowerAddress = regexp.MustCompile(`^0x[0-9a-f]{40}$`)

// Validate checks the record.
func (r NodeRecord) Validate() error {
	var v validator
	if !reLowerAddress.MatchString(r.Address) {
		v.add("address", quote(r.Address), "a lowercase 0x-prefixed 20-byte hex address")
	}
	if r.Operator != "" && !reLowerAddress.MatchString(r.Operator) {
		v.add("operator", quote(r.Operator), "a lowercase 0x-prefixed 20-byte hex address")
	}
	if r.Referrer != "" && (!reLowerAddress.MatchString(r.Referrer) || r.Referrer == r.Address) {
		v.add("referrer", quote(r.Referrer), "a lowercase 0x-prefixed 20-byte hex address of another node")
	}
	v.between("reputation", int64(r.Reputation), 0, MaxReputation)
	v.between("registered_at", r.RegisteredAt, 0, maxDeadline)
	if r.PendingUnits > r.Units {
		v.add("pending_units", strconv.FormatUint(r.PendingUnits, 10), "at most units ("+strconv.FormatUint(r.Units, 10)+")")
	}
	return v.err()
}
