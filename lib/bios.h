/**
 * @file bios.h
 *
 * The BIOS loader's decisions about base memory and the BIOS's view of
 * drives, kept apart from the code that acts on them so that they are
 * tested on the host: where base memory ends, where the resident driver
 * goes (its size depends on the memory map it carries, which its own
 * reservation may change), whether the boot code fits below it, and what
 * INT 13h AH=08h reports.
 *
 * Pure logic: no allocation, no I/O, no global state.
 */
#ifndef MEMBOOT_BIOS_H
#define MEMBOOT_BIOS_H

#include <stdint.h>

#include "diskplan.h"
#include "e820.h"
#include "memdisk_abi.h"
#include "options.h"

/* The driver leaves at least BASEMEM_MIN below itself (the finder's lower
 * bound) and is reserved up to BASEMEM_TOP at least (memdisk_abi.h). */

/** Largest boot image loaded into base memory. */
#define BIOS_BOOT_MAX 0xa0000u
/** Lowest address boot code may be loaded at (above the BIOS data area). */
#define BIOS_BOOT_LOW 0x500u

/** Return codes. */
enum bios_status {
	BIOS_OK = 0,
	BIOS_E_NO_ROOM = -1,    /**< base memory too small for the driver */
	BIOS_E_MAP_FULL = -2,   /**< the memory map has no room for the reservation */
	BIOS_E_BOOT_SIZE = -3,  /**< boot image empty or larger than BIOS_BOOT_MAX */
	BIOS_E_BOOT_FIT = -4,   /**< boot image overlaps low memory, the driver or the loader */
};

/**
 * The top of base memory: the lower of the BIOS's word at 0040:0013 and the
 * end of the RAM that starts at 0 in the memory map (when that is at least
 * 64 KiB), rounded down to 1 KiB.
 *
 * @param m        the memory map
 * @param bda_kib  the word at 0040:0013
 * @return an address
 */
uint32_t bios_basemem_top(const struct e820_map *m, uint16_t bda_kib);

/**
 * Place the resident driver under @p top and reserve it in the map: from
 * its page boundary up to @p top, or to 640 KiB if that is higher (a boot
 * loader that stays resident, iPXE, lowers 0040:0013 but leaves its memory
 * "usable" in E820: the OS must not take it). The driver carries the map,
 * so its size is @p fixed + @p per_entry for each entry of the map as the
 * reservation leaves it; the two are settled together.
 *
 * @param m          the memory map; on success it holds the reservation
 * @param saved      room for m->cap entries (the map while trying)
 * @param top        top of base memory (bios_basemem_top)
 * @param fixed      the driver's bytes besides its map
 * @param per_entry  bytes per map entry in the driver
 * @param base       out: the driver's address, 1 KiB aligned
 * @return BIOS_OK, BIOS_E_NO_ROOM or BIOS_E_MAP_FULL (the map is then as before)
 */
int bios_place_driver(struct e820_map *m, struct e820_entry *saved, uint32_t top,
		      uint32_t fixed, uint32_t per_entry, uint32_t *base);

/**
 * Does the boot code fit in free base memory: above the BIOS data area and
 * below the driver? (It may cover the loader's own real-mode part: the
 * driver copies it there as the very last step, drv_boot.)
 *
 * @param p          the plan (its boot segment and size)
 * @param driver     the driver's address
 * @return BIOS_OK, BIOS_E_BOOT_SIZE or BIOS_E_BOOT_FIT
 */
int bios_boot_fits(const struct diskplan *p, uint32_t driver);

/**
 * The drive count INT 13h AH=08h reports in DL for our drive's class: the
 * BIOS's own drives of that class and ours, or ours alone when they are
 * hidden (nopass, nopassany); a CD counts alone.
 *
 * @param p          the plan
 * @param equipment  the BIOS equipment word (0040:0010): its floppies
 * @param hd_count   the BIOS's hard-disk count (0040:0075)
 * The BIOS's drives plus ours (only ours with nopass or nopassany), and at
 * least up to ours (harddisk=83h with one BIOS disk: 4), as SYSLINUX
 * MEMDISK counts; the installer writes it to the BIOS data area too.
 * @return 1 or more
 */
uint8_t bios_drive_count(const struct diskplan *p, uint16_t equipment, uint8_t hd_count);

/**
 * Should a floppy's parameter table be installed at INT 1Eh? With "dpt",
 * yes; with "nodpt", no; otherwise when the BIOS has no floppy of its own.
 *
 * @param o          the options
 * @param equipment  the BIOS equipment word
 * @return 1 or 0
 */
int bios_floppy_dpt(const struct options *o, uint16_t equipment);

/** The floppies the equipment word counts (0 to 4). */
unsigned bios_floppies(uint16_t equipment);

#endif /* MEMBOOT_BIOS_H */
