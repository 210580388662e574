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
 *   P 45 f=F ax                   EDD lock status (AX=4502h)
 *   P 46 f=F ax                   EDD eject (AX=4600h)
 *   P 49 f=F ax                   EDD media change status
 *   P 04 f=F ax                   CHS verify of 1 sector at cylinder 1023: past the end
 *   P 02 f=F ax                   CHS read of 1 sector at cylinder 1023: past the end
 *   P 0c f=F ax                   CHS seek to cylinder 1023: past the end
 *   P 44 f=F ax                   EDD verify of LBA 1000000h: past the end
 *   P 47 f=F ax                   EDD seek to LBA 1000000h: past the end
 *   P fl ffff                     FLAGS after a chained call (AH=08h for 81h)
 *                                 made with IF=0 and DF=1: IF, DF bits
 *   P sh NN MM                    AH=15h for drive NN reached the BIOS as MM
 *                                 (FF: it did not), for NN = 81h, 82h, E0h: the
 *                                 probe's own handler, put in the safe hook's
 *                                 old INT 13h, sees what the memdisk passes on
 *   P e8 base len type            each E820 entry (low dwords)
 *   P end
 * Sector 0 loads the rest (sectors 1-4) through the memdisk itself with
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
	movw	$0x0204, %ax		/* read 4 sectors */
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

	/* EDD lock status, eject, media change. */
	movw	$s_45, %si
	movw	$0x4502, %ax
	call	probe_ax
	movw	$s_46, %si
	movw	$0x4600, %ax
	call	probe_ax
	movw	$s_49, %si
	movw	$0x4900, %ax
	call	probe_ax
	/* Past the end of the disk: CHS verify, read and seek at cylinder
	 * 1023 (CH = FFh, CL = C1h: sector 1), EDD verify and seek at LBA
	 * 1000000h. */
	movw	$s_04, %si
	movw	$0x0401, %ax
	call	probe_chs
	movw	$s_02, %si
	movw	$0x0201, %ax
	call	probe_chs
	movw	$s_0c, %si
	movw	$0x0c00, %ax
	call	probe_chs
	movl	$0x1000000, dap + 8
	movw	$s_44, %si
	movw	$0x4400, %ax
	call	probe_ax
	movw	$s_47, %si
	movw	$0x4700, %ax
	call	probe_ax
	movl	$1, dap + 8
	/* A call the memdisk passes on to the BIOS, made with IF=0 and DF=1:
	 * both must come back as the caller had them. */
	movw	$s_fl, %si
	call	puts
	movb	$0x81, %dl
	movb	$0x08, %ah
	xorw	%di, %di
	cli
	std
	int	$0x13
	pushf
	cld
	sti
	popw	%ax
	andw	$0x0600, %ax
	call	hex16sp
	xorw	%ax, %ax
	movw	%ax, %es
	call	nl

	/* What the memdisk passes on to the BIOS: it chains through the safe
	 * hook's old INT 13h (at the vector's target + 19, after "$INT13SF"
	 * at + 3); our handler there notes DL and goes on to the BIOS. */
	movw	0x4c, %bx
	movw	0x4e, %ax
	movw	%ax, %es
	cmpl	$0x544e4924, %es:3(%bx)	/* "$INT" */
	jne	4f
	cmpl	$0x46533331, %es:7(%bx)	/* "13SF" */
	jne	4f
	movl	%es:19(%bx), %eax
	movl	%eax, old13
	movw	$seen_hook, %es:19(%bx)
	movw	$0, %es:21(%bx)
	movb	$0x81, %dl
	call	probe_shift
	movb	$0x82, %dl
	call	probe_shift
	movb	$0xe0, %dl
	call	probe_shift
	movw	0x4c, %bx
	movw	0x4e, %ax
	movw	%ax, %es
	movl	old13, %eax
	movl	%eax, %es:19(%bx)
4:	xorw	%ax, %ax
	movw	%ax, %es

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

/* probe_shift: AH=15h for drive DL; "P sh DL seen". */
probe_shift:
	pushw	%es
	pushw	%bx
	movb	$0xff, seen
	pushw	%dx
	movw	$s_sh, %si
	call	puts
	popw	%dx
	pushw	%dx
	movb	%dl, %al
	call	hex8
	popw	%dx
	movb	$0x15, %ah
	int	$0x13
	movb	$' ', %al
	call	putc
	movb	seen, %al
	call	hex8
	call	nl
	popw	%bx
	popw	%es
	ret

/* seen_hook: in the safe hook's old INT 13h: note DL, go on to the BIOS. */
seen_hook:
	movb	%dl, %cs:seen
	ljmpw	*%cs:old13

/* probe_ax: print SI, then INT 13h with AX for our drive and DS:SI = dap
 * (the EDD calls' packet; the others ignore SI): " f=F ax". */
probe_ax:
	pushw	%ax
	call	puts
	popw	%ax
	movb	drive, %dl
	movw	$dap, %si
	int	$0x13
	pushw	%ax
	call	flag
	popw	%ax
	call	hex16sp
	jmp	nl

/* probe_chs: probe_ax at cylinder 1023, head 0, sector 1, buffer buf. */
probe_chs:
	movw	$0xffc1, %cx
	xorb	%dh, %dh
	movw	$buf, %bx
	jmp	probe_ax

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
s_45:	.asciz	"P 45"
s_46:	.asciz	"P 46"
s_49:	.asciz	"P 49"
s_04:	.asciz	"P 04"
s_02:	.asciz	"P 02"
s_0c:	.asciz	"P 0c"
s_44:	.asciz	"P 44"
s_47:	.asciz	"P 47"
s_fl:	.asciz	"P fl"
s_sh:	.asciz	"P sh "
seen:	.byte	0
	.balign	4
old13:	.long	0
s_f:	.asciz	" f="
drive:	.byte	0
	.balign	4
dap:	.byte	0x10, 0
	.word	1
	.word	buf, 0
	.quad	1

	.org	2560
