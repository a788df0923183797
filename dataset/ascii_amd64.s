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

// func collapseRunAVX2(dst, src *byte, n int, prev uint32) int
//
// collapseRunAVX2 copies from src to dst, 32 bytes per step, the bytes that
// white-space collapsing leaves as they are: none below 0x20 (nor, as
// signed bytes, above 0x7f), no space after a space. prev is 1 when the byte
// before src was a space (or src is the start of the text). It returns how
// many bytes it copied: up to the first byte that breaks the rule, or all
// whole steps when fewer than 32 bytes are left. Each step stores 32 bytes,
// so dst must have room for n bytes; bytes past the count are junk.
TEXT ·collapseRunAVX2(SB), NOSPLIT, $0-40
	MOVQ	dst+0(FP), DI
	MOVQ	src+8(FP), SI
	MOVQ	n+16(FP), CX
	MOVL	prev+24(FP), DX
	VMOVDQU	ascii1f<>(SB), Y1
	VMOVDQU	ascii20<>(SB), Y2
	XORQ	AX, AX // bytes copied

crloop:
	LEAQ	32(AX), R9
	CMPQ	R9, CX
	JHI	crdone
	VMOVDQU	(SI)(AX*1), Y0
	VPCMPGTB	Y1, Y0, Y3
	VPMOVMSKB	Y3, R10
	NOTL	R10 // control bytes
	VPCMPEQB	Y2, Y0, Y4
	VPMOVMSKB	Y4, BX // spaces
	MOVL	BX, R8
	SHLL	$1, R8
	ORL	DX, R8
	ANDL	BX, R8 // spaces after a space
	ORL	R10, R8
	VMOVDQU	Y0, (DI)(AX*1)
	TESTL	R8, R8
	JNZ	crpartial
	SHRL	$31, BX
	MOVL	BX, DX
	ADDQ	$32, AX
	JMP	crloop

crpartial:
	BSFL	R8, R8
	ADDQ	R8, AX

crdone:
	VZEROUPPER
	MOVQ	AX, ret+32(FP)
	RET
