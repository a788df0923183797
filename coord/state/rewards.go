package state

import (
	"bytes"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum/common"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/rewards"
)

// Rewards is the network's account of what nodes earned and buyers paid:
// the payments seen on chain, the epochs settled, and every account's
// cumulative balance as of the last epoch posted on chain.
//
// Settlement has two steps, because the chain may refuse or never see a
// root: ProposeEpoch computes an epoch from the work units pending and the
// amounts the leader read from the chain, and keeps it as the Proposal
// (replacing an earlier one for the same epoch); EpochPosted, once the root
// is on chain, makes the proposal the new balances and takes its units out
// of the nodes' pending units. Units earned in between stay pending for the
// next epoch.
type Rewards struct {
	// Epoch is the last epoch posted on chain, 0 before the first.
	Epoch uint64 `json:"epoch"`
	// Balances are every account's cumulative amounts after Epoch: the
	// leaves of the latest reward tree.
	Balances map[rewards.Address]rewards.Balance `json:"balances"`
	// Carry is what rounding left over after Epoch, for the next epoch.
	Carry rewards.Balance `json:"carry"`
	// Proposal is the next epoch, settled but not yet posted.
	Proposal *EpochProposal `json:"proposal,omitempty"`
	// Epochs are the posted epochs, in order.
	Epochs []EpochRecord `json:"epochs"`
	// Payments are the marketplace payments seen, by Payment.ID.
	Payments map[string]Payment `json:"payments"`
	// Pending holds the payments for a job id on chain that no job of this
	// state had when they were recorded (Payment.Key → Payment.IDs, in
	// the order recorded): SubmitJob attributes them when the job appears, so
	// a payment is never counted against nothing (issue 17, item 11).
	Pending map[common.Hash][]string `json:"pending,omitempty"`
	// Reports are a work group's reports to the settling group, by epoch,
	// not yet posted (groupreport.go); Included is, on the settling
	// group, the epoch of each other group's last report posted.
	Reports  map[uint64]*GroupReport `json:"reports,omitempty"`
	Included map[string]uint64       `json:"included,omitempty"`
}

// Payment is one marketplace payment as the leader's watcher saw it.
type Payment struct {
	ID    string `json:"id"` // contracts.Payment.ID: tx hash and log index
	JobID string `json:"job_id,omitempty"`
	// Key is the job's id on chain as the payment named it
	// (contracts.JobKey); the state finds the job from it when JobID is
	// not one of its jobs.
	Key   common.Hash    `json:"key,omitzero"`
	Buyer common.Address `json:"buyer"`
	// Amount is in stable base units; Epoch the chain epoch it counts toward.
	Amount *big.Int `json:"amount"`
	Epoch  uint64   `json:"epoch"`
	Block  uint64   `json:"block"`
	SeenAt int64    `json:"seen_at"`
}

// EpochProposal is an epoch settled from the state and the chain's limits,
// waiting to be posted.
type EpochProposal struct {
	Epoch uint64      `json:"epoch"`
	Root  common.Hash `json:"root"`
	// Emission is the MEADOW the root mints (rewards.SettleOutput.Mint):
	// Schedule, the most the chain allowed, less the referral reserve not
	// paid out (Unminted). Referral is what the reserve paid referrers.
	Emission     *big.Int `json:"emission"`
	Schedule     *big.Int `json:"schedule,omitempty"`
	Referral     *big.Int `json:"referral,omitempty"`
	Unminted     *big.Int `json:"unminted,omitempty"`
	RevenueShare *big.Int `json:"revenue_share"`
	// Units are the pending work units settled, by node address.
	Units      map[string]uint64 `json:"units"`
	TotalUnits uint64            `json:"total_units"`
	// Balances and Carry are what Rewards' become once posted.
	Balances   map[rewards.Address]rewards.Balance `json:"balances"`
	Carry      rewards.Balance                     `json:"carry"`
	Payouts    []rewards.Payout                    `json:"payouts"`
	ProposedAt int64                               `json:"proposed_at"`
	// Groups are the epochs of the other groups' reports settled, by
	// group id (a network of several groups).
	Groups map[string]uint64 `json:"groups,omitempty"`
}

// EpochRecord is a posted epoch.
type EpochRecord struct {
	Epoch    uint64      `json:"epoch"`
	Root     common.Hash `json:"root"`
	Emission *big.Int    `json:"emission"`
	// Schedule, Referral and Unminted are the proposal's (EpochProposal).
	Schedule     *big.Int         `json:"schedule,omitempty"`
	Referral     *big.Int         `json:"referral,omitempty"`
	Unminted     *big.Int         `json:"unminted,omitempty"`
	RevenueShare *big.Int         `json:"revenue_share"`
	TotalUnits   uint64           `json:"total_units"`
	Payouts      []rewards.Payout `json:"payouts"`
	Tx           common.Hash      `json:"tx"`
	PostedAt     int64            `json:"posted_at"`
}

// EpochSettle is the leader's command to settle the next epoch, with the
// amounts it read from the chain's distributor (emissionLimit and
// revenueShareLimit for the epoch).
type EpochSettle struct {
	Epoch        uint64   `json:"epoch"`
	Emission     *big.Int `json:"emission"`
	RevenueShare *big.Int `json:"revenue_share"`
	// SharedNetworkOK lets a referrer on the referee's /24 or /48 earn
	// (coord.Config.SharedNetworkOK: the local development network only,
	// where every node is on loopback), as it lets replicas share one.
	SharedNetworkOK bool `json:"shared_network_ok,omitempty"`
	// Groups are the other work groups' reports for the epoch (a network
	// of several groups, settled by its first): their units are settled
	// with this group's.
	Groups []GroupReport `json:"groups,omitempty"`
}

func (r *Rewards) fill() {
	if r.Balances == nil {
		r.Balances = map[rewards.Address]rewards.Balance{}
	}
	if r.Payments == nil {
		r.Payments = map[string]Payment{}
	}
	if r.Carry.Meadow == nil {
		r.Carry.Meadow = new(big.Int)
	}
	if r.Carry.Stable == nil {
		r.Carry.Stable = new(big.Int)
	}
}

// RecordPayment counts a payment once: a payment already recorded (the
// watcher delivers again after a restart or a change of leader) changes
// nothing and reports false. A payment for a job of this network adds to the
// job's paid amount; the job is JobID when the state has it, else the job
// whose id on chain is Key (resolved here, in log order, not from the
// leader's possibly stale view). A payment for a Key no job has yet is held
// in Pending and attributed when that job is added.
func (s *State) RecordPayment(p Payment) (bool, error) {
	switch {
	case p.ID == "":
		return false, invalidf("payment.id: expected the transaction hash and log index")
	case p.Amount == nil || p.Amount.Sign() <= 0:
		return false, invalidf("payment.amount: expected a positive amount")
	case p.Epoch == 0:
		return false, invalidf("payment.epoch: expected an epoch from 1")
	}
	if _, seen := s.Rewards.Payments[p.ID]; seen {
		return false, nil
	}
	p.Amount = new(big.Int).Set(p.Amount)
	if _, ok := s.Jobs[p.JobID]; !ok {
		p.JobID = ""
		if id, ok := s.idx.jobKeys[p.Key]; ok && p.Key != (common.Hash{}) {
			p.JobID = id
		}
	}
	if j, ok := s.Jobs[p.JobID]; ok {
		j.Paid = new(big.Int).Add(j.PaidAmount(), p.Amount)
	} else if p.Key != (common.Hash{}) {
		if s.Rewards.Pending == nil {
			s.Rewards.Pending = map[common.Hash][]string{}
		}
		s.Rewards.Pending[p.Key] = append(s.Rewards.Pending[p.Key], p.ID)
	}
	s.Rewards.Payments[p.ID] = p
	return true, nil
}

// attributePayments gives job j the payments held for its id on chain.
func (s *State) attributePayments(j *Job, key common.Hash) {
	ids := s.Rewards.Pending[key]
	if len(ids) == 0 {
		return
	}
	for _, id := range ids {
		p, ok := s.Rewards.Payments[id]
		if !ok || p.JobID != "" {
			continue
		}
		p.JobID = j.ID
		s.Rewards.Payments[id] = p
		j.Paid = new(big.Int).Add(j.PaidAmount(), p.Amount)
	}
	delete(s.Rewards.Pending, key)
}

// PendingPayments returns how many recorded payments wait for their job.
func (s *State) PendingPayments() int {
	n := 0
	for _, ids := range s.Rewards.Pending {
		n += len(ids)
	}
	return n
}

// Revenue returns the payments seen for a chain epoch.
func (s *State) Revenue(epoch uint64) *big.Int {
	sum := new(big.Int)
	for _, p := range s.Rewards.Payments {
		if p.Epoch == epoch {
			sum.Add(sum, p.Amount)
		}
	}
	return sum
}

// ProposeEpoch settles the next epoch (rewards.Settle) over the nodes'
// pending work units, their referrals (settleReferrals), the cumulative
// balances and the carry, and keeps the result as the proposal, replacing
// any earlier proposal. c.Emission is the most the chain allows; the
// proposal's Emission, what the root mints, leaves out the referral
// reserve that referrers did not earn.
func (s *State) ProposeEpoch(c EpochSettle, now int64) (*EpochProposal, error) {
	r := &s.Rewards
	if want := r.Epoch + 1; c.Epoch != want {
		return nil, conflictf("epoch %d: expected %d, the epoch after the last posted", c.Epoch, want)
	}
	units := map[string]uint64{}
	in := rewards.SettleInput{
		Epoch:        c.Epoch,
		Params:       rewards.DefaultParams(),
		Balances:     r.Balances,
		Units:        map[rewards.Address]uint64{},
		Emission:     c.Emission,
		RevenueShare: c.RevenueShare,
		Carry:        r.Carry,
	}
	for _, addr := range sortedKeys(s.Nodes) {
		n := s.Nodes[addr]
		if n.PendingUnits == 0 {
			continue
		}
		a, err := rewards.ParseAddress(addr)
		if err != nil {
			return nil, invalidf("node %s: %v", addr, err)
		}
		units[addr] = n.PendingUnits
		in.Units[a] = n.PendingUnits
	}
	in.Referrals = s.settleReferrals(units, c.SharedNetworkOK)
	var groups map[string]uint64
	if len(c.Groups) > 0 {
		if err := addGroupReports(c.Groups, units, &in); err != nil {
			return nil, err
		}
		groups = map[string]uint64{}
		for _, g := range c.Groups {
			groups[g.Group] = g.Epoch
		}
	}
	out, err := rewards.Settle(in)
	if err != nil {
		return nil, invalidf("settle epoch %d: %v", c.Epoch, err)
	}
	tree, err := rewards.BuildTree(out.Leaves)
	if err != nil {
		return nil, invalidf("settle epoch %d: reward tree: %v", c.Epoch, err)
	}
	p := &EpochProposal{
		Epoch: c.Epoch, Root: tree.Root(),
		Emission: out.Mint, Schedule: new(big.Int).Set(c.Emission), Referral: out.Referral, Unminted: out.Unminted,
		RevenueShare: new(big.Int).Set(c.RevenueShare),
		Units:        units, TotalUnits: out.TotalUnits,
		Balances: out.Balances, Carry: out.Carry, Payouts: out.Payouts,
		ProposedAt: now, Groups: groups,
	}
	r.Proposal = p
	return p, nil
}

// EpochPosted records that the proposal for epoch, with root, is on chain:
// its balances become the network's, and its units leave the nodes' pending
// units.
func (s *State) EpochPosted(epoch uint64, root, tx common.Hash, now int64) (EpochRecord, error) {
	r := &s.Rewards
	p := r.Proposal
	if p == nil || p.Epoch != epoch {
		return EpochRecord{}, conflictf("epoch %d: no proposal for it to post", epoch)
	}
	if p.Root != root {
		return EpochRecord{}, conflictf("epoch %d: root %s is not the proposal's %s", epoch, root.Hex(), p.Root.Hex())
	}
	for addr, u := range p.Units {
		if n, ok := s.Nodes[addr]; ok {
			n.PendingUnits -= min(u, n.PendingUnits)
		}
	}
	rec := EpochRecord{
		Epoch: p.Epoch, Root: p.Root, Emission: p.Emission, RevenueShare: p.RevenueShare,
		Schedule: p.Schedule, Referral: p.Referral, Unminted: p.Unminted,
		TotalUnits: p.TotalUnits, Payouts: p.Payouts, Tx: tx, PostedAt: now,
	}
	for g, e := range p.Groups {
		if r.Included == nil {
			r.Included = map[string]uint64{}
		}
		r.Included[g] = e
	}
	r.Epoch, r.Balances, r.Carry, r.Proposal = p.Epoch, p.Balances, p.Carry, nil
	r.Epochs = append(r.Epochs, rec)
	return rec, nil
}

// Leaves returns the latest posted balances as reward-tree leaves, sorted by
// account, ready for rewards.BuildTree.
func (s *State) Leaves() []rewards.Leaf {
	out := make([]rewards.Leaf, 0, len(s.Rewards.Balances))
	for a, b := range s.Rewards.Balances {
		out = append(out, rewards.Leaf{Account: a, Meadow: b.Meadow, Stable: b.Stable})
	}
	slices.SortFunc(out, func(x, y rewards.Leaf) int { return bytes.Compare(x.Account[:], y.Account[:]) })
	return out
}

// PaidAmount is what buyers paid for the job so far, never nil.
func (j *Job) PaidAmount() *big.Int {
	if j.Paid == nil {
		return new(big.Int)
	}
	return j.Paid
}

// Price is what the job costs: its accepted rows at the job's price per row,
// in stable base units, and for a wasm job its fuel on top, each
// api.WasmFuelPerRowPrice fuel (rounded up) at the price of a row. It is
// known once the job is done.
func (j *Job) Price() *big.Int {
	rows := new(big.Int).SetInt64(j.RowsAccepted)
	if j.Fuel > 0 {
		rows.Add(rows, new(big.Int).SetUint64((j.Fuel+api.WasmFuelPerRowPrice-1)/api.WasmFuelPerRowPrice))
	}
	return rows.Mul(rows, new(big.Int).SetUint64(j.PricePerRow))
}

// Unpaid reports whether the job's data cannot be downloaded yet: a priced
// job whose payments do not cover its price.
func (j *Job) Unpaid() bool {
	return j.PricePerRow > 0 && j.PaidAmount().Cmp(j.Price()) < 0
}
