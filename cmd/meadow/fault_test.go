//go:build !nodeonly

package main

import (
	"testing"
	"time"
)

// TestFaultShort is the fault suite's short version, for every `go test`:
// three real `meadow coord` processes under signed load (registrations, job
// submits, work, commit, reveal); SIGKILL of the leader and its restart,
// then SIGSTOP of the leader for 5 s. After each: 0 acknowledged writes
// lost, 0 doubled, every member's state digest equal at one state index,
// no write blocked longer than the election plus 2 s. The full suite is TestSoakFaultSuite (make
// soak).
func TestFaultShort(t *testing.T) {
	s := newFaultSuite(t, 4, 400)
	s.scenario("SIGKILL leader, restart", s.killLeader)
	s.scenario("SIGSTOP leader 5s", func() time.Duration { return s.stallLeader(5 * time.Second) })
}
