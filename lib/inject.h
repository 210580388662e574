/**
 * @file inject.h
 *
 * The injection both loaders make for an unmodified live ISO: find each
 * initrd of the ISO (lib/iso9660), tell its initramfs family
 * (lib/initramfs), and plan the patched view that shows the ISO's boot
 * loader the initrd with memboot's segment appended (lib/isopatch); then
 * serve that view's extension (the grown initrds) as it is read, from the
 * original initrd in the image and the segment, without copying either.
 * docs/design.md, "Unmodified live ISOs", says why a view and not a patch.
 *
 * An initrd is grown when its family is known (initramfs-tools, dracut,
 * mkinitcpio) or when its compression cannot be looked into (the segment
 * carries every family's hook, each where only its family looks); one of
 * no known family is left as it is. Each finding is said in one line
 * through the caller's function.
 *
 * Pure logic: the image and the segment are in memory; no allocation.
 */
#ifndef MEMBOOT_INJECT_H
#define MEMBOOT_INJECT_H

#include <stddef.h>
#include <stdint.h>

#include "inflate.h"
#include "initramfs.h"
#include "iso9660.h"
#include "isopatch.h"

/** Receives each line the planning says (no newline at the end). */
typedef void inject_say_fn(void *ctx, const char *line);

/** The scratch a caller should give inject_make (a gzip initrd's first part). */
#define INJECT_SCRATCH_BYTES (1u << 20)

/** One injection: about 110 KiB, keep it static. */
struct inject {
	int active;                     /**< the view differs from the image */
	struct isopatch plan;           /**< the replaced sectors, the new extents */
	struct initramfs_info fam[ISOPATCH_MAX_FILES];  /**< each planned initrd's family */
	unsigned skipped;               /**< initrds of no known family, left as they are */
	unsigned present;               /**< initrds with memboot's integration, left as they are */
	const uint8_t *image;
	uint64_t image_size;
	const uint8_t *payload;         /**< the segment */
	uint64_t payload_len;
	/* Working state. */
	struct iso9660 iso;
	struct iso9660_refs_scratch q;  /**< the walks' queue of folders */
	unsigned n_cand;                /**< initrds the walk found (planned after it) */
	struct iso9660_file cand[2 * ISOPATCH_MAX_FILES];
	char cand_name[2 * ISOPATCH_MAX_FILES][40];
	struct inflate_state st;
	uint8_t *scratch;
	size_t scratch_cap;
	inject_say_fn *say;
	void *say_ctx;
};

/**
 * Plan the view of the ISO @p image (@p size bytes in memory) with the
 * segment @p payload (@p payload_len bytes) appended to each initrd.
 * Never fails the boot: when nothing applies or something is in the way,
 * in->active stays 0 and a line says why.
 *
 * @param scratch  INJECT_SCRATCH_BYTES (or fewer) bytes for a gzip initrd's
 *                 first part (NULL: gzip initrds count as not looked into)
 * @return 1 when the view differs from the image (in->active)
 */
int inject_make(struct inject *in, const uint8_t *image, uint64_t size, const uint8_t *payload,
		uint64_t payload_len, uint8_t *scratch, size_t scratch_cap, inject_say_fn *say,
		void *say_ctx);

/** The view's sector @p lba (2048 bytes) when replaced, else NULL. */
const uint8_t *inject_sector(const struct inject *in, uint32_t lba);

/**
 * Read @p n bytes at byte @p off of the extension (the view past the
 * image's last whole block: the grown initrds, zero-padded to blocks).
 */
void inject_read_ext(const struct inject *in, uint64_t off, uint8_t *out, uint64_t n);

/**
 * Read @p n bytes at byte @p off of the whole view (image with replaced
 * sectors, then the extension; zeros past the view's end).
 */
void inject_read_view(const struct inject *in, uint64_t off, uint8_t *out, uint64_t n);

/** The view's length in bytes: the image's whole blocks plus the extension. */
uint64_t inject_view_bytes(const struct inject *in);

#endif /* MEMBOOT_INJECT_H */
