/**
 * @file layout.h
 *
 * Constants shared by the loader's assembly and C: segment selectors of the
 * loader's GDT, the real-mode call register block, sizes.
 */
#ifndef MEMBOOT_LOADER_LAYOUT_H
#define MEMBOOT_LOADER_LAYOUT_H

/* The setup (real-mode) part: boot sector + this many sectors. */
#define SETUP_SECTS 7

/* Where the protected-mode part is loaded and linked (code32_start). */
#define PM_BASE 0x100000

/* Selectors of the loader's own GDT (in the setup part). */
#define SEL_CODE32 0x08  /* flat 32-bit code */
#define SEL_DATA32 0x10  /* flat 32-bit data */
#define SEL_CODE16 0x18  /* 16-bit code, base = setup segment */
#define SEL_DATA16 0x20  /* 16-bit data, base = setup segment, 64 KiB */

/* struct rm_regs offsets (see gateway.h). */
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
