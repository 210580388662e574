/**
 * @file initramfs.h
 *
 * Which initramfs family built an initrd, told from the initrd's own
 * contents: the loaders look before they append memboot's segment
 * (docs/design.md, "Unmodified live ISOs"), so that the boot says what it
 * found and an initrd of no known family boots unchanged.
 *
 * An initrd is a run of cpio ("newc") segments, each plain or compressed,
 * zero-padded between them. The probe walks the plain ones in place and
 * unpacks the first part of a gzip one into a caller's scratch buffer (the
 * families' builders sort their archives, so the marker files come within
 * the first few hundred KiB); a segment in another compression is named
 * and not looked into.
 *
 * Markers (paths inside the archive, leading "./" or "/" ignored):
 * - initramfs-tools: conf/initramfs.conf, scripts/init-premount/;
 *   flavours scripts/live (live-boot), scripts/casper (casper)
 * - dracut: usr/lib/dracut/ or lib/dracut/, etc/cmdline.d;
 *   flavour: a name with dmsquash-live (dmsquash-live)
 * - mkinitcpio: init_functions, hooks/; flavour hooks/archiso (archiso)
 * and memboot's own integration: scripts/init-premount/memboot,
 * hooks/memboot, a name with memdisk-attach or memboot-attach.
 *
 * Pure logic over lib/cpio and lib/inflate.
 */
#ifndef MEMBOOT_INITRAMFS_H
#define MEMBOOT_INITRAMFS_H

#include <stddef.h>
#include <stdint.h>

#include "inflate.h"

enum initramfs_family {
	INITRAMFS_UNKNOWN = 0,
	INITRAMFS_TOOLS,        /**< initramfs-tools (Debian, Ubuntu) */
	INITRAMFS_DRACUT,       /**< dracut (Fedora family, openSUSE) */
	INITRAMFS_MKINITCPIO,   /**< mkinitcpio (Arch) */
	INITRAMFS_MIXED,        /**< markers of more than one family */
};

enum initramfs_comp {
	INITRAMFS_COMP_NONE = 0,        /**< a plain cpio archive */
	INITRAMFS_COMP_GZIP,
	INITRAMFS_COMP_ZSTD,
	INITRAMFS_COMP_XZ,
	INITRAMFS_COMP_LZMA,
	INITRAMFS_COMP_BZIP2,
	INITRAMFS_COMP_LZ4,
	INITRAMFS_COMP_LZO,
	INITRAMFS_COMP_UNKNOWN,         /**< not a cpio archive or a known stream */
};

/** What the probe found. */
struct initramfs_info {
	int family;             /**< enum initramfs_family */
	const char *flavour;    /**< "live-boot", "casper", "dmsquash-live", "archiso" or NULL */
	int comp;               /**< compression of the last segment looked at */
	int opaque;             /**< a segment's compression could not be looked into */
	int damaged;            /**< a segment ended in bytes that are not what they claim */
	int has_memboot;        /**< memboot's integration is in it already */
	int has_memdisk_hook;   /**< mkinitcpio: hooks/memdisk (archiso's HOOKS run it) */
	unsigned segments;      /**< segments looked at */
	unsigned entries;       /**< archive entries whose names were read */
};

/** The compression a segment's first bytes announce (enum initramfs_comp). */
int initramfs_compression(const uint8_t *head, size_t n);

/**
 * Tell the family of the initrd @p p (@p len bytes).
 *
 * @param scratch  where a gzip segment's first @p cap bytes are unpacked
 *                 (NULL: gzip segments count as opaque); 1 MiB finds the
 *                 markers of every family's sorted archive
 * @param st       inflate's working memory (with @p scratch)
 * @param out      the findings
 * @return out->family
 */
int initramfs_probe(const uint8_t *p, size_t len, uint8_t *scratch, size_t cap,
		    struct inflate_state *st, struct initramfs_info *out);

/** "initramfs-tools", "dracut", "mkinitcpio", "no known family", "several families". */
const char *initramfs_family_name(int family);

/** "uncompressed", "gzip", "zstd", ... */
const char *initramfs_comp_name(int comp);

#endif /* MEMBOOT_INITRAMFS_H */
