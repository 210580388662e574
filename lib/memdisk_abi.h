/**
 * @file memdisk_abi.h
 *
 * The MEMDISK interface: the tables a memdisk leaves in base memory for the
 * operating system and other tools (mBFT, MDI, safe hook, installation
 * check). This header is the one definition of that interface in memboot:
 * the loader builds these tables and the finder reads them.
 *
 * All multi-byte fields are little-endian, as the tables live in x86 memory.
 * Structures are packed and their sizes are checked at compile time. The
 * constants are usable from assembly too (driver.S), the structures only
 * from C.
 */
#ifndef MEMBOOT_MEMDISK_ABI_H
#define MEMBOOT_MEMDISK_ABI_H

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>
#endif

/* ---- mBFT: MEMDISK Boot Firmware Table (ACPI-style header) ---- */

#define MBFT_SIGNATURE      "mBFT"
#define MBFT_OEM_ID         "MEMDSK"   /* 6 bytes */
#define MBFT_OEM_TABLE_ID   "Syslinux" /* 8 bytes */
#define MBFT_REVISION       1
#define MBFT_ALIGN          16         /* the table sits on a 16-byte boundary */
#define MBFT_HEADER_BYTES   40         /* ACPI header (36) + safe hook pointer */
#define MBFT_MIN_BYTES      66         /* the finder's lower bound on length */

/*
 * memboot's copy of the mBFT among the ACPI tables (memdisk.efi publishes it
 * through the firmware's ACPI table protocol), for a kernel whose /dev/mem
 * is closed (lockdown under Secure Boot): Linux shows it, to root, as
 * /sys/firmware/acpi/tables/MBFT. Its bytes are the mBFT's as they are in
 * base memory (header, safe hook address, MDI, the 64-bit extension when
 * there is one) followed by the command line and its NUL; the signature is
 * MBFT_ACPI_SIGNATURE, and the length and checksum are those of the whole.
 * The MDI's command-line pointer still names the copy in base memory.
 */
#define MBFT_ACPI_SIGNATURE "MBFT"
#define MBFT_ACPI_CMDLINE_MAX 4095     /* the command line's bytes, its NUL not counted */

/* ---- MDI: MEMDISK info ---- */

#define MDI_BYTES           30         /* size of the MDI this header describes */
#define MBFT_EXT_SIGNATURE  "MB64"     /* memboot's 64-bit extension (struct mbft_ext) */
#define MBFT_EXT_BYTES      24
#define MDI_MIN_BYTES       26         /* MBFT_MIN_BYTES - MBFT_HEADER_BYTES */
/* The MDI version memboot reports: above SYSLINUX's last release (6.04),
 * so that tools testing for features by version see all of them. */
#define MDI_VERSION_MAJOR   6
#define MDI_VERSION_MINOR   5

/* ---- Safe hook: at the INT 13h entry point of the resident driver ---- */

#define SAFE_HOOK_SIGNATURE "$INT13SF"
#define SAFE_HOOK_VENDOR    "MEMDISK "
#define SAFE_HOOK_BYTES     31         /* the whole structure, jump included */
#define SAFE_HOOK_OLD_INT13 19         /* offset of old_int13 (the driver chains through it) */

/* ---- INT 13h installation check (AH=08h with magic high words) ----
 * Each pair of letters is a 16-bit word in memory order: 'ME' is 'M' in
 * the low byte (0x454D). Checked against SYSLINUX MEMDISK by the probe
 * boot test (tests/boot/probe.S). */

#define INSTALL_CHECK_EAX_IN 0x454d /* 'ME' */
#define INSTALL_CHECK_ECX_IN 0x444d /* 'MD' */
#define INSTALL_CHECK_EDX_IN 0x5349 /* 'IS' */
#define INSTALL_CHECK_EBX_IN 0x3f4b /* 'K?' */
#define INSTALL_CHECK_EAX_OUT 0x4d21 /* '!M' */
#define INSTALL_CHECK_ECX_OUT 0x4d45 /* 'EM' */
#define INSTALL_CHECK_EDX_OUT 0x4944 /* 'DI' */
#define INSTALL_CHECK_EBX_OUT 0x4b53 /* 'SK' */

/* ---- Where the finder looks ---- */

#define BASEMEM_TOP         0xa0000u   /* end of conventional memory */
#define BDA_BASEMEM_KIB     0x413u     /* BIOS data area: base memory in KiB */
#define BASEMEM_MIN         (64u * 1024u)
#define BASEMEM_MAX         (640u * 1024u)

#ifndef __ASSEMBLY__

/** The MDI, as found after the mBFT header and at ES:DI of the install check. */
struct mdi {
	uint16_t bytes;         /**< +0  size of this structure (30) */
	uint8_t version_minor;  /**< +2 */
	uint8_t version_major;  /**< +3 */
	uint32_t diskbuf;       /**< +4  physical address of the image */
	uint32_t disksize;      /**< +8  image size in sectors */
	uint16_t cmdline_off;   /**< +12 command line, far pointer: offset */
	uint16_t cmdline_seg;   /**< +14 ... and segment */
	uint32_t old_int13;     /**< +16 previous INT 13h vector (seg:off) */
	uint32_t old_int15;     /**< +20 previous INT 15h vector (seg:off) */
	uint16_t old_dosmem;    /**< +24 base memory in KiB before the driver */
	uint8_t bootloader_id;  /**< +26 boot loader ID from the setup header */
	uint8_t sector_shift;   /**< +27 log2 of the sector size (0 means 9) */
	uint16_t dpt_offset;    /**< +28 offset of the DPT in the driver, or 0 */
} __attribute__((packed));

/** The mBFT: an ACPI table header, the safe hook address, then the MDI. */
struct mbft {
	char signature[4];      /**< +0  "mBFT" */
	uint32_t length;        /**< +4  MBFT_HEADER_BYTES + mdi.bytes */
	uint8_t revision;       /**< +8  1 */
	uint8_t checksum;       /**< +9  all bytes of the table sum to 0 */
	char oem_id[6];         /**< +10 "MEMDSK" */
	char oem_table_id[8];   /**< +16 "Syslinux" */
	uint8_t reserved[12];   /**< +24 zero */
	uint32_t safe_hook;     /**< +36 physical address of the safe hook */
	struct mdi mdi;         /**< +40 */
} __attribute__((packed));

/** The safe hook, as it sits at the driver's INT 13h entry. */
struct safe_hook {
	uint8_t jump[3];        /**< +0  jump over the structure */
	char signature[8];      /**< +3  "$INT13SF" */
	char vendor[8];         /**< +11 "MEMDISK " */
	uint32_t old_int13;     /**< +19 previous INT 13h vector (seg:off) */
	uint32_t flags;         /**< +23 */
	uint32_t mbft;          /**< +27 physical address of the mBFT */
} __attribute__((packed));

/**
 * memboot's extension for an image above 4 GiB (memdisk.efi), which the
 * MDI's 32-bit fields cannot describe: the mBFT carries this block after the
 * MDI, its length grows by MBFT_EXT_BYTES, and the MDI's diskbuf and
 * disksize are 0. SYSLINUX's memdiskfind wants a length of exactly
 * MBFT_HEADER_BYTES + MDI bytes, so it finds nothing (its right answer:
 * it could not print the address); memboot's finder reads the block.
 */
struct mbft_ext {
	char signature[4];      /**< +0  "MB64" */
	uint32_t bytes;         /**< +4  MBFT_EXT_BYTES */
	uint64_t base;          /**< +8  physical address of the image */
	uint64_t size;          /**< +16 its size in bytes (whole pages) */
} __attribute__((packed));

/** An mBFT with the extension. */
struct mbft64 {
	struct mbft classic;
	struct mbft_ext ext;
} __attribute__((packed));

_Static_assert(sizeof(struct mdi) == MDI_BYTES, "MDI layout");
_Static_assert(sizeof(struct mbft_ext) == MBFT_EXT_BYTES, "mBFT extension layout");
_Static_assert(sizeof(struct mbft) == MBFT_HEADER_BYTES + MDI_BYTES, "mBFT layout");
_Static_assert(sizeof(struct safe_hook) == SAFE_HOOK_BYTES, "safe hook layout");
_Static_assert(offsetof(struct safe_hook, old_int13) == SAFE_HOOK_OLD_INT13, "safe hook layout");
#endif /* !__ASSEMBLY__ */

#endif /* MEMBOOT_MEMDISK_ABI_H */
