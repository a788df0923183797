package node

import (
	"slices"
	"testing"
	"time"

	"github.com/meadow-net/meadow/api"
	"github.com/meadow-net/meadow/rewards"
)

func TestLastEpochs(t *testing.T) {
	tests := []struct {
		name       string
		r          api.NodeRewards
		k          int
		wantEpochs []uint64
		wantPaid   map[uint64]string
	}{
		{name: "none posted", r: api.NodeRewards{}, k: 30},
		{name: "fewer than k", r: api.NodeRewards{Epoch: 3, History: []api.EpochPayout{{Epoch: 2, Units: 5, Meadow: "70"}}}, k: 30,
			wantEpochs: []uint64{1, 2, 3}, wantPaid: map[uint64]string{1: "0", 2: "70", 3: "0"}},
		{name: "the last k of more", r: api.NodeRewards{Epoch: 40, History: []api.EpochPayout{{Epoch: 3, Meadow: "9"}, {Epoch: 11, Meadow: "1"}, {Epoch: 40, Meadow: "2"}}}, k: 30,
			wantEpochs: seq(11, 40), wantPaid: map[uint64]string{11: "1", 12: "0", 40: "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LastEpochs(tt.r, tt.k)
			var epochs []uint64
			for _, e := range got {
				epochs = append(epochs, e.Epoch)
				if want, ok := tt.wantPaid[e.Epoch]; ok && e.Meadow != want {
					t.Errorf("epoch %d paid %q, want %q", e.Epoch, e.Meadow, want)
				}
			}
			if !slices.Equal(epochs, tt.wantEpochs) {
				t.Fatalf("epochs %v, want %v", epochs, tt.wantEpochs)
			}
		})
	}
}

func seq(a, b uint64) []uint64 {
	var out []uint64
	for i := a; i <= b; i++ {
		out = append(out, i)
	}
	return out
}

// TestFormatAmountAsRewards keeps the dashboard's amounts written as `meadow
// node rewards` writes them (node may not import rewards).
func TestFormatAmountAsRewards(t *testing.T) {
	for _, base := range []string{"0", "1", "999999999999999999", "33331000000000000000000", "99999760000000000000000", "12x", "-5", ""} {
		for _, dec := range []int{18, 6, 0} {
			if got, want := FormatAmount(base, dec), rewards.FormatAmount(base, dec); got != want {
				t.Errorf("FormatAmount(%q, %d) = %q, rewards writes %q", base, dec, got, want)
			}
		}
	}
}

func TestUptime(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var u uptime
	u.note("running", t0)
	u.note("offline", t0.Add(10*time.Second))
	u.note("running", t0.Add(15*time.Second))
	u.note("capped", t0.Add(16*time.Second))
	if got := u.total(t0.Add(20 * time.Second)); got != 15*time.Second {
		t.Fatalf("online %s, want 15s (10 s, 5 s offline, then 5 s)", got)
	}
}
