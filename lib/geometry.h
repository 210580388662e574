/**
 * @file geometry.h
 *
 * Drive type and CHS geometry of a floppy or hard-disk image, decided as
 * SYSLINUX MEMDISK 6.04 does (checked against the binary under QEMU; see
 * tests/unit/test_geometry.c). offset= and El Torito are the caller's
 * business: pass the bytes after the offset, or the emulated image.
 *
 *  1. A DOSEMU header ("DOSEMU\0"; heads, sectors, cylinders and the
 *     header size as u32 at 7, 11, 15, 19): its geometry, a hard disk,
 *     data after the header.
 *  2. c=, h=, s= replace single values. When h= or s= is given (or the
 *     DOSEMU header gave them), nothing is guessed: the missing one is the
 *     default below and the type stays a floppy unless the DOSEMU header
 *     or harddisk says otherwise (MEMDISK's behaviour). c= alone does not
 *     stop the guessing.
 *  3. A FAT BPB (boot signature 29h at 26h with "FAT" at 36h, or FAT32's
 *     at 42h with "FAT" at 52h; 512 bytes per sector, 1-63 sectors per
 *     track at 18h, 1-256 heads at 1Ah): its heads and sectors; a hard
 *     disk when the BPB's BIOS drive number (24h, FAT32 40h) is 80h or
 *     above, else a floppy.
 *  4. Any image under 4 MiB is a floppy: 1 head below 320 KiB, else 2;
 *     sectors per track found from the size (every standard and extended
 *     format, 160K to 3840K, comes out exactly; see guess_floppy_size).
 *  5. MBR partition entries (55AAh): the largest head + 1 and the largest
 *     sector of the entries' CHS values -- unless those contradict the
 *     entries' LBA values (1 MiB aligned partitions), in which case the
 *     heads and sectors that explain every CHS/LBA pair (MEMDISK does not
 *     do this; it keeps the contradicting values). A hard disk.
 *  6. A hard disk of 64 heads x 32 sectors, or 255 x 63 above 1 GiB.
 *
 * floppy / harddisk only change the type, never the geometry. Cylinders
 * are the sectors divided by heads x sectors, rounded down (at least 1;
 * MEMDISK reports a wrapped value when that is 0), unless c= or the DOSEMU
 * header gives them.
 *
 * Pure logic: no allocation, no I/O, no global state.
 */
#ifndef MEMBOOT_GEOMETRY_H
#define MEMBOOT_GEOMETRY_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

/** Bytes per sector of floppy and hard-disk images. */
#define GEOMETRY_SECTOR_SIZE 512u
/** Largest cylinder count INT 13h AH=08h can report. */
#define GEOMETRY_BIOS_MAX_CYL 1024u
/** Images below this size are floppies (step 4). */
#define GEOMETRY_FLOPPY_LIMIT (4ull * 1024 * 1024)
/** Above this size the default geometry is 255 x 63 instead of 64 x 32. */
#define GEOMETRY_BIG_DISK (1024ull * 1024 * 1024)

/** Return codes. */
enum geometry_status {
	GEOMETRY_OK = 0,
	GEOMETRY_E_ARG = -1,         /**< NULL pointer */
	GEOMETRY_E_TOO_SMALL = -2,   /**< the image is smaller than one sector: cannot guess */
	GEOMETRY_E_BAD_CHS = -3,     /**< c=0, h=0 or h>256, s=0 or s>63: cannot guess */
	GEOMETRY_E_BAD_DRIVE = -4,   /**< floppy=N with N >= 80h */
	GEOMETRY_E_DOSEMU = -5,      /**< a DOSEMU header with impossible values */
	GEOMETRY_E_NO_MBR = -6,      /**< geometry_from_mbr: no usable partition table */
};

/** Drive type. */
enum geometry_type {
	GEOMETRY_FLOPPY = 0,
	GEOMETRY_HARDDISK = 1,
};

/** Where the heads and sectors came from. */
enum geometry_source {
	GEOMETRY_SRC_DEFAULT = 0,    /**< 64 x 32 or 255 x 63 */
	GEOMETRY_SRC_DOSEMU,         /**< the DOSEMU header */
	GEOMETRY_SRC_OPTIONS,        /**< h= or s= given: nothing guessed */
	GEOMETRY_SRC_BPB,            /**< a FAT BPB */
	GEOMETRY_SRC_FLOPPY_SIZE,    /**< an image under 4 MiB, by its size */
	GEOMETRY_SRC_MBR,            /**< the partition table */
};

/** The decision. */
struct geometry {
	uint32_t cylinders;     /**< full count (not capped) */
	uint32_t bios_cylinders; /**< cylinders capped at GEOMETRY_BIOS_MAX_CYL (for AH=08h;
				  *   MEMDISK wraps them modulo 1024 instead) */
	uint32_t heads;         /**< 1-256 */
	uint32_t sectors;       /**< sectors per track, 1-63 */
	int type;               /**< enum geometry_type */
	uint8_t drive;          /**< BIOS drive number: 00h, 80h, or as forced */
	int source;             /**< enum geometry_source */
	uint32_t data_offset;   /**< bytes before sector 0 (the DOSEMU header), else 0 */
	uint64_t total_sectors; /**< 512-byte sectors of disk data (a partial last one dropped) */
};

/**
 * Decide the drive type and geometry of an image.
 *
 * @param head        the first bytes of the image (at least 512 to see a BPB
 *                    or an MBR; fewer are fine, they are just not looked at)
 *                    -- with a DOSEMU header, its start (not the data)
 * @param head_len    bytes readable at @p head
 * @param image_size  size of the whole image in bytes (>= head_len is not
 *                    required, but only min(head_len, image_size) bytes are read)
 * @param o           parsed options (NULL: none given)
 * @param g           result
 * @return GEOMETRY_OK or a negative enum geometry_status
 */
int geometry_guess(const uint8_t *head, size_t head_len, uint64_t image_size,
		   const struct options *o, struct geometry *g);

/**
 * Heads and sectors per track from an MBR partition table alone (step 5;
 * also used for El Torito hard-disk emulation images).
 *
 * @param sector   the first sector of the disk
 * @param len      bytes readable at @p sector (fewer than 512: no table)
 * @param heads    result, 1-256
 * @param sectors  result, 1-63
 * @return GEOMETRY_OK, GEOMETRY_E_NO_MBR or GEOMETRY_E_ARG
 */
int geometry_from_mbr(const uint8_t *sector, size_t len, uint32_t *heads, uint32_t *sectors);

/** A standard floppy format (SYSLINUX's memdisk.txt lists these). */
struct geometry_floppy {
	uint32_t kib;           /**< size in KiB */
	uint8_t cylinders;
	uint8_t heads;
	uint8_t sectors;        /**< per track */
	uint8_t cmos_type;      /**< the drive type INT 13h AH=08h reports in BL:
				 *   1 360K, 3 720K, 2 1.2M, 4 1.44M, 6 2.88M */
};

/** The standard floppy formats, smallest first. */
extern const struct geometry_floppy geometry_floppies[];
/** How many there are. */
extern const size_t geometry_n_floppies;

/**
 * The standard floppy format of exactly @p bytes.
 *
 * @param bytes  image size
 * @return the format, or NULL when the size is not a standard one
 */
const struct geometry_floppy *geometry_floppy_format(uint64_t bytes);

/**
 * The CMOS drive type a BIOS reports for a floppy image: that of the
 * smallest standard format that holds @p bytes (2.88 MB beyond them all).
 *
 * @param bytes  image size
 * @return 1, 2, 3, 4 or 6
 */
uint8_t geometry_floppy_cmos_type(uint64_t bytes);

/**
 * A sentence for a negative enum geometry_status (for the loader's error
 * message "cannot work out the disk's geometry: ...").
 *
 * @param status  enum geometry_status value
 * @return a static string (never NULL)
 */
const char *geometry_strerror(int status);

/**
 * A short English name for an enum geometry_source.
 *
 * @param source  enum geometry_source value
 * @return a static string (never NULL)
 */
const char *geometry_source_str(int source);

#endif /* MEMBOOT_GEOMETRY_H */
