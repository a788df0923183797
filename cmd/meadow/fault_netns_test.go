//go:build soak && !nodeonly

package main

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The fault suite's partition runs in a network namespace of its own, made
// by the test with `unshare -n`: inside, only a loopback interface exists,
// and the routing rules that cut a member off touch nothing outside.
// Each member's Raft traffic is that of one loopback address (cpProc.raftIP;
// coord dials from the address it listens on), so two policy-routing rules
// in front of the local table, "to IP blackhole" and "from IP blackhole",
// cut that member's Raft traffic both ways and leave its HTTP API, and
// every other member, alone. iproute2's `ip` sets them; no firewall is
// needed.

// faultNetnsEnv marks the test process that runs inside the namespace.
const faultNetnsEnv = "MEADOW_FAULT_NETNS"

// inFaultNetns runs the calling test again inside a new network namespace
// and reports false, or reports true when this process is that run (and
// has set the namespace up). The outer test passes or fails with the inner.
func inFaultNetns(t *testing.T) bool {
	t.Helper()
	if os.Getenv(faultNetnsEnv) == "1" {
		for _, args := range [][]string{
			{"link", "set", "lo", "up"},
			// The local table's rule moves behind the partition's
			// rules (priority 10 and 11).
			{"rule", "add", "pref", "100", "lookup", "local"},
			{"rule", "del", "pref", "0"},
		} {
			if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
				t.Fatalf("set up the network namespace: ip %s: %v: %s", strings.Join(args, " "), err, out)
			}
		}
		return true
	}
	for _, tool := range []string{"unshare", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the fault suite's partition needs %s (util-linux's unshare, iproute2's ip) and root: %v", tool, err)
		}
	}
	if os.Geteuid() != 0 {
		t.Fatalf("the fault suite makes a network namespace (unshare -n) and mounts a tmpfs: it needs root, as CI has")
	}
	args := []string{"-n", "--", os.Args[0], "-test.run", "^" + t.Name() + "$", "-test.v", "-test.timeout", "0"}
	cmd := exec.Command("unshare", args...)
	cmd.Env = append(os.Environ(), faultNetnsEnv+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("unshare -n %s: %v", os.Args[0], err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		t.Log(sc.Text())
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%s in its network namespace failed after %s: %v", t.Name(), time.Since(start).Round(time.Second), err)
	}
	return false
}

// partition cuts p's Raft traffic, both ways, for d, and returns the time
// until another member led. Its HTTP API stays reachable: clients still
// reach a member that cannot reach its peers, as they would across a real
// partition between operators.
func (s *faultSuite) partition(p *cpProc, d time.Duration) time.Duration {
	t := s.t
	t.Helper()
	ip := p.raftIP()
	rules := [][]string{
		{"pref", "10", "to", ip, "blackhole"},
		{"pref", "11", "from", ip, "blackhole"},
	}
	heal := func() {
		for _, r := range rules {
			if out, err := exec.Command("ip", append([]string{"rule", "del"}, r...)...).CombinedOutput(); err != nil {
				t.Errorf("heal the partition: ip rule del %s: %v: %s", strings.Join(r, " "), err, out)
			}
		}
	}
	at := time.Now()
	for i, r := range rules {
		if out, err := exec.Command("ip", append([]string{"rule", "add"}, r...)...).CombinedOutput(); err != nil {
			rules = rules[:i]
			heal()
			t.Fatalf("cut %s's Raft traffic: ip rule add %s: %v: %s", p.id, strings.Join(r, " "), err, out)
		}
	}
	_, election := s.waitLeaderAmong(s.others(p), at)
	t.Logf("%s's Raft traffic (%s) cut: another member led after %s", p.id, ip, election.Round(time.Millisecond))
	time.Sleep(time.Until(at.Add(d))) // the partition itself is the scenario
	heal()
	t.Logf("%s's Raft traffic restored after %s", p.id, time.Since(at).Round(time.Millisecond))
	s.ackedMore(20, "after the partition healed")
	s.cl.waitMembers(t)
	return election
}
