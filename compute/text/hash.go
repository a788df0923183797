package text

import "math/bits"

// Hash tables for exact set membership and counting. Every table compares
// the actual bytes (or word ids) when hashes are equal, so no result
// depends on the hash function: it only decides where entries go.

const (
	hashSeed = 0x9e3779b97f4a7c15
	hashMul  = 0xa0761d6478bd642f
	hashMul2 = 0xe7037ed1a0b428db
)

// mix folds two 64-bit values into one (the 128-bit product's halves).
func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a^hashMul, b^hashMul2)
	return hi ^ lo
}

// hashString hashes the bytes of s, 8 at a time.
func hashString(s string) uint64 {
	h := uint64(len(s)) ^ hashSeed
	for len(s) >= 8 {
		v := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		h = mix(h, v)
		s = s[8:]
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		v |= uint64(s[i]) << (8 * i)
	}
	return mix(h, v)
}

// tableSize is the power of two that keeps a table of n entries at most
// half full.
func tableSize(n int) int {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	return size
}

// stringSet interns strings: add returns the id of s (ids count from 0 in
// order of first appearance) and whether s was new. The zero value is
// ready after reset.
type stringSet struct {
	slots  []uint32 // id+1, 0 when empty
	hashes []uint64 // by id
	vals   []string // by id
}

// reset empties the set, sized for about hint strings.
func (t *stringSet) reset(hint int) {
	size := tableSize(hint)
	if len(t.slots) >= size && len(t.slots) <= 4*size {
		clear(t.slots)
	} else {
		t.slots = make([]uint32, size)
	}
	t.hashes = t.hashes[:0]
	t.vals = t.vals[:0]
}

// release forgets the strings (not the memory).
func (t *stringSet) release() {
	clear(t.vals[:cap(t.vals)])
	t.vals = t.vals[:0]
}

func (t *stringSet) len() int { return len(t.vals) }

func (t *stringSet) add(s string) (id uint32, added bool) {
	if 2*(len(t.vals)+1) > len(t.slots) {
		t.grow()
	}
	h := hashString(s)
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := t.slots[i]
		if e == 0 {
			id = uint32(len(t.vals))
			t.slots[i] = id + 1
			t.hashes = append(t.hashes, h)
			t.vals = append(t.vals, s)
			return id, true
		}
		if t.hashes[e-1] == h && t.vals[e-1] == s {
			return e - 1, false
		}
	}
}

func (t *stringSet) grow() {
	slots := make([]uint32, 2*len(t.slots))
	mask := uint64(len(slots) - 1)
	for id, h := range t.hashes {
		i := h & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = uint32(id) + 1
	}
	t.slots = slots
}

// gramTable counts n-grams of word ids. An n-gram is named by the first
// position it was seen at; entries are dense (their index is stable) and
// the slots, which only point at entries, grow as needed, so the table's
// size follows the number of distinct n-grams, not of positions.
type gramTable struct {
	slots   []uint32 // entry index + 1, 0 when empty
	entries []gramEntry
	ids     []uint32
	n       int
}

type gramEntry struct {
	h     uint64
	pos   uint32 // first position
	count uint32
	seen  bool // for dupGramChars' walk
}

// reset empties the table for n-grams of length n over the word ids ids,
// sized for about hint entries, keeping its memory.
func (t *gramTable) reset(n int, ids []uint32, hint int) {
	t.entries = t.entries[:0]
	size := tableSize(hint)
	if len(t.slots) >= size && len(t.slots) <= 4*size {
		clear(t.slots)
	} else {
		t.slots = make([]uint32, size)
	}
	t.n = n
	t.ids = ids
}

// add counts the n-gram at position p, whose hash is h, and returns its
// entry.
func (t *gramTable) add(p int, h uint64) uint32 {
	if 2*(len(t.entries)+1) > len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	want := t.ids[p : p+t.n]
	for i := h & mask; ; i = (i + 1) & mask {
		e := t.slots[i]
		if e == 0 {
			t.entries = append(t.entries, gramEntry{h: h, pos: uint32(p), count: 1})
			t.slots[i] = uint32(len(t.entries))
			return uint32(len(t.entries) - 1)
		}
		en := &t.entries[e-1]
		if en.h == h && equalIDs(t.ids[en.pos:int(en.pos)+t.n], want) {
			en.count++
			return e - 1
		}
	}
}

func (t *gramTable) grow() {
	slots := make([]uint32, 2*len(t.slots))
	mask := uint64(len(slots) - 1)
	for e := range t.entries {
		i := t.entries[e].h & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = uint32(e) + 1
	}
	t.slots = slots
}

func equalIDs(a, b []uint32) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
