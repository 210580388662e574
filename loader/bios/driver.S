/*
 * driver.S - the resident real-mode driver of memboot's memdisk: INT 13h
 * over the image in memory and the INT 15h memory-map hook. Linked at 0:
 * it runs at offset 0 of the segment it is copied to, at the top of base
 * memory. The installer (loader/install.c) fills in the drv_* data.
 *
 * Data is reached with CS: overrides; the caller's registers are kept in a
 * frame on its stack and changed there (the frame layout is below).
 */
#include "driver.h"
#include "e820.h"
#include "layout.h"
#include "memdisk_abi.h"

	.code16
	.section .driver, "awx"

/* Frame after "pushw %es; pushw %ds; pushal; movw %sp, %bp". */
#define F_EDI	0
#define F_ESI	4
#define F_EBP	8
#define F_EBX	16
#define F_EDX	20
#define F_ECX	24
#define F_EAX	28
#define F_AH	29
#define F_DS	32
#define F_ES	34
#define F_FLAGS	40

/* Status codes */
#define ST_OK		0x00
#define ST_BADCMD	0x01
#define ST_WRPROT	0x03
#define ST_NOSECT	0x04
#define ST_BOUNDARY	0x09

	.globl	drv_start
drv_start:

/* ---- INT 13h entry: the safe hook sits at the entry point ---- */
	.globl	drv_int13
drv_int13:
	jmp	int13_main		/* the safe hook's jump over itself */
	/* The rest of the safe hook (struct safe_hook in memdisk_abi.h) is
	 * written by the installer; the driver chains through its old_int13. */
	.org	drv_int13 + SAFE_HOOK_OLD_INT13
	.globl	drv_old13
drv_old13:	.long	0		/* previous INT 13h (off, seg) */
	.org	drv_int13 + SAFE_HOOK_BYTES

int13_main:
	/* The installation check, for our drive only (as SYSLINUX's). */
	cmpb	$0x08, %ah
	jne	1f
	cmpb	%cs:drv_drive, %dl
	jne	1f
	pushal
	shrl	$16, %eax
	shrl	$16, %ebx
	shrl	$16, %ecx
	shrl	$16, %edx
	cmpw	$INSTALL_CHECK_EAX_IN, %ax
	jne	2f
	cmpw	$INSTALL_CHECK_EBX_IN, %bx
	jne	2f
	cmpw	$INSTALL_CHECK_ECX_IN, %cx
	jne	2f
	cmpw	$INSTALL_CHECK_EDX_IN, %dx
2:	popal
	je	install_check
1:
	cmpb	%cs:drv_drive, %dl
	je	ours
	/* Another drive: renumber drives of our class above ours, and chain. */
	testb	$DF_NOPASSANY, %cs:drv_flags
	jnz	no_drive
	testb	$DF_CDROM, %cs:drv_flags
	jnz	chain13
	movb	%dl, %cs:drv_tmp
	xorb	%cs:drv_drive, %dl
	testb	$0x80, %dl
	movb	%cs:drv_tmp, %dl
	jnz	chain13			/* the other class */
	testb	$DF_NOPASS, %cs:drv_flags
	jnz	no_drive
	cmpb	%cs:drv_drive, %dl
	jb	chain13
	/* Drives past the BIOS's run above ours (an optical drive at E0h, say)
	 * keep their numbers: the installer found where the run ends. */
	cmpb	$0, %cs:drv_shift_limit
	je	3f
	cmpb	%cs:drv_shift_limit, %dl
	jae	chain13
3:	decb	%dl
	cmpb	$0x08, %ah
	je	chain13_count
	cmpb	$0x15, %ah
	je	chain13			/* AH=15h answers in CX:DX: nothing to put back */
	pushf
	lcall	*%cs:drv_old13
	pushf
	incb	%dl			/* put the caller's number back */
	popf
	jmp	ret_status
chain13_count:
	/* AH=08h: DL comes back as the drive count, which the BIOS takes from
	 * its data area, where our drive was counted: leave it. */
	pushf
	lcall	*%cs:drv_old13
	jmp	ret_status
chain13:
	ljmp	*%cs:drv_old13
no_drive:
	/* nopass / nopassany: the BIOS's drive is hidden. */
	movb	$ST_BADCMD, %ah
	stc
	/* fall through */

/*
 * ret_status: return from the INT 13h the caller made (its IP, CS and
 * FLAGS still on the stack) with the status flags as they are now (CF and
 * the others the BIOS set) but the caller's IF, DF and TF, as an IRET
 * from the BIOS would give them.
 */
ret_status:
	pushw	%bp
	movw	%sp, %bp
	pushw	%ax
	pushf
	popw	%ax
	andw	$0x08d5, %ax		/* OF, SF, ZF, AF, PF, CF */
	andw	$0xf72a, 6(%bp)		/* the caller's FLAGS without them */
	orw	%ax, 6(%bp)
	popw	%ax
	popw	%bp
	iret

install_check:
	/* Answer as AH=08h would for our drive, plus the magic and ES:DI = MDI. */
	pushw	%es
	pushw	%ds
	pushal
	movw	%sp, %bp
	call	get_params
	movw	$INSTALL_CHECK_EAX_OUT, F_EAX+2(%bp)
	movw	$INSTALL_CHECK_ECX_OUT, F_ECX+2(%bp)
	movw	$INSTALL_CHECK_EDX_OUT, F_EDX+2(%bp)
	movw	$INSTALL_CHECK_EBX_OUT, F_EBX+2(%bp)
	movw	%cs, F_ES(%bp)
	movw	$drv_mdi, F_EDI(%bp)
	jmp	done_ok

ours:
	pushw	%es
	pushw	%ds
	pushal
	movw	%sp, %bp
	cld
	movb	%ah, %al
	testb	$DF_CDROM, %cs:drv_flags
	jz	1f
	cmpb	$0x40, %al		/* a CD answers only the EDD functions */
	jb	bad_cmd
1:	cmpb	$0x41, %al
	jb	2f
	cmpb	$0x49, %al
	ja	2f
	testb	$DF_EDD, %cs:drv_flags
	jz	bad_cmd			/* EDD off: no AH=41h-49h */
2:	movw	$fn_table - 3, %bx
3:	addw	$3, %bx
	movb	%cs:(%bx), %ah
	cmpb	%ah, %al
	jne	4f
	jmp	*%cs:1(%bx)
4:	cmpb	$0xff, %ah
	jne	3b
	/* Not in the table: AX=4B01h (El Torito status) gives the packet;
	 * everything else is refused, as SYSLINUX MEMDISK does. */
	testb	$DF_ELTORITO, %cs:drv_flags
	jz	bad_cmd
	cmpw	$0x4b01, F_EAX(%bp)
	je	cd_status
bad_cmd:
	movb	$ST_BADCMD, %al
	jmp	done_err

/* AH -> handler; 0xff ends it. */
fn_table:
	.byte	0x00
	.word	done_ok
	.byte	0x01
	.word	get_status
	.byte	0x02
	.word	chs_read
	.byte	0x03
	.word	chs_write
	.byte	0x04
	.word	chs_rw			/* verify: the range is checked, nothing copied */
	.byte	0x08
	.word	fn_params
	.byte	0x0c
	.word	chs_seek
	.byte	0x0d
	.word	done_ok
	.byte	0x10
	.word	done_ok
	.byte	0x11
	.word	done_ok
	.byte	0x15
	.word	get_type
	.byte	0x16
	.word	change_line
	.byte	0x41
	.word	edd_check
	.byte	0x42
	.word	ext_read
	.byte	0x43
	.word	ext_write
	.byte	0x44
	.word	ext_rw			/* verify: the range is checked, nothing copied */
	.byte	0x45
	.word	edd_lock
	.byte	0x46
	.word	edd_eject
	.byte	0x47
	.word	ext_rw			/* seek: the LBA is checked */
	.byte	0x48
	.word	ext_params
	.byte	0x49
	.word	done_ok			/* media change status: never changed */
	.byte	0xff

get_status:
	movb	%cs:drv_status, %al
	movb	%al, F_AH(%bp)
	testb	%al, %al
	jnz	done_err_keep
	jmp	done_ok_keep

/* ---- completion: AH = status, CF = error; the status is remembered ---- */
done_ok:
	xorb	%al, %al
	movb	%al, F_AH(%bp)
done_ok_keep:
	movb	$0, %cs:drv_status
	andw	$~1, F_FLAGS(%bp)
	jmp	done
done_err:
	movb	%al, F_AH(%bp)
done_err_keep:
	movb	%al, %cs:drv_status
	orw	$1, F_FLAGS(%bp)
done:
	/* The BIOS data area keeps the last status too. */
	xorw	%ax, %ax
	movw	%ax, %ds
	movb	%cs:drv_status, %al
	movw	%cs:drv_bda_status, %bx	/* 0x441 floppy, 0x474 hard disk, 0: none */
	testw	%bx, %bx
	jz	1f
	movb	%al, (%bx)
1:
	popal
	popw	%ds
	popw	%es
	iret

/* ---- AH=08h: geometry ---- */
fn_params:
	call	get_params
	jmp	done_ok

/* get_params: fill the frame as AH=08h answers. */
get_params:
	movw	%cs:drv_cyl, %ax
	decw	%ax			/* last cylinder */
	movb	%al, F_ECX+1(%bp)	/* CH */
	movb	%ah, %cl
	shlb	$6, %cl
	orb	%cs:drv_spt, %cl
	movb	%cl, F_ECX(%bp)		/* CL */
	movb	%cs:drv_heads, %al
	decb	%al
	movb	%al, F_EDX+1(%bp)	/* DH */
	movb	%cs:drv_ndrives, %al
	movb	%al, F_EDX(%bp)		/* DL: drives of this class */
	testb	$DF_FLOPPY, %cs:drv_flags
	jz	1f
	movb	%cs:drv_floppy_type, %al
	movb	%al, F_EBX(%bp)		/* BL */
	movw	%cs:drv_dpt_seg, %ax
	movw	%ax, F_ES(%bp)
	movw	%cs:drv_dpt_off, %ax
	movw	%ax, F_EDI(%bp)
1:	movb	$0, F_EAX(%bp)		/* AL = 0 */
	ret

/* ---- AH=15h: drive type ---- */
get_type:
	testb	$DF_FLOPPY, %cs:drv_flags
	jz	1f
	movb	$0x02, F_AH(%bp)	/* floppy with change line */
	jmp	2f
1:	movb	$0x03, F_AH(%bp)	/* hard disk: CX:DX = sectors */
	movl	%cs:drv_sectors, %eax
	movw	%ax, F_EDX(%bp)
	shrl	$16, %eax
	movw	%ax, F_ECX(%bp)
2:	jmp	done_ok_keep

/* ---- AH=16h: the disk never changes ---- */
change_line:
	testb	$DF_FLOPPY, %cs:drv_flags
	jz	bad_cmd
	jmp	done_ok

/* ---- AH=02h/03h: CHS read and write ---- */
chs_write:
	testb	$DF_RO, %cs:drv_flags
	jz	chs_rw
	movb	$ST_WRPROT, %al
	jmp	chs_fail
chs_read:
chs_rw:
	/* LBA = (C * heads + H) * spt + S - 1 */
	movzbw	F_ECX(%bp), %ax		/* CL */
	andb	$0x3f, %al
	jz	bad_sector
	cmpb	%cs:drv_spt, %al
	ja	bad_sector		/* past the end of the track */
	pushw	%ax
	movzbw	F_EDX+1(%bp), %ax
	cmpw	%cs:drv_heads, %ax	/* (a word: 256 heads are possible) */
	popw	%ax
	jae	bad_sector		/* no such head */
	xorb	%ah, %ah
	decw	%ax
	movzwl	%ax, %esi		/* S - 1 */
	movzbw	F_ECX(%bp), %ax
	shlw	$2, %ax
	movb	F_ECX+1(%bp), %al	/* C = CH | (CL & 0xC0) << 2 */
	movzwl	%ax, %eax
	movzwl	%cs:drv_heads, %ecx
	mull	%ecx
	movzbl	F_EDX+1(%bp), %ecx	/* H */
	addl	%ecx, %eax
	movzbl	%cs:drv_spt, %ecx
	mull	%ecx
	addl	%esi, %eax		/* EAX = LBA */
	movzbl	F_EAX(%bp), %ecx	/* AL = count */
	jecxz	bad_sector
	movzwl	F_ES(%bp), %edi
	shll	$4, %edi
	movzwl	F_EBX(%bp), %ebx
	addl	%ebx, %edi		/* EDI = linear buffer */
	movb	F_AH(%bp), %bl		/* 02h read, 03h write, 04h verify */
	call	rw_sectors
	jc	chs_fail
	jmp	done_ok_keep_al

bad_sector:
	movb	$ST_NOSECT, %al
chs_fail:
	movb	$0, F_EAX(%bp)		/* AL: no sector transferred */
	jmp	done_err

/* ---- AH=0Ch: seek: the cylinder and head must exist ---- */
chs_seek:
	movzbw	F_ECX(%bp), %ax
	shlw	$2, %ax
	movb	F_ECX+1(%bp), %al	/* C = CH | (CL & 0xC0) << 2 */
	cmpw	%cs:drv_cyl, %ax
	jae	1f
	movzbw	F_EDX+1(%bp), %ax
	cmpw	%cs:drv_heads, %ax
	jb	done_ok
1:	movb	$ST_NOSECT, %al
	jmp	done_err

done_ok_keep_al:
	/* AL stays the caller's count (all of it was transferred). */
	movb	$0, F_AH(%bp)
	jmp	done_ok_keep

/*
 * drv_boot: the loader's last step, in real mode (setup.S's rm_boot_real
 * jumps here with SS:SP = 0:7C00 and the boot code's registers loaded):
 * copy the boot code from the image (drv_boot_src) to base memory
 * (drv_boot_dst, drv_boot_len bytes) and jump to it (drv_boot_target).
 * It runs here because the boot code may cover the loader's own real-mode
 * part (a no-emulation El Torito image of hundreds of KiB from 0x7C00 over
 * a setup segment at 0x10000); the driver is above it by construction.
 */
	.globl	drv_boot
drv_boot:
	/* A stack the copy cannot reach (the installer chose it: 0:7C00
	 * may lie inside boot code loaded below 0x7C00), then 0:7C00 again
	 * for the boot code. */
	cli
	lssw	%cs:drv_boot_stack, %sp
	sti
	pushal
	pushw	%ds
	pushw	%es
	movl	%cs:drv_boot_src, %esi
	movl	%cs:drv_boot_dst, %edi
	movl	%cs:drv_boot_len, %ecx
	call	copy
	popw	%es
	popw	%ds
	popal
	jc	1f
	cli
	movw	%cs:drv_zero, %ss
	movw	$0x7c00, %sp
	sti
	ljmpw	*%cs:drv_boot_target
1:	int	$0x18			/* the copy failed: the BIOS's next device */
2:	hlt
	jmp	2b

/*
 * rw_sectors: EAX = first sector, ECX = count, EDI = linear buffer,
 * BL = 02h (read) or 03h (write), or 04h (verify) and 07h (seek), which
 * check the range and copy nothing. CF and AL = status on error.
 * The disk is the image, except where the sector map (drv_map_n entries at
 * drv_map_off: first sector, count, linear address; sorted, disjoint) puts
 * other memory: an ISO's patched view (memboot's injection) keeps its
 * replaced directory sectors and the grown initrds' tails there, and maps
 * the grown initrds' bodies back onto the image.
 */
rw_sectors:
	movl	%cs:drv_sectors, %edx
	cmpl	%edx, %eax
	jae	9f
	subl	%eax, %edx		/* sectors left from there */
	cmpl	%edx, %ecx
	ja	9f
	jecxz	8f
	cmpb	$0x03, %bl
	ja	8f			/* verify, seek: in range is all */
1:	pushl	%ecx
	movl	$0xffffffff, %edx	/* the image: no end but the disk's */
	cmpw	$0, %cs:drv_map_n
	je	5f
	call	map_find		/* ESI = source, EDX = sectors it runs for */
	jmp	6f
5:	call	image_at
6:	popl	%ecx
	cmpl	%ecx, %edx
	jbe	2f
	movl	%ecx, %edx		/* the run: what is left, or less */
2:	pushal
	movb	%cs:drv_sector_shift, %cl
	shll	%cl, %edx
	movl	%edx, %ecx		/* bytes */
	cmpb	$0x03, %bl
	jne	3f
	xchgl	%esi, %edi		/* write: from the buffer into the disk */
3:	call	copy
	movb	%al, %cs:drv_tmp	/* the status, if it failed */
	popal
	jc	7f
	addl	%edx, %eax
	subl	%edx, %ecx
	pushl	%ecx
	movb	%cs:drv_sector_shift, %cl
	shll	%cl, %edx
	popl	%ecx
	addl	%edx, %edi
	testl	%ecx, %ecx
	jnz	1b
8:	clc
	ret
7:	movb	%cs:drv_tmp, %al
	stc
	ret
9:	movb	$ST_NOSECT, %al
	stc
	ret

/* image_at: EAX = sector -> ESI = its linear address in the image.
 * Changes CL. (The sector map's map_find, in the extension, ends here too.) */
image_at:
	movl	%eax, %esi
	movb	%cs:drv_sector_shift, %cl
	shll	%cl, %esi
	addl	%cs:drv_image_base, %esi
	ret

/*
 * copy: ECX bytes (a multiple of 4) from linear ESI to linear EDI.
 * CF and AL = status on error. The method is drv_copy_mode:
 *   COPY_RAW (default), COPY_BIGRAW: switch to 32-bit protected mode with
 *   the driver's own GDT, copy, and come back (interrupts off meanwhile;
 *   A20 turned on for the copy if it was off);
 *   COPY_SAFEINT, COPY_INT: INT 15h AH=87h, 64 KiB at a time, through the
 *   BIOS's original handler or the current chain.
 * In V86 mode (a memory manager is running) only a real INT 15h is allowed,
 * whatever the mode.
 */
copy:
	cmpb	$COPY_RAW, %cs:drv_copy_mode
	jb	copy_int15		/* safeint, int */
	smsw	%ax
	testb	$1, %al
	jnz	copy_int15		/* V86 mode (EMM386...): only INT 15h is allowed */

/* ---- raw: our own trip to protected mode ---- */
copy_raw:
	pushfw
	cli
	/* A20 must be on for the copy; put it back as it was afterwards. */
	movw	%ds, %cs:save_ds
	movw	%es, %cs:save_es
	xorw	%ax, %ax
	movw	%ax, %ds
	decw	%ax
	movw	%ax, %es
	movb	$0, %cs:a20_was_off
	movw	0x500, %ax		/* the word at 0:500 */
	notw	0x500
	movw	%es:0x510, %dx		/* 0x100500, or 0:500 again if A20 is off */
	movw	%ax, 0x500
	notw	%dx
	cmpw	%ax, %dx
	jne	1f			/* not the changed word: A20 is on */
	cmpw	%es:0x510, %ax
	jne	1f			/* and not the restored one either: on */
	inb	$0x92, %al		/* off: the fast gate */
	orb	$0x02, %al
	andb	$0xfe, %al
	outb	%al, $0x92
	movb	$1, %cs:a20_was_off
1:	sgdtl	%cs:save_gdtr
	lgdtl	%cs:drv_gdtr
	movl	%cr0, %eax
	movl	%eax, %cs:save_cr0
	orb	$1, %al
	movl	%eax, %cr0
	.byte	0x66, 0xea		/* ljmpl SEL_CODE32:pm32_copy (base = driver) */
	.long	pm32_copy
	.word	SEL_CODE32
	.code32
pm32_copy:
	movw	$SEL_DATA32, %ax	/* flat data */
	movw	%ax, %ds
	movw	%ax, %es
	cmpb	$0, %cs:drv_use_sse
	je	2f
	/*
	 * SSE, 64 bytes per round, only while CR4.OSFXSR is off: then nobody
	 * in this real-mode world can be keeping anything in XMM registers,
	 * and CR0/CR4 are restored on the way back. A caller that turned SSE
	 * on gets the plain copy.
	 */
	movl	%cr4, %eax
	btsl	$9, %eax		/* OSFXSR */
	jc	2f
	movl	%eax, %cr4
	movl	%cr0, %eax
	andb	$0xf3, %al		/* EM and TS off */
	orb	$0x02, %al		/* MP */
	movl	%eax, %cr0
	cmpl	$64, %ecx
	jb	3f
1:	movups	(%esi), %xmm0
	movups	16(%esi), %xmm1
	movups	32(%esi), %xmm2
	movups	48(%esi), %xmm3
	movups	%xmm0, (%edi)
	movups	%xmm1, 16(%edi)
	movups	%xmm2, 32(%edi)
	movups	%xmm3, 48(%edi)
	addl	$64, %esi
	addl	$64, %edi
	subl	$64, %ecx
	cmpl	$64, %ecx
	jae	1b
3:	movl	%cr4, %eax
	btrl	$9, %eax
	movl	%eax, %cr4
2:	movl	%ecx, %edx
	shrl	$2, %ecx
	rep movsl
	movl	%edx, %ecx
	andl	$3, %ecx
	rep movsb
	ljmp	$SEL_CODE16, $pm16_back
	.code16
pm16_back:
	movw	$SEL_DATA16, %ax	/* 64 KiB limits for real mode */
	cmpb	$COPY_BIGRAW, %cs:drv_copy_mode
	jne	1f
	movw	$SEL_DATA32, %ax	/* bigraw: leave 4 GiB limits behind */
1:	movw	%ax, %ds		/* (FS and GS are the caller's: untouched) */
	movw	%ax, %es
	movl	%cs:save_cr0, %eax
	movl	%eax, %cr0
	.byte	0xea			/* ljmp drv_seg:rm_back */
	.word	rm_back
	.globl	drv_seg_patch
drv_seg_patch:
	.word	0
rm_back:
	lgdtl	%cs:save_gdtr
	cmpb	$0, %cs:a20_was_off
	je	1f
	inb	$0x92, %al
	andb	$0xfc, %al
	outb	%al, $0x92
1:	movw	%cs:save_ds, %ds
	movw	%cs:save_es, %es
	popfw
	clc
	ret

/* ---- safeint / int: the BIOS's INT 15h AH=87h, 64 KiB at a time ---- */
copy_int15:
	pushw	%es
1:	jecxz	8f
	movl	$0x10000, %edx
	cmpl	%edx, %ecx
	jae	2f
	movl	%ecx, %edx
2:	/* descriptors: source at +0x10, destination at +0x18 */
	movl	%esi, %eax
	movw	%ax, %cs:drv_gdt87+0x12
	shrl	$16, %eax
	movb	%al, %cs:drv_gdt87+0x14
	movb	%ah, %cs:drv_gdt87+0x17
	movl	%edi, %eax
	movw	%ax, %cs:drv_gdt87+0x1a
	shrl	$16, %eax
	movb	%al, %cs:drv_gdt87+0x1c
	movb	%ah, %cs:drv_gdt87+0x1f
	pushal
	movw	%cs, %ax
	movw	%ax, %es
	movw	$drv_gdt87, %si
	movl	%edx, %ecx
	shrl	$1, %ecx		/* words */
	movb	$0x87, %ah
	smsw	%bx
	testb	$1, %bl
	jnz	3f			/* V86: the memory manager must see it */
	cmpb	$COPY_SAFEINT, %cs:drv_copy_mode
	jne	3f			/* int: the current chain */
	pushf
	lcall	*%cs:drv_int15_target	/* safeint: the BIOS's own */
	jmp	4f
3:	int	$0x15
4:	cli
	popal
	jc	7f
	addl	%edx, %esi
	addl	%edx, %edi
	subl	%edx, %ecx
	jmp	1b
7:	movb	$ST_BOUNDARY, %al
	popw	%es
	stc
	ret
8:	popw	%es
	clc
	ret

/* ================================================================ */
/* INT 15h: the memory map without the image and the driver. */

	.globl	drv_int15
drv_int15:
	cmpw	$0xe820, %ax
	je	e820
	cmpw	$0xe801, %ax
	je	e801
	cmpw	$0xe881, %ax
	je	e881
	cmpb	$0x88, %ah
	je	fn88
	ljmp	*%cs:drv_old15

e820:
	cmpl	$0x534d4150, %edx	/* 'SMAP' */
	jne	e820_bad
	cmpl	$E820_BIOS_RECORD, %ecx
	jb	e820_bad
	cmpl	%cs:drv_e820_count, %ebx
	jae	e820_bad
	pushw	%ds
	pushl	%esi
	pushl	%edi
	pushw	%cs
	popw	%ds
	imulw	$E820_BIOS_RECORD, %bx, %si
	addw	%cs:drv_e820_off, %si
	movw	$E820_BIOS_RECORD, %cx
	cld
	rep movsb
	popl	%edi
	popl	%esi
	popw	%ds
	incl	%ebx
	cmpl	%cs:drv_e820_count, %ebx
	jb	1f
	xorl	%ebx, %ebx		/* that was the last one */
1:	movl	$0x534d4150, %eax
	movl	$E820_BIOS_RECORD, %ecx
	clc
	jmp	ret15
e820_bad:
	movb	$0x86, %ah
	stc
	jmp	ret15

e801:
	movw	%cs:drv_e801_kib, %ax
	movw	%ax, %cx
	movw	%cs:drv_e801_blocks, %bx
	movw	%bx, %dx
	clc
	jmp	ret15
e881:
	movzwl	%cs:drv_e801_kib, %eax
	movl	%eax, %ecx
	movzwl	%cs:drv_e801_blocks, %ebx
	movl	%ebx, %edx
	clc
	jmp	ret15
fn88:
	movw	%cs:drv_88_kib, %ax
	clc
ret15:
	sti
	lret	$2

/* ================================================================ */
/* Data, filled in by the installer. */

	.balign	4
	.globl	drv_old15, drv_image_base, drv_sectors, drv_cyl, drv_heads, drv_spt
	.globl	drv_sector_shift, drv_drive, drv_flags, drv_ndrives, drv_floppy_type
	.globl	drv_dpt_seg, drv_dpt_off, drv_e801_kib, drv_e801_blocks, drv_88_kib
	.globl	drv_e820_count, drv_spec_packet, drv_mbft, drv_mdi, drv_e820_map
drv_old15:	.long	0
drv_image_base:	.long	0
drv_sectors:	.long	0
drv_e820_count:	.long	0
drv_cyl:	.word	0
drv_heads:	.word	0
drv_dpt_seg:	.word	0
drv_dpt_off:	.word	0
drv_e801_kib:	.word	0
drv_e801_blocks:.word	0
drv_88_kib:	.word	0
	.globl	drv_bda_status
drv_bda_status:	.word	0		/* where the BIOS keeps the status (0: nowhere) */
	.globl	drv_edd_flags
drv_edd_flags:	.word	0		/* AH=48h information flags */
drv_spt:	.byte	0
drv_sector_shift:.byte	9
drv_drive:	.byte	0
drv_flags:	.byte	0
drv_ndrives:	.byte	1
	.globl	drv_shift_limit
drv_shift_limit:.byte	0		/* the first drive not renumbered (0: none) */
drv_floppy_type:.byte	4
drv_status:	.byte	0
drv_tmp:	.byte	0
drv_locks:	.byte	0		/* AH=45h locks held */
	.balign	4
	.globl	drv_boot_src, drv_boot_dst, drv_boot_len, drv_boot_target, drv_boot_stack
drv_boot_src:	.long	0		/* drv_boot's copy: from, to, bytes (x4) */
drv_boot_dst:	.long	0
drv_boot_len:	.long	0
drv_boot_target:.word	0, 0		/* offset, segment */
drv_boot_stack:	.word	0, 0		/* SP, SS for drv_boot's copy */
drv_zero:	.word	0
	.globl	drv_map_n, drv_map_off
drv_map_n:	.word	0		/* sector map entries (0: the disk is the image) */
drv_map_off:	.word	0		/* where they are, in the driver (after the command line) */
	.globl	drv_e820_off
drv_e820_off:	.word	0		/* where the memory map is: drv_ext or drv_e820_map */
	.globl	drv_copy_mode
drv_copy_mode:	.byte	COPY_RAW
	.balign	4
	.globl	drv_int15_target
drv_int15_target:.long	0		/* INT 15h for AH=87h: the original (safeint) or the chain (int) */
save_cr0:	.long	0
	.globl	drv_use_sse
drv_use_sse:	.byte	0		/* set by the installer when CPUID has SSE */
save_ds:	.word	0
save_es:	.word	0
a20_was_off:	.byte	0
save_gdtr:	.word	0
		.long	0
	/* The driver's own GDT for the raw copy (layout.h): the bases of
	 * SEL_CODE32 and SEL_CODE16 are the driver's, patched at install. */
	.balign	8
	.globl	drv_gdt, drv_gdtr
drv_gdt:
	gdt_slots
drv_gdtr:
	.word	GDT_ENTRIES * 8 - 1
	.long	0			/* patched: linear address of drv_gdt */
	.globl	drv_dpt
drv_dpt:	.space	11		/* floppy parameter table (INT 1Eh) */

	/* INT 15h AH=87h descriptor table: 6 descriptors */
	.balign	8
drv_gdt87:
	.quad	0, 0
	.quad	0x000093000000ffff	/* source (base patched per call) */
	.quad	0x000093000000ffff	/* destination */
	.quad	0, 0

	.balign	16
drv_mbft:
	.space	40			/* the mBFT header (built by the installer) */
drv_mdi:
	.space	30			/* the MDI */

/* ================================================================ */
/*
 * The extension: what a floppy without EDD never runs (EDD, AH=41h-49h;
 * El Torito's AX=4B01h; the sector map of memboot's injection). The
 * installer leaves it out for such a disk (install_code_bytes): the
 * resident driver then ends at drv_ext, and the memory map and the
 * command line follow there instead of at drv_e820_map. The dispatch in
 * "ours" never reaches it then: AH=41h-49h need DF_EDD, 4B01h DF_ELTORITO,
 * map_find a sector map.
 */
	.balign	4
	.globl	drv_ext
drv_ext:

/* ---- AH=45h: lock, unlock, lock status (AL = 0, 1, 2): a count ---- */
edd_lock:
	movb	F_EAX(%bp), %al
	movb	%cs:drv_locks, %ah
	cmpb	$1, %al
	jb	1f
	je	2f
	cmpb	$2, %al
	jne	bad_cmd
	jmp	3f
1:	incb	%ah			/* lock */
	jz	4f
	jmp	3f
2:	testb	%ah, %ah		/* unlock */
	jz	5f
	decb	%ah
3:	movb	%ah, %cs:drv_locks
	movb	%ah, F_EAX(%bp)		/* AL = locks held */
	movb	$0, F_AH(%bp)
	jmp	done_ok_keep
4:	movb	$0xb4, %al		/* lock count exceeded */
	jmp	done_err
5:	movb	$0xb0, %al		/* volume not locked */
	jmp	done_err

/* ---- AH=46h: eject: a RAM disk stays (locked: B1h, else B2h) ---- */
edd_eject:
	movb	$0xb2, %al		/* volume not removable */
	cmpb	$0, %cs:drv_locks
	je	done_err
	movb	$0xb1, %al		/* volume locked in drive */
	jmp	done_err

/* ---- AH=41h: EDD installation check ---- */
edd_check:
	cmpw	$0x55aa, F_EBX(%bp)
	jne	bad_cmd
	movw	$0xaa55, F_EBX(%bp)
	movw	$0x0007, F_ECX(%bp)	/* extended access, removable, EDD */
	movb	$0x30, F_AH(%bp)	/* EDD 3.0 */
	jmp	done_ok_keep

/* ---- AH=42h/43h: extended read and write (DAP at DS:SI) ---- */
ext_write:
	testb	$DF_RO, %cs:drv_flags
	jz	ext_rw
	movb	$ST_WRPROT, %al
	jmp	done_err
ext_read:
ext_rw:
	movw	F_DS(%bp), %ds
	movw	F_ESI(%bp), %si
	cmpb	$0x10, (%si)		/* packet size */
	jb	bad_cmd
	movzwl	2(%si), %ecx		/* count */
	movzwl	6(%si), %edi		/* buffer segment */
	shll	$4, %edi
	movzwl	4(%si), %eax
	addl	%eax, %edi
	cmpl	$0xffffffff, 4(%si)	/* FFFF:FFFF: a flat 64-bit address follows */
	jne	1f
	cmpb	$0x18, (%si)
	jb	bad_cmd
	cmpl	$0, 0x14(%si)
	jne	bad_cmd			/* above 4 GiB */
	movl	0x10(%si), %edi
1:	cmpl	$0, 0x0c(%si)
	jne	ext_range		/* LBA above 2^32 */
	movl	8(%si), %eax
	movb	F_AH(%bp), %bl		/* 42h read, 43h write, 44h verify, 47h seek */
	subb	$0x40, %bl		/* 02h / 03h / 04h / 07h, as rw_sectors takes them */
	cmpb	$0x07, %bl
	jne	2f
	movl	$1, %ecx		/* seek: the LBA must exist; no count */
2:
	pushw	%si
	call	rw_sectors
	popw	%si
	movw	F_DS(%bp), %ds
	jc	ext_fail
	jmp	done_ok
ext_range:
	movb	$ST_NOSECT, %al
ext_fail:
	movw	$0, 2(%si)		/* nothing transferred */
	jmp	done_err

/* ---- AH=48h: drive parameters (result buffer at DS:SI) ---- */
ext_params:
	movw	F_DS(%bp), %es
	movw	F_ESI(%bp), %di
	movw	%es:(%di), %cx		/* buffer size */
	cmpw	$0x1a, %cx
	jb	bad_cmd
	movw	$0x1a, %ax
	cmpw	$0x1e, %cx
	jb	1f
	movw	$0x1e, %ax
	movl	$0xffffffff, %es:0x1a(%di)	/* no EDD configuration parameters */
1:	movw	%ax, %es:(%di)
	movw	%cs:drv_edd_flags, %ax
	movw	%ax, %es:2(%di)
	movzwl	%cs:drv_cyl, %eax
	movl	%eax, %es:4(%di)
	movzwl	%cs:drv_heads, %eax
	movl	%eax, %es:8(%di)
	movzbl	%cs:drv_spt, %eax
	movl	%eax, %es:12(%di)
	movl	%cs:drv_sectors, %eax
	movl	%eax, %es:16(%di)
	movl	$0, %es:20(%di)
	movb	%cs:drv_sector_shift, %cl
	movw	$1, %ax
	shlw	%cl, %ax
	movw	%ax, %es:24(%di)
	jmp	done_ok

/* ---- AX=4B01h: El Torito status: the 19-byte specification packet ---- */
cd_status:
	movw	F_DS(%bp), %es
	movw	F_ESI(%bp), %di
	movw	$drv_spec_packet, %si
	movw	%cs, %ax
	movw	%ax, %ds
	movw	$19, %cx
	rep movsb
	jmp	done_ok

/*
 * map_find: EAX = sector -> ESI = its linear address, EDX = sectors the
 * same source runs for from there (up to the next map entry; unbounded in
 * the image). Keeps EAX, EBX, EDI; changes ECX.
 */
map_find:
	pushw	%bx
	movl	$0xffffffff, %edx	/* no entry after EAX yet */
	movw	%cs:drv_map_off, %bx
	movw	%cs:drv_map_n, %cx
1:	jcxz	3f
	movl	%eax, %esi
	subl	%cs:(%bx), %esi		/* sectors past the entry's first */
	jb	2f			/* the entry starts after EAX: the next one */
	cmpl	%cs:4(%bx), %esi
	jae	4f			/* past its end */
	movl	%cs:4(%bx), %edx
	subl	%esi, %edx		/* sectors left in the entry */
	movb	%cs:drv_sector_shift, %cl
	shll	%cl, %esi
	addl	%cs:8(%bx), %esi
	popw	%bx
	ret
2:	movl	%cs:(%bx), %edx
	subl	%eax, %edx		/* the image, up to that entry */
	jmp	3f
4:	addw	$12, %bx
	decw	%cx
	jmp	1b
3:	call	image_at
	popw	%bx
	ret

drv_spec_packet:.space	19		/* El Torito's specification packet (AX=4B01h) */
	.balign	4
drv_e820_map:				/* the map, then the command line: appended */
	.globl	drv_end
drv_end:
