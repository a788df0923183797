//go:build !nodeonly

package main

import (
	"encoding/json"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/devnet"
)

// TestDevOnce runs `meadow dev --once --json` as a user would and checks
// that the summary adds up: rows seen are accepted or rejected, the faulty
// node's rows were caught, the datasets were paid for, verified, proven and
// found in the chain's registry, the epoch was settled with at least 2
// operator signatures, and the nodes claimed exactly what was settled;
// the funded buyer's key is in the directory given (kept: --dir), and Raft
// logged no warning.
func TestDevOnce(t *testing.T) {
	out, logs, err := meadowStreams(t, "dev", "--once", "--json", "--dir", t.TempDir())
	checkDevLogs(t, logs)
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
	if fi, err := os.Stat(s.ClusterTokenFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("cluster_token_file %q: %v; want a file of mode 0600", s.ClusterTokenFile, err)
	}
	if fi, err := os.Stat(s.Buyer.KeyFile); err != nil || fi.Mode().Perm() != 0o600 || s.Buyer.Stable == "" || s.Buyer.Wei == "" {
		t.Errorf("buyer %+v: key file %v; want a file of mode 0600 and the buyer's balances", s.Buyer, err)
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
		if j.Price == "" || (j.Rows > 0 && (j.PayTx == "" || !j.RegistryOK)) {
			t.Errorf("%s: price %q, paid in %q, registry checked %v", j.Name, j.Price, j.PayTx, j.RegistryOK)
		}
		rejected += j.RowsRejected
	}
	if rejected == 0 {
		t.Error("no row was rejected, but a faulty node alters rows")
	}
	// The pretrain pipeline: every stage ran, the saved dataset holds the
	// last stage's rows, and its card is beside it.
	if pl := s.Pipeline; pl == nil || len(pl.Stages) != 7 || pl.Files.Rows != pl.Stages[6].Rows || pl.Files.Rows == 0 || pl.Paid == "" {
		t.Errorf("pipeline %+v: want 7 stages and the last one's rows saved", pl)
	} else if card, err := os.ReadFile(pl.Files.Card); err != nil || !strings.HasPrefix(string(card), "---\n") || !strings.Contains(string(card), pl.Stages[6].Job) {
		t.Errorf("dataset card %s: %v\n%s", pl.Files.Card, err, card)
	}
	e := s.Epoch
	if e == nil || e.Epoch != 1 || len(e.Signers) < 2 || e.Tx == "" || e.Units == 0 {
		t.Fatalf("epoch %+v: want epoch 1 settled with at least 2 signatures", e)
	}
	if e.ClaimedMeadow != e.SettledMeadow || e.ClaimedStable != e.SettledStable || e.SettledMeadow == "0" {
		t.Errorf("claimed %s MEADOW %s stable, settled %s and %s", e.ClaimedMeadow, e.ClaimedStable, e.SettledMeadow, e.SettledStable)
	}
	// Referrals: node2 was referred by node1 and node3 by node2 (the dev
	// network), so both earned shares, which add up to the epoch's figure.
	if len(e.Referrers) < 2 || e.Referral == "" || e.Referral == "0" {
		t.Errorf("epoch referrals %q, referrers %+v: want node1 and node2 paid", e.Referral, e.Referrers)
	} else if sum := sumAmounts(t, e.Referrers); sum != e.Referral {
		t.Errorf("referrers' shares add up to %s, the epoch paid %s", sum, e.Referral)
	}
	// The community: its account bought a job paid from credits that only
	// the vault's yield made, a member read it, a stranger could not.
	if c := s.Community; c == nil || c.Job == "" || !c.MemberVerified || !c.StrangerRefused || c.Paid == "" || c.Paid == "0" {
		t.Errorf("community %+v: want a job paid from credits, read by a member, refused to a stranger", c)
	} else if amount(t, c.Harvested).Cmp(amount(t, c.Paid)) < 0 {
		t.Errorf("community paid %s from credits, harvested only %s", c.Paid, c.Harvested)
	}
	// The wasm step's module, as the nodes' dashboards count it: one
	// compile per node that ran it (one module, nothing evicted), a load
	// for every task run, at least one per task.
	var loads, misses uint64
	for _, n := range s.Nodes {
		c := n.WasmCache
		if c.Misses > 1 || c.Evictions != 0 || uint64(c.Entries) != c.Misses || (c.Bytes > 0) != (c.Entries > 0) {
			t.Errorf("%s: wasm_cache %+v: want the one module compiled at most once and kept", n.Name, c)
		}
		loads, misses = loads+c.Hits+c.Misses, misses+c.Misses
	}
	for _, j := range s.Jobs {
		if j.Module != "" && (misses == 0 || loads < uint64(j.Tasks.Total())) {
			t.Errorf("wasm job %s: %d tasks, the nodes loaded its module %d times (%d compiles)", j.ID, j.Tasks.Total(), loads, misses)
		}
	}
	var faulty, honestMin int64 = -1, 1 << 62
	for _, n := range s.Nodes {
		if n.Faulty {
			faulty = n.Reputation
			// Every row it altered was rejected (crawl datasets hold none
			// of them, which the journey checks); only accepted rows earn.
			if n.Altered > 0 && n.RowsRejected < n.Altered {
				t.Errorf("%s altered %d rows, %d were rejected", n.Name, n.Altered, n.RowsRejected)
			}
		} else {
			if n.TasksDone > 0 {
				honestMin = min(honestMin, n.Reputation)
			}
			if n.RowsRejected != 0 || n.Altered != 0 {
				t.Errorf("honest %s: %d rows rejected, %d altered", n.Name, n.RowsRejected, n.Altered)
			}
		}
		if n.WorkUnits > 0 && (n.ClaimedMeadow == "0" || n.ClaimedMeadow != n.Meadow) {
			t.Errorf("%s earned %d units, settled %s MEADOW, claimed %s", n.Name, n.WorkUnits, n.Meadow, n.ClaimedMeadow)
		}
		if n.Dashboard == "" {
			t.Errorf("%s has no dashboard", n.Name)
		}
	}
	if faulty < 0 || faulty >= honestMin {
		t.Errorf("faulty node's reputation %d is not below every working honest node's (lowest %d)", faulty, honestMin)
	}
}

// amount reads a decimal base-unit amount of the summary.
func amount(t *testing.T, s string) *big.Int {
	t.Helper()
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("amount %q: expected a decimal number", s)
	}
	return v
}

// sumAmounts adds the referrers' shares.
func sumAmounts(t *testing.T, rs []devnet.ReferrerSummary) string {
	t.Helper()
	sum := new(big.Int)
	for _, r := range rs {
		sum.Add(sum, amount(t, r.Meadow))
	}
	return sum.String()
}
