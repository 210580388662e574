/**
 * @file iso9660.h
 *
 * Reading files from an ISO 9660 volume: path lookup through the primary
 * directory tree (with Rock Ridge names when the volume has them) or the
 * Joliet tree, directory listing, and reads through a file's extents.
 * memdisk.efi uses it when the volume it was started from has no file
 * system the firmware can read (GRUB chainloading it from a CD: UEFI
 * firmware has no ISO 9660 driver); the next issue's patched view of an
 * ISO walks the same records.
 *
 * Names match without regard to case, an ISO name's ";1" version and
 * trailing dot are ignored, and / and \ both separate path components.
 * Every byte comes through the caller's read function, every length and
 * offset read from the volume is checked, and directories larger than
 * ISO9660_MAX_DIR_BYTES are refused.
 *
 * Pure logic: no allocation; the caller's read function does the I/O.
 */
#ifndef MEMBOOT_ISO9660_H
#define MEMBOOT_ISO9660_H

#include <stddef.h>
#include <stdint.h>

#define ISO9660_BLOCK 2048u
/** Extents of one file kept (multi-extent files larger are refused). */
#define ISO9660_MAX_EXTENTS 8
/** Longest name kept (longer Rock Ridge names are cut and then do not match). */
#define ISO9660_NAME_MAX 255
/** Largest directory read. */
#define ISO9660_MAX_DIR_BYTES (16u * 1024u * 1024u)
/** Deepest path. */
#define ISO9660_MAX_DEPTH 32

enum iso9660_status {
	ISO9660_OK = 0,
	ISO9660_E_IO = -1,          /**< the read function failed */
	ISO9660_E_NOT_ISO = -2,     /**< no primary volume descriptor */
	ISO9660_E_NOT_FOUND = -3,   /**< no such file or folder */
	ISO9660_E_NOT_DIR = -4,     /**< a path component is a file */
	ISO9660_E_CORRUPT = -5,     /**< a record or descriptor makes no sense */
	ISO9660_E_TOO_BIG = -6,     /**< too many extents, too deep, too large a directory */
};

/**
 * Read @p n bytes at byte @p off of the volume into @p buf.
 *
 * @return 0, or nonzero on failure
 */
typedef int iso9660_read_fn(void *ctx, uint64_t off, void *buf, uint32_t n);

/** A file or folder found on the volume. */
struct iso9660_file {
	int dir;                /**< a folder */
	int joliet;             /**< found in the Joliet tree (its names are UCS-2) */
	uint64_t size;          /**< bytes, all extents together */
	unsigned n_extents;
	struct {
		uint32_t lba;   /**< first 2048-byte block */
		uint32_t bytes; /**< length */
	} ext[ISO9660_MAX_EXTENTS];
};

/** The volume being read. */
struct iso9660 {
	iso9660_read_fn *read;
	void *ctx;
	struct iso9660_file root;       /**< the primary tree's root */
	struct iso9660_file jroot;      /**< the Joliet tree's root (n_extents 0: none) */
	uint64_t volume_bytes;          /**< the primary descriptor's volume size */
	uint8_t sector[ISO9660_BLOCK];  /**< scratch for directory reads */
};

/**
 * Open a volume: read its descriptors.
 *
 * @return enum iso9660_status
 */
int iso9660_open(struct iso9660 *v, iso9660_read_fn *read, void *ctx);

/**
 * Find @p path ("/isos/x.iso", "isos\\x.iso"; "" or "/" is the root).
 *
 * @return enum iso9660_status; *@p f is filled on ISO9660_OK
 */
int iso9660_lookup(struct iso9660 *v, const char *path, struct iso9660_file *f);

/** Called for each entry of a folder (not "." and ".."); nonzero stops the walk. */
typedef int iso9660_entry_fn(void *ctx, const char *name, const struct iso9660_file *f);

/**
 * Call @p fn for each entry of the folder @p dir (found with
 * iso9660_lookup), with its Rock Ridge name or its ISO name.
 *
 * @return enum iso9660_status
 */
int iso9660_list(struct iso9660 *v, const struct iso9660_file *dir, iso9660_entry_fn *fn,
		 void *ctx);

/**
 * Read @p n bytes of the file @p f from byte @p off (off + n <= size).
 *
 * @return enum iso9660_status
 */
int iso9660_read(struct iso9660 *v, const struct iso9660_file *f, uint64_t off, void *buf,
		 uint64_t n);

/** Folders iso9660_refs and iso9660_files walk at most (per tree). */
#define ISO9660_MAX_DIRS 4096
/** Folder bytes they read at most (per tree): a real live ISO has well
 *  under 1 MiB of folders; a forged one could otherwise loop for hours. */
#define ISO9660_MAX_WALK_BYTES (8u * 1024u * 1024u)

/** iso9660_refs' working memory (about 32 KiB; keep it off small stacks). */
struct iso9660_refs_scratch {
	unsigned n;
	uint32_t lba[ISO9660_MAX_DIRS];
	uint32_t bytes[ISO9660_MAX_DIRS];
};

/** Called with the volume byte offset of a directory record. */
typedef void iso9660_ref_fn(void *ctx, uint64_t rec);

/**
 * Find every directory record, in every tree (primary with its Rock Ridge
 * names, and Joliet), whose file starts at block @p lba: the names a file
 * has (hard links, 8.3 and long names) all point to its extent, so
 * patching a file for every boot loader means patching all of these.
 *
 * @return enum iso9660_status
 */
int iso9660_refs(struct iso9660 *v, uint32_t lba, struct iso9660_refs_scratch *q,
		 iso9660_ref_fn *fn, void *ctx);

/**
 * Call @p fn for every file (not folder) of the primary tree, folder by
 * folder from the root; a nonzero return stops the walk of that folder.
 *
 * @return enum iso9660_status
 */
int iso9660_files(struct iso9660 *v, struct iso9660_refs_scratch *q, iso9660_entry_fn *fn,
		  void *ctx);

/** A short English phrase for an iso9660_status. */
const char *iso9660_strerror(int status);

#endif /* MEMBOOT_ISO9660_H */
