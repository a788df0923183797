package verify

// Adaptive replication, after BOINC's: a node whose recent replicated tasks
// all agreed with the majority may take a task alone, and a random share of
// those lone tasks is checked by a second replica anyway.
const (
	// TrustAfter is the number of consecutive agreeing replicated tasks
	// after which a node may take tasks unreplicated.
	TrustAfter = 10
	// SoloPPM is the probability, in ppm, that a trusted node's task goes
	// unreplicated: 0.75.
	SoloPPM = 750_000
	// SpotCheckPPM is the probability, in ppm, that a task chosen to go
	// unreplicated is checked by a second replica all the same: 0.1.
	SpotCheckPPM = 100_000
	// maxAgreements caps Record.ConsecutiveAgreements, so that it never
	// overflows; anything past TrustAfter means the same.
	maxAgreements = 1 << 30
)

// With k = 2 a trusted node's tasks take 2 - SoloPPM·(1 - SpotCheckPPM)
// = 2 - 0.75·0.9 = 1.325 replicas on average; the floor of ~1.2 that the
// design asks for holds while SoloPPM·(1-SpotCheckPPM) <= 0.8.

// Record is the part of a node's history that adaptive replication reads.
type Record struct {
	// ConsecutiveAgreements counts the node's most recent verified,
	// replicated tasks (at least two revealed replicas) in which it agreed
	// with the majority (ReplicaResult.Agreed). One disagreement resets it.
	ConsecutiveAgreements int
}

// Observe returns the record after a verified task that had at least two
// revealed replicas: one more agreement, or back to zero when the node did
// not agree. Tasks that ran unreplicated prove nothing and must not be
// observed; inconclusive tasks are not observed either.
func (r Record) Observe(agreed bool) Record {
	if !agreed {
		return Record{}
	}
	r.ConsecutiveAgreements = min(max(r.ConsecutiveAgreements, 0)+1, maxAgreements)
	return r
}

// Trusted reports whether the record lets the node take tasks alone.
func (r Record) Trusted() bool { return r.ConsecutiveAgreements >= TrustAfter }

// Replication decides how many replicas a task gets whose first lease goes
// to a node with record rec; k is the job's replication. An untrusted node's
// task keeps k. A trusted node's task of the default k = 2 runs alone with
// probability SoloPPM, except that with probability SpotCheckPPM such a task
// is spot-checked: it keeps its 2 replicas and spotCheck is true. A job that
// asked for k of 3 or more asked for more assurance than adaptive
// replication gives, and keeps k; with k of 1 or less the task runs alone
// whatever the record.
//
// seed is the randomness, drawn by the leader for this task and carried in
// the command, so that every replica decides the same; the same seed gives
// the same answer.
func Replication(rec Record, k int, seed uint64) (replicas int, spotCheck bool) {
	if k <= 1 {
		return 1, false
	}
	if k > 2 || !rec.Trusted() {
		return k, false
	}
	solo, check := splitmix(seed), splitmix(seed^0x5ca1ab1e0ddba11)
	if !below(solo, SoloPPM) {
		return k, false
	}
	if below(check, SpotCheckPPM) {
		return 2, true
	}
	return 1, false
}

// splitmix is SplitMix64's output function: it spreads any seed, even 0 or
// consecutive ones, over all 64 bits.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// below reports whether a uniform 64-bit draw falls under p ppm.
func below(draw uint64, p uint64) bool {
	// draw / 2^64 < p / PPM, computed on the top 32 bits to stay in range.
	return (draw>>32)*PPM < p<<32
}
