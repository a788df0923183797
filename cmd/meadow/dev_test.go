package main

import (
	"encoding/json"
	"testing"

	"github.com/meadow-net/meadow/devnet"
)

// TestDevOnce runs `meadow dev --once --json` as a user would and checks
// that the summary adds up: rows seen are accepted or rejected, the faulty
// node's rows were caught, the datasets were verified and proven.
func TestDevOnce(t *testing.T) {
	out, logs, err := meadowStreams(t, "dev", "--once", "--json", "--dir", t.TempDir())
	if err != nil {
		t.Fatalf("meadow dev --once: %v\n%s\n%s", err, out, logs)
	}
	var s devnet.Summary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("summary is not JSON: %v\n%s", err, out)
	}
	if !s.OK || len(s.Jobs) == 0 {
		t.Fatalf("journey failed at %q: %s", s.Failed, s.Error)
	}
	var rejected int64
	for _, j := range s.Jobs {
		if j.RowsAccepted+j.RowsRejected != j.RowsSeen {
			t.Errorf("%s: %d accepted + %d rejected != %d seen", j.Name, j.RowsAccepted, j.RowsRejected, j.RowsSeen)
		}
		if j.Rows != j.RowsAccepted {
			t.Errorf("%s: dataset has %d rows, %d were accepted", j.Name, j.Rows, j.RowsAccepted)
		}
		if len(j.Verified) != 2 || !j.ProofOK {
			t.Errorf("%s: verified %v, proof %v", j.Name, j.Verified, j.ProofOK)
		}
		rejected += j.RowsRejected
	}
	if rejected == 0 {
		t.Error("no row was rejected, but a faulty node alters rows")
	}
	var faulty, honestMin int64 = -1, 1 << 62
	for _, n := range s.Nodes {
		if n.Faulty {
			faulty = n.Reputation
		} else if n.TasksDone > 0 {
			honestMin = min(honestMin, n.Reputation)
		}
		if n.Dashboard == "" {
			t.Errorf("%s has no dashboard", n.Name)
		}
	}
	if faulty < 0 || faulty >= honestMin {
		t.Errorf("faulty node's reputation %d is not below every working honest node's (lowest %d)", faulty, honestMin)
	}
}
