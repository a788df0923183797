package verify

import (
	"fmt"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/rewards"
)

// Reputation is a node's standing in parts per million, 0 to MaxReputation.
// It rises slowly while the node's rows agree with the majority and falls
// sharply when they do not; below Floor the scheduler gives the node no
// leases.
type Reputation uint32

// Reputation levels.
const (
	// MaxReputation is the ceiling, reached only in the limit.
	MaxReputation Reputation = PPM
	// InitialReputation is a new node's reputation: above Floor, so that it
	// gets work at once, and close enough to it that two tasks with most
	// rows wrong put a bad node below it.
	InitialReputation Reputation = 500_000
	// Floor is the least reputation that still gets leases (the scheduler's
	// Request.MinReputation). A node below it gets no more work, so it
	// cannot climb back by itself; an operator can reset it.
	Floor Reputation = 250_000
)

// The shape of Update, chosen with the simulations in reputation_test.go
// (DESIGN.md has the figures).
const (
	// wrongWeight turns the share of wrong rows into a task score: a task
	// scores 1 - 4·wrong, so 25% wrong rows or more score 0.
	wrongWeight = 4
	// riseDiv: on a task that scores above the reputation, it moves
	// 1/32 of the way up to the score.
	riseDiv = 32
	// fallDiv: on a task that scores below, it moves half the way down.
	fallDiv = 2
)

// Update returns the reputation after one decided task in which the node
// had accepted rows accepted and rejected rows wrong. Pass
// ReplicaResult.AcceptedRows and ReplicaResult.Wrong(), so that rows left
// out, rows altered and junk rows all count.
//
// The task scores s = 1 - 4·rejected/(accepted+rejected), at least 0. When s
// is above the reputation, the reputation moves 1/32 of the way up to it;
// when below, half the way down. So an honest node whose pages drift by 2%
// settles near 0.92, one task with a quarter of its rows wrong halves any
// reputation, and a node that keeps altering rows is under Floor after two or
// three tasks. A task with no rows leaves the reputation as it was. Update is
// integer arithmetic, the same on every replica.
//
// The FSM calls Update for the replicas of verified tasks only: an
// inconclusive task says nothing about who was right.
func Update(rep Reputation, accepted, rejected int) Reputation {
	rep = min(rep, MaxReputation)
	if accepted < 0 || rejected < 0 || accepted+rejected == 0 {
		return rep
	}
	total := uint64(accepted) + uint64(rejected)
	wrong := wrongWeight * uint64(rejected)
	var score uint64
	if wrong < total {
		score = (total - wrong) * PPM / total
	}
	r := uint64(rep)
	if score >= r {
		return Reputation(r + (score-r)/riseDiv)
	}
	return Reputation(r - (r-score+fallDiv-1)/fallDiv)
}

// Eligible reports whether a node with this reputation may get leases.
func (r Reputation) Eligible() bool { return r >= Floor }

// RowRate returns the work units one accepted row of a task earns, by
// rewards.Rate: a crawl task is rewards' kind "crawl" with renderer "js"
// when it rendered pages in Chromium, "static" otherwise, and mainText
// (crawl.extract on) adds rewards.MainTextUnits; a compute task is kind
// "compute" with its kernel. The leader fixes a job's rate with it at
// submission (state.NewJob.UnitsPerRow). An unknown kind wraps
// ErrUnknownKind; an unknown kernel, or main text on a compute task, wraps
// rewards' error.
func RowRate(kind api.JobKind, renderJS, mainText bool, kernel string) (uint64, error) {
	rk, rn, err := rewardsKind(kind, renderJS, kernel)
	if err != nil {
		return 0, err
	}
	rate, err := rewards.Rate(rk, rn, mainText)
	if err != nil {
		return 0, fmt.Errorf("verify: work units: %w", err)
	}
	return rate, nil
}

// WorkUnits returns the work units that rows accepted rows of a verified
// task earn by rewards.WorkUnits: the rates of a job whose rate was not
// fixed at submission (one in a Raft log or snapshot written before rates
// were), which the FSM must credit as it did then. An unknown kind wraps
// ErrUnknownKind; an unknown kernel or an overflow wraps rewards' error.
func WorkUnits(kind api.JobKind, renderJS bool, kernel string, rows int) (uint64, error) {
	rk, rn, err := rewardsKind(kind, renderJS, kernel)
	if err != nil {
		return 0, err
	}
	units, err := rewards.WorkUnits(rk, rn, uint64(max(rows, 0)))
	if err != nil {
		return 0, fmt.Errorf("verify: work units: %w", err)
	}
	return units, nil
}

// rewardsKind maps api's task description to rewards' kind and kernel.
func rewardsKind(kind api.JobKind, renderJS bool, kernel string) (rk, rn string, err error) {
	switch kind {
	case api.JobCrawl:
		if renderJS {
			return rewards.KindCrawl, rewards.RendererJS, nil
		}
		return rewards.KindCrawl, rewards.RendererStatic, nil
	case api.JobCompute:
		return rewards.KindCompute, kernel, nil
	}
	return "", "", fmt.Errorf("%w: %q, expected %q or %q", ErrUnknownKind, kind, api.JobCrawl, api.JobCompute)
}
