package rewards

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestBucketSort(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	tests := []struct {
		name string
		n    int
		gen  func() uint32
	}{
		{name: "empty", n: 0, gen: r.Uint32},
		{name: "small", n: 100, gen: r.Uint32},
		{name: "uniform", n: 50_000, gen: r.Uint32},
		{name: "one bucket", n: 20_000, gen: func() uint32 { return r.Uint32() & 0xffff }},
		{name: "few values", n: 20_000, gen: func() uint32 { return uint32(r.IntN(3)) << 30 }},
		{name: "sorted", n: 20_000, gen: func() uint32 { return 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := make([]uint32, tt.n)
			for i := range s {
				s[i] = tt.gen()
			}
			if tt.name == "sorted" {
				for i := range s {
					s[i] = uint32(i) * 7919
				}
			}
			want := slices.Clone(s)
			slices.Sort(want)
			bucketSort(s, func(x *uint32) uint16 { return uint16(*x >> 16) }, cmp.Compare[uint32])
			if !slices.Equal(s, want) {
				t.Fatal("not sorted")
			}
		})
	}
}
