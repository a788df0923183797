package compute

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/meadow-net/meadow/dataset"
)

// syntheticMinHash makes n rows of a minhash dataset's dedup columns: 32
// random band keys a row, and one row in ten a near copy of an earlier row
// (8 of its 32 band keys shared) or, one in twenty, an exact copy (the
// same band keys and text hash).
func syntheticMinHash(n int) (rows []dataset.Row, rowHashes, src [][]byte, bands [][]uint64) {
	r := rand.New(rand.NewPCG(1, 2))
	rows = make([]dataset.Row, n)
	rowHashes, src, bands = make([][]byte, n), make([][]byte, n), make([][]uint64, n)
	for i := range rows {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], uint64(i))
		s := sha256.Sum256(b[:])
		rh := sha256.Sum256(s[:])
		src[i], rowHashes[i] = s[:], rh[:]
		bs := make([]uint64, 32)
		for j := range bs {
			bs[j] = r.Uint64()
		}
		text := sha256.Sum256(b[:4])
		th := text[:]
		switch k := r.IntN(20); {
		case i > 0 && k == 0:
			o := r.IntN(i)
			copy(bs, bands[o])
			th = rows[o][2].([]byte)
		case i > 0 && k < 3:
			copy(bs[:8], bands[r.IntN(i)][:8])
		}
		bands[i] = bs
		rows[i] = dataset.Row{src[i], bs, th}
	}
	return rows, rowHashes, src, bands
}

// BenchmarkDedup times the dedup kernel (RunRows: rows in, rows out,
// exact and near clusters) against ClusterBands alone on the same rows:
// go test -run '^$' -bench BenchmarkDedup -benchtime 5x ./compute
func BenchmarkDedup(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		rows, rowHashes, src, bands := syntheticMinHash(n)
		b.Run("kernel/rows="+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := (dedupKernel{}).RunRows(context.Background(), rows, rowHashes); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
		b.Run("ClusterBands/rows="+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := ClusterBands(src, bands); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
