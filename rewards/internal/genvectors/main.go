// Command genvectors writes the reward package's golden test vectors:
// testdata/reward_tree.json (leaves, their ABI encodings and hashes, roots
// and proofs) and testdata/emission.json (the emission schedule and revenue
// share at chosen points). Every implementation (this package, the
// contracts' tests, any client) checks itself against these files.
//
// Run from the repository root:
//
//	go run ./rewards/internal/genvectors
//
// The output is deterministic; a test in this package fails when the files
// are out of date.
package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/meadow-net/meadow/rewards"
)

func main() {
	out := flag.String("out", "rewards/testdata", "directory to write the vector files to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genvectors:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	files, err := generate()
	if err != nil {
		return err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// generate returns the vector files by name.
func generate() (map[string][]byte, error) {
	tree, err := treeVectors()
	if err != nil {
		return nil, fmt.Errorf("reward tree: %w", err)
	}
	emission, err := emissionVectors()
	if err != nil {
		return nil, fmt.Errorf("emission: %w", err)
	}
	files := map[string][]byte{}
	for name, v := range map[string]any{"reward_tree.json": tree, "emission.json": emission} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
		files[name] = buf.Bytes()
	}
	return files, nil
}

// TreeFile is the layout of reward_tree.json.
type TreeFile struct {
	Comment  string     `json:"comment"`
	Types    []string   `json:"leaf_types"`
	Encoding string     `json:"leaf_encoding"`
	Node     string     `json:"node_hash"`
	Cases    []TreeCase `json:"cases"`
}

// TreeCase is one tree: its leaves, in input order, and its root.
type TreeCase struct {
	Name   string     `json:"name"`
	Root   string     `json:"root"`
	Leaves []TreeLeaf `json:"leaves"`
}

// TreeLeaf is one leaf with everything derived from it. Amounts are decimal
// strings, since they exceed what JSON numbers carry exactly.
type TreeLeaf struct {
	Account string   `json:"account"`
	Meadow  string   `json:"meadow"`
	Stable  string   `json:"stable"`
	Encoded string   `json:"abi_encoded"`
	Hash    string   `json:"hash"`
	Proof   []string `json:"proof"`
}

func hex32(b [32]byte) string { return "0x" + hex.EncodeToString(b[:]) }

func treeVectors() (TreeFile, error) {
	max := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	e18 := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	fixed := func(hexAddr string, meadow, stable *big.Int) rewards.Leaf {
		a, err := rewards.ParseAddress(hexAddr)
		if err != nil {
			panic(err) // a typo in the literals below
		}
		return rewards.Leaf{Account: a, Meadow: meadow, Stable: stable}
	}
	a1 := fixed("0x1111111111111111111111111111111111111111", new(big.Int).Mul(big.NewInt(5), e18), big.NewInt(7_000_000))
	a2 := fixed("0x2222222222222222222222222222222222222222", new(big.Int).Mul(big.NewInt(2500), e18), big.NewInt(0))
	a3 := fixed("0x3333333333333333333333333333333333333333", big.NewInt(0), big.NewInt(123_456_789))
	zero := fixed("0x0000000000000000000000000000000000000000", big.NewInt(0), big.NewInt(0))
	ff := fixed("0xffffffffffffffffffffffffffffffffffffffff", max, max)

	r := rand.New(rand.NewPCG(2024, 6))
	random := func(n int) []rewards.Leaf {
		leaves := make([]rewards.Leaf, n)
		for i := range leaves {
			var a rewards.Address
			for j := range a {
				a[j] = byte(r.Uint32())
			}
			meadow := new(big.Int).Mul(big.NewInt(r.Int64N(1_000_000)), e18)
			meadow.Add(meadow, big.NewInt(r.Int64N(1<<62)))
			leaves[i] = rewards.Leaf{Account: a, Meadow: meadow, Stable: big.NewInt(r.Int64N(1 << 50))}
		}
		return leaves
	}

	// A tree straight from a settlement, so the vectors tie the two together.
	settled, err := rewards.Settle(rewards.SettleInput{
		Epoch:  1,
		Params: rewards.DefaultParams(),
		Units: map[rewards.Address]uint64{
			a1.Account: 10, a2.Account: 30, a3.Account: 20,
		},
		Emission:     rewards.DefaultParams().EMax0,
		RevenueShare: big.NewInt(7_000_000_000),
		Carry:        rewards.Balance{Meadow: big.NewInt(0), Stable: big.NewInt(0)},
	})
	if err != nil {
		return TreeFile{}, err
	}

	cases := []struct {
		name   string
		leaves []rewards.Leaf
	}{
		{name: "one leaf: root is the leaf hash, proof empty", leaves: []rewards.Leaf{a1}},
		{name: "two leaves", leaves: []rewards.Leaf{a1, a2}},
		{name: "three leaves", leaves: []rewards.Leaf{a1, a2, a3}},
		{name: "extremes: zero address and amounts, all-ones address and 2^256-1", leaves: []rewards.Leaf{zero, ff, a1}},
		{name: "settlement of epoch 1: 10, 30 and 20 units", leaves: settled.Leaves},
		{name: "five random leaves", leaves: random(5)},
		{name: "eight random leaves", leaves: random(8)},
		{name: "thirteen random leaves", leaves: random(13)},
	}
	file := TreeFile{
		Comment: "Reward tree vectors, written by `go run ./rewards/internal/genvectors`; see rewards/DESIGN.md. " +
			"The layout is OpenZeppelin StandardMerkleTree's (leaf hashes sorted ascending); every proof verifies with MerkleProof.verify(proof, root, hash).",
		Types:    []string{"address", "uint256", "uint256"},
		Encoding: "hash = keccak256(bytes.concat(keccak256(abi.encode(account, meadow, stable))))",
		Node:     "keccak256(min(a,b) || max(a,b))",
	}
	for _, c := range cases {
		tree, err := rewards.BuildTree(c.leaves)
		if err != nil {
			return TreeFile{}, fmt.Errorf("%s: %w", c.name, err)
		}
		tc := TreeCase{Name: c.name, Root: hex32(tree.Root())}
		for _, l := range c.leaves {
			h, err := l.Hash()
			if err != nil {
				return TreeFile{}, err
			}
			proof, err := tree.Proof(l.Account)
			if err != nil {
				return TreeFile{}, err
			}
			p := make([]string, len(proof))
			for i := range proof {
				p[i] = hex32(proof[i])
			}
			tc.Leaves = append(tc.Leaves, TreeLeaf{
				Account: l.Account.String(),
				Meadow:  l.Meadow.String(),
				Stable:  l.Stable.String(),
				Encoded: "0x" + hex.EncodeToString(abiEncode(l)),
				Hash:    hex32(h),
				Proof:   p,
			})
		}
		file.Cases = append(file.Cases, tc)
	}
	return file, nil
}

// abiEncode is abi.encode(address, uint256, uint256), written out here
// rather than taken from the package so that the file shows the encoding
// independently.
func abiEncode(l rewards.Leaf) []byte {
	out := make([]byte, 96)
	copy(out[12:32], l.Account[:])
	l.Meadow.FillBytes(out[32:64])
	l.Stable.FillBytes(out[64:96])
	return out
}

// EmissionFile is the layout of emission.json.
type EmissionFile struct {
	Comment      string          `json:"comment"`
	Params       ParamsJSON      `json:"params"`
	Cases        []EmissionCase  `json:"emission"`
	Errors       []EmissionError `json:"emission_errors"`
	Shares       []ShareCase     `json:"revenue_share"`
	Trailing     []TrailingCase  `json:"trailing_revenue"`
	ScheduleRev  []string        `json:"schedule_revenue"`
	ScheduleEmit []string        `json:"schedule_emission"`
}

// ParamsJSON is Params with every amount as a decimal string.
type ParamsJSON struct {
	EMax0           string `json:"emax0"`
	HalvingEpochs   uint64 `json:"halving_epochs"`
	R0              string `json:"r0"`
	Floor           string `json:"floor"`
	Cap             string `json:"cap"`
	Window          uint64 `json:"window"`
	RevenueShareBps uint64 `json:"revenue_share_bps"`
}

// EmissionCase is one call of Emission and its result.
type EmissionCase struct {
	Name            string `json:"name"`
	Epoch           uint64 `json:"epoch,string"`
	TrailingRevenue string `json:"trailing_revenue"`
	Minted          string `json:"minted"`
	Emission        string `json:"emission"`
}

// EmissionError is a call of Emission that must fail (revert, on chain).
type EmissionError struct {
	Name            string `json:"name"`
	Epoch           uint64 `json:"epoch,string"`
	TrailingRevenue string `json:"trailing_revenue"`
	Minted          string `json:"minted"`
	Error           string `json:"error"`
}

// ShareCase is one call of RevenueShare.
type ShareCase struct {
	Revenue string `json:"revenue"`
	Share   string `json:"share"`
}

// TrailingCase is TrailingRevenue over schedule_revenue at one epoch.
type TrailingCase struct {
	Epoch           uint64 `json:"epoch,string"`
	TrailingRevenue string `json:"trailing_revenue"`
}

func emissionVectors() (EmissionFile, error) {
	p := rewards.DefaultParams()
	file := EmissionFile{
		Comment: "Emission vectors for DefaultParams, written by `go run ./rewards/internal/genvectors`; see rewards/DESIGN.md. " +
			"schedule_emission[i] is the emission of epoch i+1 when epoch j+1 had revenue schedule_revenue[j], minted carried along.",
		Params: ParamsJSON{
			EMax0: p.EMax0.String(), HalvingEpochs: p.HalvingEpochs, R0: p.R0.String(),
			Floor: p.Floor.String(), Cap: p.Cap.String(), Window: p.Window, RevenueShareBps: p.RevenueShareBps,
		},
	}
	dec := func(s string) *big.Int {
		x, ok := new(big.Int).SetString(s, 10)
		if !ok {
			panic("bad decimal " + s) // a typo in the literals below
		}
		return x
	}
	const e18, e6 = "000000000000000000", "000000"
	max := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1)).String()
	for _, c := range []struct {
		name, revenue, minted string
		epoch                 uint64
	}{
		{name: "epoch 1, no revenue: emax0", epoch: 1, revenue: "0", minted: "0"},
		{name: "revenue r0 halves", epoch: 1, revenue: "10000" + e6, minted: "0"},
		{name: "revenue 2*r0: floor division", epoch: 1, revenue: "20000" + e6, minted: "0"},
		{name: "revenue 1 base unit", epoch: 1, revenue: "1", minted: "0"},
		{name: "odd revenue", epoch: 77, revenue: "12345678901", minted: "5000000" + e18},
		{name: "last epoch before the first halving", epoch: 520, revenue: "0", minted: "0"},
		{name: "first halving", epoch: 521, revenue: "0", minted: "0"},
		{name: "first halving with revenue", epoch: 521, revenue: "3333" + e6, minted: "0"},
		{name: "second halving", epoch: 1041, revenue: "0", minted: "0"},
		{name: "floor by revenue", epoch: 1, revenue: "990001" + e6, minted: "0"},
		{name: "floor by halvings", epoch: 3641, revenue: "0", minted: "0"},
		{name: "shift 255", epoch: 520*255 + 1, revenue: "0", minted: "0"},
		{name: "shift 256 and more: base 0, floor", epoch: 520*256 + 1, revenue: "0", minted: "0"},
		{name: "largest epoch", epoch: ^uint64(0), revenue: "0", minted: "0"},
		{name: "huge revenue", epoch: 1, revenue: new(big.Int).Sub(dec(max), dec("10000"+e6)).String(), minted: "0"},
		{name: "cap clips", epoch: 1, revenue: "0", minted: "999950000" + e18},
		{name: "cap clips below the floor", epoch: 1, revenue: "1000000" + e6, minted: "999999999999999999999999999"},
		{name: "cap reached", epoch: 1, revenue: "0", minted: "1000000000" + e18},
		{name: "minted past the cap", epoch: 1, revenue: "0", minted: "1000000001" + e18},
	} {
		e, err := rewards.Emission(p, c.epoch, dec(c.revenue), dec(c.minted))
		if err != nil {
			return EmissionFile{}, fmt.Errorf("%s: %w", c.name, err)
		}
		file.Cases = append(file.Cases, EmissionCase{Name: c.name, Epoch: c.epoch, TrailingRevenue: c.revenue, Minted: c.minted, Emission: e.String()})
	}
	for _, c := range []struct {
		name, revenue, minted string
		epoch                 uint64
	}{
		{name: "epoch 0", epoch: 0, revenue: "0", minted: "0"},
		{name: "r0 + revenue overflows uint256", epoch: 1, revenue: max, minted: "0"},
	} {
		_, err := rewards.Emission(p, c.epoch, dec(c.revenue), dec(c.minted))
		if err == nil {
			return EmissionFile{}, fmt.Errorf("%s: no error", c.name)
		}
		file.Errors = append(file.Errors, EmissionError{Name: c.name, Epoch: c.epoch, TrailingRevenue: c.revenue, Minted: c.minted, Error: err.Error()})
	}
	for _, rev := range []string{"0", "1", "2", "10000", "12345678901", "1000000" + e6} {
		s, err := rewards.RevenueShare(p, dec(rev))
		if err != nil {
			return EmissionFile{}, err
		}
		file.Shares = append(file.Shares, ShareCase{Revenue: rev, Share: s.String()})
	}
	// Twelve epochs of made-up revenue, growing then stopping.
	revenue := []*big.Int{}
	for _, s := range []string{"0", "0", "1500" + e6, "4000" + e6, "9000" + e6, "20000" + e6, "35000" + e6, "60000" + e6, "0", "0", "0", "123456789"} {
		revenue = append(revenue, dec(s))
		file.ScheduleRev = append(file.ScheduleRev, s)
	}
	sched, err := rewards.EmissionSchedule(p, revenue)
	if err != nil {
		return EmissionFile{}, err
	}
	for i, e := range sched {
		file.ScheduleEmit = append(file.ScheduleEmit, e.String())
		tr, err := rewards.TrailingRevenue(p, uint64(i)+1, revenue)
		if err != nil {
			return EmissionFile{}, err
		}
		file.Trailing = append(file.Trailing, TrailingCase{Epoch: uint64(i) + 1, TrailingRevenue: tr.String()})
	}
	return file, nil
}
