package verify

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/api"
)

func TestCheckReveal(t *testing.T) {
	rs := rows("page", 40)
	commit := api.Commitment{TaskID: "t1", LeaseID: "l1", Root: contentRoot(rs), Rows: 40}
	reversed := slices.Clone(rs)
	slices.Reverse(reversed)
	tests := []struct {
		name   string
		reveal api.Reveal
		errHas string // "" for no error
	}{
		{name: "hashes in blob order give the root", reveal: api.Reveal{TaskID: "t1", LeaseID: "l1", RowHashes: rs}},
		{name: "any order gives the same root", reveal: api.Reveal{TaskID: "t1", LeaseID: "l1", RowHashes: reversed}},
		{
			name:   "one hash changed",
			reveal: api.Reveal{TaskID: "t1", LeaseID: "l1", RowHashes: cat(rs[:39], rows("other", 1))},
			errHas: "expected the committed root " + commit.Root.String(),
		},
		{
			name:   "one hash short",
			reveal: api.Reveal{TaskID: "t1", LeaseID: "l1", RowHashes: rs[:39]},
			errHas: "row_hashes",
		},
		{
			name:   "another lease",
			reveal: api.Reveal{TaskID: "t1", LeaseID: "l2", RowHashes: rs},
			errHas: "lease_id",
		},
		{
			name:   "another task",
			reveal: api.Reveal{TaskID: "t2", LeaseID: "l1", RowHashes: rs},
			errHas: "task_id",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.reveal.RowHashes)
			err := CheckReveal(commit, tt.reveal)
			if !slices.Equal(tt.reveal.RowHashes, before) {
				t.Error("CheckReveal reordered the revealed hashes")
			}
			if tt.errHas == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrRevealMismatch) {
				t.Fatalf("error %v, want ErrRevealMismatch", err)
			}
			if !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("error %q does not name %q", err, tt.errHas)
			}
		})
	}
}

func TestCheckReveal_EmptyTask(t *testing.T) {
	commit := api.Commitment{TaskID: "t1", LeaseID: "l1", Root: contentRoot(nil), Rows: 0}
	if err := CheckReveal(commit, api.Reveal{TaskID: "t1", LeaseID: "l1"}); err != nil {
		t.Fatalf("empty task: %v", err)
	}
}

func TestCheckBlob(t *testing.T) {
	rs := rows("page", 6)
	tests := []struct {
		name     string
		blob     []api.Hash
		accepted []api.Hash
		keep     []int
		errHas   string
	}{
		{name: "all rows accepted", blob: rs, accepted: sorted(rs), keep: []int{0, 1, 2, 3, 4, 5}},
		{name: "rows not accepted are dropped", blob: rs, accepted: sorted(rs[1:4]), keep: []int{1, 2, 3}},
		{
			name:     "extra copies are dropped, first ones kept",
			blob:     cat(rs[:2], rs[:1], rs[2:3]),
			accepted: sorted(rs[:3]),
			keep:     []int{0, 1, 3},
		},
		{
			name:     "an accepted duplicate needs two rows",
			blob:     cat(rs[:2], rs[:1]),
			accepted: sorted(cat(rs[:2], rs[:1])),
			keep:     []int{0, 1, 2},
		},
		{name: "nothing accepted keeps nothing", blob: rs, accepted: nil, keep: []int{}},
		{
			name:     "a missing accepted row is named",
			blob:     rs[:5],
			accepted: sorted(rs),
			errHas:   rs[5].String(),
		},
		{
			name:     "a missing second copy is named",
			blob:     rs[:3],
			accepted: sorted(cat(rs[:3], rs[1:2])),
			errHas:   rs[1].String(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keep, err := CheckBlob(tt.blob, tt.accepted)
			if tt.errHas != "" {
				if !errors.Is(err, ErrMissingRow) || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("error %v, want ErrMissingRow naming %s", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !slices.Equal(keep, tt.keep) {
				t.Fatalf("keep %v, want %v", keep, tt.keep)
			}
		})
	}
}

func FuzzCheckBlob(f *testing.F) {
	f.Add([]byte{0, 1, 2, 1}, []byte{1, 2})
	f.Fuzz(func(t *testing.T, blob, acc []byte) {
		rs := rows("r", 8)
		pick := func(bs []byte) []api.Hash {
			out := make([]api.Hash, len(bs))
			for i, b := range bs {
				out[i] = rs[b%8]
			}
			return out
		}
		b, a := pick(blob), pick(acc)
		keep, err := CheckBlob(b, a)
		if err != nil {
			if !errors.Is(err, ErrMissingRow) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		// The kept rows are exactly the accepted multiset, in blob order.
		got := make([]api.Hash, len(keep))
		for i, k := range keep {
			if i > 0 && keep[i-1] >= k {
				t.Fatalf("keep not ascending: %v", keep)
			}
			got[i] = b[k]
		}
		if !slices.Equal(sorted(got), sorted(a)) {
			t.Fatalf("kept rows differ from the accepted ones")
		}
	})
}
