/*
 * probe.S - a boot sector that questions the memdisk it was booted from and
 * prints the answers on the first serial port (direct port I/O), one line
 * each, for checks.py to check:
 *   P dl=XX                       the drive it was started from
 *   P 08 NN f=F ax cx dx          INT 13h AH=08h for drive NN (F = CF)
 *   P ic ax cx dx bx es di mdi    the installation check: high words, ES:DI,
 *                                 and the MDI's first dword and its diskbuf
 *   P rd NN f=F xxxxxxxx          the dword at 0x1B8 of sector 0 of drive NN
 *   P ed f=F xxxxxxxx             EDD read of sector 1 of our drive
 *   P 41 f=F ax bx cx             EDD installation check
 *   P 48 f=F size sectors bps     EDD drive parameters
 *   P e8 base len type            each E820 entry (low dwords)
 *   P end
 * Sector 0 loads the rest (sectors 1-2) through the memdisk itself with
 * INT 13h AH=02h. Assembled with GNU as (.code16), linked at 0x7C00.
 */
	.set	buf, 0x9000		/* sector buffer */
	.code16
	.text
	.globl	_start
_start:
	cli
	xorw	%ax, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	$0x7c00, %sp
	sti
	cld
	pushw	%dx
	movw	$0x0202, %ax		/* read 2 sectors */
	movw	$0x0002, %cx		/* cylinder 0, sector 2 */
	xorb	%dh, %dh
	movw	$0x7e00, %bx
	int	$0x13
	popw	%dx
	jnc	main
	movb	$'!', %al
	call	putc
8:	hlt
	jmp	8b

	.org	510
	.byte	0x55, 0xaa

main:
	movb	%dl, drive
	movw	$s_dl, %si
	call	puts
	movb	drive, %al
	call	hex8
	call	nl

	movb	$0x80, %dl
	call	probe08
	movb	$0x81, %dl
	call	probe08

	/* The installation check. */
	movw	$s_ic, %si
	call	puts
	movl	$0x454d0800, %eax
	movl	$0x444d0000, %ecx
	movl	$0x53490000, %edx
	movb	drive, %dl
	movl	$0x3f4b0000, %ebx
	int	$0x13
	pushl	%ebx
	pushl	%edx
	pushl	%ecx
	shrl	$16, %eax
	call	hex16sp
	popl	%eax
	shrl	$16, %eax
	call	hex16sp
	popl	%eax
	shrl	$16, %eax
	call	hex16sp
	popl	%eax
	shrl	$16, %eax
	call	hex16sp
	movw	%es, %ax
	call	hex16sp
	movw	%di, %ax
	call	hex16sp
	movl	%es:(%di), %eax
	call	hex32sp
	movl	%es:4(%di), %eax
	call	hex32sp
	xorw	%ax, %ax
	movw	%ax, %es
	call	nl

	/* Sector 0 of the BIOS's own disk, now 81h, and of ours. */
	movb	$0x81, %dl
	call	read0
	movb	$0x80, %dl
	call	read0

	/* EDD read of our sector 1. */
	movw	$s_ed, %si
	call	puts
	movw	$dap, %si
	movb	$0x42, %ah
	movb	drive, %dl
	int	$0x13
	call	flag
	movl	buf, %eax
	call	hex32sp
	call	nl

	/* EDD: AH=41h, then AH=48h (size word and the sector count). */
	movw	$s_41, %si
	call	puts
	movb	$0x41, %ah
	movw	$0x55aa, %bx
	movb	drive, %dl
	int	$0x13
	pushw	%cx
	pushw	%bx
	pushw	%ax
	call	flag
	popw	%ax
	call	hex16sp
	popw	%ax
	call	hex16sp
	popw	%ax
	call	hex16sp
	call	nl
	movw	$s_48, %si
	call	puts
	movw	$buf, %si
	movw	$30, (%si)
	movb	$0x48, %ah
	movb	drive, %dl
	int	$0x13
	call	flag
	movw	buf, %ax
	call	hex16sp
	movl	buf + 16, %eax
	call	hex32sp
	movw	buf + 24, %ax
	call	hex16sp
	call	nl

	/* The memory map. */
	xorl	%ebx, %ebx
1:	movl	$0xe820, %eax
	movl	$0x534d4150, %edx
	movl	$20, %ecx
	movw	$buf, %di
	int	$0x15
	jc	2f
	pushl	%ebx
	movw	$s_e8, %si
	call	puts
	movl	buf, %eax
	call	hex32sp
	movl	buf + 8, %eax
	call	hex32sp
	movzbw	buf + 16, %ax
	call	hex16sp
	call	nl
	popl	%ebx
	testl	%ebx, %ebx
	jnz	1b
2:	movw	$s_end, %si
	call	puts
	call	nl
9:	hlt
	jmp	9b

/* probe08: INT 13h AH=08h for drive DL. */
probe08:
	pushw	%dx
	movw	$s_08, %si
	call	puts
	popw	%dx
	movb	%dl, %al
	pushw	%dx
	call	hex8
	popw	%dx
	movb	$0x08, %ah
	xorw	%di, %di
	int	$0x13
	pushw	%dx
	pushw	%cx
	pushw	%ax
	call	flag
	popw	%ax
	call	hex16sp
	popw	%ax
	call	hex16sp
	popw	%ax
	call	hex16sp
	xorw	%ax, %ax
	movw	%ax, %es
	jmp	nl

/* read0: sector 0 of drive DL (AH=02h), print its dword at 0x1B8. */
read0:
	pushw	%dx
	movw	$s_rd, %si
	call	puts
	popw	%dx
	movb	%dl, %al
	pushw	%dx
	call	hex8
	popw	%dx
	movw	$0x0201, %ax
	movw	$0x0001, %cx
	xorb	%dh, %dh
	movw	$buf, %bx
	int	$0x13
	call	flag
	movl	buf + 0x1b8, %eax
	call	hex32sp
	jmp	nl

/* flag: print " f=0" or " f=1" from CF. */
flag:
	pushf
	movw	$s_f, %si
	call	puts
	popf
	movb	$'0', %al
	adcb	$0, %al
	jmp	putc

hex32sp:
	pushl	%eax
	shrl	$16, %eax
	call	hex16sp_nosp
	popl	%eax
	jmp	hex16
hex16sp:
	pushw	%ax
	movb	$' ', %al
	call	putc
	popw	%ax
hex16:
	pushw	%ax
	movb	%ah, %al
	call	hex8
	popw	%ax
hex8:
	pushw	%ax
	shrb	$4, %al
	call	hex4
	popw	%ax
hex4:
	andb	$0x0f, %al
	addb	$'0', %al
	cmpb	$'9', %al
	jbe	putc
	addb	$7, %al
	jmp	putc
hex16sp_nosp:
	pushw	%ax
	movb	$' ', %al
	call	putc
	popw	%ax
	jmp	hex16

nl:	movb	$'\n', %al
putc:
	pushw	%dx
	pushw	%ax
	movw	$0x3fd, %dx
1:	inb	%dx, %al
	testb	$0x20, %al
	jz	1b
	popw	%ax
	movw	$0x3f8, %dx
	outb	%al, %dx
	popw	%dx
	ret

puts:
	lodsb
	testb	%al, %al
	jz	1f
	call	putc
	jmp	puts
1:	ret

s_dl:	.asciz	"P dl="
s_08:	.asciz	"P 08 "
s_ic:	.asciz	"P ic"
s_rd:	.asciz	"P rd "
s_ed:	.asciz	"P ed"
s_e8:	.asciz	"P e8"
s_41:	.asciz	"P 41"
s_48:	.asciz	"P 48"
s_end:	.asciz	"P end"
s_f:	.asciz	" f="
drive:	.byte	0
	.balign	4
dap:	.byte	0x10, 0
	.word	1
	.word	buf, 0
	.quad	1

	.org	1536
