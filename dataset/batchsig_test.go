package dataset

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/ethereum/go-ethereum/crypto"
)

// batchRecoversTo agrees with recovering each signature: true for rows all
// signed by the key, false as soon as one row is not, however it is not.
func TestBatchRecoversTo(t *testing.T) {
	key, _ := crypto.GenerateKey()
	other, _ := crypto.GenerateKey()
	pub, err := secp256k1.ParsePubKey(crypto.FromECDSAPub(&key.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	sign := func(n int) ([][32]byte, [][]byte) {
		ds, sigs := make([][32]byte, n), make([][]byte, n)
		for i := range n {
			ds[i] = sha256.Sum256(fmt.Appendf(nil, "row %d", i))
			s, err := crypto.Sign(ds[i][:], key)
			if err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 {
				s[64] += 27 // both spellings of v
			}
			sigs[i] = s
		}
		return ds, sigs
	}
	tests := []struct {
		name   string
		n      int
		spoil  func(ds [][32]byte, sigs [][]byte)
		wantOK bool
	}{
		{name: "all good, 1 row", n: 1, wantOK: true},
		{name: "all good, 40 rows", n: 40, wantOK: true},
		{name: "all good, 3000 rows", n: 3000, wantOK: true},
		{name: "s changed", n: 100, spoil: func(_ [][32]byte, s [][]byte) { s[57][40] ^= 1 }},
		{name: "r changed", n: 100, spoil: func(_ [][32]byte, s [][]byte) { s[3][5] ^= 1 }},
		{name: "recovery bit flipped", n: 100, spoil: func(_ [][32]byte, s [][]byte) { s[99][64] ^= 1 }},
		{name: "recovery id 2", n: 100, spoil: func(_ [][32]byte, s [][]byte) { s[10][64] = 2 }},
		{name: "another message", n: 100, spoil: func(d [][32]byte, _ [][]byte) { d[0][0] ^= 1 }},
		{name: "another signer", n: 100, spoil: func(d [][32]byte, s [][]byte) {
			s[42], _ = crypto.Sign(d[42][:], other)
		}},
		{name: "two rows swapped between messages", n: 100, spoil: func(_ [][32]byte, s [][]byte) { s[1], s[2] = s[2], s[1] }},
		{name: "s negated (the other valid s, still this key)", n: 100, wantOK: true, spoil: func(d [][32]byte, s [][]byte) {
			// (r, n−s) with the opposite recovery bit recovers to the
			// same key: libsecp256k1 accepts it, and so must the batch.
			var sv secp256k1.ModNScalar
			sv.SetByteSlice(s[7][32:64])
			b := sv.Negate().Bytes()
			copy(s[7][32:64], b[:])
			s[7][64] ^= 1
		}},
		{name: "short signature", n: 100, spoil: func(_ [][32]byte, s [][]byte) { s[9] = s[9][:64] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, sigs := sign(tt.n)
			if tt.spoil != nil {
				tt.spoil(ds, sigs)
			}
			// The reference: each signature recovered on its own.
			want := true
			for i := range sigs {
				s := append([]byte(nil), sigs[i]...)
				if len(s) == 65 && s[64] >= 27 {
					s[64] -= 27
				}
				p, err := crypto.SigToPub(ds[i][:], s)
				if err != nil || crypto.PubkeyToAddress(*p) != crypto.PubkeyToAddress(key.PublicKey) {
					want = false
				}
			}
			if want != tt.wantOK {
				t.Fatalf("reference says %v, the table %v", want, tt.wantOK)
			}
			if got := batchRecoversTo(pub, ds, sigs); got != tt.wantOK {
				t.Fatalf("batchRecoversTo = %v, want %v", got, tt.wantOK)
			}
		})
	}
}

// The bucket sum agrees with adding scalar multiples one by one.
func TestMSM(t *testing.T) {
	for _, n := range []int{1, 2, 7, 33, 300} {
		ks := make([]secp256k1.ModNScalar, n)
		ps := make([]secp256k1.JacobianPoint, n)
		var want, tmp, sum secp256k1.JacobianPoint
		for i := range n {
			k, _ := secp256k1.GeneratePrivateKey()
			p, _ := secp256k1.GeneratePrivateKey()
			ks[i] = k.Key
			p.PubKey().AsJacobian(&ps[i])
			secp256k1.ScalarMultNonConst(&ks[i], &ps[i], &tmp)
			secp256k1.AddNonConst(&want, &tmp, &sum)
			want = sum
		}
		var got secp256k1.JacobianPoint
		msm(ks, ps, &got)
		got.ToAffine()
		want.ToAffine()
		if !got.X.Equals(&want.X) || !got.Y.Equals(&want.Y) {
			t.Fatalf("n=%d: msm differs from the sum of products", n)
		}
	}
}

// BenchmarkRowSignatures compares recovering each row's signature with the
// batch check, per row.
//
//	go test ./dataset -run '^$' -bench RowSignatures -benchtime 3x
func BenchmarkRowSignatures(b *testing.B) {
	key, _ := crypto.GenerateKey()
	pub, _ := secp256k1.ParsePubKey(crypto.FromECDSAPub(&key.PublicKey))
	for _, n := range []int{32, 256, 2048} {
		ds, sigs := make([][32]byte, n), make([][]byte, n)
		for i := range n {
			ds[i] = sha256.Sum256(fmt.Appendf(nil, "row %d", i))
			sigs[i], _ = crypto.Sign(ds[i][:], key)
		}
		b.Run(fmt.Sprintf("rows=%d/recover", n), func(b *testing.B) {
			for b.Loop() {
				for i := range n {
					if _, err := crypto.Ecrecover(ds[i][:], sigs[i]); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n)/1e3, "µs/row")
		})
		b.Run(fmt.Sprintf("rows=%d/batch", n), func(b *testing.B) {
			for b.Loop() {
				if !batchRecoversTo(pub, ds, sigs) {
					b.Fatal("batch refused good rows")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n)/1e3, "µs/row")
		})
	}
}

// An experiment, kept as a benchmark (issue 16, "Presigned uploads" in
// docs/ARCHITECTURE.md): could the check an uploaded blob passes, one
// signature recovery a row, be made cheaper without weakening it? Batch
// verification of row signatures by one signer (an uploaded blob's
// rows are all signed by its uploader). A row's signature (r, s, v) over
// digest z recovers to Q = r⁻¹(s·R − z·G), where R is the curve point whose
// x is r and whose y parity is v: exactly what libsecp256k1's recovery
// computes. So the row recovers to the uploader's key Q exactly when
// s·R − z·G − r·Q is the point at infinity. For rows i and random 128-bit
// a_i drawn after the rows are fixed,
//
//	Σ (a_i·s_i)·R_i − (Σ a_i·z_i)·G − (Σ a_i·r_i)·Q = ∞
//
// holds for every choice of the a_i when every row recovers to Q, and, when
// any row does not, for at most one a_i in 2^128 of its possible values
// (the group's order is prime), whatever the others are. The sum is one
// multi-scalar multiplication over the R_i (Pippenger's bucket method),
// A batch that fails says only that some row is wrong: a caller would then
// check row by row, which names it. Measured (BenchmarkRowSignatures), with
// decred's pure-Go field arithmetic it saves too little against
// libsecp256k1's recovery through cgo to be worth a second path for the
// same check: not used.

// batchRecoversTo reports whether every signature sigs[i] (r ‖ s ‖ v, v 0/1
// or 27/28) over digests[i] recovers to pub. False means some row does not,
// or that one could not be decided here (a recovery id of 2 or 3, which
// honest signers never produce): the caller checks row by row.
func batchRecoversTo(pub *secp256k1.PublicKey, digests [][32]byte, sigs [][]byte) bool {
	n := len(sigs)
	if n == 0 || len(digests) != n {
		return n == 0 && len(digests) == 0
	}
	var seed [16]byte
	rs := make([]secp256k1.JacobianPoint, n)
	ks := make([]secp256k1.ModNScalar, n)
	var sumZ, sumR secp256k1.ModNScalar
	for i, sig := range sigs {
		if len(sig) != 65 {
			return false
		}
		v := sig[64]
		if v >= 27 {
			v -= 27
		}
		if v > 1 {
			return false
		}
		var r, s, z, a secp256k1.ModNScalar
		if r.SetByteSlice(sig[:32]) || s.SetByteSlice(sig[32:64]) || r.IsZero() || s.IsZero() {
			return false
		}
		var x, y secp256k1.FieldVal
		if x.SetByteSlice(sig[:32]) {
			return false // r < n < p: cannot happen once r did not overflow
		}
		if !secp256k1.DecompressY(&x, v == 1, &y) {
			return false
		}
		y.Normalize()
		rs[i].X.Set(&x)
		rs[i].Y.Set(&y)
		rs[i].Z.SetInt(1)
		z.SetByteSlice(digests[i][:]) // reduced mod n, as libsecp256k1 does
		if _, err := rand.Read(seed[:]); err != nil {
			return false
		}
		a.SetByteSlice(seed[:])
		if a.IsZero() {
			a.SetInt(1)
		}
		ks[i].Mul2(&a, &s)
		z.Mul(&a)
		sumZ.Add(&z)
		r.Mul(&a)
		sumR.Add(&r)
	}
	var acc, t, q, out secp256k1.JacobianPoint
	msm(ks, rs, &acc)
	sumZ.Negate()
	secp256k1.ScalarBaseMultNonConst(&sumZ, &t)
	secp256k1.AddNonConst(&acc, &t, &out)
	pub.AsJacobian(&q)
	sumR.Negate()
	secp256k1.ScalarMultNonConst(&sumR, &q, &t)
	secp256k1.AddNonConst(&out, &t, &acc)
	return (acc.X.IsZero() && acc.Y.IsZero()) || acc.Z.IsZero()
}

// msm sets out to Σ ks[i]·ps[i] by Pippenger's bucket method: for each
// window of c bits, from the top, the points go into buckets by their
// scalars' digit, and the buckets are summed by running sums. The points
// are affine (Z = 1), so each bucket addition is a mixed one.
func msm(ks []secp256k1.ModNScalar, ps []secp256k1.JacobianPoint, out *secp256k1.JacobianPoint) {
	n := len(ks)
	// The window that costs the fewest additions: each of 256/c windows
	// adds every point to a bucket and sums 2^c buckets twice.
	c, best := 2, -1
	for w := 2; w <= 14; w++ {
		if cost := (256 + w - 1) / w * (n + 2<<w); best < 0 || cost < best {
			c, best = w, cost
		}
	}
	kb := make([][32]byte, n)
	for i := range ks {
		kb[i] = ks[i].Bytes()
	}
	buckets := make([]secp256k1.JacobianPoint, 1<<c)
	var res, tmp, running, sum secp256k1.JacobianPoint
	for w := (256+c-1)/c - 1; w >= 0; w-- {
		for range c {
			secp256k1.DoubleNonConst(&res, &tmp)
			res = tmp
		}
		for b := range buckets {
			buckets[b] = secp256k1.JacobianPoint{}
		}
		for i := range kb {
			if d := digit(&kb[i], w*c, c); d != 0 {
				secp256k1.AddNonConst(&buckets[d], &ps[i], &tmp)
				buckets[d] = tmp
			}
		}
		running, sum = secp256k1.JacobianPoint{}, secp256k1.JacobianPoint{}
		for d := len(buckets) - 1; d >= 1; d-- {
			secp256k1.AddNonConst(&running, &buckets[d], &tmp)
			running = tmp
			secp256k1.AddNonConst(&sum, &running, &tmp)
			sum = tmp
		}
		secp256k1.AddNonConst(&res, &sum, &tmp)
		res = tmp
	}
	*out = res
}

// digit returns c bits of the big-endian 256-bit k from bit lo (bit 0 the
// least significant).
func digit(k *[32]byte, lo, c int) int {
	d := 0
	for j := c - 1; j >= 0; j-- {
		bit := lo + j
		d <<= 1
		if bit < 256 && k[31-bit/8]>>(bit%8)&1 == 1 {
			d |= 1
		}
	}
	return d
}
