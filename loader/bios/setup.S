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
	movw	$(rm_stack_top - _setup_start), %sp
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
	movw	$(cpu_msg_tail - _setup_start), %si
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
cpu_msg_tail:
	.asciz	": memboot's memdisk needs an i686 (Pentium Pro) or later\r\nmemdisk: giving the machine back to the BIOS (INT 18h)\r\n"

/*
 * enable_a20: turn on the A20 gate (BIOS, then the fast gate at port 0x92)
 * unless it is on already. Leaves a flag for the C side to report.
 */
enable_a20:
	call	a20_on
	jz	9f
	movw	$0x2401, %ax
	int	$0x15
	call	a20_on
	jz	9f
	inb	$0x92, %al
	orb	$0x02, %al
	andb	$0xfe, %al
	outb	%al, $0x92
	call	a20_on
	jz	9f
	movb	$1, a20_failed
9:	ret

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
	movl	$(rm_stack_top - _setup_start), %esp	/* all 32 bits: no PM leftovers */
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

	.globl	setup_base, a20_failed, rm_regs, rm_do_boot, rm_boot_target, pm_return_ptr
setup_base:	.long	0
pm_jump:	.long	0
		.word	SEL_CODE32
pm_return_ptr:	.long	0		/* set by start32.S */
		.word	SEL_CODE32
a20_failed:	.byte	0
rm_do_boot:	.byte	0
rm_boot_target:	.word	0, 0		/* offset, segment */
	.balign	4
rm_regs:	.space	RM_SIZE
	.globl	rm_buf
	.balign	16
rm_buf:		.space	64		/* a buffer real-mode calls can reach */

	.balign	16
rm_stack:	.space	2048
rm_stack_top:
