// The MinHash inner loop for amd64: min over xs of (a*x + b) mod 2^61-1,
// the same arithmetic as mulAddMod61 (compute/hash.go). Go's compiler
// spills around MULQ's fixed registers and rematerializes the 64-bit mask;
// written by hand the loop is 16 instructions per shingle. minpermGo
// (minperm.go) is the reference it is tested against.

#include "textflag.h"

// func minPerm(xs []uint64, a, b uint64) uint64
TEXT ·minPerm(SB), NOSPLIT, $0-48
	MOVQ xs_base+0(FP), SI
	MOVQ xs_len+8(FP), CX
	MOVQ a+24(FP), R8
	MOVQ b+32(FP), R9
	MOVQ $0x1fffffffffffffff, R10 // p = 2^61-1
	MOVQ $-1, R11                 // the minimum so far
	LEAQ (SI)(CX*8), DI           // end of xs
	CMPQ SI, DI
	JAE  done

loop:
	MOVQ R8, AX
	MULQ (SI)            // DX:AX = a*x
	MOVQ AX, BX
	ANDQ R10, BX         // lo & p
	SHRQ $61, DX, AX     // lo>>61 | hi<<3
	ADDQ BX, AX
	ADDQ R9, AX          // r < 3*2^61
	MOVQ AX, BX
	ANDQ R10, BX
	SHRQ $61, AX
	ADDQ BX, AX          // r in [0, p+2]
	CMPQ AX, R11
	JCS  update          // r < min: maybe a new minimum
	CMPQ AX, R10
	JCC  update          // r >= p: not yet canonical (probability ~2^-59)

next:
	ADDQ $8, SI
	CMPQ SI, DI
	JCS  loop

done:
	MOVQ R11, ret+40(FP)
	RET

update:
	MOVQ AX, BX
	SUBQ R10, BX
	CMPQ AX, R10
	CMOVQCC BX, AX       // r >= p: r -= p
	CMPQ AX, R11
	CMOVQCS AX, R11      // r < min: min = r
	JMP  next
