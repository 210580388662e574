/**
 * @file eltorito.h
 *
 * El Torito ("Bootable CD-ROM Format Specification" 1.0, Phoenix/IBM 1995)
 * for the memdisk "iso" mode: the boot record volume descriptor at sector
 * 17 (2048-byte sectors), the boot catalog's validation entry and
 * initial/default entry, where the boot image or emulated disk lies inside
 * the ISO, and the 19-byte specification packet INT 13h AX=4B01h returns.
 *
 * Pure logic: no allocation, no I/O, no global state.
 */
#ifndef MEMBOOT_ELTORITO_H
#define MEMBOOT_ELTORITO_H

#include <stddef.h>
#include <stdint.h>

/** CD-ROM sector size. */
#define ELTORITO_CD_SECTOR 2048u
/** Sector of the boot record volume descriptor. */
#define ELTORITO_BRVD_LBA 17u
/** Size of the INT 13h AX=4B01h specification packet. */
#define ELTORITO_SPEC_PACKET_SIZE 0x13u
/** Default load segment (used when the catalog says 0). */
#define ELTORITO_DEFAULT_LOAD_SEG 0x07c0u

/** Return codes of eltorito_parse(). */
enum eltorito_status {
	ELTORITO_OK = 0,
	ELTORITO_E_ARG = -1,          /**< NULL pointer */
	ELTORITO_E_NO_BOOT_RECORD = -2, /**< no El Torito boot record at sector 17 */
	ELTORITO_E_CATALOG_OUTSIDE = -3, /**< the boot catalog lies beyond the image */
	ELTORITO_E_VALIDATION = -4,   /**< validation entry: header id not 1 or key not 55 AA */
	ELTORITO_E_CHECKSUM = -5,     /**< validation entry words do not sum to 0 */
	ELTORITO_E_PLATFORM = -6,     /**< the catalog is not for 80x86 (platform 0) */
	ELTORITO_E_NOT_BOOTABLE = -7, /**< initial entry boot indicator is not 88h */
	ELTORITO_E_MEDIA = -8,        /**< media type above 4 */
	ELTORITO_E_SECTOR_COUNT = -9, /**< no-emulation sector count is 0 */
	ELTORITO_E_IMAGE_OUTSIDE = -10, /**< boot image / emulated disk beyond the image */
	ELTORITO_E_HD_IMAGE = -11,    /**< hard-disk emulation image without a usable MBR */
};

/** Boot media types (low nibble of the entry's media byte). */
enum eltorito_media {
	ELTORITO_MEDIA_NOEMU = 0,
	ELTORITO_MEDIA_FLOPPY_1200 = 1,
	ELTORITO_MEDIA_FLOPPY_1440 = 2,
	ELTORITO_MEDIA_FLOPPY_2880 = 3,
	ELTORITO_MEDIA_HARDDISK = 4,
};

/** The boot entry found, and where its image lies. */
struct eltorito_boot {
	uint32_t catalog_lba;   /**< boot catalog, in 2048-byte sectors */
	uint8_t platform;       /**< validation entry platform id (0 = 80x86) */
	uint8_t media;          /**< enum eltorito_media */
	uint8_t system_type;    /**< partition type byte of the entry */
	uint16_t load_segment_raw; /**< as in the catalog (0 = default) */
	uint16_t load_segment;  /**< effective: ELTORITO_DEFAULT_LOAD_SEG when raw is 0 */
	uint16_t sector_count;  /**< 512-byte virtual sectors to load */
	uint32_t load_rba;      /**< boot image start, in 2048-byte sectors */
	uint64_t image_offset;  /**< byte offset of the boot image / emulated disk */
	uint64_t image_size;    /**< its size in bytes: no emulation: sector_count x
				 *   512; floppy: 1200/1440/2880 KiB; hard disk: the
				 *   end of its last partition */
	uint32_t cylinders;     /**< emulated geometry (0 for no emulation) */
	uint32_t heads;
	uint32_t sectors;
};

/**
 * Find and check the El Torito boot entry of an ISO image.
 *
 * @param img      the ISO image
 * @param img_len  bytes readable at @p img
 * @param b        result (cleared first)
 * @return ELTORITO_OK or a negative enum eltorito_status
 */
int eltorito_parse(const uint8_t *img, uint64_t img_len, struct eltorito_boot *b);

/**
 * Build the specification packet of INT 13h AX=4B01h (and 4B00h):
 * 00h size (13h); 01h media type; 02h drive; 03h controller index (0);
 * 04h-07h LBA of the image (load RBA); 08h-09h device specification (0);
 * 0Ah-0Bh user buffer segment (0); 0Ch-0Dh load segment; 0Eh-0Fh sector
 * count; 10h low 8 bits of the last cylinder; 11h sectors per track in
 * bits 0-5, last-cylinder bits 8-9 in bits 6-7; 12h last head. The last
 * three are the INT 13h AH=08h CH/CL/DH values (0 for no emulation).
 *
 * @param b      a parsed boot entry
 * @param drive  the BIOS drive number the image is served as
 * @param out    19 bytes
 */
void eltorito_spec_packet(const struct eltorito_boot *b, uint8_t drive, uint8_t out[19]);

/**
 * A short English text for an enum eltorito_status.
 *
 * @param status  enum eltorito_status value
 * @return a static string (never NULL)
 */
const char *eltorito_strerror(int status);

#endif /* MEMBOOT_ELTORITO_H */
