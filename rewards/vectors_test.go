package rewards

import (
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"strconv"
	"testing"
)

// The golden files are written by `go run ./rewards/internal/genvectors`,
// and checked here through the public API only; the contracts' tests check
// the same files on chain.

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func parseHash(t *testing.T, s string) [32]byte {
	t.Helper()
	var h [32]byte
	if len(s) != 66 || s[:2] != "0x" {
		t.Fatalf("bad hash %q", s)
	}
	if _, err := hex.Decode(h[:], []byte(s[2:])); err != nil {
		t.Fatalf("bad hash %q: %v", s, err)
	}
	return h
}

func TestTreeVectors(t *testing.T) {
	var file struct {
		Cases []struct {
			Name   string `json:"name"`
			Root   string `json:"root"`
			Leaves []struct {
				Account string   `json:"account"`
				Meadow  string   `json:"meadow"`
				Stable  string   `json:"stable"`
				Hash    string   `json:"hash"`
				Proof   []string `json:"proof"`
			} `json:"leaves"`
		} `json:"cases"`
	}
	readJSON(t, "testdata/reward_tree.json", &file)
	if len(file.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			var leaves []Leaf
			for _, l := range c.Leaves {
				leaves = append(leaves, Leaf{Account: mustAddress(t, l.Account), Meadow: n(t, l.Meadow), Stable: n(t, l.Stable)})
			}
			tree, err := BuildTree(leaves)
			if err != nil {
				t.Fatal(err)
			}
			root := parseHash(t, c.Root)
			if tree.Root() != root {
				t.Fatalf("root %x, want %s", tree.Root(), c.Root)
			}
			for i, l := range c.Leaves {
				h, err := leaves[i].Hash()
				if err != nil || h != parseHash(t, l.Hash) {
					t.Fatalf("leaf %s hash %x (%v), want %s", l.Account, h, err, l.Hash)
				}
				proof, err := tree.Proof(leaves[i].Account)
				if err != nil {
					t.Fatal(err)
				}
				if len(proof) != len(l.Proof) {
					t.Fatalf("leaf %s: proof of %d, want %d", l.Account, len(proof), len(l.Proof))
				}
				want := make([][32]byte, len(l.Proof))
				for j, p := range l.Proof {
					want[j] = parseHash(t, p)
					if proof[j] != want[j] {
						t.Fatalf("leaf %s: proof[%d] %x, want %s", l.Account, j, proof[j], p)
					}
				}
				if !VerifyProof(want, root, h) {
					t.Fatalf("leaf %s: the file's proof does not verify", l.Account)
				}
			}
		})
	}
}

func TestEmissionVectors(t *testing.T) {
	var file struct {
		Params struct {
			EMax0           string `json:"emax0"`
			HalvingEpochs   uint64 `json:"halving_epochs"`
			R0              string `json:"r0"`
			Floor           string `json:"floor"`
			Cap             string `json:"cap"`
			Window          uint64 `json:"window"`
			RevenueShareBps uint64 `json:"revenue_share_bps"`
		} `json:"params"`
		Emission []struct {
			Name            string `json:"name"`
			Epoch           string `json:"epoch"`
			TrailingRevenue string `json:"trailing_revenue"`
			Minted          string `json:"minted"`
			Emission        string `json:"emission"`
		} `json:"emission"`
		Errors []struct {
			Name            string `json:"name"`
			Epoch           string `json:"epoch"`
			TrailingRevenue string `json:"trailing_revenue"`
			Minted          string `json:"minted"`
		} `json:"emission_errors"`
		Shares []struct {
			Revenue string `json:"revenue"`
			Share   string `json:"share"`
		} `json:"revenue_share"`
		ScheduleRevenue  []string `json:"schedule_revenue"`
		ScheduleEmission []string `json:"schedule_emission"`
	}
	readJSON(t, "testdata/emission.json", &file)
	fp := file.Params
	p := Params{
		EMax0: n(t, fp.EMax0), HalvingEpochs: fp.HalvingEpochs, R0: n(t, fp.R0), Floor: n(t, fp.Floor),
		Cap: n(t, fp.Cap), Window: fp.Window, RevenueShareBps: fp.RevenueShareBps,
	}
	epoch := func(s string) uint64 {
		e, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	for _, c := range file.Emission {
		got, err := Emission(p, epoch(c.Epoch), n(t, c.TrailingRevenue), n(t, c.Minted))
		if err != nil || got.String() != c.Emission {
			t.Errorf("%s: Emission = %v (%v), want %s", c.Name, got, err, c.Emission)
		}
	}
	for _, c := range file.Errors {
		if _, err := Emission(p, epoch(c.Epoch), n(t, c.TrailingRevenue), n(t, c.Minted)); err == nil {
			t.Errorf("%s: no error", c.Name)
		}
	}
	for _, c := range file.Shares {
		got, err := RevenueShare(p, n(t, c.Revenue))
		if err != nil || got.String() != c.Share {
			t.Errorf("RevenueShare(%s) = %v (%v), want %s", c.Revenue, got, err, c.Share)
		}
	}
	var revenue []*big.Int
	for _, s := range file.ScheduleRevenue {
		revenue = append(revenue, n(t, s))
	}
	sched, err := EmissionSchedule(p, revenue)
	if err != nil {
		t.Fatal(err)
	}
	if len(sched) != len(file.ScheduleEmission) {
		t.Fatalf("%d epochs, want %d", len(sched), len(file.ScheduleEmission))
	}
	for i, e := range sched {
		if e.String() != file.ScheduleEmission[i] {
			t.Errorf("epoch %d: emission %s, want %s", i+1, e, file.ScheduleEmission[i])
		}
	}
}
