/**
 * @file diskplan.h
 *
 * The disk an image becomes, decided before anything is installed: from
 * the options and the image's first bytes, whether it is an El Torito CD
 * (and then which emulation), a floppy or a hard disk; its BIOS drive
 * number, sector size and geometry; where the disk and its boot code lie in
 * the image; and the rules the BIOS driver follows (EDD, read-only, hiding
 * the BIOS's own drives). Firmware-neutral: the BIOS loader turns the plan
 * into driver flags, and a UEFI loader can read the kind and the boot image
 * from it as well.
 *
 * Pure logic: no allocation, no I/O, no global state.
 */
#ifndef MEMBOOT_DISKPLAN_H
#define MEMBOOT_DISKPLAN_H

#include <stddef.h>
#include <stdint.h>

#include "eltorito.h"
#include "options.h"

/** What kind of disk. */
enum diskplan_kind {
	DISKPLAN_FLOPPY = 0,
	DISKPLAN_HARDDISK,
	DISKPLAN_CDROM,         /**< El Torito, no emulation: 2048-byte sectors */
};

/** Return codes of diskplan_make(). */
enum diskplan_status {
	DISKPLAN_OK = 0,
	DISKPLAN_E_ARG = -1,    /**< NULL pointer */
	DISKPLAN_E_OFFSET = -2, /**< offset= at or past the end of the image */
	DISKPLAN_E_ELTORITO = -3, /**< iso: no usable El Torito entry (detail: enum eltorito_status) */
	DISKPLAN_E_GEOMETRY = -4, /**< no geometry (detail: enum geometry_status) */
};

/** The decision. Offsets are from the first byte of the image given. */
struct diskplan {
	int kind;               /**< enum diskplan_kind */
	int eltorito;           /**< booted from an El Torito catalog ("iso") */
	uint8_t drive;          /**< BIOS drive number: 00h, 80h, E0h, or as forced */
	uint8_t sector_shift;   /**< 9, or 11 for a CD */
	uint64_t disk_offset;   /**< where the disk starts in the image */
	uint64_t disk_bytes;    /**< its size (whole sectors of it) */
	uint32_t cylinders;     /**< as INT 13h AH=08h reports them (at most 1024) */
	uint32_t heads;
	uint32_t sectors;       /**< per track */
	int geometry_source;    /**< enum geometry_source (hard disks and floppies) */
	uint64_t boot_offset;   /**< the boot code in the image */
	uint32_t boot_bytes;    /**< its size */
	uint16_t boot_segment;  /**< where it is loaded and started (seg:0) */
	int edd;                /**< the EDD calls (AH=41h-48h) are answered */
	int read_only;          /**< writes are refused */
	int nopass;             /**< the BIOS's drives of our class are hidden */
	int nopassany;          /**< all of the BIOS's drives are hidden */
	uint8_t spec_packet[ELTORITO_SPEC_PACKET_SIZE]; /**< INT 13h AX=4B01h answer */
	int detail;             /**< on failure: the El Torito or geometry status */
};

/**
 * Decide the disk. The EDD rule, in one place: a CD always answers the EDD
 * calls, a hard disk unless "noedd" is given, a floppy only with "edd" (as
 * SYSLINUX MEMDISK). A CD is read-only.
 *
 * @param img  the image (after decompression)
 * @param len  its size in bytes
 * @param o    the parsed options
 * @param p    result (cleared first)
 * @return DISKPLAN_OK or a negative enum diskplan_status (p->detail says more)
 */
int diskplan_make(const uint8_t *img, uint64_t len, const struct options *o,
		  struct diskplan *p);

#endif /* MEMBOOT_DISKPLAN_H */
