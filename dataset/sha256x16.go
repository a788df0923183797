package dataset

import (
	"encoding/binary"
	"math"
	"slices"
	"sync"
	"time"
)

// x16 hashes sixteen messages at a time: with sha256x16 (AVX-512, amd64),
// or, on CPUs with AVX2 and without AVX-512, with sha256x8 on each half of
// the lanes. Each lane holds one message; a lane whose message is done
// takes the next one, so messages of different lengths keep the lanes
// busy. The lanes are independent, so they run at the vector units'
// throughput, where SHA-NI's rounds are one chain of dependent
// instructions per message and crypto/sha256 without SHA-NI hashes one
// message at a time (docs/BENCHMARKS.md, "Sixteen lanes with AVX-512" and
// "Eight lanes with AVX2").
type x16 struct {
	st   [8][16]uint32 // st[j][i]: word j of lane i's state
	base [16]*byte     // lane i's message, padded
	off  [16]int       // the next block's offset in it
	left [16]int       // blocks left; 0 when the lane is idle
	idx  [16]int       // the message's index, or -1
	buf  [16][]byte    // the lanes' buffers, kept between messages
	blk  [16][128]byte // the Merkle inputs, padded
}

// x16Pool holds x16s for MerkleRoot, which has no Hasher to keep one.
var x16Pool = sync.Pool{New: func() any { return new(x16) }}

// x16Min is how many messages make sixteen lanes worth it: with fewer,
// idle lanes would compute blocks for nothing and the two-lane SHA-NI
// path is faster.
const x16Min = 16

// start puts msg, a whole number of blocks, in lane i as message idx.
func (m *x16) start(i int, msg []byte, idx int) {
	for j := range m.st {
		m.st[j][i] = sha256Init[j]
	}
	m.base[i], m.off[i], m.left[i], m.idx[i] = &msg[0], 0, len(msg)/64, idx
}

// step compresses as many blocks of every busy lane as the busy lane with
// fewest left has, so that at least one message is done. Idle lanes
// compute a busy lane's blocks again; their results are not used.
func (m *x16) step() {
	n, busy := math.MaxInt, -1
	for i, l := range m.left {
		if l > 0 {
			n, busy = min(n, l), i
		}
	}
	if busy < 0 {
		return
	}
	for i, l := range m.left {
		if l == 0 {
			m.base[i], m.off[i] = m.base[busy], m.off[busy]
		}
	}
	if useX8() {
		// Two halves of eight lanes; a half with no busy lane is skipped.
		for h := 0; h < 16; h += 8 {
			if slices.ContainsFunc(m.left[h:h+8], func(l int) bool { return l > 0 }) {
				sha256x8(&m.st[0][h], (*[8]*byte)(m.base[h:h+8]), (*[8]int)(m.off[h:h+8]), n, &sha256K)
			}
		}
	} else {
		sha256x16(&m.st, &m.base, &m.off, n, &sha256K)
	}
	for i, l := range m.left {
		if l > 0 {
			m.off[i] += 64 * n
			m.left[i] -= n
		}
	}
}

// digest returns lane i's hash.
func (m *x16) digest(i int) Hash {
	var h Hash
	for j := range m.st {
		binary.BigEndian.PutUint32(h[4*j:], m.st[j][i])
	}
	return h
}

// appendPadding appends SHA-256's padding to msg: 0x80, zeros, and the
// length in bits, to a whole number of 64-byte blocks.
func appendPadding(msg []byte) []byte {
	n := len(msg)
	zeros := (55 - n%64 + 64) % 64
	msg = append(msg, 0x80)
	msg = append(msg, make([]byte, zeros)...)
	return binary.BigEndian.AppendUint64(msg, uint64(n)<<3)
}

// sumMany writes SHA-256 of message i to out[i] for i < n, sixteen lanes
// at a time. msg appends message i to buf (a lane's buffer, kept for its
// next message) and returns it; its error, with the index that failed, is
// sumMany's, and the messages after it are not hashed.
func (m *x16) sumMany(n int, out []Hash, msg func(buf []byte, i int) ([]byte, error)) (int, error) {
	for i := range m.idx {
		m.idx[i], m.left[i] = -1, 0
	}
	next, busy := 0, 0
	load := func(lane int) error {
		b, err := msg(m.buf[lane][:0], next)
		if err != nil {
			return err
		}
		b = appendPadding(b)
		m.buf[lane] = b
		m.start(lane, b, next)
		next++
		busy++
		return nil
	}
	for lane := 0; lane < len(m.idx) && next < n; lane++ {
		if err := load(lane); err != nil {
			return next, err
		}
	}
	for busy > 0 {
		m.step()
		for i := range m.idx {
			if m.left[i] > 0 || m.idx[i] < 0 {
				continue
			}
			out[m.idx[i]] = m.digest(i)
			m.idx[i] = -1
			busy--
			if next < n {
				if err := load(i); err != nil {
					return next, err
				}
			}
		}
	}
	return n, nil
}

// finish hashes the sixteen equal-length messages just started and writes
// their hashes to dst.
func (m *x16) finish(dst []Hash) {
	m.step()
	for i := range m.blk {
		dst[i] = m.digest(i)
	}
}

// leafHash16 writes the leaf hashes of src to dst.
func (m *x16) leafHash16(dst, src []Hash) {
	for i := range m.blk {
		b := (*[64]byte)(m.blk[i][:64])
		b[0] = 0x00
		copy(b[1:33], src[i][:])
		b[33] = 0x80
		clear(b[34:56])
		binary.BigEndian.PutUint64(b[56:], 33<<3)
		m.start(i, b[:], i)
	}
	m.finish(dst)
}

// nodeHash16 writes the node hashes of the pairs src[2i], src[2i+1] to
// dst[i], sixteen of them; dst may be src.
func (m *x16) nodeHash16(dst, src []Hash) {
	for i := range m.blk {
		b := &m.blk[i]
		b[0] = 0x01
		copy(b[1:33], src[2*i][:])
		copy(b[33:65], src[2*i+1][:])
		b[65] = 0x80
		clear(b[66:120])
		binary.BigEndian.PutUint64(b[120:], 65<<3)
		m.start(i, b[:], i)
	}
	m.finish(dst)
}

// lanes says which SHA-256 path hashes rows and Merkle trees on this CPU.
// Where sha256x16 or sha256x8 can run, the choice is measured once, on
// first use, on this machine: the lanes against the one- and two-lane path
// (SHA-NI, or crypto/sha256 without it) for 1 KiB rows and for a Merkle
// tree of 64 leaves, the faster of each kept unless the lanes win by less
// than 10%. On the AMD EPYC of dev-2c, whose SHA-NI runs two messages at
// once, sixteen lanes tie on rows and lose on the tree; where SHA-NI is one
// chain per message (the Intel Xeon measured), sixteen lanes should win
// both, and without SHA-NI eight lanes of AVX2 beat crypto/sha256 several
// times over. The outputs are the same either way.
var lanes struct {
	once sync.Once
	// rows and tree are true where the lanes are used.
	rows, tree bool
	// rowsGain and treeGain are the other path's time over the lanes'
	// in the measurement (0 where no lane function can run).
	rowsGain, treeGain float64
}

// forceLanes, for tests, overrides the measured choice: 16 uses sixteen
// lanes of sha256x16 everywhere (where the CPU can), 8 sixteen lanes of
// sha256x8 (where the CPU can), 2 never lanes.
var forceLanes = 0

// haveLanes reports whether this CPU has a lane function.
func haveLanes() bool { return haveX16 || haveX8 }

// useX8 says whether the lanes run on sha256x8: where forced, or where the
// CPU has no AVX-512.
func useX8() bool { return forceLanes == 8 || !haveX16 }

// x16Rows and x16Tree say whether rows and Merkle trees go on the lanes.
func x16Rows() bool { return useLanes(&lanes.rows) }
func x16Tree() bool { return useLanes(&lanes.tree) }

// useLanes is forceLanes where set, else the measured choice *measured.
func useLanes(measured *bool) bool {
	switch forceLanes {
	case 16:
		return haveX16
	case 8:
		return haveX8
	case 2:
		return false
	}
	lanes.once.Do(chooseLanes)
	return *measured
}

// chooseLanes times both paths, the fastest of five runs each, alternating.
// It takes about a tenth of a millisecond.
func chooseLanes() {
	if !haveLanes() {
		return
	}
	msgs := make([][]byte, 32)
	for i := range msgs {
		msgs[i] = make([]byte, 1024)
		for j := range msgs[i] {
			msgs[i][j] = byte(i + j*7)
		}
	}
	out := make([]Hash, len(msgs))
	m := new(x16)
	copyMsg := func(buf []byte, i int) ([]byte, error) { return append(buf, msgs[i]...), nil }
	leaves := out[:0:0]
	for i := range 64 {
		leaves = append(leaves, Hash{byte(i), 1, 2, 3})
	}
	var level [chunkLeaves]Hash
	fastest := func(f func()) time.Duration {
		best := time.Duration(math.MaxInt64)
		for range 5 {
			start := time.Now()
			f()
			best = min(best, time.Since(start))
		}
		return best
	}
	lanesRows := fastest(func() { m.sumMany(len(msgs), out, copyMsg) })
	otherRows := fastest(func() {
		for i := 0; i+1 < len(msgs); i += 2 {
			out[i], out[i+1] = sum256x2(msgs[i], msgs[i+1])
		}
	})
	lanesTree := fastest(func() { perfectRootX16(m, leaves, &level) })
	otherTree := fastest(func() { perfectRoot(leaves, &level) })
	lanes.rowsGain = float64(otherRows) / float64(lanesRows)
	lanes.treeGain = float64(otherTree) / float64(lanesTree)
	lanes.rows = lanes.rowsGain >= 1.1
	lanes.tree = lanes.treeGain >= 1.1
}
