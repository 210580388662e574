/**
 * @file loader.h
 *
 * Declarations shared by the loader's C files: the real-mode gateway, the
 * console, error reporting, and the values setup.S leaves for us.
 */
#ifndef MEMBOOT_LOADER_H
#define MEMBOOT_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "layout.h"

/** Registers in and out of a real-mode call (layout in layout.h). */
struct rm_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp;
	uint16_t ds, es;
	uint32_t eflags;
} __attribute__((packed));

_Static_assert(sizeof(struct rm_regs) == RM_SIZE, "rm_regs layout");

#define EFLAGS_CF 0x0001

/** Run INT @p intno in real mode with @p r (in and out). */
void rm_call(int intno, struct rm_regs *r);
/** Leave for seg:off in real mode with @p r loaded, SS:SP = 0:7C00. */
void rm_boot(uint16_t seg, uint16_t off, struct rm_regs *r) __attribute__((noreturn));

/* Symbols of setup.S (offsets in the setup segment) and start32.S. */
extern uint32_t setup_lin;            /* linear address of the setup segment */
extern char hdr_ramdisk_image[], hdr_ramdisk_size[], hdr_cmd_line_ptr[],
	hdr_type_of_loader[], a20_failed[], rm_buf[];
extern char _driver_pm[], _driver_start[], _driver_end[], _end[], _pm_start[];

/** Pointer to a variable of setup.S. */
#define SETUP_VAR(type, sym) ((type *)(setup_lin + (uint32_t)(sym)))

/** A pointer to a physical (= linear: flat segments, no paging) address. */
static inline void *lin(uint32_t addr)
{
	/* Opaque to the optimiser, which would call small constants bad pointers. */
	__asm__("" : "+r"(addr));
	return (void *)addr;
}

/* console.c */
void con_init(void);
void con_putc(char c);
void con_puts(const char *s);
void printf_(const char *fmt, ...) __attribute__((format(__printf__, 1, 2)));
#define printf printf_
/** Show the message, wait a moment, and give the machine back to the BIOS (INT 18h). */
void die(const char *fmt, ...) __attribute__((format(__printf__, 1, 2), noreturn));
/** Read a key (INT 16h), for the "pause" option. */
void wait_key(void);

#endif /* MEMBOOT_LOADER_H */
