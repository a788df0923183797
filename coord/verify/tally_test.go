package verify

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/meadow-net/meadow/api"
)

func TestTally(t *testing.T) {
	common := rows("common", 98)
	honest := rows("page", 100)
	altered := cat(honest[:70], rows("forged", 30))
	tests := []struct {
		name      string
		replicas  []Replica
		threshold uint32
		k, kMax   int

		state    State
		share    uint32
		accepted []api.Hash // nil: not checked beyond len(accepted) == nAccept
		nAccept  int
		uploader string
		results  []ReplicaResult // nil: not checked
	}{
		{
			name: "two honest replicas agree on 98 of 100 rows",
			replicas: []Replica{
				revealed("0xb", cat(common, rows("drift-b", 2))),
				revealed("0xa", cat(rows("drift-a", 2), common)),
			},
			threshold: 900_000, k: 2, kMax: 4,
			state: Verified, share: 980_000, accepted: common, uploader: "0xa",
			results: []ReplicaResult{
				{Node: "0xb", AcceptedRows: 98, RejectedRows: 2, SharePPM: 980_000, Agreed: true},
				{Node: "0xa", AcceptedRows: 98, RejectedRows: 2, SharePPM: 980_000, Agreed: true},
			},
		},
		{
			name:      "one replica altered 30% of rows: a third is needed",
			replicas:  []Replica{revealed("0xa", honest), revealed("0xc", altered)},
			threshold: 900_000, k: 2, kMax: 4,
			state: NeedReplica, share: 700_000,
			results: []ReplicaResult{
				{Node: "0xa", AcceptedRows: 70, RejectedRows: 30, SharePPM: 700_000},
				{Node: "0xc", AcceptedRows: 70, RejectedRows: 30, SharePPM: 700_000},
			},
		},
		{
			name:      "the third honest replica wins 2:1",
			replicas:  []Replica{revealed("0xc", altered), revealed("0xd", honest), revealed("0xa", honest)},
			threshold: 900_000, k: 3, kMax: 4,
			state: Verified, share: PPM, accepted: honest, uploader: "0xa",
			results: []ReplicaResult{
				{Node: "0xc", AcceptedRows: 70, RejectedRows: 30, MissingRows: 30, SharePPM: 700_000},
				{Node: "0xd", AcceptedRows: 100, SharePPM: PPM, Agreed: true, Exact: true},
				{Node: "0xa", AcceptedRows: 100, SharePPM: PPM, Agreed: true, Exact: true},
			},
		},
		{
			name:      "still below the threshold at k_max",
			replicas:  []Replica{revealed("0xa", honest), revealed("0xc", altered)},
			threshold: 900_000, k: 2, kMax: 2,
			state: Inconclusive, share: 700_000,
		},
		{
			name: "fewer reveals than k: pending; unrevealed replicas do not count",
			replicas: []Replica{
				revealed("0xa", honest),
				{Node: "0xb", Committed: true},
				{Node: "0xe", Revealed: true, Rows: honest}, // revealed without a commitment: ignored
			},
			threshold: 900_000, k: 2, kMax: 4,
			state: Pending,
		},
		{
			name:      "adaptive replication: one replica alone is accepted whole",
			replicas:  []Replica{revealed("0xa", honest)},
			threshold: 900_000, k: 1, kMax: 4,
			state: Verified, share: PPM, accepted: honest, uploader: "0xa",
		},
		{
			name: "rows are a multiset: a second copy needs a majority too",
			replicas: []Replica{
				revealed("0xa", cat(honest, honest[:1])),
				revealed("0xb", honest),
			},
			threshold: 900_000, k: 2, kMax: 4,
			state: Verified, share: PPM * 100 / 101, accepted: honest, uploader: "0xb",
			results: []ReplicaResult{
				{Node: "0xa", AcceptedRows: 100, RejectedRows: 1, SharePPM: PPM * 100 / 101, Agreed: true},
				{Node: "0xb", AcceptedRows: 100, SharePPM: PPM, Agreed: true, Exact: true},
			},
		},
		{
			name: "duplicate rows that a majority reports twice are accepted twice",
			replicas: []Replica{
				revealed("0xa", cat(honest, honest[:1])),
				revealed("0xb", cat(honest[:1], honest)),
			},
			threshold: 900_000, k: 2, kMax: 4,
			state: Verified, share: PPM, accepted: cat(honest, honest[:1]), uploader: "0xa",
		},
		{
			name: "one replica padding with junk cannot sink what two agree on",
			replicas: []Replica{
				revealed("0xa", honest),
				revealed("0xb", honest),
				revealed("0xc", cat(honest, rows("junk", 10_000))),
			},
			threshold: 900_000, k: 3, kMax: 4,
			state: Verified, share: PPM, accepted: honest, uploader: "0xa",
		},
		{
			name:      "with two replicas, leaving rows out is no way to agree",
			replicas:  []Replica{revealed("0xa", honest), revealed("0xb", honest[:50])},
			threshold: 900_000, k: 2, kMax: 4,
			state: NeedReplica, share: 500_000,
			results: []ReplicaResult{
				{Node: "0xa", AcceptedRows: 50, RejectedRows: 50, SharePPM: 500_000},
				{Node: "0xb", AcceptedRows: 50, MissingRows: 0, SharePPM: PPM, Agreed: true, Exact: true},
			},
		},
		{
			name: "a majority that reveals no rows agrees the task is empty",
			replicas: []Replica{
				revealed("0xa", nil),
				revealed("0xb", nil),
				revealed("0xc", honest),
			},
			threshold: 900_000, k: 3, kMax: 4,
			state: Verified, share: PPM, accepted: []api.Hash{}, uploader: "0xa",
		},
		{
			name: "the uploader holds the most accepted rows, not the lowest address",
			replicas: []Replica{
				revealed("0xa", honest[:90]),
				revealed("0xb", honest),
				revealed("0xc", honest),
			},
			threshold: 900_000, k: 3, kMax: 4,
			state: Verified, share: PPM, accepted: honest, uploader: "0xb",
			results: []ReplicaResult{
				{Node: "0xa", AcceptedRows: 90, MissingRows: 10, SharePPM: 900_000, Agreed: true},
				{Node: "0xb", AcceptedRows: 100, SharePPM: PPM, Agreed: true, Exact: true},
				{Node: "0xc", AcceptedRows: 100, SharePPM: PPM, Agreed: true, Exact: true},
			},
		},
		{
			name: "accepted rows are those of the majority that the uploader holds",
			// Each pair agrees on one row; no replica holds all three.
			replicas: []Replica{
				revealed("0xa", cat(honest[0:1], honest[1:2])),
				revealed("0xb", cat(honest[1:2], honest[2:3])),
				revealed("0xc", cat(honest[0:1], honest[2:3])),
			},
			threshold: 900_000, k: 3, kMax: 4,
			state: Verified, share: PPM, accepted: honest[0:2], uploader: "0xa",
		},
		{
			name:      "threshold 0 is the default 0.9",
			replicas:  []Replica{revealed("0xa", honest), revealed("0xb", cat(honest[:89], rows("x", 11)))},
			threshold: 0, k: 2, kMax: 4,
			state: NeedReplica, share: 890_000,
		},
		{
			name:      "a threshold above 1 counts as 1",
			replicas:  []Replica{revealed("0xa", honest), revealed("0xb", honest)},
			threshold: 2 * PPM, k: 2, kMax: 4,
			state: Verified, share: PPM, accepted: honest, uploader: "0xa",
		},
		{
			name:      "k_max below k counts as k",
			replicas:  []Replica{revealed("0xa", honest), revealed("0xc", altered)},
			threshold: 900_000, k: 2, kMax: 0,
			state: Inconclusive, share: 700_000,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Tally(tt.replicas, tt.threshold, tt.k, tt.kMax)
			if v.State != tt.state {
				t.Fatalf("state %s, want %s (%s)", v.State, tt.state, v.Reason)
			}
			if v.Reason == "" {
				t.Error("no reason given")
			}
			if tt.state == Pending {
				return
			}
			if v.SharePPM != tt.share {
				t.Errorf("share %d ppm, want %d", v.SharePPM, tt.share)
			}
			if tt.state != Verified {
				if v.Accepted != nil || v.Uploader != "" {
					t.Errorf("%s verdict has accepted rows %d or uploader %q", v.State, len(v.Accepted), v.Uploader)
				}
			} else {
				want := sorted(tt.accepted)
				if !slices.Equal(v.Accepted, want) {
					t.Errorf("accepted %d rows, want %d", len(v.Accepted), len(want))
				}
				if root := contentRoot(want); v.AcceptedRoot != root {
					t.Errorf("accepted root %s, want %s", v.AcceptedRoot, root)
				}
				if v.Uploader != tt.uploader {
					t.Errorf("uploader %q, want %q", v.Uploader, tt.uploader)
				}
				// The uploader's own rows must pass CheckBlob.
				for _, r := range tt.replicas {
					if r.Node == v.Uploader {
						if _, err := CheckBlob(r.Rows, v.Accepted); err != nil {
							t.Errorf("the uploader's blob fails CheckBlob: %v", err)
						}
					}
				}
			}
			if tt.results != nil && !slices.Equal(v.PerReplica, tt.results) {
				t.Errorf("per replica\n got %+v\nwant %+v", v.PerReplica, tt.results)
			}
		})
	}
}

// TestTallyOrder checks that the verdict does not depend on the order of
// rows within a replica, nor, except for PerReplica, on the order of the
// replicas.
func TestTallyOrder(t *testing.T) {
	honest := rows("page", 500)
	base := []Replica{
		revealed("0xa", cat(honest[:480], rows("drift-a", 20))),
		revealed("0xb", cat(honest[:490], rows("drift-b", 10))),
		revealed("0xc", cat(honest[:300], rows("forged", 200))),
	}
	want := Tally(base, 900_000, 3, 4)
	if want.State != Verified {
		t.Fatalf("base case %s: %s", want.State, want.Reason)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		shuffled := make([]Replica, len(base))
		for j, p := range rng.Perm(len(base)) {
			r := base[p]
			r.Rows = slices.Clone(r.Rows)
			rng.Shuffle(len(r.Rows), func(x, y int) { r.Rows[x], r.Rows[y] = r.Rows[y], r.Rows[x] })
			shuffled[j] = r
		}
		got := Tally(shuffled, 900_000, 3, 4)
		if got.State != want.State || got.SharePPM != want.SharePPM || got.Uploader != want.Uploader ||
			got.AcceptedRoot != want.AcceptedRoot || !slices.Equal(got.Accepted, want.Accepted) {
			t.Fatalf("shuffle %d: %s share %d uploader %s, want %s share %d uploader %s",
				i, got.State, got.SharePPM, got.Uploader, want.State, want.SharePPM, want.Uploader)
		}
	}
}

// TestTallyDoesNotModify checks that Tally leaves the revealed rows in blob
// order: CheckBlob and the FSM still need them.
func TestTallyDoesNotModify(t *testing.T) {
	a := rows("page", 100)
	b := slices.Clone(a)
	slices.Reverse(b)
	before := slices.Clone(b)
	Tally([]Replica{revealed("0xa", a), revealed("0xb", b)}, 0, 2, 4)
	if !slices.Equal(b, before) {
		t.Fatal("Tally reordered a replica's rows")
	}
}

func TestThresholdPPM(t *testing.T) {
	tests := []struct {
		name  string
		share float64
		want  uint32
	}{
		{name: "default 0.9", share: 0.9, want: 900_000},
		{name: "one", share: 1, want: PPM},
		{name: "rounds to nearest", share: 0.9999995, want: PPM},
		{name: "small", share: 0.000001, want: 1},
		{name: "zero means default", share: 0, want: DefaultThresholdPPM},
		{name: "above one means default", share: 1.5, want: DefaultThresholdPPM},
		{name: "negative means default", share: -0.5, want: DefaultThresholdPPM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ThresholdPPM(tt.share); got != tt.want {
				t.Fatalf("ThresholdPPM(%v) = %d, want %d", tt.share, got, tt.want)
			}
		})
	}
}

func TestStateString(t *testing.T) {
	for s, want := range map[State]string{Pending: "pending", Verified: "verified",
		NeedReplica: "need_replica", Inconclusive: "inconclusive", State(9): "state(9)"} {
		if got := s.String(); got != want {
			t.Errorf("%d: %q, want %q", s, got, want)
		}
	}
}

// BenchmarkTally tallies three replicas of a task of api.MaxTaskRows rows.
func BenchmarkTally(b *testing.B) {
	honest := rows("page", api.MaxTaskRows)
	reps := []Replica{
		revealed("0xa", honest),
		revealed("0xb", cat(honest[:api.MaxTaskRows*98/100], rows("drift", api.MaxTaskRows*2/100))),
		revealed("0xc", cat(honest[:api.MaxTaskRows*7/10], rows("forged", api.MaxTaskRows*3/10))),
	}
	b.ReportAllocs()
	for b.Loop() {
		if v := Tally(reps, 900_000, 3, 4); v.State != Verified {
			b.Fatal(v.Reason)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(3*api.MaxTaskRows), "ns/row")
}
