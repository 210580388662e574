/*
 * setup.S - the real-mode part of memboot's memdisk: the Linux/x86 boot
 * protocol header (so that iPXE, ISOLINUX/PXELINUX, GRUB's linux16 and QEMU
 * -kernel load us as a kernel and the disk image as its initrd), the
 * real-mode entry, the switch to 32-bit protected mode, and the one gateway
 * through which 32-bit C calls the BIOS (rm_call) and finally starts the
 * boot sector (rm_boot).
 *
 * This section is linked at address 0: every offset in it is an offset in
 * the segment the boot loader put us in (the "setup segment").
 */
#include "layout.h"

	.code16
	.section .setup, "awx"

/* ---- 0x000: a boot sector that only says we are not one ---- */
	.globl	_setup_start
_setup_start:
	ljmp	$0x07c0, $(bs_msg_loop - _setup_start)
bs_msg_loop:
	movw	%cs, %ax
	movw	%ax, %ds
	movw	$(bs_msg - _setup_start), %si
1:	lodsb
	testb	%al, %al
	jz	2f
	movb	$0x0e, %ah
	movw	$7, %bx
	int	$0x10
	jmp	1b
2:	int	$0x18
	jmp	2b
bs_msg:
	.asciz	"memboot memdisk: load me as a Linux kernel, with a disk image as the initrd.\r\n"

/* ---- 0x1f1: the boot protocol header ---- */
	.org	0x1f1
setup_sects:	.byte	SETUP_SECTS
root_flags:	.word	0
syssize:	.long	_syssize		/* 16-byte units of the protected-mode part */
ram_size:	.word	0
vid_mode:	.word	0xffff			/* normal */
root_dev:	.word	0
boot_flag:	.word	0xaa55
	.org	0x200
	.globl	_start16
_start16:
	jmp	setup_main			/* 2-byte jump */
header:		.ascii	"HdrS"
version:	.word	0x020a			/* boot protocol 2.10 */
realmode_swtch:	.long	0
start_sys_seg:	.word	0x1000			/* obsolete */
kernel_version:	.word	version_str - _setup_start - 0x200
type_of_loader:	.byte	0
loadflags:	.byte	0x81			/* LOADED_HIGH | CAN_USE_HEAP */
setup_move_size:.word	0x8000
code32_start:	.long	PM_BASE
ramdisk_image:	.long	0			/* filled in by the boot loader */
ramdisk_size:	.long	0			/* filled in by the boot loader */
bootsect_kludge:.long	0
heap_end_ptr:	.word	0
ext_loader_ver:	.byte	0
ext_loader_type:.byte	0
cmd_line_ptr:	.long	0			/* filled in by the boot loader */
initrd_addr_max:.long	0xffffffff		/* the image may be anywhere below 4 GiB */
kernel_alignment:.long	0x1000
relocatable_kernel:.byte 0
min_alignment:	.byte	0
xloadflags:	.word	0
cmdline_size:	.long	4095
hardware_subarch:.long	0
hardware_subarch_data:.quad 0
payload_offset:	.long	0
payload_length:	.long	0
setup_data:	.quad	0
pref_address:	.quad	PM_BASE
init_size:	.long	_init_size		/* memory the protected-mode part needs */
handover_offset:.long	0

	.globl	hdr_ramdisk_image, hdr_ramdisk_size, hdr_cmd_line_ptr, hdr_type_of_loader
	.set	hdr_ramdisk_image, ramdisk_image
	.set	hdr_ramdisk_size, ramdisk_size
	.set	hdr_cmd_line_ptr, cmd_line_ptr
	.globl	hdr_syssize
	.set	hdr_syssize, syssize
	.set	hdr_type_of_loader, type_of_loader

version_str:
	.asciz	"memboot memdisk"

/* ---- real-mode entry: CS = our segment + 0x20, IP = 0 ---- */
setup_main:
	cli
	cld
	movw	%cs, %ax
	subw	$0x20, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	$RM_STACK_TOP, %sp		/* in the heap after us (layout.h) */
	pushw	%ax
	movw	$(1f - _setup_start), %bx	/* (no PUSH imm16: cpu_check must run on an 8086) */
	pushw	%bx
	lret				/* now CS = our segment, offsets as linked */
1:
	pushw	%ax
	call	cpu_check		/* returns only on an i686 or later */
	popw	%ax
	/* Patch everything that depends on where we were loaded. */
	movw	%ax, rm_seg_patch
	movzwl	%ax, %eax
	shll	$4, %eax
	movl	%eax, setup_base
	movw	%ax, gdt_code16 + 2
	movw	%ax, gdt_data16 + 2
	shrl	$16, %eax
	movb	%al, gdt_code16 + 4
	movb	%al, gdt_data16 + 4
	movl	setup_base, %eax
	addl	$(gdt - _setup_start), %eax
	movl	%eax, gdtr + 2
	sti
	call	enable_a20

	/* Enter 32-bit protected mode at code32_start, ESI = setup base. */
	cli
	lgdtl	gdtr
	movl	%cr0, %eax
	orb	$1, %al
	movl	%eax, %cr0
	movl	setup_base, %esi
	movl	code32_start, %eax
	movl	%eax, pm_jump
	ljmpl	*pm_jump

/*
 * cpu_check: the oldest CPU memboot's memdisk runs on is the Pentium Pro
 * (i686): its C is built for it (CMOV), its timer reads the TSC, and it
 * asks CPUID. Anything older gets a message and goes back to the BIOS
 * (INT 18h) instead of an invalid-opcode fault later. The 8086/80186 and
 * the 286 are told apart by FLAGS bits 12-15 with 16-bit code only; a
 * 386 or 486 without CPUID cannot flip EFLAGS.ID (bit 21); then CPUID
 * leaf 1 must have TSC (EDX bit 4) and CMOV (EDX bit 15).
 */
cpu_check:
	pushf				/* the caller's FLAGS, put back below */
	pushf
	popw	%ax
	andw	$0x0fff, %ax		/* try to clear bits 12-15 */
	pushw	%ax
	popf
	pushf
	popw	%ax
	andw	$0xf000, %ax
	movw	%ax, %bx		/* 8086, 80186: they read as 1 all the same */
	orw	$0xf000, %ax		/* try to set them */
	pushw	%ax
	popf
	pushf
	popw	%ax
	popf
	movw	$(cpu_msg_pre386 - _setup_start), %si
	cmpw	$0xf000, %bx
	je	cpu_refuse
	testw	$0xf000, %ax		/* 286 in real mode: they read as 0 */
	jz	cpu_refuse
	pushfl
	popl	%eax
	movl	%eax, %ecx
	xorl	$0x00200000, %eax
	pushl	%eax
	popfl
	pushfl
	popl	%eax
	pushl	%ecx
	popfl
	xorl	%ecx, %eax
	movw	$(cpu_msg_nocpuid - _setup_start), %si
	testl	$0x00200000, %eax
	jz	cpu_refuse
	xorl	%eax, %eax
	cpuid
	movw	$(cpu_msg_features - _setup_start), %si
	cmpl	$1, %eax
	jb	cpu_refuse
	movl	$1, %eax
	cpuid
	andl	$0x00008010, %edx	/* CMOV, TSC */
	cmpl	$0x00008010, %edx
	jne	cpu_refuse
	ret
cpu_refuse:
	pushw	%si
	movw	$(cpu_msg_head - _setup_start), %si
	call	rm_say
	popw	%si
	call	rm_say
	movw	$(cpu_msg_need - _setup_start), %si
	jmp	rm_back
/* rm_refuse: "memdisk: error: " and the message at SI, then back to the BIOS. */
rm_refuse:
	pushw	%si
	movw	$(cpu_msg_head - _setup_start), %si
	call	rm_say
	popw	%si
rm_back:
	call	rm_say
	movw	$(rm_msg_back - _setup_start), %si
	call	rm_say
	movw	$0x8600, %ax		/* about 3 s to read it (INT 15h waits in us) */
	movw	$0x002d, %cx
	movw	$0xc6c0, %dx
	int	$0x15
	int	$0x18
2:	hlt
	jmp	2b

/*
 * rm_say: the NUL-terminated string at DS:SI on the screen (INT 10h
 * teletype) and on the first serial port the BIOS found, as the C console
 * does; 8086 instructions only (it also speaks on CPUs older than a 386).
 */
rm_say:
	pushw	%es
	xorw	%ax, %ax
	movw	%ax, %es
1:	lodsb
	testb	%al, %al
	jz	9f
	pushw	%ax
	movb	$0x0e, %ah
	movw	$7, %bx
	int	$0x10
	popw	%ax
	movw	%es:0x400, %dx		/* the BIOS data area's COM1 */
	testw	%dx, %dx
	jz	1b
	movb	%al, %bl
	addw	$5, %dx			/* line status: wait for room, not forever */
	movw	$0xffff, %cx
2:	inb	%dx, %al
	testb	$0x20, %al
	loopz	2b
	subw	$5, %dx
	movb	%bl, %al
	outb	%al, %dx
	jmp	1b
9:	popw	%es
	ret

cpu_msg_head:
	.asciz	"memdisk: error: "
cpu_msg_pre386:
	.asciz	"this CPU is older than a 386"
cpu_msg_nocpuid:
	.asciz	"this CPU has no CPUID instruction (a 386 or an early 486)"
cpu_msg_features:
	.asciz	"this CPU lacks CMOV or the TSC (a Pentium or older)"
cpu_msg_need:
	.asciz	": memboot's memdisk needs an i686 (Pentium Pro) or later"
a20_msg:
	.asciz	"the A20 gate stays off (tried the BIOS, the keyboard controller, port 92h)"
a20_msg_forced:
	.asciz	"the a20= method did not turn the A20 gate on"
rm_msg_back:
	.asciz	"\r\nmemdisk: giving the machine back to the BIOS (INT 18h)\r\n"

/*
 * enable_a20: turn on the A20 gate unless it is on already, as Linux and
 * SYSLINUX do: the BIOS (INT 15h AX=2401h), then the keyboard controller
 * (8042 output port, bit 1), then the fast gate (port 92h), each followed
 * by a bounded wait for the gate to change. A gate that stays off is said
 * in real mode and the machine goes back to the BIOS: the 32-bit part
 * lives at 1 MiB and cannot run without it.
 * With "a20=bios|kbc|fast" on the command line (a diagnostic for machines
 * where one method misbehaves), the gate is first turned off, then on with
 * that method only; a20_forced (1, 2, 3) and a20_was_on tell the C side
 * what happened, to report it.
 */
enable_a20:
	call	a20_scan_option
	movb	%bl, a20_forced
	testb	%bl, %bl
	jz	1f
	/* forced: off with that method only (the others may be what hangs) */
	cmpb	$2, %bl
	je	6f
	ja	7f
	movw	$0x2400, %ax
	int	$0x15
	jmp	0f
6:	movb	$0xdd, %ah
	call	a20_kbc_out
	jmp	0f
7:	call	a20_fast_off
0:	call	a20_wait_off
	jnz	2f
	movb	$1, a20_was_on		/* it would not go off: still on */
	ret
2:	movb	a20_forced, %bl
	cmpb	$2, %bl
	je	4f
	ja	5f
	jmp	3f
1:	call	a20_on
	jz	9f
3:	movw	$0x2401, %ax
	int	$0x15
	call	a20_wait_on
	jz	9f
	cmpb	$0, a20_forced
	jne	8f
4:	movb	$0xdf, %ah
	call	a20_kbc_out
	call	a20_wait_on
	jz	9f
	cmpb	$0, a20_forced
	jne	8f
5:	inb	$0x92, %al
	orb	$0x02, %al
	andb	$0xfe, %al		/* bit 0 would reset the machine */
	outb	%al, $0x92
	call	a20_wait_on
	jz	9f
8:	movw	$(a20_msg - _setup_start), %si
	cmpb	$0, a20_forced
	je	rm_refuse
	movw	$(a20_msg_forced - _setup_start), %si
	jmp	rm_refuse
9:	ret

a20_fast_off:
	inb	$0x92, %al
	andb	$0xfc, %al
	outb	%al, $0x92
	ret

/* a20_kbc_out: write AH to the 8042's output port (command D1h), then the
 * null command FFh some controllers need; each write waits, bounded, for
 * the input buffer to empty (no controller: the waits run out). */
a20_kbc_out:
	pushf
	cli				/* the keyboard's IRQ handler must not come between */
	call	kbc_wait
	movb	$0xd1, %al
	outb	%al, $0x64
	call	kbc_wait
	movb	%ah, %al
	outb	%al, $0x60
	call	kbc_wait
	movb	$0xff, %al
	outb	%al, $0x64
	call	kbc_wait
	popf
	ret
kbc_wait:
	movw	$0xffff, %cx
1:	inb	$0x64, %al
	testb	$0x01, %al		/* a byte for us: read it, drop it */
	jz	2f
	inb	$0x60, %al
	jmp	3f
2:	testb	$0x02, %al
	jz	9f
3:	outb	%al, $0x80		/* about 1 us */
	loop	1b
9:	ret

/* a20_wait_on: ZF set if A20 is on, after waiting up to 64K checks (about
 * 64 ms) for it to come on. a20_wait_off: ZF clear if it went off. */
a20_wait_on:
	movw	$0xffff, %cx
1:	call	a20_on
	jz	9f
	outb	%al, $0x80		/* about 1 us */
	loop	1b
	cmpw	$1, %cx			/* ZF clear: still off */
9:	ret

a20_wait_off:
	movw	$0xffff, %cx
1:	call	a20_on
	jnz	9f
	outb	%al, $0x80
	loop	1b
	xorw	%ax, %ax		/* ZF set: still on */
9:	ret

/* a20_scan_option: BL = 1, 2 or 3 for a word a20=bios, a20=kbc or a20=fast
 * on the command line (the last one), else 0 (the C side reports other
 * values, and a word this scan and lib/options read differently). Reads a command line below 1 MiB. */
a20_scan_option:
	xorw	%bx, %bx		/* BH: the last valid word's method */
	pushw	%ds
	movl	cmd_line_ptr, %esi
	testl	%esi, %esi
	jz	9f
	cmpl	$0xa0000 - 8, %esi
	jae	9f
	movl	%esi, %eax
	shrl	$4, %eax
	movw	%ax, %ds
	andw	$15, %si
	movb	$' ', %dl
1:	lodsb
	testb	%al, %al
	jz	9f
	cmpb	$' ', %dl		/* a word starts after a blank */
	movb	%al, %dl
	ja	1b
	cmpl	$0x3d303261, -1(%si)	/* "a20=" */
	jne	1b
	movl	3(%si), %eax		/* the value, a whole word */
	movb	7(%si), %cl
	movb	$1, %bl
	cmpl	$0x736f6962, %eax	/* "bios" */
	je	6f
	movb	$3, %bl
	cmpl	$0x74736166, %eax	/* "fast" */
	je	6f
	movb	$2, %bl
	movb	6(%si), %cl
	andl	$0x00ffffff, %eax
	cmpl	$0x0063626b, %eax	/* "kbc" */
	jne	1b
6:	cmpb	$' ', %cl
	ja	1b			/* another value: the C side says so */
	movb	%bl, %bh		/* a later a20= wins, as in lib/options */
	jmp	1b
9:	movb	%bh, %bl
	xorb	%bh, %bh
	popw	%ds
	ret

/* a20_on: ZF set if A20 is on (0:0x500 and 0xffff:0x510 are different bytes). */
a20_on:
	pushw	%ds
	pushw	%es
	xorw	%ax, %ax
	movw	%ax, %ds
	decw	%ax
	movw	%ax, %es
	movb	0x500, %al
	movb	%es:0x510, %ah
	pushw	%ax
	movb	$0x5a, 0x500
	movb	$0xa5, %es:0x510
	cmpb	$0x5a, 0x500
	popw	%ax
	movb	%al, 0x500
	movb	%ah, %es:0x510
	popw	%es
	popw	%ds
	ret

/* ================================================================ */
/* The gateway: 16-bit halves of rm_call and rm_boot (their 32-bit halves
 * are in start32.S). */

	.globl	rm_tramp16
rm_tramp16:
	/* 16-bit protected mode, CS = SEL_CODE16 (base = setup segment). */
	movw	$SEL_DATA16, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	movl	%cr0, %eax
	andb	$0xfe, %al
	movl	%eax, %cr0
	.byte	0xea			/* ljmp rm_seg:rm_real */
	.word	rm_real - _setup_start
rm_seg_patch:
	.word	0
rm_real:
	movw	%cs, %ax
	movw	%ax, %ds
	movw	%ax, %fs		/* real-mode bases in every register */
	movw	%ax, %gs
	movw	%ax, %ss
	movl	$RM_STACK_TOP, %esp		/* all 32 bits: no PM leftovers */
	movw	rm_regs + RM_ES, %ax
	movw	%ax, %es
	movl	rm_regs + RM_EAX, %eax
	movl	rm_regs + RM_EBX, %ebx
	movl	rm_regs + RM_ECX, %ecx
	movl	rm_regs + RM_EDX, %edx
	movl	rm_regs + RM_ESI, %esi
	movl	rm_regs + RM_EDI, %edi
	movl	rm_regs + RM_EBP, %ebp
	cmpb	$0, rm_do_boot
	jne	rm_boot_real
	pushw	rm_regs + RM_DS
	popw	%ds
	sti
	.globl	rm_int_insn
rm_int_insn:
	int	$0x00			/* the number is patched by rm_call */
	cli
	pushw	%ds
	pushfl
	pushw	%cs
	popw	%ds
	popl	rm_regs + RM_EFLAGS
	popw	rm_regs + RM_DS
	movw	%es, rm_regs + RM_ES
	movl	%eax, rm_regs + RM_EAX
	movl	%ebx, rm_regs + RM_EBX
	movl	%ecx, rm_regs + RM_ECX
	movl	%edx, rm_regs + RM_EDX
	movl	%esi, rm_regs + RM_ESI
	movl	%edi, rm_regs + RM_EDI
	movl	%ebp, rm_regs + RM_EBP
	/* Back to protected mode (the BIOS may have loaded its own GDT). */
	lgdtl	gdtr
	movl	%cr0, %eax
	orb	$1, %al
	movl	%eax, %cr0
	ljmpl	*pm_return_ptr

rm_boot_real:
	/* Start the boot sector: SS:SP = 0:7C00, DS and ES from the block. */
	xorw	%bp, %bp
	movw	%bp, %ss
	movl	$0x7c00, %esp
	movw	%bp, %fs
	movw	%bp, %gs
	pushw	%cs:rm_boot_target + 2
	pushw	%cs:rm_boot_target
	movw	%cs:rm_regs + RM_DS, %bp
	movw	%bp, %ds
	xorl	%ebp, %ebp
	sti
	lretw

/* ---- data of the setup part ---- */
	/* The loader's GDT (layout.h): flat 32-bit code and data; 16-bit
	 * code and data based at the setup segment (patched at entry). */
	.balign	8
gdt:
	gdt_slots
	.set	gdt_code16, gdt + SEL_CODE16
	.set	gdt_data16, gdt + SEL_DATA16
gdtr:
	.word	GDT_ENTRIES * 8 - 1
	.long	0			/* patched */

	.globl	setup_base, a20_forced, a20_was_on, rm_regs, rm_do_boot, rm_boot_target, pm_return_ptr
setup_base:	.long	0
pm_jump:	.long	0
		.word	SEL_CODE32
pm_return_ptr:	.long	0		/* set by start32.S */
		.word	SEL_CODE32
a20_forced:	.byte	0
a20_was_on:	.byte	0
rm_do_boot:	.byte	0
rm_boot_target:	.word	0, 0		/* offset, segment */
	.balign	4
rm_regs:	.space	RM_SIZE
	.globl	rm_buf
	.balign	16
rm_buf:		.space	64		/* a buffer real-mode calls can reach */

