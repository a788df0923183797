//go:build amd64 && !purego

#include "textflag.h"

DATA ascii1f<>+0(SB)/8, $0x1f1f1f1f1f1f1f1f
DATA ascii1f<>+8(SB)/8, $0x1f1f1f1f1f1f1f1f
DATA ascii1f<>+16(SB)/8, $0x1f1f1f1f1f1f1f1f
DATA ascii1f<>+24(SB)/8, $0x1f1f1f1f1f1f1f1f
GLOBL ascii1f<>(SB), RODATA|NOPTR, $32

DATA ascii20<>+0(SB)/8, $0x2020202020202020
DATA ascii20<>+8(SB)/8, $0x2020202020202020
DATA ascii20<>+16(SB)/8, $0x2020202020202020
DATA ascii20<>+24(SB)/8, $0x2020202020202020
GLOBL ascii20<>(SB), RODATA|NOPTR, $32

// func asciiScanAVX2(p *byte, n int) bool
//
// asciiScanAVX2 reports whether the n bytes at p (n >= 32) are all in
// 0x20..0x7f with no two spaces in a row, 32 bytes per step. A signed
// compare with 0x1f rejects both control characters and bytes >= 0x80
// (negative as signed bytes); the space masks of consecutive steps are
// joined through a carry bit. The last, partial step re-reads the final 32
// bytes, which overlap bytes already checked.
TEXT ·asciiScanAVX2(SB), NOSPLIT, $0-17
	MOVQ	p+0(FP), SI
	MOVQ	n+8(FP), CX
	VMOVDQU	ascii1f<>(SB), Y1
	VMOVDQU	ascii20<>(SB), Y2
	LEAQ	-32(SI)(CX*1), DI // start of the last whole step
	XORQ	DX, DX            // 1 when the previous step ended in a space

loop:
	CMPQ	SI, DI
	JHI	tail
	VMOVDQU	(SI), Y0
	VPCMPGTB	Y1, Y0, Y3
	VPMOVMSKB	Y3, AX
	CMPL	AX, $0xffffffff
	JNE	bad
	VPCMPEQB	Y2, Y0, Y4
	VPMOVMSKB	Y4, BX
	MOVL	BX, R8
	SHLL	$1, R8
	ORL	DX, R8
	ANDL	BX, R8
	JNZ	bad
	SHRL	$31, BX
	MOVL	BX, DX
	ADDQ	$32, SI
	JMP	loop

tail:
	LEAQ	32(DI), R9
	CMPQ	SI, R9
	JEQ	ok
	VMOVDQU	(DI), Y0
	VPCMPGTB	Y1, Y0, Y3
	VPMOVMSKB	Y3, AX
	CMPL	AX, $0xffffffff
	JNE	bad
	VPCMPEQB	Y2, Y0, Y4
	VPMOVMSKB	Y4, BX
	MOVL	BX, R8
	SHLL	$1, R8
	ANDL	BX, R8
	JNZ	bad

ok:
	VZEROUPPER
	MOVB	$1, ret+16(FP)
	RET

bad:
	VZEROUPPER
	MOVB	$0, ret+16(FP)
	RET

DATA ascii1f16<>+0(SB)/8, $0x1f1f1f1f1f1f1f1f
DATA ascii1f16<>+8(SB)/8, $0x1f1f1f1f1f1f1f1f
GLOBL ascii1f16<>(SB), RODATA|NOPTR, $16

DATA ascii2016<>+0(SB)/8, $0x2020202020202020
DATA ascii2016<>+8(SB)/8, $0x2020202020202020
GLOBL ascii2016<>(SB), RODATA|NOPTR, $16

// func asciiScan16(p *byte, n int) bool
//
// asciiScan16 is asciiScanAVX2 for 16 <= n < 32 with SSE2, which every
// amd64 CPU has: two 16-byte loads, at the start and at the end, overlap and
// so cover every pair of neighbouring bytes.
TEXT ·asciiScan16(SB), NOSPLIT, $0-17
	MOVQ	p+0(FP), SI
	MOVQ	n+8(FP), CX
	MOVOU	ascii1f16<>(SB), X1
	MOVOU	ascii2016<>(SB), X2
	MOVOU	(SI), X0
	MOVOU	-16(SI)(CX*1), X5
	MOVO	X0, X3
	PCMPGTB	X1, X3
	PMOVMSKB	X3, AX
	MOVO	X5, X3
	PCMPGTB	X1, X3
	PMOVMSKB	X3, BX
	ANDL	BX, AX
	CMPL	AX, $0xffff
	JNE	bad16
	MOVO	X0, X4
	PCMPEQB	X2, X4
	PMOVMSKB	X4, AX
	MOVL	AX, BX
	SHLL	$1, BX
	ANDL	AX, BX
	JNZ	bad16
	MOVO	X5, X4
	PCMPEQB	X2, X4
	PMOVMSKB	X4, AX
	MOVL	AX, BX
	SHLL	$1, BX
	ANDL	AX, BX
	JNZ	bad16
	MOVB	$1, ret+16(FP)
	RET

bad16:
	MOVB	$0, ret+16(FP)
	RET

// wsShuf is the VPSHUFB table of collapseASCIIAVX2, in both lanes: entry
// k is the white-space byte whose low nibble is k (0x20 for 0, TAB..CR for
// 9..13), 0x80 where there is none, so that shuffling a byte by itself and
// comparing gives exactly TAB, LF, VT, FF, CR and SPACE. Bytes >= 0x80
// shuffle to 0, which matches nothing.
DATA wsShuf<>+0(SB)/8, $0x8080808080808020
DATA wsShuf<>+8(SB)/8, $0x80800d0c0b0a0980
DATA wsShuf<>+16(SB)/8, $0x8080808080808020
DATA wsShuf<>+24(SB)/8, $0x80800d0c0b0a0980
GLOBL wsShuf<>(SB), RODATA|NOPTR, $32

// func collapseASCIIAVX2(dst, src *byte, n int) int
//
// collapseASCIIAVX2 writes the n >= 32 bytes at src to dst with their white
// space collapsed (each run of TAB, LF, VT, FF, CR and SPACE becomes one
// space; none at either end) and returns the length written, or -1 at the
// first byte >= 0x80: the text is then not ASCII and dst holds junk. It is
// the only pass over ASCII text, 32 bytes a step: each step stores its 32
// bytes with white space turned into spaces, and moves on by 32 unless a
// white-space byte follows another (or the start); then it moves the write
// position to that byte, the read position past the run, and goes on from
// there. The last, partial step reads the 32 bytes from the read position
// when they lie in one page (bytes past n are masked out), else the text's
// last 32 bytes shifted through the stack. dst must have room for n+32
// bytes; bytes past the returned length are junk.
TEXT ·collapseASCIIAVX2(SB), NOSPLIT, $64-32
	MOVQ	dst+0(FP), DI
	MOVQ	src+8(FP), SI
	MOVQ	n+16(FP), R12
	VMOVDQU	wsShuf<>(SB), Y1
	VMOVDQU	ascii20<>(SB), Y2
	XORQ	AX, AX  // read position
	XORQ	BX, BX  // write position
	MOVL	$1, DX  // 1 when the byte before the read position is white space, or it is 0

caloop:
	LEAQ	32(AX), R9
	CMPQ	R9, R12
	JHI	catail
	VMOVDQU	(SI)(AX*1), Y0
	VPMOVMSKB	Y0, R10 // bytes >= 0x80
	VPSHUFB	Y0, Y1, Y3
	VPCMPEQB	Y0, Y3, Y3
	VPMOVMSKB	Y3, R8 // white space
	VPBLENDVB	Y3, Y2, Y0, Y4 // white space as spaces
	TESTL	R10, R10
	JNZ	canonascii
	VMOVDQU	Y4, (DI)(BX*1)
	MOVL	R8, R11
	SHLL	$1, R11
	ORL	DX, R11
	ANDL	R8, R11 // white space after white space
	JNZ	carun
	SHRL	$31, R8
	MOVL	R8, DX
	ADDQ	$32, AX
	ADDQ	$32, BX
	JMP	caloop

	// R11: white space after white space, the first at p. Bytes before p
	// are written; skip the run from p on within this step (R8 has no bits
	// past the step's valid bytes, so the run stops there).
carun:
	BSFL	R11, CX
	ADDQ	CX, BX
	ADDQ	CX, AX
	SHRQ	CX, R8
	NOTQ	R8
	BSFQ	R8, R8 // length of the run from p: 1..32-p
	ADDQ	R8, AX
	MOVL	$1, DX
	JMP	caloop

catail:
	MOVQ	R12, CX
	SUBQ	AX, CX // bytes left, 0..31
	JZ	cadone
	LEAQ	(SI)(AX*1), R9
	MOVL	R9, R10
	ANDL	$4095, R10
	CMPL	R10, $(4096-32)
	JHI	cacross
	VMOVDQU	(R9), Y0
	JMP	camask

cacross:
	// The 32 bytes from the read position cross into the next page, which
	// may not be mapped: take the text's last 32 bytes (n >= 32) and load
	// them again from the stack, starting at the read position's byte.
	VMOVDQU	-32(SI)(R12*1), Y0
	VMOVDQU	Y0, 0(SP)
	MOVQ	$32, R10
	SUBQ	CX, R10
	VMOVDQU	0(SP)(R10*1), Y0

camask:
	MOVL	$1, R13
	SHLL	CX, R13
	DECL	R13 // the CX valid bytes
	VPMOVMSKB	Y0, R10
	VPSHUFB	Y0, Y1, Y3
	VPCMPEQB	Y0, Y3, Y3
	VPMOVMSKB	Y3, R8
	VPBLENDVB	Y3, Y2, Y0, Y4
	ANDL	R13, R10
	JNZ	canonascii
	ANDL	R13, R8
	VMOVDQU	Y4, (DI)(BX*1)
	MOVL	R8, R11
	SHLL	$1, R11
	ORL	DX, R11
	ANDL	R8, R11
	JNZ	carun
	ADDQ	CX, BX
	DECL	CX
	SHRL	CX, R8
	ANDL	$1, R8
	MOVL	R8, DX

cadone:
	// A run of white space at the end left one space: drop it.
	TESTL	DX, DX
	JZ	caret
	TESTQ	BX, BX
	JZ	caret
	DECQ	BX

caret:
	VZEROUPPER
	MOVQ	BX, ret+24(FP)
	RET

canonascii:
	VZEROUPPER
	MOVQ	$-1, ret+24(FP)
	RET

// func prefetchBytes(p *byte, n int)
//
// prefetchBytes asks for the cache lines of the n > 0 bytes at p to be
// loaded into the cache, without waiting for them.
TEXT ·prefetchBytes(SB), NOSPLIT, $0-16
	MOVQ	p+0(FP), SI
	MOVQ	n+8(FP), CX
	LEAQ	(SI)(CX*1), DI

pfloop:
	PREFETCHT0	(SI)
	ADDQ	$64, SI
	CMPQ	SI, DI
	JB	pfloop
	RET
