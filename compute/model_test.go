package compute

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/meadow-net/meadow/compute/internal/meadowmini"
	"github.com/meadow-net/meadow/compute/safetensors"
)

func TestBuiltinModelReproducible(t *testing.T) {
	want, err := meadowmini.Generate()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(meadowMini, want) {
		t.Fatal("testdata/meadow-mini.safetensors differs from the generator's output; regenerate with: go run ./compute/internal/genmodel -out compute/testdata/meadow-mini.safetensors")
	}
	m, err := BuiltinModel(DefaultModel)
	if err != nil {
		t.Fatal(err)
	}
	if m.Vocab != meadowmini.Vocab || m.Dim != meadowmini.Dim || m.Hidden != meadowmini.Hidden || m.Out != meadowmini.Out {
		t.Fatalf("model shapes %d/%d/%d/%d", m.Vocab, m.Dim, m.Hidden, m.Out)
	}
	if _, err := BuiltinModel("gpt-5"); !errors.Is(err, ErrUnknownModel) || !strings.Contains(err.Error(), "compute.embed.model") {
		t.Fatalf("unknown model: %v", err)
	}
}

// tinyModel is a small valid model for the error tests.
func tinyModel() *Model {
	return &Model{
		Vocab: 3, Dim: 2, Hidden: 2, Out: 1,
		Embed: []int8{1, 2, 3, 4, 5, 6},
		W1:    []int8{1, -1, 2, -2}, B1: []int32{1, -1}, Shift1: 1,
		W2: []int8{3, 4}, B2: []int32{0}, Shift2: 2,
	}
}

func encodeTensors(t *testing.T, meta map[string]string, ts []safetensors.Tensor) []byte {
	t.Helper()
	b, err := safetensors.Encode(meta, ts)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLoadModelShapes(t *testing.T) {
	arch := map[string]string{"arch": ArchEmbedV1}
	i32 := func(v int32) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(v)) }
	edit := func(f func(ts []safetensors.Tensor) []safetensors.Tensor) []safetensors.Tensor {
		return f(tinyModel().Tensors())
	}
	tests := []struct {
		name    string
		meta    map[string]string
		tensors []safetensors.Tensor
		want    string // substring of the error
	}{
		{name: "no arch", meta: nil, tensors: tinyModel().Tensors(), want: "__metadata__.arch"},
		{name: "other arch", meta: map[string]string{"arch": "bert"}, tensors: tinyModel().Tensors(), want: `"bert"`},
		{name: "missing tensor", meta: arch, tensors: edit(func(ts []safetensors.Tensor) []safetensors.Tensor { return ts[:6] }), want: `tensor "l2.shift": missing`},
		{name: "extra tensor", meta: arch, tensors: edit(func(ts []safetensors.Tensor) []safetensors.Tensor {
			return append(ts, safetensors.Tensor{Name: "l3.weight", DType: "I8", Shape: []uint64{1}, Data: []byte{1}})
		}), want: `tensor "l3.weight": not part of`},
		{name: "wrong dtype", meta: arch, tensors: edit(func(ts []safetensors.Tensor) []safetensors.Tensor {
			ts[0] = safetensors.Tensor{Name: "embed.weight", DType: "U8", Shape: []uint64{3, 2}, Data: ts[0].Data}
			return ts
		}), want: `tensor "embed.weight": dtype U8: expected I8`},
		{name: "wrong rank", meta: arch, tensors: edit(func(ts []safetensors.Tensor) []safetensors.Tensor {
			ts[0].Shape = []uint64{6}
			return ts
		}), want: `tensor "embed.weight": shape [6]: expected 2 dimensions`},
		{name: "l1 width mismatch", meta: arch, tensors: edit(func(ts []safetensors.Tensor) []safetensors.Tensor {
			ts[1].Shape = []uint64{1, 4}
			return ts
		}), want: `tensor "l1.weight": shape [1 4]: expected [N, D] with D = 2`},
		{name: "l2 width mismatch", meta: arch, tensors: edit(func(ts []safetensors.Tensor) []safetensors.Tensor {
			ts[4] = safetensors.Tensor{Name: "l2.weight", DType: "I8", Shape: []uint64{2, 1}, Data: []byte{1, 2}}
			return ts
		}), want: `tensor "l2.weight": shape [2 1]: expected [N, H] with H = 2`},
		{name: "bias length", meta: arch, tensors: edit(func(ts []safetensors.Tensor) []safetensors.Tensor {
			ts[2] = safetensors.Tensor{Name: "l1.bias", DType: "I32", Shape: []uint64{1}, Data: i32(0)}
			return ts
		}), want: `tensor "l1.bias": shape [1]: expected [2]`},
		{name: "bias range", meta: arch, tensors: edit(func(ts []safetensors.Tensor) []safetensors.Tensor {
			ts[5].Data = i32(1 << 30)
			return ts
		}), want: `tensor "l2.bias": element 0`},
		{name: "shift range", meta: arch, tensors: edit(func(ts []safetensors.Tensor) []safetensors.Tensor {
			ts[3].Data = i32(40)
			return ts
		}), want: `tensor "l1.shift": value 40`},
		{name: "empty vocabulary", meta: arch, tensors: edit(func(ts []safetensors.Tensor) []safetensors.Tensor {
			ts[0] = safetensors.Tensor{Name: "embed.weight", DType: "I8", Shape: []uint64{0, 2}, Data: []byte{}}
			return ts
		}), want: `vocabulary 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadModel("test", encodeTensors(t, tt.meta, tt.tensors))
			if !errors.Is(err, ErrBadModel) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v: want ErrBadModel containing %q", err, tt.want)
			}
		})
	}
	if _, err := LoadModel("tiny", encodeTensors(t, arch, tinyModel().Tensors())); err != nil {
		t.Fatalf("valid tiny model: %v", err)
	}
}

func TestLoadModelCorrupt(t *testing.T) {
	valid := meadowMini
	frame := func(hdr string, data []byte) []byte {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
		return append(append(b, hdr...), data...)
	}
	withLen := func(n uint64) []byte {
		b := bytes.Clone(valid)
		binary.LittleEndian.PutUint64(b, n)
		return b
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{name: "empty", data: nil, want: "shorter than the 8-byte header length"},
		{name: "truncated data", data: valid[:len(valid)-100], want: "data_offsets"},
		{name: "truncated header", data: valid[:40], want: "truncated"},
		{name: "huge header length", data: withLen(1 << 40), want: "header length"},
		{name: "bad JSON", data: frame(`{"a":{"dtype":"I8",`, nil), want: "header JSON"},
		{name: "not an object", data: frame(`[1,2]`, nil), want: "JSON object"},
		{name: "trailing JSON", data: frame(`{} {}`, nil), want: "after the object"},
		{name: "unknown field", data: frame(`{"a":{"dtype":"I8","shape":[1],"data_offsets":[0,1],"x":1}}`, []byte{0}), want: `tensor "a": header entry`},
		{name: "missing dtype", data: frame(`{"a":{"shape":[1],"data_offsets":[0,1]}}`, []byte{0}), want: `tensor "a": dtype: missing`},
		{name: "unknown dtype", data: frame(`{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}}`, []byte{0}), want: `tensor "a": dtype "Q4"`},
		{name: "negative dim", data: frame(`{"a":{"dtype":"I8","shape":[-1],"data_offsets":[0,1]}}`, []byte{0}), want: `tensor "a"`},
		{name: "three offsets", data: frame(`{"a":{"dtype":"I8","shape":[1],"data_offsets":[0,1,2]}}`, []byte{0}), want: `tensor "a": data_offsets [0 1 2]`},
		{name: "offsets out of range", data: frame(`{"a":{"dtype":"I8","shape":[4],"data_offsets":[0,4]}}`, []byte{0}), want: `tensor "a": data_offsets [0, 4]: expected begin <= end <= 1`},
		{name: "reversed offsets", data: frame(`{"a":{"dtype":"I8","shape":[0],"data_offsets":[1,0]}}`, []byte{0}), want: `tensor "a": data_offsets [1, 0]`},
		{name: "size mismatch", data: frame(`{"a":{"dtype":"I32","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)), want: `tensor "a": data_offsets [0, 4]: 4 bytes, expected 8`},
		{name: "overlap", data: frame(`{"a":{"dtype":"I8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"I8","shape":[4],"data_offsets":[2,6]}}`, make([]byte, 6)), want: `tensor "b": data_offsets [2, 6]: overlaps tensor "a"`},
		{name: "gap", data: frame(`{"a":{"dtype":"I8","shape":[1],"data_offsets":[1,2]}}`, make([]byte, 2)), want: "belong to no tensor"},
		{name: "trailing data", data: frame(`{"a":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}`, make([]byte, 2)), want: "trailing data"},
		{name: "duplicate tensor", data: frame(`{"a":{"dtype":"I8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"I8","shape":[1],"data_offsets":[1,2]}}`, make([]byte, 2)), want: `"a" appears twice`},
		{name: "metadata not strings", data: frame(`{"__metadata__":{"arch":1}}`, nil), want: "__metadata__"},
		{name: "overflowing shape", data: frame(`{"a":{"dtype":"I64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, nil), want: "too many elements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := LoadModel("bad", tt.data)
			if m != nil || !errors.Is(err, ErrBadModel) || !errors.Is(err, safetensors.ErrFormat) && !strings.Contains(err.Error(), "arch") {
				t.Fatalf("got model %v, error %v: want ErrBadModel", m != nil, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q: want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestSafetensorsRoundTrip(t *testing.T) {
	st, err := safetensors.Parse(meadowMini)
	if err != nil {
		t.Fatal(err)
	}
	again, err := safetensors.Encode(st.Metadata, st.Tensors)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, meadowMini) {
		t.Fatal("Encode(Parse(file)) differs from the file")
	}
	if tn, ok := st.Tensor("l1.weight"); !ok || tn.NumElements() != meadowmini.Hidden*meadowmini.Dim {
		t.Fatalf("l1.weight: %v %v", ok, tn.Shape)
	}
}

func TestEmbedCPU(t *testing.T) {
	m, err := BuiltinModel(DefaultModel)
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"", "hello", "HELLO", "hello world", "the cat sat on the mat today",
		"the cat sat on the mat yesterday", strings.Repeat("w ", MaxEmbedWords) + "extra words beyond the limit"}
	vecs, err := EmbedCPU(context.Background(), m, texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vecs {
		if len(v) != m.Out {
			t.Fatalf("text %d: %d values, want %d", i, len(v), m.Out)
		}
		for _, x := range v {
			if x < -127 || x > 127 {
				t.Fatalf("text %d: value %d outside int8", i, x)
			}
		}
	}
	eq := func(a, b []int32) bool { return string(int32Bytes(a)) == string(int32Bytes(b)) }
	if !eq(vecs[1], vecs[2]) {
		t.Error("embedding is not ASCII case-insensitive")
	}
	if eq(vecs[1], vecs[3]) {
		t.Error("different texts gave the same embedding")
	}
	if !eq(vecs[6], mustEmbed(t, m, strings.Repeat("w ", MaxEmbedWords))) {
		t.Errorf("words past the first %d changed the embedding", MaxEmbedWords)
	}
	// Similar texts are closer than unrelated ones.
	dist := func(a, b []int32) int64 {
		d := int64(0)
		for i := range a {
			x := int64(a[i] - b[i])
			d += x * x
		}
		return d
	}
	if dist(vecs[4], vecs[5]) >= dist(vecs[4], vecs[1]) {
		t.Errorf("near texts are no closer than unrelated ones: %d vs %d", dist(vecs[4], vecs[5]), dist(vecs[4], vecs[1]))
	}
	// The empty text is the bias path: all words absent.
	x := make([]int32, m.Hidden)
	for h := range x {
		x[h] = max(requantize(m.B1[h], m.Shift1), 0)
	}
	for o := 0; o < m.Out; o++ {
		acc := m.B2[o]
		for h := range x {
			acc += int32(m.W2[o*m.Hidden+h]) * x[h]
		}
		if vecs[0][o] != requantize(acc, m.Shift2) {
			t.Fatalf("empty text: output %d = %d, want %d", o, vecs[0][o], requantize(acc, m.Shift2))
		}
	}
}

func mustEmbed(t *testing.T, m *Model, text string) []int32 {
	t.Helper()
	v, err := EmbedCPU(context.Background(), m, []string{text})
	if err != nil {
		t.Fatal(err)
	}
	return v[0]
}

func int32Bytes(v []int32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, uint32(x))
	}
	return b
}

func TestRequantize(t *testing.T) {
	for _, tt := range []struct {
		acc   int32
		shift uint32
		want  int32
	}{
		{acc: 0, shift: 4, want: 0},
		{acc: 8, shift: 4, want: 1},   // 0.5 rounds up
		{acc: 7, shift: 4, want: 0},   // 0.4375 rounds down
		{acc: -8, shift: 4, want: 0},  // -0.5 rounds up, to 0
		{acc: -9, shift: 4, want: -1}, // -0.5625
		{acc: 1 << 20, shift: 4, want: 127},
		{acc: -(1 << 20), shift: 4, want: -127},
		{acc: 5, shift: 0, want: 5},
	} {
		if got := requantize(tt.acc, tt.shift); got != tt.want {
			t.Errorf("requantize(%d, %d) = %d, want %d", tt.acc, tt.shift, got, tt.want)
		}
	}
}
