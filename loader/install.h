/**
 * @file install.h
 *
 * What the installer needs to make the resident driver live, and what it
 * reports back.
 */
#ifndef MEMBOOT_INSTALL_H
#define MEMBOOT_INSTALL_H

#include <stdint.h>

#include "e820.h"

/* The MDI version memboot reports: above SYSLINUX's last release (6.04),
 * so that tools testing for features by version see all of them. */
#define MEMBOOT_MDI_MAJOR 6
#define MEMBOOT_MDI_MINOR 5

/* drv_flags (driver.S) */
#define DF_RO 0x01
#define DF_EDD 0x02
#define DF_CDROM 0x04
#define DF_FLOPPY 0x08
#define DF_NOPASS 0x10
#define DF_NOPASSANY 0x20
#define DF_ELTORITO 0x40

/* drv_copy_mode (driver.S) */
#define COPY_SAFEINT 0
#define COPY_INT 1
#define COPY_RAW 2
#define COPY_BIGRAW 3

/** Everything the driver is told. */
struct install {
	uint32_t image_addr;      /**< physical address of the image */
	uint32_t sectors;         /**< image size in sectors */
	uint8_t sector_shift;     /**< 9, or 11 for a CD */
	uint8_t drive;            /**< 0x00, 0x80 or 0xE0 */
	uint8_t flags;            /**< DF_* */
	uint8_t ndrives;          /**< drives of our class, for AH=08h */
	uint16_t cylinders, heads;
	uint8_t spt;
	uint8_t floppy_type;      /**< CMOS type for AH=08h BL (4 = 1.44 MB) */
	uint8_t floppy_dpt;       /**< install the DPT at INT 1Eh */
	uint8_t dpt[16];          /**< the floppy parameter table */
	uint8_t spec_packet[19];  /**< INT 13h AX=4B01h answer */
	uint16_t e801_kib, e801_blocks, kib_88;
	const struct e820_map *e820; /**< the edited map the INT 15h hook serves */
	uint32_t e820_count;      /**< its entries (before install: an estimate, for the size) */
	const char *cmdline;
	uint8_t bootloader_id;
	uint8_t copy_mode;        /**< COPY_* */
	uint8_t use_sse;          /**< the raw copy may use SSE (CPUID says so) */
};

/** Where the driver went. */
struct installed {
	uint32_t base;            /**< physical address (1 KiB aligned) */
	uint32_t size;            /**< bytes of base memory taken */
	uint32_t mbft;            /**< physical address of the mBFT */
};

/** Bytes of base memory the driver will need (before 1 KiB rounding). */
uint32_t driver_bytes(const struct install *in);

/**
 * Copy the driver below the top of base memory, fill it in, and take
 * INT 13h, INT 15h (and INT 1Eh for a floppy).
 *
 * @return 0, or -1 when base memory is too small
 */
int install_driver(const struct install *in, struct installed *out);

#endif /* MEMBOOT_INSTALL_H */
