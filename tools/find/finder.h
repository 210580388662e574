/**
 * @file finder.h
 *
 * Finding the memdisk image on a running Linux system (memdisk.efi's ACPI
 * copy of the tables, else base memory through /dev/mem, checked against
 * /proc/iomem) or in a memory dump: the I/O around the pure checks in
 * mbft_scan.c, shared by memdiskfind and memdisk-attach.
 */
#ifndef MEMBOOT_FINDER_H
#define MEMBOOT_FINDER_H

#include <stdint.h>

#include "mbft_scan.h"
#include "iomem.h"

/** Exit codes shared by the tools (documented in their man pages). */
#define EXIT_FOUND     0
#define EXIT_NOT_FOUND 1
#define EXIT_ERROR     2

/** Where Linux shows memboot's ACPI copy of the tables (memdisk.efi). */
#define FINDER_ACPI_TABLE "/sys/firmware/acpi/tables/" MBFT_ACPI_SIGNATURE

/** Where to look. */
struct finder_opts {
	const char *mem_file;   /**< a memory dump instead of /dev/mem, or NULL */
	uint32_t mem_base;      /**< physical address of the dump's first byte */
	const char *iomem_file; /**< memory map text; default /proc/iomem (none with a dump) */
	const char *devmem;     /**< default /dev/mem */
	const char *acpi_file;  /**< read only this ACPI copy (else FINDER_ACPI_TABLE when
	                             /dev/mem has no table or cannot be opened) */
};

/** What was found, with the memory map it was checked against. */
struct finder_result {
	struct mbft_scan_result scan;
	struct iomem_map map;
	int have_map;
};

/**
 * Find the image. Errors and (with --verbose) explanations are printed.
 *
 * @return EXIT_FOUND, EXIT_NOT_FOUND or EXIT_ERROR
 */
int finder_run(const struct finder_opts *o, struct finder_result *r);

#endif /* MEMBOOT_FINDER_H */
