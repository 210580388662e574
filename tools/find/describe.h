/**
 * @file describe.h
 *
 * What a found mBFT says, for people and programs: the drive kind and
 * geometry where they can be known, the phram parameter, and the JSON of
 * `memdiskfind --json`. The command line is read with the loader's own
 * parser (lib/options.c) and floppy sizes with the loader's own table
 * (lib/geometry.c), so the tools describe an image as the loader booted it.
 * Pure logic (hosted: it formats with snprintf).
 */
#ifndef MEMBOOT_DESCRIBE_H
#define MEMBOOT_DESCRIBE_H

#include <stddef.h>
#include <stdint.h>

#include "mbft_scan.h"

/** The kind of BIOS drive the memdisk emulates. */
enum describe_drive {
	DESCRIBE_DRIVE_UNKNOWN = 0,
	DESCRIBE_DRIVE_FLOPPY,
	DESCRIBE_DRIVE_HARDDISK,
	DESCRIBE_DRIVE_CDROM,
};

/** CHS geometry; all zero when unknown. */
struct describe_geometry {
	uint32_t cylinders, heads, sectors;
};

/** Drive kind and geometry, with where each came from. */
struct describe {
	enum describe_drive drive;
	const char *drive_source;       /**< "sector size", "command line", "image size" or "unknown" */
	struct describe_geometry geo;
	const char *geometry_source;    /**< "command line", "floppy size" or NULL */
};

/** Work out the drive kind and geometry from a scan result. */
void describe_image(const struct mbft_scan_result *r, struct describe *d);

/** Name of a drive kind: "floppy", "harddisk", "cdrom", "unknown". */
const char *describe_drive_str(enum describe_drive d);

/**
 * The phram erase size for an image of @p len bytes: the largest power of
 * two no bigger than @p page that divides @p len (0 if len or page is 0).
 */
uint32_t describe_phram_erase_size(uint64_t len, uint32_t page);

/**
 * Render the phram parameter "memdisk,START,LEN[,ERASESIZE]" for the image
 * at @p addr, @p len bytes long (the erase size appears when it is not
 * @p page, which is phram's default).
 *
 * @return snprintf's return value
 */
int describe_phram(uint64_t addr, uint64_t len, uint32_t page, char *buf, size_t n);

/**
 * Render every field of the table as one JSON object (with a newline).
 *
 * @return bytes that the full text needs (excluding NUL), as snprintf
 */
size_t describe_json(const struct mbft_scan_result *r, char *buf, size_t n);

#endif /* MEMBOOT_DESCRIBE_H */
