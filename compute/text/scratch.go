package text

import "sync"

// scratch holds the buffers one measurement needs, reused across calls
// through a pool (results never depend on what a buffer held before: each
// is emptied before use). Buffers grown past maxPooled tokens are dropped
// rather than kept, so one huge page does not pin its memory.
type scratch struct {
	tokens  tokenStats
	dict    stringSet // token interning
	set     stringSet // duplicate lines and paragraphs
	hashes  []uint64
	entryOf []uint32
	repeat  []bool
	grams   gramTable
	lower   []byte
	kept    []string
}

const maxPooled = 1 << 20

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(sc *scratch) {
	if cap(sc.tokens.ids) > maxPooled || len(sc.dict.slots) > 4*maxPooled ||
		len(sc.set.slots) > 4*maxPooled || len(sc.grams.slots) > 4*maxPooled {
		return
	}
	// Drop references to the text so that the pool does not keep it alive.
	sc.dict.release()
	sc.set.release()
	clear(sc.kept[:cap(sc.kept)])
	scratchPool.Put(sc)
}
