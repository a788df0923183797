package wasm

import (
	"context"
	"errors"
	"runtime"
	"testing"
)

// dirtyModule grows its memory from 1 page to pages and fills all of it
// with 0xa5, then exits 0: a run that leaves its memory dirty.
func dirtyModule(pages uint32) []byte {
	code := cat(
		i32c(int32(pages-1)), []byte{opMemoryGrow, 0}, i32c(-1), []byte{hEq, opIf, 0x40, opUnreachable, opEnd},
		i32c(0), i32c(0xa5), i32c(int32(pages*PageSize)), []byte{opPrefixFC, 11, 0}, // memory.fill
		i32c(0), exitWith,
	)
	return commandModule(nil, code).bytes()
}

// zeroCheckModule reads memory it never wrote: it starts with minPages
// pages (and, if withData, the bytes "xyz" at 1000 from a data segment,
// which it checks and then zeroes), reads every byte of them, then grows
// its memory a page at a time, grows times, reading each new page. It
// exits 0 if every byte read was 0, 1 if not, 2 if the data segment was
// wrong, 3 if a grow failed.
func zeroCheckModule(minPages, grows uint32, withData bool) []byte {
	const (
		lAddr = iota // i32: read position
		lEnd         // i32: end of the range read
		lAcc         // i64: OR of all the words read
		lLeft        // i32: grows left
	)
	scan := cat( // acc |= every i64 in addr…end
		op(opLoop, 0x40),
		localGet(lAcc), localGet(lAddr), memarg(0x29, 3, 0), op(0x84), localSet(lAcc), // i64.load, i64.or
		localGet(lAddr), i32c(8), op(hAdd, opLocalTee, lAddr), localGet(lEnd), op(hLtU), brIf(0),
		op(opEnd),
	)
	var data []byte
	code := []byte{}
	if withData {
		data = append(appendU32(nil, 1), 0x00, opI32Const)
		data = append(appendS64(data, 1000), opEnd)
		data = append(appendU32(data, 3), "xyz"...)
		for i, c := range []byte("xyz") {
			code = cat(code,
				i32c(int32(1000+i)), memarg(hLoad8U, 0, 0), i32c(int32(c)), op(hNe, opIf, 0x40), i32c(2), exitWith, op(opEnd))
		}
		code = cat(code, i32c(1000), i32c(0), i32c(3), []byte{opPrefixFC, 11, 0})
	}
	code = cat(code,
		i32c(0), localSet(lAddr), op(hMemSize, 0), i32c(16), op(hShl), localSet(lEnd), scan,
		i32c(int32(grows)), localSet(lLeft),
		op(opBlock, 0x40), op(opLoop, 0x40),
		localGet(lLeft), op(hEqz), brIf(1),
		i32c(1), op(opMemoryGrow, 0), i32c(-1), op(hEq, opIf, 0x40), i32c(3), exitWith, op(opEnd),
		op(hMemSize, 0), i32c(1), op(hSub), i32c(16), op(hShl), localSet(lAddr),
		op(hMemSize, 0), i32c(16), op(hShl), localSet(lEnd),
		scan,
		localGet(lLeft), i32c(1), op(hSub), localSet(lLeft),
		br(0),
		op(opEnd, opEnd),
		localGet(lAcc), op(0x50, opIf, 0x40), i32c(0), exitWith, op(opEnd), // i64.eqz
		i32c(1), exitWith,
	)
	m := commandModule([]byte{valI32, valI32, valI64, valI32}, code)
	m.memory = appendU32([]byte{1, 0x00}, minPages)
	m.data = data
	return m.bytes()
}

func op(b ...byte) []byte { return b }

// TestMemoryReuseIsFresh checks that a run never sees what an earlier run
// left in its linear memory: runs that fill their memory with 0xa5 are
// followed, on the same Runtime (whose runs share a pool of memories), by
// runs that read memory they never wrote, at the start, through a data
// segment, in grows within what the dirty run used and past it, with
// both engines.
func TestMemoryReuseIsFresh(t *testing.T) {
	tests := []struct {
		name       string
		dirty      uint32 // pages the dirty run fills
		min, grows uint32
		withData   bool
		smallFirst bool // a run of a 1-page check between the dirty run and the check
	}{
		{name: "start", dirty: 8, min: 8, grows: 0},
		{name: "start smaller", dirty: 8, min: 2, grows: 0},
		{name: "grow within", dirty: 16, min: 1, grows: 15},
		{name: "grow within after a small run", dirty: 16, min: 1, grows: 15, smallFirst: true},
		{name: "grow past", dirty: 4, min: 1, grows: 12},
		{name: "data segment", dirty: 4, min: 1, grows: 4, withData: true},
	}
	engines(t, func(t *testing.T, r *Runtime) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				dirty := mustLoad(t, r, dirtyModule(tt.dirty))
				check := mustLoad(t, r, zeroCheckModule(tt.min, tt.grows, tt.withData))
				small := mustLoad(t, r, zeroCheckModule(1, 0, false))
				run := func(i int, m *Module) {
					t.Helper()
					_, err := m.Run(context.Background(), "text", nil, resultCol, testLimits())
					var f *Failure
					if errors.As(err, &f) && f.Kind == KindExitCode {
						t.Fatalf("round %d: the check exited with %d (1: it read a byte an earlier run wrote)", i, f.ExitCode)
					}
					if err != nil {
						t.Fatalf("round %d: %v", i, err)
					}
				}
				for i := range 3 {
					run(i, dirty)
					if tt.smallFirst {
						run(i, small)
					}
					run(i, check)
				}
			})
		}
	})
}

// TestMemoryPoolReleasedByGC checks that a memory kept for later runs does
// not outlive a garbage collection with no run in progress: the pool holds
// it weakly, so an idle node's memory goes back as it did without a pool.
func TestMemoryPoolReleasedByGC(t *testing.T) {
	r, err := New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(context.Background()) })
	m := mustLoad(t, r, dirtyModule(64))
	if _, err := m.Run(context.Background(), "text", nil, resultCol, testLimits()); err != nil {
		t.Fatal(err)
	}
	if r.mems.get() == nil {
		t.Fatal("no memory kept after a run")
	}
	if _, err := m.Run(context.Background(), "text", nil, resultCol, testLimits()); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.GC()
	if r.mems.get() != nil {
		t.Error("a kept memory survived two collections")
	}
}
