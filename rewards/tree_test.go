package rewards

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

// randLeaves returns n leaves with distinct random accounts and amounts.
func randLeaves(r *rand.Rand, n int) []Leaf {
	leaves := make([]Leaf, n)
	seen := map[Address]bool{}
	for i := range leaves {
		var a Address
		for {
			for j := range a {
				a[j] = byte(r.Uint32())
			}
			if !seen[a] {
				break
			}
		}
		seen[a] = true
		leaves[i] = Leaf{Account: a, Meadow: randU256(r), Stable: randU256(r)}
	}
	return leaves
}

func TestLeafHash(t *testing.T) {
	// keccak256(keccak256(abi.encode(0x1111…, 5e18, 7))), computed with
	// @noble/hashes over the hand-built 96-byte encoding.
	l := Leaf{
		Account: mustAddress(t, "0x1111111111111111111111111111111111111111"),
		Meadow:  n(t, "5000000000000000000"),
		Stable:  big.NewInt(7),
	}
	h, err := l.Hash()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(h[:]), "0e5fdbafc55996f0c140637cf932a750c85b1515332b12c300bf18c24d453db3"; got != want {
		t.Fatalf("leaf hash = %s, want %s", got, want)
	}
	for _, bad := range []Leaf{
		{Account: l.Account, Meadow: nil, Stable: big.NewInt(0)},
		{Account: l.Account, Meadow: big.NewInt(0), Stable: big.NewInt(-1)},
		{Account: l.Account, Meadow: new(big.Int).Lsh(big.NewInt(1), 256), Stable: big.NewInt(0)},
	} {
		if _, err := bad.Hash(); err == nil {
			t.Errorf("Hash(%v) succeeded", bad)
		}
	}
}

func mustAddress(t testing.TB, s string) Address {
	t.Helper()
	a, err := ParseAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestTreeProofsVerify(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, size := range []int{1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 100, 5000} {
		leaves := randLeaves(r, size)
		tree, err := BuildTree(leaves)
		if err != nil {
			t.Fatalf("%d leaves: %v", size, err)
		}
		if tree.Len() != size {
			t.Fatalf("Len() = %d, want %d", tree.Len(), size)
		}
		root := tree.Root()
		for _, l := range leaves {
			proof, err := tree.Proof(l.Account)
			if err != nil {
				t.Fatalf("%d leaves: Proof(%s): %v", size, l.Account, err)
			}
			h, _ := l.Hash()
			if !VerifyProof(proof, root, h) {
				t.Fatalf("%d leaves: proof of %s does not verify", size, l.Account)
			}
			// A proof is never longer than the tree is deep.
			if depth := bitLen(size - 1); len(proof) > depth {
				t.Fatalf("%d leaves: proof of %d elements, want at most %d", size, len(proof), depth)
			}
			// Any other amount fails.
			other := Leaf{Account: l.Account, Meadow: new(big.Int).Add(l.Meadow, big.NewInt(1)), Stable: l.Stable}
			if oh, err := other.Hash(); err == nil && VerifyProof(proof, root, oh) {
				t.Fatalf("%d leaves: proof verifies a changed amount", size)
			}
			if len(proof) > 0 {
				proof[0][0] ^= 1
				if VerifyProof(proof, root, h) {
					t.Fatalf("%d leaves: tampered proof verifies", size)
				}
			}
		}
		// The root does not depend on the order of the leaves.
		shuffled := append([]Leaf(nil), leaves...)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		tree2, err := BuildTree(shuffled)
		if err != nil || tree2.Root() != root {
			t.Fatalf("%d leaves: shuffled root differs (%v)", size, err)
		}
	}
}

func bitLen(x int) int {
	n := 0
	for ; x > 0; x >>= 1 {
		n++
	}
	return n
}

func TestTreeSingleLeaf(t *testing.T) {
	l := Leaf{Account: Address{1}, Meadow: big.NewInt(1), Stable: big.NewInt(2)}
	tree, err := BuildTree([]Leaf{l})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := l.Hash()
	if tree.Root() != h {
		t.Fatalf("root %x, want the leaf hash %x", tree.Root(), h)
	}
	proof, err := tree.Proof(l.Account)
	if err != nil || len(proof) != 0 {
		t.Fatalf("Proof() = %v, %v, want empty", proof, err)
	}
	if !VerifyProof(nil, tree.Root(), h) {
		t.Fatal("empty proof does not verify")
	}
}

func TestBuildTreeErrors(t *testing.T) {
	a := Address{1}
	tests := []struct {
		name   string
		leaves []Leaf
		want   error
	}{
		{name: "empty", leaves: nil, want: ErrEmptyTree},
		{name: "duplicate", leaves: []Leaf{
			{Account: a, Meadow: big.NewInt(1), Stable: big.NewInt(0)},
			{Account: Address{2}, Meadow: big.NewInt(1), Stable: big.NewInt(0)},
			{Account: a, Meadow: big.NewInt(2), Stable: big.NewInt(0)},
		}, want: ErrDuplicateAccount},
		{name: "nil amount", leaves: []Leaf{{Account: a, Meadow: big.NewInt(1)}}, want: ErrMissingAmount},
		{name: "negative amount", leaves: []Leaf{{Account: a, Meadow: big.NewInt(-1), Stable: big.NewInt(0)}}, want: ErrNegative},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := BuildTree(tt.leaves); !errors.Is(err, tt.want) {
				t.Fatalf("BuildTree() error = %v, want %v", err, tt.want)
			}
		})
	}
	tree, err := BuildTree([]Leaf{{Account: a, Meadow: big.NewInt(1), Stable: big.NewInt(0)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tree.Proof(Address{9}); !errors.Is(err, ErrNotInTree) {
		t.Fatalf("Proof(absent) error = %v, want %v", err, ErrNotInTree)
	}
}

// TestTreeMatchesReference checks BuildTree's root against a direct, serial
// rendering of StandardMerkleTree's algorithm, for sizes where the parallel
// level split matters.
func TestTreeMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, size := range []int{4095, 4096, 4097, 9000} {
		leaves := randLeaves(r, size)
		tree, err := BuildTree(leaves)
		if err != nil {
			t.Fatal(err)
		}
		hashes := make([][32]byte, size)
		for i, l := range leaves {
			hashes[i], _ = l.Hash()
		}
		// One comparison sort over the whole slice, not bucketSort.
		slices.SortFunc(hashes, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
		nodes := make([][32]byte, 2*size-1)
		for i, h := range hashes {
			nodes[len(nodes)-1-i] = h
		}
		for i := len(nodes) - 1 - size; i >= 0; i-- {
			nodes[i] = hashPair(&nodes[2*i+1], &nodes[2*i+2])
		}
		if tree.Root() != nodes[0] {
			t.Fatalf("%d leaves: root %x, reference %x", size, tree.Root(), nodes[0])
		}
	}
}
