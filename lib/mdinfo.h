/**
 * @file mdinfo.h
 *
 * What a found mBFT says, for people and programs: the drive kind and
 * geometry where they can be known, the phram parameter, and the JSON
 * rendering used by `memdiskfind --json`. Pure logic.
 */
#ifndef MEMBOOT_MDINFO_H
#define MEMBOOT_MDINFO_H

#include <stddef.h>
#include <stdint.h>

#include "mbft_scan.h"

/** The kind of BIOS drive the memdisk emulates. */
enum md_drive {
	MD_DRIVE_UNKNOWN = 0,
	MD_DRIVE_FLOPPY,
	MD_DRIVE_HARDDISK,
	MD_DRIVE_CDROM,
};

/** CHS geometry; all zero when unknown. */
struct md_geometry {
	uint32_t cylinders, heads, sectors;
};

/** Drive kind and geometry, with where each came from. */
struct md_disk {
	enum md_drive drive;
	const char *drive_source;    /**< "sector size", "command line" or "image size" */
	struct md_geometry geo;
	const char *geo_source;      /**< "command line", "floppy size" or NULL */
};

/**
 * Find option @p name in a memdisk command line (space separated words,
 * "name" or "name=value").
 *
 * @param cmdline the command line
 * @param name    option name
 * @param value   out, optional: the text after '=' (not NUL-terminated)
 * @param vlen    out, optional: its length (0 when there is no '=')
 * @return 1 if present, 0 if not
 */
int md_cmdline_opt(const char *cmdline, const char *name, const char **value,
		   size_t *vlen);

/** Work out the drive kind and geometry from a scan result. */
void md_describe(const struct mbft_result *r, struct md_disk *d);

/** Name of a drive kind: "floppy", "harddisk", "cdrom", "unknown". */
const char *md_drive_str(enum md_drive d);

/**
 * Render the phram parameter "memdisk,START,LEN[,ERASESIZE]" (the erase size
 * appears when it is not @p page, which is phram's default).
 *
 * @return snprintf's return value
 */
int md_phram_param(const struct mbft_result *r, uint32_t page, char *buf, size_t n);

/**
 * Render every field of the table as one JSON object (with a newline).
 *
 * @return bytes that the full text needs (excluding NUL), as snprintf
 */
size_t md_json(const struct mbft_result *r, char *buf, size_t n);

#endif /* MEMBOOT_MDINFO_H */
