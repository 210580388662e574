/**
 * @file loader.h
 *
 * Declarations shared by the loader's C files: the real-mode gateway
 * (setup.S and start32.S), the console (console.c), error reporting, the
 * BIOS data area, and the values setup.S leaves for us.
 */
#ifndef MEMBOOT_LOADER_H
#define MEMBOOT_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"

/** Registers in and out of a real-mode call (offsets in layout.h). */
struct rm_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
	uint16_t ds, es;
	uint32_t eflags;
} __attribute__((packed));

_Static_assert(offsetof(struct rm_regs, eax) == RM_EAX, "rm_regs layout");
_Static_assert(offsetof(struct rm_regs, ebx) == RM_EBX, "rm_regs layout");
_Static_assert(offsetof(struct rm_regs, ecx) == RM_ECX, "rm_regs layout");
_Static_assert(offsetof(struct rm_regs, edx) == RM_EDX, "rm_regs layout");
_Static_assert(offsetof(struct rm_regs, esi) == RM_ESI, "rm_regs layout");
_Static_assert(offsetof(struct rm_regs, edi) == RM_EDI, "rm_regs layout");
_Static_assert(offsetof(struct rm_regs, ebp) == RM_EBP, "rm_regs layout");
_Static_assert(offsetof(struct rm_regs, ds) == RM_DS, "rm_regs layout");
_Static_assert(offsetof(struct rm_regs, es) == RM_ES, "rm_regs layout");
_Static_assert(offsetof(struct rm_regs, eflags) == RM_EFLAGS, "rm_regs layout");
_Static_assert(sizeof(struct rm_regs) == RM_SIZE, "rm_regs layout");

#define EFLAGS_CF 0x0001

/** Run INT @p intno in real mode with @p r (in and out). */
void rm_call(int intno, struct rm_regs *r);
/** Leave for seg:off in real mode with @p r loaded, SS:SP = 0:7C00. */
void rm_boot(uint16_t seg, uint16_t off, struct rm_regs *r) __attribute__((noreturn));

/* Symbols of setup.S (offsets in the setup segment) and start32.S. */
extern uint32_t setup_lin;            /* linear address of the setup segment */
extern char hdr_ramdisk_image[], hdr_ramdisk_size[], hdr_cmd_line_ptr[],
	hdr_type_of_loader[], a20_forced[], a20_was_on[], rm_buf[];
/* Symbols of the linker script: the driver as carried, and the loader's end. */
extern char _driver_pm[], _driver_start[], _driver_end[], _end[];

/** Pointer to a variable of setup.S. */
#define SETUP_VAR(type, sym) ((type *)(setup_lin + (uint32_t)(sym)))

/* The BIOS data area (0040:0000): the words and bytes the loader reads or
 * changes (base memory in KiB is BDA_BASEMEM_KIB, memdisk_abi.h). */
#define BDA_COM1            0x400u  /* I/O port of the first serial port */
#define BDA_EQUIPMENT       0x410u  /* equipment word: floppies in bits 6-7 */
#define BDA_FLOPPY_STATUS   0x441u  /* last floppy status */
#define BDA_HD_STATUS       0x474u  /* last hard-disk status */
#define BDA_HD_COUNT        0x475u  /* number of hard disks */

/** A pointer to a physical (= linear: flat segments, no paging) address. */
static inline void *lin(uint32_t addr)
{
	/* Opaque to the optimiser, which would call small constants bad pointers. */
	__asm__("" : "+r"(addr));
	return (void *)addr;
}

/* console.c */
/** Find the serial port the BIOS knows. */
void con_init(void);
/** Print a character on the screen (INT 10h) and the serial port. */
void con_putc(char c);
/** Print a string. */
void con_puts(const char *s);
/** printf with %s %c %d %u %x %llu %llx %% (and widths like %08x). */
void con_printf(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
/** Show the message, wait a moment, and give the machine back to the BIOS (INT 18h). */
void die(const char *fmt, ...) __attribute__((format(__printf__, 1, 2), noreturn));
/** "giving the machine back to the BIOS", about 3 s to read it, then INT 18h. */
void give_back(void) __attribute__((noreturn));
/** Read a key (INT 16h), for the "pause" option. */
void wait_key(void);

#endif /* MEMBOOT_LOADER_H */
