package api

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

func window(floor uint64, recent ...uint64) NonceWindow {
	return NonceWindow{Floor: floor, Recent: recent}
}

func fullWindow(from uint64) NonceWindow {
	w := NonceWindow{Floor: from - 50}
	for i := range uint64(NonceWindowSize) {
		w.Recent = append(w.Recent, from+i*10)
	}
	return w
}

func TestCheckNonce(t *testing.T) {
	full := fullWindow(100) // floor 50; 100, 110, …, 410
	tests := []struct {
		name  string
		w     NonceWindow
		n     uint64
		want  NonceWindow
		fails bool
	}{
		{name: "first nonce", w: NonceWindow{}, n: 7, want: window(0, 7)},
		{name: "higher", w: window(0, 7), n: 9, want: window(0, 7, 9)},
		{name: "lower but fresh: overtaken", w: window(0, 7, 9), n: 8, want: window(0, 7, 8, 9)},
		{name: "gaps are fine", w: window(0, 7), n: 1_767_225_000_000_000, want: window(0, 7, 1_767_225_000_000_000)},
		{name: "replay", w: window(0, 7, 9), n: 9, fails: true},
		{name: "zero", w: NonceWindow{}, n: 0, fails: true},
		{name: "above 2^53", w: NonceWindow{}, n: MaxNonce + 1, fails: true},
		{name: "at the floor", w: window(5, 7), n: 5, fails: true},
		{name: "below the floor", w: window(5, 7), n: 3, fails: true},
		{name: "full: newest evicts the oldest", w: full, n: 1000,
			want: NonceWindow{Floor: 100, Recent: append(slices.Clone(full.Recent[1:]), 1000)}},
		{name: "full: a fresh nonce inside the window evicts the oldest", w: full, n: 105,
			want: NonceWindow{Floor: 100, Recent: append([]uint64{105}, full.Recent[1:]...)}},
		{name: "full: a fresh nonce below the window is accepted and becomes the floor", w: full, n: 60,
			want: NonceWindow{Floor: 60, Recent: full.Recent}},
		{name: "full: below the floor", w: full, n: 50, fails: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := NonceWindow{Floor: tt.w.Floor, Recent: slices.Clone(tt.w.Recent)}
			got, err := CheckNonce(tt.w, tt.n)
			if !reflect.DeepEqual(tt.w, before) {
				t.Fatalf("CheckNonce changed its input: %+v", tt.w)
			}
			if tt.fails {
				if !errors.Is(err, ErrReplayed) {
					t.Fatalf("CheckNonce(%d) = %v, want ErrReplayed", tt.n, err)
				}
				if !reflect.DeepEqual(got, tt.w) {
					t.Fatalf("a refused nonce changed the window: %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("CheckNonce(%d) = %v", tt.n, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("window %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestCheckNonceInvariants drives the window with shuffled nonces: no nonce
// is ever accepted twice, the window keeps its invariants, and a nonce that
// fewer than NonceWindowSize higher nonces overtook is accepted.
func TestCheckNonceInvariants(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var w NonceWindow
	accepted := map[uint64]bool{}
	next := uint64(1_000)
	for range 20_000 {
		// Requests in flight at once arrive in any order.
		batch := make([]uint64, 1+r.IntN(NonceWindowSize))
		for i := range batch {
			next += 1 + uint64(r.IntN(1000))
			batch[i] = next
		}
		r.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
		for _, n := range batch {
			nw, err := CheckNonce(w, n)
			if err != nil {
				t.Fatalf("nonce %d refused in a batch of %d: %v", n, len(batch), err)
			}
			accepted[n] = true
			w = nw
		}
		// Replays of anything ever accepted are refused.
		for range 3 {
			old := batch[r.IntN(len(batch))]
			if _, err := CheckNonce(w, old); !errors.Is(err, ErrReplayed) {
				t.Fatalf("replay of %d: %v", old, err)
			}
		}
		if len(w.Recent) > NonceWindowSize || !slices.IsSorted(w.Recent) || (len(w.Recent) > 0 && w.Recent[0] <= w.Floor) {
			t.Fatalf("window broken: %+v", w)
		}
	}
}

func TestNonceChecker(t *testing.T) {
	c := NewNonceChecker()
	a, b := common.Address{1}, common.Address{2}
	if err := c.Check(a, 10); err != nil {
		t.Fatal(err)
	}
	if err := c.Check(b, 10); err != nil {
		t.Fatal("signers share nonces:", err)
	}
	if err := c.Check(a, 10); !errors.Is(err, ErrReplayed) {
		t.Fatalf("replay: %v", err)
	}
	// Concurrent requests of one signer with distinct nonces all pass.
	var wg sync.WaitGroup
	errs := make(chan error, NonceWindowSize)
	for i := range NonceWindowSize {
		wg.Go(func() { errs <- c.Check(a, uint64(100+i)) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if w := c.Window(a); len(w.Recent) != NonceWindowSize || w.Floor != 10 {
		t.Fatalf("window %+v", w)
	}
}

func TestNonceSource(t *testing.T) {
	var s NonceSource
	now := time.Unix(1_767_225_000, 0)
	first := s.Next(now)
	if first != uint64(now.UnixMicro()) {
		t.Fatalf("first nonce %d, want the time in microseconds", first)
	}
	if n := s.Next(now); n != first+1 {
		t.Fatalf("same instant: %d, want %d", n, first+1)
	}
	if n := s.Next(now.Add(-time.Hour)); n != first+2 {
		t.Fatalf("clock went back: %d, want %d", n, first+2)
	}
	if n := s.Next(now.Add(time.Second)); n != first+1_000_000 {
		t.Fatalf("a second later: %d", n)
	}
	if n := s.Next(time.Date(2250, 1, 1, 0, 0, 0, 0, time.UTC)); n > MaxNonce {
		t.Fatalf("nonce %d passes MaxNonce before 2255", n)
	}
}
