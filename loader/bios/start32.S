/*
 * start32.S - the 32-bit entry of memboot's memdisk (at code32_start) and
 * the protected-mode halves of the real-mode gateway: rm_call() runs one
 * BIOS interrupt with a register block, rm_boot() leaves for the boot
 * sector. Both go through the 16-bit code in setup.S, the only real-mode
 * code of the loader outside the resident driver.
 */
#include "layout.h"

/* setup_var(sym): a variable of setup.S, with %ebx = the setup segment's base. */
#define setup_var(sym) sym(%ebx)

	.code32
	.section .text.start32, "ax"

	.globl	_start32
_start32:
	/* From setup.S: flat selectors loaded by the far jump, ESI = setup base. */
	movw	$SEL_DATA32, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	movl	$pm_stack_top, %esp
	cld
	/* Zero the BSS. */
	movl	$__bss_start, %edi
	movl	$_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
	movl	%esi, setup_lin
	movl	%esi, %ebx
	/* Tell setup.S where to come back to. */
	movl	$pm_return, setup_var(pm_return_ptr)
	pushl	%esi
	call	unpack_body			/* the body, to BODY_BASE (unpack.c) */
	call	loader_main
	/* loader_main does not return; stop if it does. */
9:	hlt
	jmp	9b

/*
 * int rm_call(int intno, struct rm_regs *regs)
 * Run INT intno in real mode with *regs; the registers after it are stored
 * back in *regs. Interrupts are enabled only while in real mode.
 */
	.globl	rm_call
rm_call:
	pushl	%ebp
	movl	%esp, %ebp
	pushal
	movl	setup_lin, %ebx
	movb	8(%ebp), %al
	movb	%al, rm_int_insn+1(%ebx)
	movb	$0, setup_var(rm_do_boot)
	jmp	rm_enter

/*
 * void rm_boot(uint16_t seg, uint16_t off, struct rm_regs *regs)
 * Load *regs and jump to seg:off in real mode with SS:SP = 0:7C00.
 */
	.globl	rm_boot
rm_boot:
	pushl	%ebp
	movl	%esp, %ebp
	pushal
	movl	setup_lin, %ebx
	movl	8(%ebp), %eax
	movw	%ax, rm_boot_target+2(%ebx)
	movl	12(%ebp), %eax
	movw	%ax, setup_var(rm_boot_target)
	movb	$1, setup_var(rm_do_boot)
	/* The register block is the third argument here, the second in rm_call. */
	movl	16(%ebp), %esi
	jmp	rm_enter_regs

rm_enter:
	movl	12(%ebp), %esi
rm_enter_regs:
	movl	%esi, saved_regs_ptr
	leal	setup_var(rm_regs), %edi
	movl	$RM_SIZE, %ecx
	rep movsb
	movl	%esp, saved_esp
	ljmp	$SEL_CODE16, $rm_tramp16

pm_return:
	movw	$SEL_DATA32, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %fs
	movw	%ax, %gs
	movw	%ax, %ss
	movl	saved_esp, %esp
	cld
	movl	setup_lin, %esi
	addl	$rm_regs, %esi
	movl	saved_regs_ptr, %edi
	movl	$RM_SIZE, %ecx
	rep movsb
	popal
	popl	%ebp
	ret

	.section .data
	.globl	setup_lin
setup_lin:	.long	0
saved_esp:	.long	0
saved_regs_ptr:	.long	0

	.section .bss
	.balign	16
pm_stack:	.space	PM_STACK_SIZE
pm_stack_top:
