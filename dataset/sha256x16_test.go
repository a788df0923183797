package dataset

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
)

// laneKernels runs f with each lane function this CPU has forced:
// sha256x16 (AVX-512) and sha256x8 (AVX2).
func laneKernels(t *testing.T, f func(t *testing.T)) {
	defer func(v int) { forceLanes = v }(forceLanes)
	ran := false
	for _, k := range []struct {
		lanes int
		have  bool
	}{{16, haveX16}, {8, haveX8}} {
		if !k.have {
			continue
		}
		forceLanes, ran = k.lanes, true
		t.Run(fmt.Sprintf("x%d", k.lanes), f)
	}
	if !ran {
		t.Log("no AVX-512 and no AVX2 on this CPU: the lane paths are never used here (crypto/sha256 and SHA-NI are, and are tested)")
	}
}

// The lane paths against crypto/sha256: messages of every length from 0
// to 300 bytes and random ones up to 5,000, in one run so that lanes
// finish at different blocks and take new messages mid-run; runs of fewer
// messages than lanes (a half of eight lanes idle); and the Merkle leaf
// and node shapes.
func TestSHA256x16(t *testing.T) {
	laneKernels(t, testSHA256Lanes)
}

func testSHA256Lanes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var msgs [][]byte
	for n := 0; n <= 300; n++ {
		msgs = append(msgs, randBytes(rng, n))
	}
	for range 200 {
		msgs = append(msgs, randBytes(rng, rng.IntN(5000)))
	}
	var m x16
	checkSumMany(t, &m, msgs)
	for _, n := range []int{1, 3, 8, 9, 15} {
		checkSumMany(t, &m, msgs[300:300+n])
	}

	src := make([]Hash, 32)
	for i := range src {
		copy(src[i][:], randBytes(rng, 32))
	}
	leaves := make([]Hash, 16)
	m.leafHash16(leaves, src[:16])
	for i := range leaves {
		if want := leafHash(&src[i]); leaves[i] != want {
			t.Fatalf("leaf %d: %x, want %x", i, leaves[i], want)
		}
	}
	nodes := make([]Hash, 16)
	m.nodeHash16(nodes, src)
	for i := range nodes {
		if want := nodeHash(&src[2*i], &src[2*i+1]); nodes[i] != want {
			t.Fatalf("node %d: %x, want %x", i, nodes[i], want)
		}
	}
}

// checkSumMany hashes msgs on sixteen lanes and compares each hash with
// crypto/sha256's.
func checkSumMany(t *testing.T, m *x16, msgs [][]byte) {
	t.Helper()
	out := make([]Hash, len(msgs))
	if _, err := m.sumMany(len(msgs), out, func(buf []byte, i int) ([]byte, error) { return append(buf, msgs[i]...), nil }); err != nil {
		t.Fatal(err)
	}
	for i, msg := range msgs {
		if want := Hash(sha256.Sum256(msg)); out[i] != want {
			t.Fatalf("message %d of %d (%d bytes): %s, want %s", i, len(msgs), len(msg), out[i], want)
		}
	}
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// withLanes runs f with each path forced: sixteen lanes on sha256x16 and
// on sha256x8 (where the CPU has them), and none.
func withLanes(t *testing.T, f func(t *testing.T)) {
	defer func(v int) { forceLanes = v }(forceLanes)
	for _, n := range []int{16, 8, 2} {
		forceLanes = n
		t.Run(map[int]string{16: "lanes16", 8: "lanes8", 2: "lanes2"}[n], f)
	}
}

// HashRows, Reader.NextHashes and MerkleRoot give the same hashes on
// every lane path and on two, for rows of every type and a row that cannot
// be encoded, which both name by its index.
func TestLanesAgree(t *testing.T) {
	t.Logf("AVX-512: %v; AVX2: %v; measured choice: rows %v (%.2fx), tree %v (%.2fx)", haveX16, haveX8, x16Rows(), lanes.rowsGain, x16Tree(), lanes.treeGain)
	withLanes(t, func(t *testing.T) {
		for _, s := range []Schema{fuzzSchema(), fuzzSchemaWasm()} {
			hasherHashRowsMatchesHashRow(t, s)
		}

		s, rows, _ := benchData(t, 300, 700)
		path, _ := writeFile(t, t.TempDir(), FormatArrowStream, s, rows, WithBatchRows(64))
		fh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		r, err := NewStreamReader(fh)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		n := 0
		for hs, ok := r.NextHashes(); ok; hs, ok = r.NextHashes() {
			for _, h := range hs {
				want, err := HashRow(s, rows[n])
				if err != nil {
					t.Fatal(err)
				}
				if h != want {
					t.Fatalf("NextHashes row %d: %s, HashRow %s", n, h, want)
				}
				n++
			}
		}
		if r.Err() != nil || n != len(rows) {
			t.Fatalf("read %d of %d rows: %v", n, len(rows), r.Err())
		}

		for _, n := range []int{0, 1, 2, 31, 63, 64, 65, 127, 128, 129, 1000, 4099} {
			leaves := make([]Hash, n)
			for i := range leaves {
				binary.BigEndian.PutUint64(leaves[i][:], uint64(i)*0x9e3779b97f4a7c15)
			}
			if got, want := MerkleRoot(leaves), referenceRoot(leaves); got != want {
				t.Fatalf("MerkleRoot of %d leaves: %s, want %s", n, got, want)
			}
		}
	})
}

// referenceRoot is RFC 6962's recursion over crypto/sha256.
func referenceRoot(leaves []Hash) Hash {
	switch len(leaves) {
	case 0:
		return Hash(sha256.Sum256(nil))
	case 1:
		return Hash(sha256.Sum256(append([]byte{0}, leaves[0][:]...)))
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	l, r := referenceRoot(leaves[:k]), referenceRoot(leaves[k:])
	return Hash(sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...)))
}

// FuzzSHA256x16 cuts its input into messages at the lengths its first
// bytes give and hashes them on sixteen lanes, with each lane function
// this CPU has, against crypto/sha256.
func FuzzSHA256x16(f *testing.F) {
	f.Add([]byte{0, 0, 0}, make([]byte, 300))
	f.Add([]byte{55, 56, 63, 64, 119, 120, 0, 1}, make([]byte, 600))
	f.Add(bytes.Repeat([]byte{200}, 40), bytes.Repeat([]byte("meadow "), 1500))
	f.Fuzz(func(t *testing.T, lens, data []byte) {
		var msgs [][]byte
		for _, l := range lens {
			n := min(int(l)*7, len(data))
			msgs, data = append(msgs, data[:n]), data[n:]
		}
		defer func(v int) { forceLanes = v }(forceLanes)
		for _, k := range []int{16, 8} {
			if k == 16 && !haveX16 || k == 8 && !haveX8 {
				continue
			}
			forceLanes = k
			var m x16
			checkSumMany(t, &m, msgs)
		}
	})
}

// BenchmarkSHA256Lanes times the block paths alone on 4,096 messages of
// 1 KiB (4 MiB, in the cache's reach) and on Merkle leaves and nodes:
// sixteen AVX-512 lanes, sixteen lanes as two runs of eight AVX2 lanes,
// SHA-NI two messages at a time, and crypto/sha256.
func BenchmarkSHA256Lanes(b *testing.B) {
	msgs := make([][]byte, 4096)
	for i := range msgs {
		msgs[i] = make([]byte, 1024)
		binary.BigEndian.PutUint32(msgs[i], uint32(i))
	}
	out := make([]Hash, len(msgs))
	copyMsg := func(buf []byte, i int) ([]byte, error) { return append(buf, msgs[i]...), nil }
	rows := func(name string, f func()) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(1024 * len(msgs)))
			for range b.N {
				f()
			}
		})
	}
	var m x16
	defer func(v int) { forceLanes = v }(forceLanes)
	if haveX16 {
		forceLanes = 16
		rows("1KiB/lanes16", func() { m.sumMany(len(msgs), out, copyMsg) })
	}
	if haveX8 {
		forceLanes = 8
		rows("1KiB/lanes8", func() { m.sumMany(len(msgs), out, copyMsg) })
	}
	rows("1KiB/lanes2", func() {
		for i := 0; i < len(msgs); i += 2 {
			out[i], out[i+1] = sum256x2(msgs[i], msgs[i+1])
		}
	})
	rows("1KiB/stdlib", func() {
		for i := range msgs {
			out[i] = sha256.Sum256(msgs[i])
		}
	})
	src := make([]Hash, 32)
	dst := make([]Hash, 16)
	tree := func(name string, f func()) {
		b.Run(name, func(b *testing.B) {
			for range b.N {
				f()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*16), "ns/hash")
		})
	}
	if haveX16 {
		forceLanes = 16
		tree("leaf/lanes16", func() { m.leafHash16(dst, src) })
		tree("node/lanes16", func() { m.nodeHash16(dst, src) })
	}
	if haveX8 {
		forceLanes = 8
		tree("leaf/lanes8", func() { m.leafHash16(dst, src) })
		tree("node/lanes8", func() { m.nodeHash16(dst, src) })
	}
	tree("leaf/lanes2", func() {
		for i := 0; i < 16; i += 2 {
			dst[i], dst[i+1] = leafHash2(&src[i], &src[i+1])
		}
	})
	tree("node/lanes2", func() {
		for i := 0; i < 16; i += 2 {
			dst[i], dst[i+1] = nodeHash2(&src[2*i], &src[2*i+1], &src[2*i+2], &src[2*i+3])
		}
	})
}
