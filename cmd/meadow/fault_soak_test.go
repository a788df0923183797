//go:build soak && !nodeonly

package main

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSoakFaultSuite is the full fault suite (make soak), one scenario after
// another on one cluster of three `meadow coord` processes under signed
// load, each checked as TestFaultShort's are (0 lost, 0 doubled, 0
// diverged, blocking bounded): (a) SIGKILL of the leader 5 times in a row,
// each restarted; (b) SIGKILL of all three and a restart with the old
// leader first; (c) SIGSTOP of the leader for 15 s; (d) a member's data dir
// lost: refused at start while its id is in the cluster, removed by the
// operator, rejoined empty and caught up. Each scenario logs a line
// starting "FAULT" with its figures (docs/BENCHMARKS.md, "Fault suite").
func TestSoakFaultSuite(t *testing.T) {
	s := newFaultSuite(t, 4, 2000)
	var results []faultResult
	run := func(name string, slack time.Duration, fault func() time.Duration) {
		results = append(results, s.scenario(name, slack, fault))
	}

	for i := range 5 {
		run("(a) SIGKILL leader, restart, "+string(rune('1'+i))+" of 5", 0, s.killLeader)
	}

	run("(b) SIGKILL all three, old leader restarted first", 0, func() time.Duration {
		old := s.cl.leader(t)
		at := time.Now()
		for _, p := range s.cl.procs {
			_ = p.cmd.Process.Signal(syscall.SIGKILL)
		}
		for _, p := range s.cl.procs {
			p.kill(t)
		}
		old.start(t)
		for _, p := range s.cl.procs {
			if p != old {
				p.start(t)
			}
		}
		_, outage := s.waitLeaderAmong(s.cl.procs, at)
		s.cl.waitMembers(t)
		t.Logf("all three killed; old leader %s restarted first; a leader after %s", old.id, outage.Round(time.Millisecond))
		// With no member up, every write is blocked (or fails) for the
		// whole outage: the bound is the outage plus 2 s.
		return outage
	})

	run("(c) SIGSTOP leader 15s", faultStallSlack, func() time.Duration { return s.stallLeader(15 * time.Second) })

	run("(d) lose a member's data dir", 0, func() time.Duration {
		old := s.cl.leader(t)
		at := time.Now()
		old.kill(t)
		_, election := s.waitLeaderAmong(s.others(old), at)
		s.wipe(old)
		if old.join == "" {
			// The bootstrap member joins through another when its data
			// is gone: bootstrapping again would found a second cluster.
			old.join = s.others(old)[0].httpAddr
		}
		s.startRefused(old, "already in the cluster")
		t.Logf("%s with an empty data dir was refused at start", old.id)
		other := s.others(old)[0]
		out, err := s.operator(other.url(), "members", "remove", "--id", old.id)
		if err != nil {
			t.Fatalf("meadow operator members remove --id %s: %v\n%s", old.id, err, out)
		}
		old.start(t)
		s.cl.waitMembers(t)
		t.Logf("%s removed by the operator, rejoined empty and caught up (%s after the kill)", old.id, time.Since(at).Round(time.Millisecond))
		return election
	})

	var b strings.Builder
	for _, r := range results {
		b.WriteString("\n  " + r.String())
	}
	t.Logf("fault suite figures:%s", b.String())
}
