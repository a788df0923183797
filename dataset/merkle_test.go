package dataset

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

// refMTH is RFC 6962's Merkle Tree Hash, written as the RFC defines it,
// with crypto/sha256, as an independent reference.
func refMTH(d []Hash) Hash {
	switch len(d) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return sha256.Sum256(append([]byte{0}, d[0][:]...))
	}
	k := 1
	for k*2 < len(d) {
		k *= 2
	}
	l, r := refMTH(d[:k]), refMTH(d[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

// refPath is RFC 6962's PATH(m, D[n]).
func refPath(m int, d []Hash) []Hash {
	if len(d) <= 1 {
		return nil
	}
	k := 1
	for k*2 < len(d) {
		k *= 2
	}
	if m < k {
		return append(refPath(m, d[:k]), refMTH(d[k:]))
	}
	return append(refPath(m-k, d[k:]), refMTH(d[:k]))
}

func randomHashes(rng *rand.Rand, n int) []Hash {
	hs := make([]Hash, n)
	for i := range hs {
		for j := range hs[i] {
			hs[i][j] = byte(rng.Uint32())
		}
	}
	return hs
}

func TestMerkleRootMatchesRFC6962(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := []int{}
	for n := 0; n <= 200; n++ {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 255, 256, 257, 1000, 1023, 1024, 1025, 4097)
	for _, n := range sizes {
		hs := randomHashes(rng, n)
		if got, want := MerkleRoot(hs), refMTH(hs); got != want {
			t.Fatalf("n=%d: MerkleRoot %s, RFC 6962 %s", n, got, want)
		}
	}
	if MerkleRoot(nil) != EmptyRoot || EmptyRoot != Hash(sha256.Sum256(nil)) {
		t.Fatal("empty root")
	}
}

func TestSortHashes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 100, 511, 512, 513, 5000, 70000} {
		hs := randomHashes(rng, n)
		// Duplicates and shared prefixes exercise deeper radix passes.
		for i := 0; i < n/10; i++ {
			hs[rng.IntN(n)] = hs[rng.IntN(n)]
			hs[rng.IntN(n)][0] = 7
		}
		want := slices.Clone(hs)
		slices.SortFunc(want, func(a, b Hash) int { return bytes.Compare(a[:], b[:]) })
		SortHashes(hs)
		if !slices.Equal(hs, want) {
			t.Fatalf("n=%d: not sorted like bytes.Compare", n)
		}
		if !HashesSorted(hs) {
			t.Fatal("HashesSorted false after sorting")
		}
	}
	same := make([]Hash, 3000)
	SortHashes(same)
	// Few distinct values, and already sorted or reversed input.
	for _, mk := range []func(i int) Hash{
		func(i int) Hash { return Hash{byte(i % 3)} },
		func(i int) Hash { var h Hash; h[31] = byte(i % 5); return h },
		func(i int) Hash { var h Hash; h[0], h[1] = byte(i>>8), byte(i); return h },
		func(i int) Hash { var h Hash; h[0], h[1] = byte(^i>>8), byte(^i); return h },
	} {
		for _, n := range []int{5, 13, 100, 600, 5000} {
			hs := make([]Hash, n)
			for i := range hs {
				hs[i] = mk(i)
			}
			want := slices.Clone(hs)
			slices.SortFunc(want, func(a, b Hash) int { return bytes.Compare(a[:], b[:]) })
			SortHashes(hs)
			if !slices.Equal(hs, want) {
				t.Fatalf("n=%d: structured input not sorted", n)
			}
		}
	}
}

func TestInclusionProofs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 31, 64, 65, 100, 129} {
		hs := randomHashes(rng, n)
		SortHashes(hs)
		root := MerkleRoot(hs)
		for m := 0; m < n; m++ {
			path, err := AuditPath(hs, m)
			if err != nil {
				t.Fatal(err)
			}
			if want := refPath(m, hs); !slices.Equal(path, want) && !(len(path) == 0 && len(want) == 0) {
				t.Fatalf("n=%d m=%d: path differs from RFC 6962 PATH", n, m)
			}
			p := InclusionProof{Version: ProofVersion, RowHash: hs[m], Index: uint64(m), Size: uint64(n), Path: path}
			if err := CheckProof(p, root); err != nil {
				t.Fatalf("n=%d m=%d: %v", n, m, err)
			}
			// Tampering with anything breaks it.
			bad := p
			bad.RowHash[0] ^= 1
			if CheckProof(bad, root) == nil {
				t.Fatalf("n=%d m=%d: tampered row hash passed", n, m)
			}
			if n > 1 {
				bad = p
				bad.Path = slices.Clone(p.Path)
				bad.Path[0][5] ^= 1
				if CheckProof(bad, root) == nil {
					t.Fatalf("n=%d m=%d: tampered path passed", n, m)
				}
				bad = p
				bad.Index = uint64((m + 1) % n)
				if CheckProof(bad, root) == nil && hs[(m+1)%n] != hs[m] {
					t.Fatalf("n=%d m=%d: wrong index passed", n, m)
				}
				bad = p
				bad.Path = p.Path[:len(p.Path)-1]
				if CheckProof(bad, root) == nil {
					t.Fatalf("n=%d m=%d: short path passed", n, m)
				}
			}
			bad = p
			bad.Path = append(slices.Clone(p.Path), root)
			if CheckProof(bad, root) == nil {
				t.Fatalf("n=%d m=%d: long path passed", n, m)
			}
			// The root does not authenticate the size on its own (a path for
			// leaf 0 of 3 also fits a tree of 4); an index past the size fails.
			bad = p
			bad.Size = uint64(m)
			if CheckProof(bad, root) == nil {
				t.Fatalf("n=%d m=%d: index past the size passed", n, m)
			}
		}
	}
}

func TestProveInclusion(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	hs := randomHashes(rng, 10)
	hs[3] = hs[8] // a duplicated row
	root := ContentRoot(hs)
	for _, h := range hs {
		p, err := ProveInclusion(hs, h)
		if err != nil {
			t.Fatal(err)
		}
		if p.Root != root || CheckProof(p, root) != nil {
			t.Fatalf("proof of %s does not check", h)
		}
		js, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var back InclusionProof
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatal(err)
		}
		if CheckProof(back, root) != nil {
			t.Fatalf("proof does not survive JSON: %s", js)
		}
	}
	if _, err := ProveInclusion(hs, Hash{}); !errors.Is(err, ErrInvalidProof) {
		t.Fatalf("absent hash: %v", err)
	}
	p, _ := ProveInclusion(hs, hs[0])
	other := root
	other[0] ^= 1
	if err := CheckProof(p, other); !errors.Is(err, ErrRootMismatch) {
		t.Fatalf("other root: %v", err)
	}
	p.Root = Hash{}
	if err := CheckProof(p, other); !errors.Is(err, ErrInvalidProof) {
		t.Fatalf("other root, no embedded root: %v", err)
	}
	if _, err := ProveInclusion([]Hash{{2}, {1}}, Hash{1}); !errors.Is(err, ErrInvalidProof) {
		t.Fatalf("unsorted input: %v", err)
	}
}

func TestHashText(t *testing.T) {
	h := sum256([]byte("abc"))
	js, _ := json.Marshal(h)
	if string(js) != `"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"` {
		t.Fatalf("JSON %s", js)
	}
	for _, s := range []string{h.String(), "0x" + h.String(), "0X" + h.String()} {
		if got, err := ParseHash(s); err != nil || got != h {
			t.Fatalf("ParseHash(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "zz", h.String()[:63], h.String() + "0", "0x" + h.String()[:62] + "zz"} {
		if _, err := ParseHash(s); err == nil {
			t.Fatalf("ParseHash(%q) accepted", s)
		}
	}
	var back Hash
	if err := json.Unmarshal([]byte(`"0x`+h.String()+`"`), &back); err == nil {
		t.Fatal("UnmarshalText accepted a 0x prefix")
	}
}

// TestHashSetMatchesSlices checks the chunked set Verify uses against the
// slice functions, with small chunks so that merging is exercised.
func TestHashSetMatchesSlices(t *testing.T) {
	defer func(c int) { hashChunk = c }(hashChunk)
	hashChunk = 37
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 1, 2, 36, 37, 38, 100, 500, 1000} {
		hs := randomHashes(rng, n)
		if n > 10 {
			hs[3], hs[n-1] = hs[7], hs[7] // duplicates across chunks
		}
		var set hashSet
		for i := 0; i < n; i += 11 {
			set.add(hs[i:min(i+11, n)])
		}
		if set.size() != n {
			t.Fatalf("size %d, want %d", set.size(), n)
		}
		for i := 0; i < n; i += 7 {
			if set.at(i) != hs[i] {
				t.Fatalf("at(%d)", i)
			}
		}
		sorted := slices.Clone(hs)
		root := ContentRoot(sorted)
		if got := set.root(); got != root {
			t.Fatalf("n=%d: root %s, want %s", n, got, root)
		}
		for i := 0; i < n; i += max(1, n/9) {
			want, err := ProveInclusion(sorted, hs[i])
			if err != nil {
				t.Fatal(err)
			}
			got, err := set.prove(hs[i])
			if err != nil {
				t.Fatal(err)
			}
			if got.Index != want.Index || got.Size != want.Size || got.Root != want.Root || !slices.Equal(got.Path, want.Path) {
				t.Fatalf("n=%d, hash %d: proof %+v, want %+v", n, i, got, want)
			}
		}
	}
}
