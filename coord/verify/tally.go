package verify

import (
	"fmt"
	"math"
	"slices"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/dataset"
)

// PPM is one in parts per million: shares, thresholds and reputations are
// integers in [0, PPM], so that every replica of the FSM computes the same
// verdict without floating point.
const PPM = 1_000_000

// DefaultThresholdPPM is the accepted share a task needs when its job names
// none: 0.9, the design's default.
const DefaultThresholdPPM = 900_000

// ThresholdPPM converts a job's threshold (api.JobSpec.Threshold, a share in
// (0, 1]) to parts per million, rounding to the nearest. Zero, NaN and values
// outside (0, 1] give DefaultThresholdPPM, the value a validated spec could
// not have. The leader converts once, when the job is submitted, and the
// command carries the integer, so no replica ever rounds a float.
func ThresholdPPM(share float64) uint32 {
	if !(share > 0 && share <= 1) {
		return DefaultThresholdPPM
	}
	return uint32(math.Round(share * PPM))
}

// Replica is one leased copy of a task as the FSM knows it when it tallies.
type Replica struct {
	// Node is the address of the node that holds the lease; Operator the
	// address of whoever runs it.
	Node     string
	Operator string
	// Rows are the revealed row hashes, in the order of the rows in the
	// node's blob (CheckReveal has checked them against Root).
	Rows []api.Hash
	// Root is the committed content root.
	Root api.Hash
	// Committed and Revealed say how far the replica got. Only replicas that
	// did both count; the others are ignored.
	Committed bool
	Revealed  bool
}

// State is where a task stands after a tally.
type State uint8

// The states of a task's verdict.
const (
	// Pending: fewer replicas have revealed than the task waits for (k).
	Pending State = iota
	// Verified: the accepted share reached the threshold; Uploader uploads
	// the blob and Accepted rows join the dataset.
	Verified
	// NeedReplica: the share is below the threshold and fewer than k_max
	// replicas revealed; the leader leases one more replica.
	NeedReplica
	// Inconclusive: k_max replicas revealed and the share is still below
	// the threshold; the task is recorded and nobody is paid for it.
	Inconclusive
)

// String returns the state's name, as logs and metrics spell it.
func (s State) String() string {
	switch s {
	case Pending:
		return "pending"
	case Verified:
		return "verified"
	case NeedReplica:
		return "need_replica"
	case Inconclusive:
		return "inconclusive"
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// ReplicaResult is what the majority made of one revealed replica.
type ReplicaResult struct {
	Node string
	// AcceptedRows are the replica's rows that the majority accepted (with
	// multiplicity: a row it lists twice counts twice only if the majority
	// accepted two copies). Work units are paid on them when the task is
	// verified.
	AcceptedRows int
	// RejectedRows are the replica's rows that the majority did not accept.
	RejectedRows int
	// MissingRows are rows of the majority that the replica did not
	// report. A row it altered is both rejected (its version) and missing
	// (the majority's).
	MissingRows int
	// SharePPM is AcceptedRows over the larger of the replica's row count
	// and the majority's, in ppm: what a replica that drops rows or pads
	// its answer with junk loses on both sides.
	SharePPM uint32
	// Agreed says the replica agreed with the majority as well as the task
	// had to: SharePPM at or above the threshold. Honest nodes on pages
	// that drift between fetches agree; a node that altered rows does not.
	// It is what adaptive replication's Record counts.
	Agreed bool
	// Exact says every row of the replica was accepted and none is missing.
	Exact bool
}

// Wrong returns how many of the replica's rows were wrong: the larger of
// RejectedRows and MissingRows, so that an altered row counts once, a row
// left out once and a junk row once. Update takes it as rejected.
func (r ReplicaResult) Wrong() int { return max(r.RejectedRows, r.MissingRows) }

// Verdict is the outcome of a tally.
type Verdict struct {
	State State
	// Revealed counts the replicas that committed and revealed.
	Revealed int
	// SharePPM is the task's accepted share in ppm (see Tally).
	SharePPM uint32
	// Rows is the task's size as a majority sees it: the smallest row
	// count that a strict majority of the revealed replicas do not exceed.
	Rows int
	// Majority counts the rows a strict majority reported.
	Majority int
	// Accepted are the accepted row hashes sorted ascending, duplicates
	// kept, when the task is verified: the rows of the majority that the
	// uploader's blob holds. CheckBlob checks the upload against them.
	Accepted []api.Hash
	// AcceptedRoot is the RFC 6962 content root over Accepted, the root
	// the task's blob carries in the dataset.
	AcceptedRoot api.Hash
	// PerReplica has one result for each revealed replica, in input order.
	PerReplica []ReplicaResult
	// Uploader is the node asked to upload the blob when verified: the
	// replica with the most accepted rows; among those, the one with the
	// fewest rows in all (the cleanest blob), then the lowest address.
	Uploader string
	// Reason says in words why the task stands where it does.
	Reason string
}

// Tally compares the revealed replicas of one task row by row and decides
// the task.
//
// Rows are a multiset: a hash h that replica i lists c_i(h) times is
// accepted a(h) times, where a(h) is the largest count that a strict
// majority of the R revealed replicas reach (the m-th largest c_i(h), with
// m = R/2+1). With one replica everything it reports is accepted; with two,
// a row needs both; with three, any two.
//
// The share is |Accepted| / max(|Accepted|, Rows), in ppm, where Rows is the
// m-th smallest row count among the replicas: a number of rows that a strict
// majority do not exceed. With two replicas Rows is the larger count, so a
// replica that leaves rows out cannot make the task look complete; with
// three or more it is the median-like count, so one replica that pads its
// answer with junk rows cannot sink a task that the others agree on. When a
// majority reveal no rows at all the share is 1: they agree the task is
// empty. Two honest replicas of 100 rows that agree on 98 give 0.98; one that
// altered 30 of them gives 0.7.
//
// The verdict is Pending while fewer than k replicas have revealed;
// Verified when the share reaches thresholdPPM (0 means
// DefaultThresholdPPM; above PPM counts as PPM); NeedReplica below it while
// fewer than kMax have revealed; Inconclusive at kMax. k is how many reveals
// the task waits for now: the job's k, 1 or 2 after adaptive replication, one
// more after each NeedReplica. k below 1 counts as 1, kMax below k as k.
//
// Tally depends only on its arguments (the order of Replicas matters only
// for the order of PerReplica), so every FSM replica reaches the same
// verdict. It sorts copies of the rows; the cost is O(R·n log n) for R
// replicas of n rows.
func Tally(replicas []Replica, thresholdPPM uint32, k, kMax int) Verdict {
	threshold := thresholdPPM
	if threshold == 0 {
		threshold = DefaultThresholdPPM
	}
	threshold = min(threshold, PPM)
	k = max(k, 1)
	kMax = max(kMax, k)

	var counted []int
	for i, r := range replicas {
		if r.Committed && r.Revealed {
			counted = append(counted, i)
		}
	}
	n := len(counted)
	if n < k {
		return Verdict{State: Pending, Revealed: n,
			Reason: fmt.Sprintf("waiting for reveals: %d of %d", n, k)}
	}

	lists := make([][]dataset.Hash, n)
	sizes := make([]int, n)
	for j, i := range counted {
		rows := replicas[i].Rows
		l := make([]dataset.Hash, len(rows))
		for x, h := range rows {
			l[x] = dataset.Hash(h)
		}
		dataset.SortHashes(l)
		lists[j] = l
		sizes[j] = len(l)
	}
	m := n/2 + 1
	slices.Sort(sizes)
	rows := sizes[m-1]

	major, acc := majority(lists, m)

	u := -1
	for j, i := range counted {
		if u < 0 || acc[j] > acc[u] ||
			acc[j] == acc[u] && (len(lists[j]) < len(lists[u]) ||
				len(lists[j]) == len(lists[u]) && replicas[i].Node < replicas[counted[u]].Node) {
			u = j
		}
	}
	accepted := intersect(major, lists[u])

	v := Verdict{
		Revealed:   n,
		SharePPM:   ratioPPM(len(accepted), max(len(accepted), rows)),
		Rows:       rows,
		Majority:   len(major),
		PerReplica: make([]ReplicaResult, n),
	}
	for j, i := range counted {
		size := len(lists[j])
		r := ReplicaResult{
			Node:         replicas[i].Node,
			AcceptedRows: acc[j],
			RejectedRows: size - acc[j],
			MissingRows:  len(major) - acc[j],
			SharePPM:     ratioPPM(acc[j], max(size, len(major))),
		}
		r.Agreed = r.SharePPM >= threshold
		r.Exact = r.RejectedRows == 0 && r.MissingRows == 0
		v.PerReplica[j] = r
	}

	switch {
	case v.SharePPM >= threshold:
		v.State = Verified
		v.Uploader = replicas[counted[u]].Node
		v.Accepted = make([]api.Hash, len(accepted))
		for x, h := range accepted {
			v.Accepted[x] = api.Hash(h)
		}
		v.AcceptedRoot = api.Hash(dataset.MerkleRoot(accepted))
		v.Reason = fmt.Sprintf("verified: %d of %d rows accepted (%d ppm, threshold %d ppm) across %d replicas; %s uploads",
			len(accepted), max(len(accepted), rows), v.SharePPM, threshold, n, v.Uploader)
	case n < kMax:
		v.State = NeedReplica
		v.Reason = fmt.Sprintf("%d of %d rows accepted (%d ppm) is below the threshold (%d ppm) with %d replicas: lease replica %d of at most %d",
			len(accepted), max(len(accepted), rows), v.SharePPM, threshold, n, n+1, kMax)
	default:
		v.State = Inconclusive
		v.Reason = fmt.Sprintf("%d of %d rows accepted (%d ppm) is below the threshold (%d ppm) after %d replicas (k_max %d)",
			len(accepted), max(len(accepted), rows), v.SharePPM, threshold, n, kMax)
	}
	return v
}

// majority walks the sorted lists together and returns the majority
// multiset, sorted, and for each list how many of its rows it holds. m is
// the number of lists that make a majority.
func majority(lists [][]dataset.Hash, m int) (major []dataset.Hash, acc []int) {
	n := len(lists)
	pos := make([]int, n)
	acc = make([]int, n)
	count := make([]int, n)
	order := make([]int, n)
	for {
		var low *dataset.Hash
		for j, l := range lists {
			if pos[j] < len(l) && (low == nil || dataset.CompareHash(l[pos[j]], *low) < 0) {
				low = &l[pos[j]]
			}
		}
		if low == nil {
			return major, acc
		}
		h := *low
		for j, l := range lists {
			c := 0
			for pos[j] < len(l) && l[pos[j]] == h {
				pos[j]++
				c++
			}
			count[j] = c
		}
		copy(order, count)
		slices.Sort(order)
		a := order[n-m] // the m-th largest count: a majority reported at least a copies
		for j, c := range count {
			acc[j] += min(c, a)
		}
		for range a {
			major = append(major, h)
		}
	}
}

// intersect returns the multiset intersection of two sorted lists, sorted.
func intersect(a, b []dataset.Hash) []dataset.Hash {
	out := make([]dataset.Hash, 0, min(len(a), len(b)))
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch c := dataset.CompareHash(a[i], b[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// ratioPPM returns num/den in ppm, rounded down; 0/0 is PPM (nothing was
// asked, nothing is missing).
func ratioPPM(num, den int) uint32 {
	if den == 0 {
		return PPM
	}
	return uint32(uint64(num) * PPM / uint64(den))
}
