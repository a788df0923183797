package rewards

import (
	"encoding/hex"
	"strings"
	"testing"
)

// TestKeccak256 checks digests that @noble/hashes' keccak_256 (an independent
// implementation) produces, around the 136-byte block boundary too.
func TestKeccak256(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "empty", in: "", want: "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
		{name: "abc", in: "abc", want: "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"},
		{name: "fox", in: "The quick brown fox jumps over the lazy dog", want: "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"},
		{name: "transfer selector", in: "transfer(address,uint256)", want: "a9059cbb2ab09eb219583f4a59a5d0623ade346d962bcd4e46b11da047c9049b"},
		{name: "135 bytes", in: strings.Repeat("a", 135), want: "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446"},
		{name: "136 bytes", in: strings.Repeat("a", 136), want: "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e"},
		{name: "137 bytes", in: strings.Repeat("a", 137), want: "d869f639c7046b4929fc92a4d988a8b22c55fbadb802c0c66ebcd484f1915f39"},
		{name: "1000 bytes", in: strings.Repeat("a", 1000), want: "b6a4ac1f51884d71f30fa397a5e155de3099e11fc0edef5d08b646e621e19de9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keccak256([]byte(tt.in))
			if g := hex.EncodeToString(got[:]); g != tt.want {
				t.Errorf("keccak256(%q) = %s, want %s", tt.in, g, tt.want)
			}
		})
	}
}

func BenchmarkKeccak256x64(b *testing.B) {
	var buf [64]byte
	for b.Loop() {
		buf[0]++
		keccak256(buf[:])
	}
}
