/**
 * @file fuzz_iso9660.c
 *
 * libFuzzer target for the ISO 9660 reader: the input is a volume from
 * block 16 on (the system area before it is zeros) in an exact-size heap
 * buffer, read through a bounds-checked callback; a few paths are looked
 * up, the root is listed, what is found is read whole, and the records of
 * one extent are looked for in every tree, and a patch of every file is
 * planned (lib/isopatch); then the injection both loaders make
 * (lib/inject) is planned and its whole view read: every read must stay
 * inside the volume and the segment.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iso9660.h"
#include "inject.h"
#include "isopatch.h"

#define PREFIX (16u * ISO9660_BLOCK)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct vol {
	uint8_t *p;
	size_t n;
};

static int rd(void *ctx, uint64_t off, void *buf, uint32_t n)
{
	struct vol *v = ctx;

	if (off > v->n || n > v->n - off)
		return -1;
	memcpy(buf, v->p + off, n);
	return 0;
}

static void ref(void *ctx, uint64_t rec)
{
	struct vol *v = ctx;

	if (rec >= v->n)
		abort();        /* a record the walk read must lie on the volume */
}

static int entry(void *ctx, const char *name, const struct iso9660_file *f)
{
	(void)ctx;
	if (strlen(name) > ISO9660_NAME_MAX || f->n_extents > ISO9660_MAX_EXTENTS)
		abort();
	return 0;
}

/** Plan a patch of every file walked (up to the plan's limit). */
static struct iso9660 *plan_v;
static struct iso9660_refs_scratch plan_q;
static struct isopatch plan;
static unsigned plan_tries;

/** Plan the first few files, as a loader would its few initrds. */
static int plan_file(void *ctx, const char *name, const struct iso9660_file *f)
{
	(void)ctx;
	(void)name;
	if (plan_tries++ < ISOPATCH_MAX_FILES)
		isopatch_add(&plan, plan_v, f, 4096, &plan_q);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct iso9660 iso;
	static const char *const paths[] = { "/", "/a", "/isos/test.iso", "boot\\grub\\grub.cfg" };
	struct vol v = { malloc(PREFIX + size), PREFIX + size };
	struct iso9660_file f;
	size_t i;

	memset(v.p, 0, PREFIX);
	memcpy(v.p + PREFIX, data, size);
	if (iso9660_open(&iso, rd, &v) == ISO9660_OK) {
		static struct iso9660_refs_scratch q;

		iso9660_refs(&iso, 18 + (uint32_t)(size & 15), &q, ref, &v);
		isopatch_init(&plan, v.n);
		plan_v = &iso;
		plan_tries = 0;
		iso9660_files(&iso, &q, plan_file, NULL);
		for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
			if (iso9660_lookup(&iso, paths[i], &f) != ISO9660_OK)
				continue;
			if (f.dir) {
				iso9660_list(&iso, &f, entry, NULL);
			} else if (f.size <= (1u << 20)) {
				uint8_t *buf = malloc(f.size + 1);

				iso9660_read(&iso, &f, 0, buf, f.size);
				free(buf);
			}
		}
	}
	{
		static struct inject inj;
		static uint8_t scratch[1 << 16], seg[3000], out[1 << 16];
		uint64_t off, n;

		inject_make(&inj, v.p, v.n, seg, sizeof(seg), scratch, sizeof(scratch), NULL, NULL);
		n = inject_view_bytes(&inj);
		if (inj.active && n < v.n)
			abort();        /* the view holds the whole image */
		for (off = 0; off < n && off < (64u << 20); off += sizeof(out))
			inject_read_view(&inj, off, out, n - off < sizeof(out) ? n - off : sizeof(out));
	}
	free(v.p);
	return 0;
}
