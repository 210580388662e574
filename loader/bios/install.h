/**
 * @file install.h
 *
 * What the installer needs to make the resident driver live, and what it
 * reports back.
 */
#ifndef MEMBOOT_INSTALL_H
#define MEMBOOT_INSTALL_H

#include <stdint.h>

#include "diskplan.h"
#include "driver.h"
#include "e820.h"

/** Everything the driver is told. */
struct install {
	uint32_t base;            /**< where it goes (1 KiB aligned, bios_place_driver) */
	uint32_t image_addr;      /**< physical address of the disk */
	uint32_t sectors;         /**< disk size in sectors (the MDI's: the image) */
	uint32_t view_sectors;    /**< sectors the driver serves (0: sectors); more with a
				       sector map */
	const struct drv_map_entry *map;  /**< the sector map (sorted, disjoint), or NULL */
	uint32_t n_map;
	uint8_t sector_shift;     /**< 9, or 11 for a CD */
	uint8_t drive;            /**< 0x00, 0x80, 0xE0 (or as forced) */
	uint8_t flags;            /**< DF_* (install_flags) */
	uint8_t ndrives;          /**< drives of our class, for AH=08h */
	uint8_t shift_limit;      /**< the first drive not renumbered (0: none) */
	uint16_t cylinders, heads;
	uint8_t spt;
	uint8_t floppy_type;      /**< CMOS type for AH=08h BL (4 = 1.44 MB) */
	uint8_t floppy_dpt;       /**< install the DPT at INT 1Eh */
	uint8_t dpt[16];          /**< the floppy parameter table */
	uint8_t spec_packet[ELTORITO_SPEC_PACKET_SIZE]; /**< INT 13h AX=4B01h answer */
	uint16_t e801_kib, e801_blocks, kib_88;
	const struct e820_map *e820; /**< the edited map the INT 15h hook serves */
	const char *cmdline;
	uint8_t bootloader_id;
	uint8_t copy_mode;        /**< COPY_* */
	uint8_t use_sse;          /**< the raw copy may use SSE (CPUID says so) */
};

/** Where the driver went. */
struct installed {
	uint32_t size;            /**< bytes of base memory taken */
	uint32_t used;            /**< of which the driver and its data use (the rest: rounding to KiB) */
	uint32_t mbft;            /**< physical address of the mBFT */
};

/** The driver's DF_* flags for a disk plan. */
uint8_t install_flags(const struct diskplan *p);

/**
 * The driver's code and fixed data that stay resident: all of it, or up to
 * drv_ext (driver.S) for a disk that needs no EDD, El Torito or sector map
 * (a floppy by default): about 500 bytes less.
 */
uint32_t install_code_bytes(uint8_t flags, uint32_t n_map);

/** The driver's size besides its copy of the memory map (E820_BIOS_RECORD an entry). */
uint32_t install_fixed_bytes(const char *cmdline, uint8_t flags, uint32_t n_map);

/**
 * Tell the installed driver at @p base what drv_boot copies (@p len bytes
 * from linear @p src to @p seg:0 linear), where it then jumps
 * (@p jseg:@p joff), and a stack for the copy that the boot code does not
 * cover (2 KiB of free base memory below 0x7C00, below the boot code, or
 * above it). *@p off becomes drv_boot's offset in the driver's segment.
 * @return 0, or -1 when no such stack exists
 */
int install_boot(uint32_t base, uint32_t src, uint32_t len, uint16_t seg, uint16_t jseg,
		 uint16_t joff, uint16_t *off);

/**
 * Copy the driver to in->base, fill it in, lower the BIOS's base memory to
 * it, and take INT 13h, INT 15h (and INT 1Eh for a floppy).
 */
void install_driver(const struct install *in, struct installed *out);

#endif /* MEMBOOT_INSTALL_H */
