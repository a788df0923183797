package rewards

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"runtime"
	"sort"
	"sync"
)

// Leaf is one account's entry in the reward tree: the cumulative amounts it
// has earned since the first epoch. The contract pays the difference between
// these and what the account has already claimed.
type Leaf struct {
	// Account is who may claim.
	Account Address `json:"account"`
	// Meadow is the cumulative MEADOW earned, in base units.
	Meadow *big.Int `json:"meadow"`
	// Stable is the cumulative stable-token revenue share earned, in base
	// units.
	Stable *big.Int `json:"stable"`
}

// Hash returns the leaf's hash as OpenZeppelin's StandardMerkleTree and the
// contract compute it for the types (address, uint256, uint256):
//
//	keccak256(bytes.concat(keccak256(abi.encode(account, meadow, stable))))
//
// abi.encode pads each value to 32 bytes big-endian, so the inner hash covers
// 96 bytes. Hashing twice keeps a 64-byte leaf preimage from ever being
// mistaken for an inner node. Amounts must be uint256 values.
func (l Leaf) Hash() ([32]byte, error) {
	if isAmount(l.Meadow) && isAmount(l.Stable) {
		return leafHash(l.Account, u256FromBig(l.Meadow), u256FromBig(l.Stable)), nil
	}
	if err := checkAmount("meadow of "+l.Account.String(), l.Meadow); err != nil {
		return [32]byte{}, err
	}
	if err := checkAmount("stable of "+l.Account.String(), l.Stable); err != nil {
		return [32]byte{}, err
	}
	panic("unreachable: isAmount and checkAmount disagree")
}

// leafHash is Hash for amounts already known to be uint256 values.
func leafHash(account Address, meadow, stable u256) [32]byte {
	var enc [96]byte
	copy(enc[12:32], account[:])
	putU256(enc[32:64], meadow)
	putU256(enc[64:96], stable)
	inner := keccak256(enc[:])
	return keccak256(inner[:])
}

// putU256 writes x into b[:32] as abi.encode does: 32 bytes, big-endian.
func putU256(b []byte, x u256) {
	for i := range 4 {
		v := x[3-i]
		for j := range 8 {
			b[8*i+j] = byte(v >> (56 - 8*j))
		}
	}
}

// hashPair hashes two nodes in the order OpenZeppelin's
// Hashes.commutativeKeccak256 uses: the smaller first, so a proof needs no
// left/right flags.
func hashPair(a, b *[32]byte) [32]byte {
	var buf [64]byte
	if bytes.Compare(a[:], b[:]) <= 0 {
		copy(buf[:32], a[:])
		copy(buf[32:], b[:])
	} else {
		copy(buf[:32], b[:])
		copy(buf[32:], a[:])
	}
	return keccak256(buf[:])
}

// Tree is a reward Merkle tree in the layout of OpenZeppelin's
// StandardMerkleTree: leaf hashes sorted ascending, placed from the end of an
// array of 2n-1 nodes backwards, with node i the commutative hash of nodes
// 2i+1 and 2i+2 and the root at node 0. Proofs verify with
// MerkleProof.verify, and the root equals StandardMerkleTree.of(values,
// ["address", "uint256", "uint256"]).root for the same values.
type Tree struct {
	nodes [][32]byte
	// accounts maps each account, sorted, to the node holding its leaf.
	accounts []treeAccount
}

type treeAccount struct {
	account Address
	node    uint32
}

// maxLeaves keeps node positions within uint32.
const maxLeaves = math.MaxUint32/2 + 1

// BuildTree builds the reward tree of leaves, which may come in any order;
// the root depends only on the set of leaves. It fails on an empty list, an
// account listed twice, or an amount that is no uint256. Leaf hashing and the
// levels of the tree use every available CPU.
func BuildTree(leaves []Leaf) (*Tree, error) {
	n := len(leaves)
	if n == 0 {
		return nil, ErrEmptyTree
	}
	if n > maxLeaves {
		return nil, fmt.Errorf("%w: %d leaves, want at most %d", ErrOverflow, n, maxLeaves)
	}
	// Leaf hashes go straight into the nodes' leaf region, n-1 … 2n-2, in
	// the leaves' order, and are then moved to their sorted places: no
	// second array of n hashes (32 MB at a million leaves) beside the tree.
	t := &Tree{nodes: make([][32]byte, 2*n-1), accounts: make([]treeAccount, n)}
	hashes := t.nodes[n-1:]
	var (
		mu       sync.Mutex
		firstBad = n // the lowest index of a leaf that failed, so the error is deterministic
	)
	parallel(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			h, err := leaves[i].Hash()
			if err != nil {
				mu.Lock()
				firstBad = min(firstBad, i)
				mu.Unlock()
				return // later leaves of this part cannot be lower
			}
			hashes[i] = h
		}
	})
	if firstBad < n {
		_, err := leaves[firstBad].Hash()
		return nil, err
	}

	// Sort leaves by hash, as StandardMerkleTree does, and place them from
	// the end backwards: the k-th smallest at node last-k, which is
	// hashes[n-1-k].
	order := make([]uint32, n)
	for i := range order {
		order[i] = uint32(i)
	}
	bucketSort(order,
		func(i *uint32) uint16 { return uint16(hashes[*i][0])<<8 | uint16(hashes[*i][1]) },
		func(a, b uint32) int { return bytes.Compare(hashes[a][:], hashes[b][:]) })
	last := len(t.nodes) - 1
	for k, leaf := range order {
		t.accounts[leaf] = treeAccount{account: leaves[leaf].Account, node: uint32(last - k)}
	}
	placeSorted(hashes, order)

	bucketSort(t.accounts,
		func(a *treeAccount) uint16 { return uint16(a.account[0])<<8 | uint16(a.account[1]) },
		func(a, b treeAccount) int { return compareAddress(a.account, b.account) })
	for i := 1; i < n; i++ {
		if t.accounts[i].account == t.accounts[i-1].account {
			return nil, fmt.Errorf("%w: %s", ErrDuplicateAccount, t.accounts[i].account)
		}
	}

	// Inner nodes, one level at a time from the deepest; a level's nodes
	// depend only on the level below, so each level is shared among CPUs.
	innerEnd := n - 1 // inner nodes are 0 .. n-2
	for levelStart := levelOf(innerEnd - 1); innerEnd > 0; levelStart = (levelStart - 1) / 2 {
		lo, hi := levelStart, innerEnd
		parallel(hi-lo, func(a, b int) {
			for i := lo + a; i < lo+b; i++ {
				t.nodes[i] = hashPair(&t.nodes[2*i+1], &t.nodes[2*i+2])
			}
		})
		innerEnd = levelStart
	}
	return t, nil
}

// placeSorted rearranges hashes in place so that hashes[n-1-k] holds what
// hashes[order[k]] held: the permutation BuildTree's layout asks for,
// applied one cycle at a time. It uses up order, marking each slot done
// in it.
func placeSorted(hashes [][32]byte, order []uint32) {
	const done = math.MaxUint32 // no leaf index: maxLeaves is below it
	n := len(hashes)
	for start := range n {
		if order[n-1-start] == done {
			continue
		}
		// Fill slot p from its source until the cycle comes back to start,
		// whose original hash was saved.
		saved := hashes[start]
		p := start
		for {
			src := int(order[n-1-p])
			order[n-1-p] = done
			if src == start {
				hashes[p] = saved
				break
			}
			hashes[p] = hashes[src]
			p = src
		}
	}
}

// levelOf returns the first node of the level holding node i (0, 1, 3, 7…).
func levelOf(i int) int {
	first := 0
	for 2*first+1 <= i {
		first = 2*first + 1
	}
	return first
}

// parallel runs fn over [0, n) split into one contiguous part per CPU, or
// inline when n is too small for goroutines to pay.
func parallel(n int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if n < 4096 || workers == 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() { fn(lo, hi) })
	}
	wg.Wait()
}

// Root returns the tree's root, the value posted on chain.
func (t *Tree) Root() [32]byte {
	return t.nodes[0]
}

// Len returns the number of leaves.
func (t *Tree) Len() int {
	return len(t.accounts)
}

// Proof returns the sibling hashes from account's leaf up to the root, the
// proof MerkleProof.verify takes. A tree of one leaf gives an empty proof.
func (t *Tree) Proof(account Address) ([][32]byte, error) {
	i, found := sort.Find(len(t.accounts), func(i int) int { return compareAddress(account, t.accounts[i].account) })
	if !found {
		return nil, fmt.Errorf("%w: %s", ErrNotInTree, account)
	}
	node := int(t.accounts[i].node)
	var proof [][32]byte
	for node > 0 {
		sibling := node - 1
		if node%2 == 1 {
			sibling = node + 1
		}
		proof = append(proof, t.nodes[sibling])
		node = (node - 1) / 2
	}
	return proof, nil
}

// VerifyProof reports whether proof leads from the leaf hash to root, as
// OpenZeppelin's MerkleProof.verify does: each step hashes the running value
// with the next proof element, smaller first.
func VerifyProof(proof [][32]byte, root, leaf [32]byte) bool {
	h := leaf
	for i := range proof {
		h = hashPair(&h, &proof[i])
	}
	return h == root
}
