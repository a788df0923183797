// The MinHash inner loop for amd64: four permutations at a time over a
// row's shingle hashes, with the filter that minperm.go explains and proves.
// Per shingle and permutation the common path is 6 instructions (MOVQ, MULQ,
// LEAQ, ADDQ, CMPQ+JCS, the last two fused); the exact value is computed
// only when the filter lets a shingle through. minPermGo (minperm.go) is the
// reference it is tested against.
//
// Registers: SI walks xs up to DI; R8 is lanes; CX holds the current x; AX and
// DX take MULQ's product. Lane l keeps a3 in R13, R14, R15, BX and its
// filter threshold 8(min+3) in R9, R10, R11, R12. b8, b and min stay in memory
// (loads are cheap; registers are not). R14 and R15 are free in ABI0
// functions (cmd/compile/abi-internal.md).

#include "textflag.h"

// Offsets in permLanes.
#define A3 0
#define B8 32
#define B 64
#define MIN 96

// LANE runs the filter for one lane: 8t = lo + hi<<3 + b8 (mod 2^64),
// a possible new minimum when below the lane's threshold.
#define LANE(a3, l, thr, cand) \
	MOVQ a3, AX \
	MULQ CX \
	LEAQ (AX)(DX*8), AX \
	ADDQ B8+8*l(R8), AX \
	CMPQ AX, thr \
	JCS  cand

// EXACT sets the lane's minimum to min(min, (a*x + b) mod p) and its
// threshold to 8(min+3), which fits: min < p-2 except with probability
// ~2^-60, and then the threshold is all ones (every shingle passes).
// AX and DX are free here; p is not in a register, so r AND p is computed
// as r<<3>>3.
#define EXACT(a3, l, thr) \
	MOVQ a3, AX \
	MULQ CX \
	SHRQ $3, AX \
	ADDQ DX, AX \
	ADDQ B+8*l(R8), AX   /* r = hi + lo>>3 + b = a*x+b mod p, below 3*2^61 */ \
	MOVQ AX, DX \
	SHRQ $61, DX \
	SHLQ $3, AX \
	SHRQ $3, AX \
	ADDQ DX, AX            /* f = (r AND p) + r>>61, in [0, p+2] */ \
	INCQ AX \
	MOVQ AX, DX \
	SHRQ $61, DX \
	SHLQ $3, AX \
	SHRQ $3, AX \
	ADDQ DX, AX \
	DECQ AX                /* fold(f+1) - 1: f, or f-p if f >= p */ \
	MOVQ MIN+8*l(R8), DX \
	CMPQ AX, DX \
	CMOVQCC DX, AX         /* the smaller of it and the minimum so far */ \
	MOVQ AX, MIN+8*l(R8) \
	ADDQ $3, AX \
	MOVQ AX, DX \
	SHRQ $61, DX \
	NEGQ DX                /* all ones if min+3 >= 2^61 */ \
	SHLQ $3, AX \
	ORQ  DX, AX \
	MOVQ AX, thr

// func minPerm4(xs []uint64, lanes *permLanes)
TEXT ·minPerm4(SB), NOSPLIT, $0-32
	MOVQ xs_base+0(FP), SI
	MOVQ xs_len+8(FP), CX
	MOVQ lanes+24(FP), R8
	LEAQ (SI)(CX*8), DI // end of xs
	MOVQ A3+0(R8), R13
	MOVQ A3+8(R8), R14
	MOVQ A3+16(R8), R15
	MOVQ A3+24(R8), BX
	// Every shingle passes until a lane's first exact value sets its
	// threshold (from the minimum in lanes, which may already be lower).
	MOVQ $-1, R9
	MOVQ $-1, R10
	MOVQ $-1, R11
	MOVQ $-1, R12
	CMPQ SI, DI
	JAE  done

loop:
	MOVQ (SI), CX
	LANE(R13, 0, R9, cand0)
next0:
	LANE(R14, 1, R10, cand1)
next1:
	LANE(R15, 2, R11, cand2)
next2:
	LANE(BX, 3, R12, cand3)
next3:
	ADDQ $8, SI
	CMPQ SI, DI
	JCS  loop

done:
	RET

// The rare paths, out of the loop's way.
cand0:
	EXACT(R13, 0, R9)
	JMP next0

cand1:
	EXACT(R14, 1, R10)
	JMP next1

cand2:
	EXACT(R15, 2, R11)
	JMP next2

cand3:
	EXACT(BX, 3, R12)
	JMP next3
