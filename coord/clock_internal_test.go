package coord

import (
	"testing"
	"time"
)

func TestClusterOffset(t *testing.T) {
	const m = time.Minute
	for _, tt := range []struct {
		name      string
		peers     map[string]time.Duration
		n         int
		want      time.Duration
		wantKnown bool
		// wantSkewed is the judgement with a 30 s bound.
		wantSkewed bool
	}{
		{name: "alone", peers: nil, n: 1, want: 0, wantKnown: true},
		{name: "one good member of three, one peer fast", peers: map[string]time.Duration{"b": 0, "c": 2 * m}, n: 3, want: 0, wantKnown: true},
		{name: "this member fast", peers: map[string]time.Duration{"b": -2 * m, "c": -2 * m}, n: 3, want: 2 * m, wantKnown: true, wantSkewed: true},
		{name: "this member slow", peers: map[string]time.Duration{"b": 8 * m, "c": 8*m + time.Second}, n: 3, want: -8 * m, wantKnown: true, wantSkewed: true},
		{name: "one peer of three answered, and disagrees: cannot tell who is wrong", peers: map[string]time.Duration{"b": 5 * m}, n: 3, want: -5 * m / 2, wantKnown: true},
		{name: "two of five peers fast", peers: map[string]time.Duration{"b": 0, "c": time.Second, "d": 3 * m, "e": 3 * m}, n: 5, want: -time.Second, wantKnown: true},
		{name: "this member fast, two of five down", peers: map[string]time.Duration{"b": -m, "c": -m}, n: 5, want: m, wantKnown: true, wantSkewed: true},
		{name: "no majority answered", peers: map[string]time.Duration{"b": 5 * m}, n: 5, wantKnown: false},
		{name: "nobody answered", peers: nil, n: 3, wantKnown: false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, known := clusterOffset(tt.peers, tt.n)
			if out := known && outvoted(tt.peers, 30*time.Second); out != tt.wantSkewed {
				t.Errorf("skewed = %v, want %v", out, tt.wantSkewed)
			}
			if known != tt.wantKnown || (known && got != tt.want) {
				t.Fatalf("clusterOffset = %s, %v; want %s, %v", got, known, tt.want, tt.wantKnown)
			}
		})
	}
}
