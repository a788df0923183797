//go:build amd64 && !purego

#include "textflag.h"

// SHA-256 block compression with the x86 SHA extensions (SHA-NI), written
// from FIPS 180-4 and Intel's description of SHA256RNDS2, SHA256MSG1 and
// SHA256MSG2. Register roles:
//
//	X1  state A,B,E,F (dword 3 = A ... dword 0 = F), the layout SHA256RNDS2 wants
//	X2  state C,D,G,H
//	X3..X6  the last 16 message words W, four per register
//	X0  W+K for the next rounds (SHA256RNDS2's implicit operand)
//	X8  byte-swap mask (the message is big-endian)
//	X9, X10  state at the start of the block, added back at its end

// bswapMask reverses the bytes of each 32-bit lane.
DATA bswapMask<>+0(SB)/8, $0x0405060700010203
DATA bswapMask<>+8(SB)/8, $0x0c0d0e0f08090a0b
GLOBL bswapMask<>(SB), RODATA|NOPTR, $16

// ROUNDS4 runs four rounds with message words m and constants at koff(AX).
// SHA256RNDS2 X0, src, dst: dst holds C,D,G,H on entry and A,B,E,F two
// rounds later; the old A,B,E,F (src) is then the new C,D,G,H, so the two
// registers swap roles and are back in place after four rounds.
#define ROUNDS4(m, koff) \
	MOVOU	koff(AX), X0 \
	PADDD	m, X0 \
	SHA256RNDS2	X0, X1, X2 \
	PSHUFD	$0x0e, X0, X0 \
	SHA256RNDS2	X0, X2, X1

// SCHED computes the next four message words into a, from
// a = W[t-16..t-13], b = W[t-12..t-9], c = W[t-8..t-5], d = W[t-4..t-1]:
// SHA256MSG1 adds sigma0, PALIGNR picks W[t-7..t-4], SHA256MSG2 adds sigma1.
#define SCHED(a, b, c, d) \
	SHA256MSG1	b, a \
	MOVO	d, X11 \
	PALIGNR	$4, c, X11 \
	PADDD	X11, a \
	SHA256MSG2	d, a

// func blockSHANI(st *[8]uint32, p *byte, n int, k *[64]uint32)
TEXT ·blockSHANI(SB), NOSPLIT, $0-32
	MOVQ	st+0(FP), DI
	MOVQ	p+8(FP), SI
	MOVQ	n+16(FP), DX
	MOVQ	k+24(FP), AX
	TESTQ	DX, DX
	JZ	done
	SHLQ	$6, DX
	ADDQ	SI, DX

	MOVOU	bswapMask<>(SB), X8

	// Memory order a,b,c,d / e,f,g,h to A,B,E,F / C,D,G,H.
	MOVOU	0(DI), X1
	MOVOU	16(DI), X2
	PSHUFD	$0xb1, X1, X1 // C,D,A,B
	PSHUFD	$0x1b, X2, X2 // E,F,G,H
	MOVO	X1, X7
	PALIGNR	$8, X2, X1    // A,B,E,F
	PBLENDW	$0xf0, X7, X2 // C,D,G,H

loop:
	MOVO	X1, X9
	MOVO	X2, X10

	MOVOU	0(SI), X3
	PSHUFB	X8, X3
	MOVOU	16(SI), X4
	PSHUFB	X8, X4
	MOVOU	32(SI), X5
	PSHUFB	X8, X5
	MOVOU	48(SI), X6
	PSHUFB	X8, X6

	ROUNDS4(X3, 0)
	ROUNDS4(X4, 16)
	ROUNDS4(X5, 32)
	ROUNDS4(X6, 48)

	SCHED(X3, X4, X5, X6)
	ROUNDS4(X3, 64)
	SCHED(X4, X5, X6, X3)
	ROUNDS4(X4, 80)
	SCHED(X5, X6, X3, X4)
	ROUNDS4(X5, 96)
	SCHED(X6, X3, X4, X5)
	ROUNDS4(X6, 112)

	SCHED(X3, X4, X5, X6)
	ROUNDS4(X3, 128)
	SCHED(X4, X5, X6, X3)
	ROUNDS4(X4, 144)
	SCHED(X5, X6, X3, X4)
	ROUNDS4(X5, 160)
	SCHED(X6, X3, X4, X5)
	ROUNDS4(X6, 176)

	SCHED(X3, X4, X5, X6)
	ROUNDS4(X3, 192)
	SCHED(X4, X5, X6, X3)
	ROUNDS4(X4, 208)
	SCHED(X5, X6, X3, X4)
	ROUNDS4(X5, 224)
	SCHED(X6, X3, X4, X5)
	ROUNDS4(X6, 240)

	PADDD	X9, X1
	PADDD	X10, X2

	ADDQ	$64, SI
	CMPQ	SI, DX
	JB	loop

	// Back to memory order.
	PSHUFD	$0x1b, X1, X1 // F,E,B,A: memory a,b,e,f
	PSHUFD	$0xb1, X2, X2 // D,C,H,G: memory g,h,c,d
	MOVO	X1, X7
	PBLENDW	$0xf0, X2, X1 // a,b,c,d
	PALIGNR	$8, X7, X2    // e,f,g,h
	MOVOU	X1, 0(DI)
	MOVOU	X2, 16(DI)

done:
	RET

// ROUNDS4L and SCHEDL are ROUNDS4 and SCHED with the state registers (abef,
// cdgh) and the temporary named, for the two-lane function below.
#define ROUNDS4L(m, koff, abef, cdgh) \
	MOVOU	koff(AX), X0 \
	PADDD	m, X0 \
	SHA256RNDS2	X0, abef, cdgh \
	PSHUFD	$0x0e, X0, X0 \
	SHA256RNDS2	X0, cdgh, abef

#define SCHEDL(a, b, c, d, tmp) \
	SHA256MSG1	b, a \
	MOVO	d, tmp \
	PALIGNR	$4, c, tmp \
	PADDD	tmp, a \
	SHA256MSG2	d, a

// LOADSTATE and STORESTATE convert between memory order (a..h) and the
// A,B,E,F / C,D,G,H layout, through tmp.
#define LOADSTATE(ptr, abef, cdgh, tmp) \
	MOVOU	0(ptr), abef \
	MOVOU	16(ptr), cdgh \
	PSHUFD	$0xb1, abef, abef \
	PSHUFD	$0x1b, cdgh, cdgh \
	MOVO	abef, tmp \
	PALIGNR	$8, cdgh, abef \
	PBLENDW	$0xf0, tmp, cdgh

#define STORESTATE(ptr, abef, cdgh, tmp) \
	PSHUFD	$0x1b, abef, abef \
	PSHUFD	$0xb1, cdgh, cdgh \
	MOVO	abef, tmp \
	PBLENDW	$0xf0, cdgh, abef \
	PALIGNR	$8, tmp, cdgh \
	MOVOU	abef, 0(ptr) \
	MOVOU	cdgh, 16(ptr)

#define LOADMSG(ptr, m0, m1, m2, m3) \
	MOVOU	0(ptr), m0 \
	PSHUFB	X8, m0 \
	MOVOU	16(ptr), m1 \
	PSHUFB	X8, m1 \
	MOVOU	32(ptr), m2 \
	PSHUFB	X8, m2 \
	MOVOU	48(ptr), m3 \
	PSHUFB	X8, m3

// QUAD runs rounds 16(q+1)..16(q+1)+15 of both lanes, scheduling as it goes.
#define QUAD(koff) \
	SCHEDL(X3, X4, X5, X6, X7) \
	ROUNDS4L(X3, koff, X1, X2) \
	SCHEDL(X11, X12, X13, X14, X15) \
	ROUNDS4L(X11, koff, X9, X10) \
	SCHEDL(X4, X5, X6, X3, X7) \
	ROUNDS4L(X4, koff+16, X1, X2) \
	SCHEDL(X12, X13, X14, X11, X15) \
	ROUNDS4L(X12, koff+16, X9, X10) \
	SCHEDL(X5, X6, X3, X4, X7) \
	ROUNDS4L(X5, koff+32, X1, X2) \
	SCHEDL(X13, X14, X11, X12, X15) \
	ROUNDS4L(X13, koff+32, X9, X10) \
	SCHEDL(X6, X3, X4, X5, X7) \
	ROUNDS4L(X6, koff+48, X1, X2) \
	SCHEDL(X14, X11, X12, X13, X15) \
	ROUNDS4L(X14, koff+48, X9, X10)

// func blockSHANI2(st0, st1 *[8]uint32, p0, p1 *byte, n int, k *[64]uint32)
//
// blockSHANI2 compresses two independent messages of n blocks each. One
// SHA256RNDS2 chain is bound by the instruction's latency; interleaving two
// chains fills the gaps, so two Merkle leaves or nodes cost little more
// than one. Lane 0 uses X1,X2 (state) and X3..X7, lane 1 X9,X10 and
// X11..X15; the states at the start of a block are kept on the stack.
TEXT ·blockSHANI2(SB), NOSPLIT, $64-48
	MOVQ	st0+0(FP), DI
	MOVQ	st1+8(FP), BX
	MOVQ	p0+16(FP), SI
	MOVQ	p1+24(FP), CX
	MOVQ	n+32(FP), DX
	MOVQ	k+40(FP), AX
	TESTQ	DX, DX
	JZ	done2

	MOVOU	bswapMask<>(SB), X8
	LOADSTATE(DI, X1, X2, X7)
	LOADSTATE(BX, X9, X10, X15)

loop2:
	MOVOU	X1, 0(SP)
	MOVOU	X2, 16(SP)
	MOVOU	X9, 32(SP)
	MOVOU	X10, 48(SP)

	LOADMSG(SI, X3, X4, X5, X6)
	LOADMSG(CX, X11, X12, X13, X14)

	ROUNDS4L(X3, 0, X1, X2)
	ROUNDS4L(X11, 0, X9, X10)
	ROUNDS4L(X4, 16, X1, X2)
	ROUNDS4L(X12, 16, X9, X10)
	ROUNDS4L(X5, 32, X1, X2)
	ROUNDS4L(X13, 32, X9, X10)
	ROUNDS4L(X6, 48, X1, X2)
	ROUNDS4L(X14, 48, X9, X10)

	QUAD(64)
	QUAD(128)
	QUAD(192)

	MOVOU	0(SP), X7
	PADDD	X7, X1
	MOVOU	16(SP), X7
	PADDD	X7, X2
	MOVOU	32(SP), X15
	PADDD	X15, X9
	MOVOU	48(SP), X15
	PADDD	X15, X10

	ADDQ	$64, SI
	ADDQ	$64, CX
	DECQ	DX
	JNZ	loop2

	STORESTATE(DI, X1, X2, X7)
	STORESTATE(BX, X9, X10, X15)

done2:
	RET

// func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL	leaf+0(FP), AX
	MOVL	sub+4(FP), CX
	CPUID
	MOVL	AX, eax+8(FP)
	MOVL	BX, ebx+12(FP)
	MOVL	CX, ecx+16(FP)
	MOVL	DX, edx+20(FP)
	RET
