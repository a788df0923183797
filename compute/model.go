package compute

import (
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"

	"github.com/meadow-net/meadow/compute/safetensors"
)

// ArchEmbedV1 names the embedding architecture in a model file's metadata
// ("arch"). compute/DESIGN.md defines it exactly.
const ArchEmbedV1 = "meadow-embed-v1"

// Limits of a meadow-embed-v1 model. They keep every int32 accumulator far
// from overflow (|bias| + 1024*127*127 + 2^23 < 2^31) and the GPU's
// per-row scratch in shared memory.
const (
	MaxVocab      = 1 << 24
	MaxModelDim   = 1024
	MaxShift      = 24
	MaxBias       = 1 << 28
	MaxEmbedWords = 8192 // words of a text that count; the rest are ignored
)

// DefaultModel is the model an embed job uses when it names none.
const DefaultModel = "meadow-mini"

//go:embed testdata/meadow-mini.safetensors
var meadowMini []byte

// builtinModels are the models every node ships, by name.
var builtinModels = map[string][]byte{
	DefaultModel: meadowMini,
}

// Models lists the built-in models' names, sorted.
func Models() []string {
	names := make([]string, 0, len(builtinModels))
	for n := range builtinModels {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// BuiltinModel loads one of the models every node ships. An unknown name
// gives an error wrapping ErrUnknownModel.
func BuiltinModel(name string) (*Model, error) {
	data, ok := builtinModels[name]
	if !ok {
		return nil, fmt.Errorf("%w: compute.embed.model %q: expected one of %v", ErrUnknownModel, name, Models())
	}
	return LoadModel(name, data)
}

// Model is a meadow-embed-v1 model: a hashed-word embedding table, mean
// pooling, and two int8 linear layers (the first with ReLU). Its fields are
// read-only once loaded.
type Model struct {
	Name   string
	SHA256 string // hex SHA-256 of the model file

	Vocab  int // V: rows of the embedding table
	Dim    int // D: embedding width
	Hidden int // H: width of the first layer's output
	Out    int // O: width of the output embedding

	Embed  []int8  // [V, D]
	W1     []int8  // [H, D]
	B1     []int32 // [H]
	Shift1 uint32
	W2     []int8  // [O, H]
	B2     []int32 // [O]
	Shift2 uint32
}

// The tensors of a meadow-embed-v1 file.
var embedV1Tensors = []string{"embed.weight", "l1.bias", "l1.shift", "l1.weight", "l2.bias", "l2.shift", "l2.weight"}

// LoadModel parses and validates a meadow-embed-v1 safetensors file. Shapes
// come from the file and must agree with each other; errors wrap ErrBadModel
// and name the tensor and field.
func LoadModel(name string, data []byte) (*Model, error) {
	st, err := safetensors.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%w: model %q: %w", ErrBadModel, name, err)
	}
	m, err := modelFromTensors(st)
	if err != nil {
		return nil, fmt.Errorf("%w: model %q: %w", ErrBadModel, name, err)
	}
	sum := sha256.Sum256(data)
	m.Name, m.SHA256 = name, hex.EncodeToString(sum[:])
	return m, nil
}

func modelFromTensors(st *safetensors.File) (*Model, error) {
	if a := st.Metadata["arch"]; a != ArchEmbedV1 {
		return nil, shapeErr("__metadata__.arch %q: expected %q", a, ArchEmbedV1)
	}
	names := make([]string, 0, len(st.Tensors))
	for _, t := range st.Tensors {
		names = append(names, t.Name)
	}
	sort.Strings(names)
	for _, want := range embedV1Tensors {
		if _, ok := st.Tensor(want); !ok {
			return nil, shapeErr("tensor %q: missing (a %s model has %v)", want, ArchEmbedV1, embedV1Tensors)
		}
	}
	for _, n := range names {
		if !slices.Contains(embedV1Tensors, n) {
			return nil, shapeErr("tensor %q: not part of %s (expected only %v)", n, ArchEmbedV1, embedV1Tensors)
		}
	}
	get := func(name, dtype string, rank int) (safetensors.Tensor, error) {
		t, _ := st.Tensor(name)
		if t.DType != dtype {
			return t, shapeErr("tensor %q: dtype %s: expected %s", name, t.DType, dtype)
		}
		if len(t.Shape) != rank {
			return t, shapeErr("tensor %q: shape %v: expected %d dimensions", name, t.Shape, rank)
		}
		return t, nil
	}
	emb, err := get("embed.weight", "I8", 2)
	if err != nil {
		return nil, err
	}
	v, d := emb.Shape[0], emb.Shape[1]
	if v < 1 || v > MaxVocab {
		return nil, shapeErr("tensor \"embed.weight\": shape %v: vocabulary %d, expected 1 to %d", emb.Shape, v, MaxVocab)
	}
	if d < 1 || d > MaxModelDim {
		return nil, shapeErr("tensor \"embed.weight\": shape %v: width %d, expected 1 to %d", emb.Shape, d, MaxModelDim)
	}
	m := &Model{Vocab: int(v), Dim: int(d), Embed: int8s(emb.Data)}
	var s1, s2 uint32
	if m.W1, m.B1, s1, m.Hidden, err = linear(get, "l1", m.Dim, "D", "embed.weight's width"); err != nil {
		return nil, err
	}
	if m.W2, m.B2, s2, m.Out, err = linear(get, "l2", m.Hidden, "H", "l1.weight's first dimension"); err != nil {
		return nil, err
	}
	m.Shift1, m.Shift2 = s1, s2
	return m, nil
}

// linear loads layer p: p.weight I8 [N, in], p.bias I32 [N], p.shift I32 [1].
func linear(get func(string, string, int) (safetensors.Tensor, error), p string, in int, inName, inWhat string) ([]int8, []int32, uint32, int, error) {
	w, err := get(p+".weight", "I8", 2)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	n := w.Shape[0]
	if w.Shape[1] != uint64(in) {
		return nil, nil, 0, 0, shapeErr("tensor %q: shape %v: expected [N, %s] with %s = %d (%s)", p+".weight", w.Shape, inName, inName, in, inWhat)
	}
	if n < 1 || n > MaxModelDim {
		return nil, nil, 0, 0, shapeErr("tensor %q: shape %v: %d outputs, expected 1 to %d", p+".weight", w.Shape, n, MaxModelDim)
	}
	b, err := get(p+".bias", "I32", 1)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	if b.Shape[0] != n {
		return nil, nil, 0, 0, shapeErr("tensor %q: shape %v: expected [%d] (%s.weight's first dimension)", p+".bias", b.Shape, n, p)
	}
	bias := int32s(b.Data)
	for i, x := range bias {
		if x < -MaxBias || x > MaxBias {
			return nil, nil, 0, 0, shapeErr("tensor %q: element %d is %d: expected -%d to %d", p+".bias", i, x, MaxBias, MaxBias)
		}
	}
	s, err := get(p+".shift", "I32", 1)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	if s.Shape[0] != 1 {
		return nil, nil, 0, 0, shapeErr("tensor %q: shape %v: expected [1]", p+".shift", s.Shape)
	}
	shift := int32s(s.Data)[0]
	if shift < 0 || shift > MaxShift {
		return nil, nil, 0, 0, shapeErr("tensor %q: value %d: expected 0 to %d", p+".shift", shift, MaxShift)
	}
	return int8s(w.Data), bias, uint32(shift), int(n), nil
}

func int8s(b []byte) []int8 {
	out := make([]int8, len(b))
	for i, x := range b {
		out[i] = int8(x)
	}
	return out
}

func int32s(b []byte) []int32 {
	out := make([]int32, len(b)/4)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// Tensors returns the model as safetensors tensors (for writing a file).
func (m *Model) Tensors() []safetensors.Tensor {
	i8 := func(x []int8) []byte {
		b := make([]byte, len(x))
		for i, v := range x {
			b[i] = byte(v)
		}
		return b
	}
	i32 := func(x ...int32) []byte {
		b := make([]byte, 4*len(x))
		for i, v := range x {
			binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
		}
		return b
	}
	u := func(x int) uint64 { return uint64(x) }
	return []safetensors.Tensor{
		{Name: "embed.weight", DType: "I8", Shape: []uint64{u(m.Vocab), u(m.Dim)}, Data: i8(m.Embed)},
		{Name: "l1.weight", DType: "I8", Shape: []uint64{u(m.Hidden), u(m.Dim)}, Data: i8(m.W1)},
		{Name: "l1.bias", DType: "I32", Shape: []uint64{u(m.Hidden)}, Data: i32(m.B1...)},
		{Name: "l1.shift", DType: "I32", Shape: []uint64{1}, Data: i32(int32(m.Shift1))},
		{Name: "l2.weight", DType: "I8", Shape: []uint64{u(m.Out), u(m.Hidden)}, Data: i8(m.W2)},
		{Name: "l2.bias", DType: "I32", Shape: []uint64{u(m.Out)}, Data: i32(m.B2...)},
		{Name: "l2.shift", DType: "I32", Shape: []uint64{1}, Data: i32(int32(m.Shift2))},
	}
}

// Encode writes the model as a meadow-embed-v1 safetensors file.
func (m *Model) Encode() ([]byte, error) {
	return safetensors.Encode(map[string]string{"arch": ArchEmbedV1}, m.Tensors())
}

// shapeErr reports a file that is valid safetensors but not a valid
// meadow-embed-v1 model; LoadModel wraps it in ErrBadModel.
func shapeErr(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}
