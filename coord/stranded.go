package coord

import (
	"fmt"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/coord/state"
)

// Stranded tasks (state/stranded.go, docs/ARCHITECTURE.md "Stranded
// tasks"): a task that wants a replica no registered node may take waits
// for another node for at most strandedWait, with the buyer's status saying
// so, and then ends inconclusive through a stranded_end command that the
// leader's sweep proposes.

// strandedWait is how long a stranded task waits for a node (ms): the lease
// time, the time the network gives a node to start on a task, so that a
// node that registers meanwhile (an operator adding one to a small network)
// has a chance, and a dev network (1 min leases) ends such a task in a
// minute.
func (c *Coordinator) strandedWait() int64 { return c.cfg.LeaseTTL.Milliseconds() }

// addStranded fills in a running job's stranded tasks: the count, and for
// people what they wait for and until when.
func (c *Coordinator) addStranded(s *state.State, st *api.JobStatus) {
	if st.State != api.JobRunning {
		return
	}
	sd := s.StrandedOf(st.ID, c.cfg.SharedNetworkOK)
	if sd.Tasks == 0 {
		return
	}
	st.Progress.Stranded = int64(sd.Tasks)
	j, _ := s.Job(st.ID)
	st.Waiting = strandedNote(sd, j.Spec.Kind, time.UnixMilli(sd.Since+c.strandedWait()))
}

// strandedNote says why stranded tasks wait, in a sentence or three.
func strandedNote(sd state.StrandedTasks, kind api.JobKind, until time.Time) string {
	msg := fmt.Sprintf("1 task wants replica %d (of at most %d) that no registered node may take: each has run it, shares an operator or network with one that did, or cannot run it.", sd.Replica, sd.MaxReplicas)
	its := "Its"
	if sd.Tasks > 1 {
		msg = fmt.Sprintf("%d tasks want another replica that no registered node may take: each has run them, shares an operator or network with one that did, or cannot run them.", sd.Tasks)
		its = "Their"
	}
	if sd.Disagreed > 0 {
		msg += fmt.Sprintf(" %s replicas disagreed", its)
		if sd.Disagreed < sd.Tasks {
			msg = fmt.Sprintf("%s (%d of them)", msg, sd.Disagreed)
		}
		if kind == api.JobCrawl {
			msg += ": pages that change from one fetch to the next (a clock, an ad, a counter) need crawl.exclude for those parts"
		}
		msg += "."
	}
	return msg + fmt.Sprintf(" Waiting for another node to register until %s, then inconclusive.", until.UTC().Format(time.RFC3339))
}
