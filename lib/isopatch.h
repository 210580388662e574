/**
 * @file isopatch.h
 *
 * A patched view of an ISO 9660 image that shows a boot loader each
 * initrd with one more initramfs segment appended, while the image itself
 * is never written (the view memboot's loaders serve to the ISO's boot
 * loader; Linux later sees the pristine image).
 *
 * For each initrd: a new extent after the end of the image holds the
 * original file, zeros to a 4-byte boundary, then the segment; every
 * directory record that points at the file's extent, in every tree (the
 * primary tree with its Rock Ridge names and hard links, and Joliet), is
 * changed in a copy of its sector to the new extent and length. The view
 * is then: the image, with those few sectors replaced by their copies,
 * followed by the extension.
 *
 * Pure logic over lib/iso9660: the caller reads the image, builds the
 * extension from the plan, and serves the sectors.
 */
#ifndef MEMBOOT_ISOPATCH_H
#define MEMBOOT_ISOPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "iso9660.h"

/** Patched sectors kept (every name of every initrd; a real ISO needs 2-4). */
#define ISOPATCH_MAX_SECTORS 16
/** Initrds patched at most. */
#define ISOPATCH_MAX_FILES 4

enum isopatch_status {
	ISOPATCH_OK = 0,
	ISOPATCH_E_FULL = -1,       /**< more sectors or files than kept */
	ISOPATCH_E_MULTI = -2,      /**< a multi-extent file (over 4 GiB) */
	ISOPATCH_E_TOO_BIG = -3,    /**< the patched file would pass 4 GiB */
	ISOPATCH_E_READ = -4,       /**< the volume could not be read */
	ISOPATCH_E_NO_RECORD = -5,  /**< no directory record points at the file */
};

/** One replaced sector. */
struct isopatch_sector {
	uint32_t lba;
	uint8_t data[ISO9660_BLOCK];
};

/** One patched file and where its new contents go. */
struct isopatch_file {
	struct iso9660_file orig;   /**< the file as the image has it */
	uint32_t new_lba;           /**< its new extent (after the image) */
	uint32_t new_size;          /**< original, padding, segment */
	uint64_t ext_off;           /**< byte offset of the new extent in the extension */
	uint64_t seg_off;           /**< byte offset of the segment in the new file */
	unsigned n_records;         /**< directory records changed */
};

/** The plan. */
struct isopatch {
	uint32_t ext_lba;           /**< first block after the image: the extension */
	uint64_t ext_bytes;         /**< the extension's length (whole blocks) */
	unsigned n_sectors;
	struct isopatch_sector sec[ISOPATCH_MAX_SECTORS];
	unsigned n_files;
	struct isopatch_file file[ISOPATCH_MAX_FILES];
};

/** Start a plan for an image of @p image_bytes bytes. */
void isopatch_init(struct isopatch *p, uint64_t image_bytes);

/**
 * Plan @p f (a file found on @p v) to grow by a segment of @p seg_len bytes.
 *
 * @return enum isopatch_status (on failure, discard the plan: sectors it
 *         already held may have been changed)
 */
int isopatch_add(struct isopatch *p, struct iso9660 *v, const struct iso9660_file *f,
		 uint64_t seg_len, struct iso9660_refs_scratch *q);

/** The replaced sector @p lba, or NULL when the view shows the image's. */
const uint8_t *isopatch_sector(const struct isopatch *p, uint32_t lba);

/**
 * Does a file look like an initrd: a name with "initrd" or "initramfs"
 * (any case) and contents that start as a cpio archive or a stream of a
 * compressor the kernel unpacks (gzip, zstd, xz, lzma, bzip2, lz4, lzo)?
 *
 * @param name  the file's name
 * @param head  its first bytes
 * @param n     how many (8 suffice)
 */
int isopatch_is_initrd(const char *name, const uint8_t *head, size_t n);

/** A short English phrase for an isopatch_status. */
const char *isopatch_strerror(int status);

#endif /* MEMBOOT_ISOPATCH_H */
