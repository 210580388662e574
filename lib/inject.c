/**
 * @file inject.c
 *
 * Planning and serving the patched view that grows an ISO's initrds
 * (inject.h).
 */
#include "inject.h"

#include "fmt.h"
#include "libc.h"

static void say(struct inject *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct inject *in, const char *fmt, ...)
{
	char line[240];
	va_list ap;

	if (!in->say)
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	in->say(in->say_ctx, line);
}

/** lib/iso9660's read function: the image in memory. */
static int image_read(void *ctx, uint64_t off, void *buf, uint32_t n)
{
	const struct inject *in = ctx;

	if (off > in->image_size || n > in->image_size - off)
		return -1;
	memcpy(buf, in->image + off, n);
	return 0;
}

/** The family, with its flavour: "initramfs-tools (live-boot)". */
static void family_text(const struct initramfs_info *f, char *buf, size_t cap)
{
	if (f->flavour)
		fmt_snprintf(buf, cap, "%s (%s)", initramfs_family_name(f->family), f->flavour);
	else
		fmt_snprintf(buf, cap, "%s", initramfs_family_name(f->family));
}

/**
 * For each file of the ISO: keep it when it looks like an initrd (the walk
 * owns the volume's sector buffer: planning waits until it is over).
 */
static int collect(void *ctx, const char *name, const struct iso9660_file *f)
{
	struct inject *in = ctx;
	const uint8_t *data;
	unsigned i;

	if (f->n_extents != 1 || f->size < 8 ||
	    (uint64_t)f->ext[0].lba * ISO9660_BLOCK > in->image_size ||
	    f->size > in->image_size - (uint64_t)f->ext[0].lba * ISO9660_BLOCK)
		return 0;
	data = in->image + (uint64_t)f->ext[0].lba * ISO9660_BLOCK;
	if (!isopatch_is_initrd(name, data, 8))
		return 0;
	/* A file seen before under another name (a hard link) is one initrd. */
	for (i = 0; i < in->n_cand; i++)
		if (in->cand[i].ext[0].lba == f->ext[0].lba)
			return 0;
	if (in->n_cand >= sizeof(in->cand) / sizeof(in->cand[0]))
		return 1;
	in->cand[in->n_cand] = *f;
	fmt_snprintf(in->cand_name[in->n_cand], sizeof(in->cand_name[0]), "%s", name);
	in->n_cand++;
	return 0;
}

/** Plan one initrd the walk found, when its family is known. */
static int consider(struct inject *in, const char *name, const struct iso9660_file *f)
{
	struct initramfs_info fam;
	const uint8_t *data = in->image + (uint64_t)f->ext[0].lba * ISO9660_BLOCK;
	char what[64];
	int rc;

	initramfs_probe(data, f->size, in->scratch, in->scratch_cap, &in->st, &fam);
	if (fam.family == INITRAMFS_UNKNOWN && !fam.opaque) {
		in->skipped++;
		say(in, "inject: %s (%s) is an initramfs of no known family%s: left as it is", name,
		    initramfs_comp_name(fam.comp), fam.damaged ? " (and damaged)" : "");
		return 0;
	}
	if (fam.has_memboot) {
		say(in, "inject: %s carries memboot's integration already: left as it is", name);
		in->present++;
		return 0;
	}
	if (fam.family == INITRAMFS_MKINITCPIO && !fam.has_memdisk_hook) {
		say(in, "inject: %s is a mkinitcpio initramfs without the memdisk hook (archiso's "
		    "HOOKS run it, and memboot's segment replaces it): left as it is", name);
		in->skipped++;
		return 0;
	}
	if (fam.family == INITRAMFS_MIXED) {
		in->skipped++;
		say(in, "inject: %s has the marks of several initramfs families: left as it is",
		    name);
		return 0;
	}
	if (in->plan.n_files >= ISOPATCH_MAX_FILES)
		return 0;
	rc = isopatch_add(&in->plan, &in->iso, f, in->payload_len, &in->q);
	if (rc) {
		say(in, "inject: %s cannot be extended: %s", name, isopatch_strerror(rc));
		return rc;
	}
	in->fam[in->plan.n_files - 1] = fam;
	if (fam.opaque)
		fmt_snprintf(what, sizeof(what), "%s, not looked into: every family's hook",
			     initramfs_comp_name(fam.comp));
	else
		family_text(&fam, what, sizeof(what));
	say(in, "inject: %s (%llu KiB, %s): %s; memboot's segment (%llu KiB) appended through %u "
	    "directory record(s)", name, (unsigned long long)(f->size >> 10),
	    initramfs_comp_name(fam.comp), what, (unsigned long long)(in->payload_len >> 10),
	    in->plan.file[in->plan.n_files - 1].n_records);
	return 0;
}

int inject_make(struct inject *in, const uint8_t *image, uint64_t size, const uint8_t *payload,
		uint64_t payload_len, uint8_t *scratch, size_t scratch_cap, inject_say_fn *sayf,
		void *say_ctx)
{
	unsigned i;
	int rc;

	memset(in, 0, sizeof(*in));
	in->image = image;
	in->image_size = size;
	in->payload = payload;
	in->payload_len = payload_len;
	in->scratch = scratch;
	in->scratch_cap = scratch ? scratch_cap : 0;
	in->say = sayf;
	in->say_ctx = say_ctx;
	isopatch_init(&in->plan, size);
	rc = iso9660_open(&in->iso, image_read, in);
	if (rc) {
		say(in, "inject: not an ISO 9660 image (%s): booting unchanged", iso9660_strerror(rc));
		return 0;
	}
	rc = iso9660_files(&in->iso, &in->q, collect, in);
	if (rc) {
		say(in, "inject: the ISO's folders cannot be walked (%s): booting unchanged",
		    iso9660_strerror(rc));
		return 0;
	}
	for (i = 0; i < in->n_cand; i++) {
		if (consider(in, in->cand_name[i], &in->cand[i])) {
			say(in, "inject: booting unchanged");
			in->plan.n_files = 0;
			return 0;
		}
	}
	if (!in->plan.n_files) {
		if (in->present)
			say(in, "inject: the initramfs finds the image itself: booting unchanged");
		else if (!in->skipped)
			say(in, "inject: no initrd in the ISO: booting unchanged");
		else
			say(in, "inject: no initramfs of a known family (initramfs-tools, dracut, "
			    "mkinitcpio): booting unchanged");
		return 0;
	}
	in->active = 1;
	return 1;
}

const uint8_t *inject_sector(const struct inject *in, uint32_t lba)
{
	return in->active ? isopatch_sector(&in->plan, lba) : NULL;
}

uint64_t inject_view_bytes(const struct inject *in)
{
	if (!in->active)
		return in->image_size;
	return (uint64_t)in->plan.ext_lba * ISO9660_BLOCK + in->plan.ext_bytes;
}

void inject_read_ext(const struct inject *in, uint64_t off, uint8_t *out, uint64_t n)
{
	const struct isopatch *p = &in->plan;

	while (n) {
		const struct isopatch_file *f = NULL;
		uint64_t take, in_file = 0;
		unsigned i;

		for (i = 0; i < p->n_files; i++) {
			uint64_t start = p->file[i].ext_off;

			if (off >= start && off - start < (uint64_t)p->file[i].new_size) {
				f = &p->file[i];
				in_file = off - start;
			}
		}
		if (!f) {
			/* Padding after a file's last byte, to its block's end (or past the view). */
			take = ISO9660_BLOCK - off % ISO9660_BLOCK;
			take = take < n ? take : n;
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

void inject_read_view(const struct inject *in, uint64_t off, uint8_t *out, uint64_t n)
{
	uint64_t ext_start = in->active ? (uint64_t)in->plan.ext_lba * ISO9660_BLOCK
					: in->image_size;

	while (n) {
		uint64_t take, end = off + n;
		const uint8_t *src;
		unsigned i;

		if (off >= ext_start) {
			if (in->active) {
				inject_read_ext(in, off - ext_start, out, n);
			} else {
				memset(out, 0, n);
			}
			return;
		}
		src = inject_sector(in, (uint32_t)(off / ISO9660_BLOCK));
		if (src) {
			take = ISO9660_BLOCK - off % ISO9660_BLOCK;
			take = take < n ? take : n;
			memcpy(out, src + off % ISO9660_BLOCK, take);
		} else {
			/* The image, up to the next replaced sector or the extension. */
			if (end > ext_start)
				end = ext_start;
			for (i = 0; in->active && i < in->plan.n_sectors; i++) {
				uint64_t s = (uint64_t)in->plan.sec[i].lba * ISO9660_BLOCK;

				if (s > off && s < end)
					end = s;
			}
			take = end - off;
			if (off >= in->image_size) {
				memset(out, 0, take);   /* the last block's tail */
			} else {
				uint64_t have = in->image_size - off < take ? in->image_size - off : take;

				memcpy(out, in->image + off, have);
				memset(out + have, 0, take - have);
			}
		}
		out += take;
		off += take;
		n -= take;
	}
}
