// Package meadowmini makes meadow-mini, the small meadow-embed-v1 model
// every node ships (compute/testdata/meadow-mini.safetensors). Its weights
// are drawn from a fixed splitmix64 stream, so the file is reproducible byte
// for byte; it exists so that the embed kernel has a real model to run and
// to cross-check, not for the quality of its embeddings.
package meadowmini

import (
	"encoding/binary"

	"github.com/meadow-net/meadow/compute/safetensors"
)

// The model's dimensions and fixed-point shifts.
const (
	Vocab  = 4096
	Dim    = 64
	Hidden = 128
	Out    = 64
	Shift1 = 7
	Shift2 = 8

	// Seed starts the weight stream ("meadmini" in ASCII).
	Seed uint64 = 0x6d656164_6d696e69
)

type rng uint64

// next is splitmix64.
func (r *rng) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	z := uint64(*r)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// int8s draws n weights uniform in [-127, 127], one output each.
func (r *rng) int8s(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(int8(int(r.next()%255) - 127))
	}
	return b
}

// int32s draws n values uniform in [-lim, lim] as little-endian int32s.
func (r *rng) int32s(n int, lim int64) []byte {
	b := make([]byte, 4*n)
	for i := 0; i < n; i++ {
		v := int64(r.next()%uint64(2*lim+1)) - lim
		binary.LittleEndian.PutUint32(b[4*i:], uint32(int32(v)))
	}
	return b
}

func scalar(v int32) []byte {
	return binary.LittleEndian.AppendUint32(nil, uint32(v))
}

// Generate returns the model file. Tensors are drawn in the order written.
func Generate() ([]byte, error) {
	r := rng(Seed)
	ts := []safetensors.Tensor{
		{Name: "embed.weight", DType: "I8", Shape: []uint64{Vocab, Dim}, Data: r.int8s(Vocab * Dim)},
		{Name: "l1.weight", DType: "I8", Shape: []uint64{Hidden, Dim}, Data: r.int8s(Hidden * Dim)},
		{Name: "l1.bias", DType: "I32", Shape: []uint64{Hidden}, Data: r.int32s(Hidden, 1<<Shift1*8)},
		{Name: "l1.shift", DType: "I32", Shape: []uint64{1}, Data: scalar(Shift1)},
		{Name: "l2.weight", DType: "I8", Shape: []uint64{Out, Hidden}, Data: r.int8s(Out * Hidden)},
		{Name: "l2.bias", DType: "I32", Shape: []uint64{Out}, Data: r.int32s(Out, 1<<Shift2*8)},
		{Name: "l2.shift", DType: "I32", Shape: []uint64{1}, Data: scalar(Shift2)},
	}
	return safetensors.Encode(map[string]string{"arch": "meadow-embed-v1", "name": "meadow-mini"}, ts)
}
