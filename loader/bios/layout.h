/**
 * @file layout.h
 *
 * The loader's layout facts, shared by its assembly (setup.S, start32.S,
 * driver.S), its C and its linker script (loader.lds.S is preprocessed with
 * this header): the size of the real-mode part, where the 32-bit part is
 * linked, the GDT both the loader and the driver use, the register block
 * of the real-mode gateway, the stack.
 */
#ifndef MEMBOOT_LOADER_LAYOUT_H
#define MEMBOOT_LOADER_LAYOUT_H

/* The setup (real-mode) part: boot sector + this many sectors. */
#define SETUP_SECTS 4
#define SETUP_BYTES ((SETUP_SECTS + 1) * 512)

/*
 * The real-mode stack (setup.S, and the BIOS calls of the C side): 2 KiB
 * right after the setup part, in the heap the boot loader leaves there
 * (the boot protocol's real-mode area runs to X+0x8000 at least; Linux's
 * own setup puts its stack there when the loader gives no heap_end_ptr).
 * It is not in the file.
 */
#define RM_STACK_TOP (SETUP_BYTES + 2048)

/* Where the protected-mode part is loaded and linked (code32_start). */
#define PM_BASE 0x100000

/* Where the packed body is unpacked and linked (unpack.c): the head and the
 * packed body, loaded at PM_BASE, must end below it (pack-memdisk.sh checks). */
#define BODY_BASE 0x130000

/*
 * The GDT of the loader (setup.S) and of the driver's raw copy (driver.S):
 * the same five slots. Selectors are the slots' offsets; the descriptors'
 * bases are patched at run time where the comment says so.
 */
#define SEL_CODE32 0x08  /* 32-bit code: flat (loader), base = driver (driver) */
#define SEL_DATA32 0x10  /* flat 32-bit data */
#define SEL_CODE16 0x18  /* 16-bit code, base = its segment (patched) */
#define SEL_DATA16 0x20  /* 16-bit data, 64 KiB, base = its segment (loader: patched) */
#define GDT_ENTRIES 5

#define GDT_DESC_CODE32 0x00cf9a000000ffff  /* 4 GiB, 32-bit, execute/read */
#define GDT_DESC_DATA32 0x00cf92000000ffff  /* 4 GiB, read/write */
#define GDT_DESC_CODE16 0x00009a000000ffff  /* 64 KiB, 16-bit, execute/read */
#define GDT_DESC_DATA16 0x000092000000ffff  /* 64 KiB, read/write */

#if defined(__ASSEMBLY__) && !defined(__LINKER_SCRIPT__)
/* The five slots, in selector order. */
.macro gdt_slots
	.quad	0
	.quad	GDT_DESC_CODE32
	.quad	GDT_DESC_DATA32
	.quad	GDT_DESC_CODE16
	.quad	GDT_DESC_DATA16
.endm
#endif

/* The real-mode gateway's register block: offsets of struct rm_regs
 * (loader.h asserts each against the struct). */
#define RM_EAX 0
#define RM_EBX 4
#define RM_ECX 8
#define RM_EDX 12
#define RM_ESI 16
#define RM_EDI 20
#define RM_EBP 24
#define RM_DS 28
#define RM_ES 30
#define RM_EFLAGS 32
#define RM_SIZE 36

/* Size of the protected-mode stack. */
#define PM_STACK_SIZE 16384

#endif /* MEMBOOT_LOADER_LAYOUT_H */
