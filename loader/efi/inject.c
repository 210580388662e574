/**
 * @file inject.c
 *
 * Unmodified live ISOs finding their medium: the ISO's boot loader is shown
 * a patched view of the image in which each initrd has one more initramfs
 * segment appended (payload.S: memdisk-attach and its hooks), so that the
 * distribution's initramfs attaches the image before it looks for its
 * medium. The image itself is never written: the plan (lib/isopatch) keeps
 * copies of the few directory sectors it changes, and the grown initrds
 * appear after the image's last block, assembled as they are read from the
 * original initrd in the image and the embedded segment (nothing is
 * copied); only memdisk.efi's own block device can show that view
 * (disk.c). Linux later sees the pristine image through the NFIT and the
 * mBFT.
 *
 * Work in progress (issue: unmodified live ISOs): opt-in with the option
 * "inject"; the segment carries the initramfs-tools hook (Debian live-boot,
 * Ubuntu casper) and the dracut hook (dmsquash-live), each where only its
 * family looks.
 */
#include "iso9660.h"
#include "isopatch.h"
#include "libc.h"
#include "loader.h"

extern const uint8_t payload_start[], payload_end[];

/** The state of this run's injection (one per run). */
static struct {
	struct iso9660 iso;
	struct iso9660_refs_scratch q;
	struct isopatch plan;
	const struct image *img;
	unsigned tries;
	int rc;
} s;

/** lib/iso9660's read function: the image in memory. */
static int image_read(void *ctx, uint64_t off, void *buf, uint32_t n)
{
	const struct image *img = ctx;

	if (off > img->size || n > img->size - off)
		return -1;
	memcpy(buf, (const uint8_t *)img->base + off, n);
	return 0;
}

/** For each file of the ISO: plan it when it looks like an initrd. */
static int consider(void *ctx, const char *name, const struct iso9660_file *f)
{
	uint8_t head[8];
	uint64_t payload = (uint64_t)(payload_end - payload_start);
	int rc;

	(void)ctx;
	if (f->n_extents != 1 || f->size < sizeof(head) ||
	    image_read((void *)s.img, (uint64_t)f->ext[0].lba * ISO9660_BLOCK, head, sizeof(head)) ||
	    !isopatch_is_initrd(name, head, sizeof(head)))
		return 0;
	/* A file seen before under another name (a hard link) is planned already. */
	for (unsigned i = 0; i < s.plan.n_files; i++)
		if (s.plan.file[i].orig.ext[0].lba == f->ext[0].lba)
			return 0;
	if (s.tries++ >= ISOPATCH_MAX_FILES)
		return 1;
	rc = isopatch_add(&s.plan, &s.iso, f, payload, &s.q);
	if (rc) {
		info("inject: %s cannot be extended: %s\n", name, isopatch_strerror(rc));
		s.rc = rc;
		return 1;
	}
	info("inject: %s (%llu KiB) gets memboot's segment (%llu KiB) through %u directory "
	     "record(s)\n", name, (unsigned long long)(f->size >> 10),
	     (unsigned long long)(payload >> 10), s.plan.file[s.plan.n_files - 1].n_records);
	return 0;
}

efi_status inject_plan(const struct image *img, struct inject *in)
{
	uint64_t t0 = now_us(), payload = (uint64_t)(payload_end - payload_start);
	int rc;

	memset(in, 0, sizeof(*in));
	memset(&s, 0, sizeof(s));
	if (!img->kind.cd) {
		info("inject: only ISO images are extended yet: booting unchanged\n");
		return EFI_SUCCESS;
	}
	s.img = img;
	isopatch_init(&s.plan, img->size);
	rc = iso9660_open(&s.iso, image_read, (void *)img);
	if (!rc)
		rc = iso9660_files(&s.iso, &s.q, consider, NULL);
	if (rc || s.rc) {
		info("inject: the ISO's folders cannot be walked (%s): booting unchanged\n",
		     rc ? iso9660_strerror(rc) : isopatch_strerror(s.rc));
		return EFI_SUCCESS;
	}
	if (!s.plan.n_files) {
		info("inject: no initrd in the ISO: booting unchanged\n");
		return EFI_SUCCESS;
	}
	in->active = 1;
	in->plan = &s.plan;
	in->image = (const uint8_t *)img->base;
	in->payload = payload_start;
	in->payload_len = payload;
	info("inject: %u initrd(s) extended, %u directory sector(s) patched, in %u us; the "
	     "image stays as it is\n", s.plan.n_files, s.plan.n_sectors,
	     (unsigned)(now_us() - t0));
	return EFI_SUCCESS;
}

void inject_free(struct inject *in)
{
	memset(in, 0, sizeof(*in));
}

void inject_read_ext(const struct inject *in, uint64_t off, uint8_t *out, uint64_t n)
{
	const struct isopatch *p = in->plan;

	while (n) {
		const struct isopatch_file *f = NULL;
		uint64_t take = n, in_file = 0;
		unsigned i;

		for (i = 0; i < p->n_files; i++) {
			uint64_t start = p->file[i].ext_off;

			if (off >= start && off - start < (uint64_t)p->file[i].new_size) {
				f = &p->file[i];
				in_file = off - start;
			}
		}
		if (!f) {
			/* Padding after a file's last byte, to its block's end. */
			take = ISO9660_BLOCK - off % ISO9660_BLOCK < n ? ISO9660_BLOCK - off % ISO9660_BLOCK : n;
			memset(out, 0, take);
		} else if (in_file < f->orig.size) {
			/* The original initrd: straight from the image. */
			take = f->orig.size - in_file < n ? f->orig.size - in_file : n;
			memcpy(out, in->image + (uint64_t)f->orig.ext[0].lba * ISO9660_BLOCK + in_file,
			       take);
		} else if (in_file < f->seg_off) {
			take = f->seg_off - in_file < n ? f->seg_off - in_file : n;
			memset(out, 0, take);
		} else {
			uint64_t k = in_file - f->seg_off;

			take = in->payload_len - k < n ? in->payload_len - k : n;
			memcpy(out, in->payload + k, take);
		}
		out += take;
		off += take;
		n -= take;
	}
}
