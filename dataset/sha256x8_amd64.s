//go:build amd64 && !purego

#include "textflag.h"

// SHA-256 of eight messages at once with AVX2, written from FIPS 180-4, for
// CPUs without AVX-512 (sha256x16_amd64.s is the sixteen-lane form): each
// 256-bit register holds one 32-bit word of all eight messages. AVX2 has no
// rotate and no three-input logic, so a rotation is two shifts and the
// functions are built from XOR and AND; with sixteen registers only, the
// message schedule W lives in the frame. Register roles:
//
//	Y0..Y7    the working variables a..h (their roles rotate each round)
//	Y8..Y13   temporaries; Y12 holds W[t] once t >= 16
//	Y14, Y15  a^b of this round and of the last, which is this round's
//	          b^c: Maj(a,b,c) = ((a^b) & (b^c)) ^ b
//
// A block's eight lanes are loaded 32 bytes at a time, one register each,
// byte-swapped (the message is big-endian) and transposed (8 x 8 words)
// into W[0..7], then W[8..15].

// x8bswap reverses the bytes of each 32-bit word.
DATA x8bswap<>+0(SB)/8, $0x0405060700010203
DATA x8bswap<>+8(SB)/8, $0x0c0d0e0f08090a0b
DATA x8bswap<>+16(SB)/8, $0x0405060700010203
DATA x8bswap<>+24(SB)/8, $0x0c0d0e0f08090a0b
GLOBL x8bswap<>(SB), RODATA|NOPTR, $32

// RORACC adds x rotated right by r into acc (rotations of one word have
// disjoint bits, so OR and XOR agree), using tmp.
#define RORACC(r, l, x, acc, tmp) \
	VPSRLD	$r, x, tmp \
	VPXOR	tmp, acc, acc \
	VPSLLD	$l, x, tmp \
	VPXOR	tmp, acc, acc

// SIGMA sets acc to x rotated right by r1, r2 and r3, XORed.
#define SIGMA(r1, l1, r2, l2, r3, l3, x, acc, tmp) \
	VPSRLD	$r1, x, acc \
	VPSLLD	$l1, x, tmp \
	VPXOR	tmp, acc, acc \
	RORACC(r2, l2, x, acc, tmp) \
	RORACC(r3, l3, x, acc, tmp)

// ROUND runs one round: T1 = h + Σ1(e) + Ch(e,f,g) + K + W; d += T1;
// h = T1 + Σ0(a) + Maj(a,b,c), which is the next round's a. w is W[t]
// (a frame slot or Y12); ab is where a^b goes, bc holds b^c.
#define ROUND(a, b, c, d, e, f, g, h, w, koff, ab, bc) \
	VPBROADCASTD	koff(AX), Y8 \
	VPADDD	w, Y8, Y8 \
	VPADDD	Y8, h, h \
	SIGMA(6, 26, 11, 21, 25, 7, e, Y9, Y10) \
	VPADDD	Y9, h, h \
	VPXOR	g, f, Y9 \
	VPAND	e, Y9, Y9 \
	VPXOR	g, Y9, Y9 \
	VPADDD	Y9, h, h \
	VPADDD	h, d, d \
	SIGMA(2, 30, 13, 19, 22, 10, a, Y9, Y10) \
	VPADDD	Y9, h, h \
	VPXOR	b, a, ab \
	VPAND	ab, bc, Y9 \
	VPXOR	b, Y9, Y9 \
	VPADDD	Y9, h, h

// SCHED computes W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16] into
// Y12 and its frame slot (that of W[t-16]).
#define SCHED(w16, w15, w7, w2) \
	VMOVDQU	w15, Y11 \
	VPSRLD	$3, Y11, Y12 \
	RORACC(7, 25, Y11, Y12, Y13) \
	RORACC(18, 14, Y11, Y12, Y13) \
	VPADDD	w16, Y12, Y12 \
	VPADDD	w7, Y12, Y12 \
	VMOVDQU	w2, Y11 \
	VPSRLD	$10, Y11, Y8 \
	RORACC(17, 15, Y11, Y8, Y13) \
	RORACC(19, 13, Y11, Y8, Y13) \
	VPADDD	Y8, Y12, Y12 \
	VMOVDQU	Y12, w16

// LANE loads 32 bytes of lane i's block, from base[i] + off[i] + the
// block's offset (R9) + at, and swaps their bytes.
#define LANE(i, at, y) \
	MOVQ	(8*i)(SI), R8 \
	ADDQ	(8*i)(BX), R8 \
	VMOVDQU	at(R8)(R9*1), y \
	VPSHUFB	x8bswap<>(SB), y, y

// func sha256x8(st *uint32, base *[8]*byte, off *[8]int, n int, k *[64]uint32)
//
// sha256x8 compresses n blocks of each of eight messages into the state at
// st, where word j of lane i is at st + 64*j + 4*i (eight lanes of an
// x16's [8][16]uint32): lane i's blocks are the n*64 bytes at
// base[i]+off[i].
TEXT ·sha256x8(SB), 0, $512-40
	MOVQ	st+0(FP), DI
	MOVQ	base+8(FP), SI
	MOVQ	off+16(FP), BX
	MOVQ	n+24(FP), DX
	MOVQ	k+32(FP), AX
	TESTQ	DX, DX
	JZ	done
	XORQ	R9, R9

block:
	LANE(0, 0, Y0)
	LANE(1, 0, Y1)
	LANE(2, 0, Y2)
	LANE(3, 0, Y3)
	LANE(4, 0, Y4)
	LANE(5, 0, Y5)
	LANE(6, 0, Y6)
	LANE(7, 0, Y7)
	// Transpose: words 0..7 of every lane.
	VPUNPCKLDQ	Y1, Y0, Y8
	VPUNPCKHDQ	Y1, Y0, Y9
	VPUNPCKLDQ	Y3, Y2, Y10
	VPUNPCKHDQ	Y3, Y2, Y11
	VPUNPCKLDQ	Y5, Y4, Y12
	VPUNPCKHDQ	Y5, Y4, Y13
	VPUNPCKLDQ	Y7, Y6, Y14
	VPUNPCKHDQ	Y7, Y6, Y15
	VPUNPCKLQDQ	Y10, Y8, Y0
	VPUNPCKHQDQ	Y10, Y8, Y1
	VPUNPCKLQDQ	Y11, Y9, Y2
	VPUNPCKHQDQ	Y11, Y9, Y3
	VPUNPCKLQDQ	Y14, Y12, Y4
	VPUNPCKHQDQ	Y14, Y12, Y5
	VPUNPCKLQDQ	Y15, Y13, Y6
	VPUNPCKHQDQ	Y15, Y13, Y7
	VPERM2I128	$0x20, Y4, Y0, Y8
	VMOVDQU	Y8, 0(SP)
	VPERM2I128	$0x31, Y4, Y0, Y8
	VMOVDQU	Y8, 128(SP)
	VPERM2I128	$0x20, Y5, Y1, Y8
	VMOVDQU	Y8, 32(SP)
	VPERM2I128	$0x31, Y5, Y1, Y8
	VMOVDQU	Y8, 160(SP)
	VPERM2I128	$0x20, Y6, Y2, Y8
	VMOVDQU	Y8, 64(SP)
	VPERM2I128	$0x31, Y6, Y2, Y8
	VMOVDQU	Y8, 192(SP)
	VPERM2I128	$0x20, Y7, Y3, Y8
	VMOVDQU	Y8, 96(SP)
	VPERM2I128	$0x31, Y7, Y3, Y8
	VMOVDQU	Y8, 224(SP)
	LANE(0, 32, Y0)
	LANE(1, 32, Y1)
	LANE(2, 32, Y2)
	LANE(3, 32, Y3)
	LANE(4, 32, Y4)
	LANE(5, 32, Y5)
	LANE(6, 32, Y6)
	LANE(7, 32, Y7)
	// Transpose: words 8..15 of every lane.
	VPUNPCKLDQ	Y1, Y0, Y8
	VPUNPCKHDQ	Y1, Y0, Y9
	VPUNPCKLDQ	Y3, Y2, Y10
	VPUNPCKHDQ	Y3, Y2, Y11
	VPUNPCKLDQ	Y5, Y4, Y12
	VPUNPCKHDQ	Y5, Y4, Y13
	VPUNPCKLDQ	Y7, Y6, Y14
	VPUNPCKHDQ	Y7, Y6, Y15
	VPUNPCKLQDQ	Y10, Y8, Y0
	VPUNPCKHQDQ	Y10, Y8, Y1
	VPUNPCKLQDQ	Y11, Y9, Y2
	VPUNPCKHQDQ	Y11, Y9, Y3
	VPUNPCKLQDQ	Y14, Y12, Y4
	VPUNPCKHQDQ	Y14, Y12, Y5
	VPUNPCKLQDQ	Y15, Y13, Y6
	VPUNPCKHQDQ	Y15, Y13, Y7
	VPERM2I128	$0x20, Y4, Y0, Y8
	VMOVDQU	Y8, 256(SP)
	VPERM2I128	$0x31, Y4, Y0, Y8
	VMOVDQU	Y8, 384(SP)
	VPERM2I128	$0x20, Y5, Y1, Y8
	VMOVDQU	Y8, 288(SP)
	VPERM2I128	$0x31, Y5, Y1, Y8
	VMOVDQU	Y8, 416(SP)
	VPERM2I128	$0x20, Y6, Y2, Y8
	VMOVDQU	Y8, 320(SP)
	VPERM2I128	$0x31, Y6, Y2, Y8
	VMOVDQU	Y8, 448(SP)
	VPERM2I128	$0x20, Y7, Y3, Y8
	VMOVDQU	Y8, 352(SP)
	VPERM2I128	$0x31, Y7, Y3, Y8
	VMOVDQU	Y8, 480(SP)

	// The working variables start as the state.
	VMOVDQU	0(DI), Y0
	VMOVDQU	64(DI), Y1
	VMOVDQU	128(DI), Y2
	VMOVDQU	192(DI), Y3
	VMOVDQU	256(DI), Y4
	VMOVDQU	320(DI), Y5
	VMOVDQU	384(DI), Y6
	VMOVDQU	448(DI), Y7
	VPXOR	Y2, Y1, Y15
	ROUND(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, 0(SP), 0, Y14, Y15)
	ROUND(Y7, Y0, Y1, Y2, Y3, Y4, Y5, Y6, 32(SP), 4, Y15, Y14)
	ROUND(Y6, Y7, Y0, Y1, Y2, Y3, Y4, Y5, 64(SP), 8, Y14, Y15)
	ROUND(Y5, Y6, Y7, Y0, Y1, Y2, Y3, Y4, 96(SP), 12, Y15, Y14)
	ROUND(Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y3, 128(SP), 16, Y14, Y15)
	ROUND(Y3, Y4, Y5, Y6, Y7, Y0, Y1, Y2, 160(SP), 20, Y15, Y14)
	ROUND(Y2, Y3, Y4, Y5, Y6, Y7, Y0, Y1, 192(SP), 24, Y14, Y15)
	ROUND(Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y0, 224(SP), 28, Y15, Y14)
	ROUND(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, 256(SP), 32, Y14, Y15)
	ROUND(Y7, Y0, Y1, Y2, Y3, Y4, Y5, Y6, 288(SP), 36, Y15, Y14)
	ROUND(Y6, Y7, Y0, Y1, Y2, Y3, Y4, Y5, 320(SP), 40, Y14, Y15)
	ROUND(Y5, Y6, Y7, Y0, Y1, Y2, Y3, Y4, 352(SP), 44, Y15, Y14)
	ROUND(Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y3, 384(SP), 48, Y14, Y15)
	ROUND(Y3, Y4, Y5, Y6, Y7, Y0, Y1, Y2, 416(SP), 52, Y15, Y14)
	ROUND(Y2, Y3, Y4, Y5, Y6, Y7, Y0, Y1, 448(SP), 56, Y14, Y15)
	ROUND(Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y0, 480(SP), 60, Y15, Y14)
	SCHED(0(SP), 32(SP), 288(SP), 448(SP))
	ROUND(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y12, 64, Y14, Y15)
	SCHED(32(SP), 64(SP), 320(SP), 480(SP))
	ROUND(Y7, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y12, 68, Y15, Y14)
	SCHED(64(SP), 96(SP), 352(SP), 0(SP))
	ROUND(Y6, Y7, Y0, Y1, Y2, Y3, Y4, Y5, Y12, 72, Y14, Y15)
	SCHED(96(SP), 128(SP), 384(SP), 32(SP))
	ROUND(Y5, Y6, Y7, Y0, Y1, Y2, Y3, Y4, Y12, 76, Y15, Y14)
	SCHED(128(SP), 160(SP), 416(SP), 64(SP))
	ROUND(Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y3, Y12, 80, Y14, Y15)
	SCHED(160(SP), 192(SP), 448(SP), 96(SP))
	ROUND(Y3, Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y12, 84, Y15, Y14)
	SCHED(192(SP), 224(SP), 480(SP), 128(SP))
	ROUND(Y2, Y3, Y4, Y5, Y6, Y7, Y0, Y1, Y12, 88, Y14, Y15)
	SCHED(224(SP), 256(SP), 0(SP), 160(SP))
	ROUND(Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y0, Y12, 92, Y15, Y14)
	SCHED(256(SP), 288(SP), 32(SP), 192(SP))
	ROUND(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y12, 96, Y14, Y15)
	SCHED(288(SP), 320(SP), 64(SP), 224(SP))
	ROUND(Y7, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y12, 100, Y15, Y14)
	SCHED(320(SP), 352(SP), 96(SP), 256(SP))
	ROUND(Y6, Y7, Y0, Y1, Y2, Y3, Y4, Y5, Y12, 104, Y14, Y15)
	SCHED(352(SP), 384(SP), 128(SP), 288(SP))
	ROUND(Y5, Y6, Y7, Y0, Y1, Y2, Y3, Y4, Y12, 108, Y15, Y14)
	SCHED(384(SP), 416(SP), 160(SP), 320(SP))
	ROUND(Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y3, Y12, 112, Y14, Y15)
	SCHED(416(SP), 448(SP), 192(SP), 352(SP))
	ROUND(Y3, Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y12, 116, Y15, Y14)
	SCHED(448(SP), 480(SP), 224(SP), 384(SP))
	ROUND(Y2, Y3, Y4, Y5, Y6, Y7, Y0, Y1, Y12, 120, Y14, Y15)
	SCHED(480(SP), 0(SP), 256(SP), 416(SP))
	ROUND(Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y0, Y12, 124, Y15, Y14)
	SCHED(0(SP), 32(SP), 288(SP), 448(SP))
	ROUND(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y12, 128, Y14, Y15)
	SCHED(32(SP), 64(SP), 320(SP), 480(SP))
	ROUND(Y7, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y12, 132, Y15, Y14)
	SCHED(64(SP), 96(SP), 352(SP), 0(SP))
	ROUND(Y6, Y7, Y0, Y1, Y2, Y3, Y4, Y5, Y12, 136, Y14, Y15)
	SCHED(96(SP), 128(SP), 384(SP), 32(SP))
	ROUND(Y5, Y6, Y7, Y0, Y1, Y2, Y3, Y4, Y12, 140, Y15, Y14)
	SCHED(128(SP), 160(SP), 416(SP), 64(SP))
	ROUND(Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y3, Y12, 144, Y14, Y15)
	SCHED(160(SP), 192(SP), 448(SP), 96(SP))
	ROUND(Y3, Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y12, 148, Y15, Y14)
	SCHED(192(SP), 224(SP), 480(SP), 128(SP))
	ROUND(Y2, Y3, Y4, Y5, Y6, Y7, Y0, Y1, Y12, 152, Y14, Y15)
	SCHED(224(SP), 256(SP), 0(SP), 160(SP))
	ROUND(Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y0, Y12, 156, Y15, Y14)
	SCHED(256(SP), 288(SP), 32(SP), 192(SP))
	ROUND(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y12, 160, Y14, Y15)
	SCHED(288(SP), 320(SP), 64(SP), 224(SP))
	ROUND(Y7, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y12, 164, Y15, Y14)
	SCHED(320(SP), 352(SP), 96(SP), 256(SP))
	ROUND(Y6, Y7, Y0, Y1, Y2, Y3, Y4, Y5, Y12, 168, Y14, Y15)
	SCHED(352(SP), 384(SP), 128(SP), 288(SP))
	ROUND(Y5, Y6, Y7, Y0, Y1, Y2, Y3, Y4, Y12, 172, Y15, Y14)
	SCHED(384(SP), 416(SP), 160(SP), 320(SP))
	ROUND(Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y3, Y12, 176, Y14, Y15)
	SCHED(416(SP), 448(SP), 192(SP), 352(SP))
	ROUND(Y3, Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y12, 180, Y15, Y14)
	SCHED(448(SP), 480(SP), 224(SP), 384(SP))
	ROUND(Y2, Y3, Y4, Y5, Y6, Y7, Y0, Y1, Y12, 184, Y14, Y15)
	SCHED(480(SP), 0(SP), 256(SP), 416(SP))
	ROUND(Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y0, Y12, 188, Y15, Y14)
	SCHED(0(SP), 32(SP), 288(SP), 448(SP))
	ROUND(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y12, 192, Y14, Y15)
	SCHED(32(SP), 64(SP), 320(SP), 480(SP))
	ROUND(Y7, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y12, 196, Y15, Y14)
	SCHED(64(SP), 96(SP), 352(SP), 0(SP))
	ROUND(Y6, Y7, Y0, Y1, Y2, Y3, Y4, Y5, Y12, 200, Y14, Y15)
	SCHED(96(SP), 128(SP), 384(SP), 32(SP))
	ROUND(Y5, Y6, Y7, Y0, Y1, Y2, Y3, Y4, Y12, 204, Y15, Y14)
	SCHED(128(SP), 160(SP), 416(SP), 64(SP))
	ROUND(Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y3, Y12, 208, Y14, Y15)
	SCHED(160(SP), 192(SP), 448(SP), 96(SP))
	ROUND(Y3, Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y12, 212, Y15, Y14)
	SCHED(192(SP), 224(SP), 480(SP), 128(SP))
	ROUND(Y2, Y3, Y4, Y5, Y6, Y7, Y0, Y1, Y12, 216, Y14, Y15)
	SCHED(224(SP), 256(SP), 0(SP), 160(SP))
	ROUND(Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y0, Y12, 220, Y15, Y14)
	SCHED(256(SP), 288(SP), 32(SP), 192(SP))
	ROUND(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y12, 224, Y14, Y15)
	SCHED(288(SP), 320(SP), 64(SP), 224(SP))
	ROUND(Y7, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y12, 228, Y15, Y14)
	SCHED(320(SP), 352(SP), 96(SP), 256(SP))
	ROUND(Y6, Y7, Y0, Y1, Y2, Y3, Y4, Y5, Y12, 232, Y14, Y15)
	SCHED(352(SP), 384(SP), 128(SP), 288(SP))
	ROUND(Y5, Y6, Y7, Y0, Y1, Y2, Y3, Y4, Y12, 236, Y15, Y14)
	SCHED(384(SP), 416(SP), 160(SP), 320(SP))
	ROUND(Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y3, Y12, 240, Y14, Y15)
	SCHED(416(SP), 448(SP), 192(SP), 352(SP))
	ROUND(Y3, Y4, Y5, Y6, Y7, Y0, Y1, Y2, Y12, 244, Y15, Y14)
	SCHED(448(SP), 480(SP), 224(SP), 384(SP))
	ROUND(Y2, Y3, Y4, Y5, Y6, Y7, Y0, Y1, Y12, 248, Y14, Y15)
	SCHED(480(SP), 0(SP), 256(SP), 416(SP))
	ROUND(Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y0, Y12, 252, Y15, Y14)

	VPADDD	0(DI), Y0, Y0
	VMOVDQU	Y0, 0(DI)
	VPADDD	64(DI), Y1, Y1
	VMOVDQU	Y1, 64(DI)
	VPADDD	128(DI), Y2, Y2
	VMOVDQU	Y2, 128(DI)
	VPADDD	192(DI), Y3, Y3
	VMOVDQU	Y3, 192(DI)
	VPADDD	256(DI), Y4, Y4
	VMOVDQU	Y4, 256(DI)
	VPADDD	320(DI), Y5, Y5
	VMOVDQU	Y5, 320(DI)
	VPADDD	384(DI), Y6, Y6
	VMOVDQU	Y6, 384(DI)
	VPADDD	448(DI), Y7, Y7
	VMOVDQU	Y7, 448(DI)

	ADDQ	$64, R9
	DECQ	DX
	JNZ	block
	VZEROUPPER

done:
	RET
