/**
 * @file isopatch.c
 *
 * The patched view of an ISO that grows its initrds (see isopatch.h).
 */
#include "isopatch.h"

#include "initramfs.h"

#include "libc.h"

static void put_both32(uint8_t *p, uint32_t v)
{
	p[0] = p[7] = (uint8_t)v;
	p[1] = p[6] = (uint8_t)(v >> 8);
	p[2] = p[5] = (uint8_t)(v >> 16);
	p[3] = p[4] = (uint8_t)(v >> 24);
}

void isopatch_init(struct isopatch *p, uint64_t image_bytes)
{
	memset(p, 0, sizeof(*p));
	p->ext_lba = (uint32_t)((image_bytes + ISO9660_BLOCK - 1) / ISO9660_BLOCK);
}

const uint8_t *isopatch_sector(const struct isopatch *p, uint32_t lba)
{
	unsigned i;

	for (i = 0; i < p->n_sectors; i++)
		if (p->sec[i].lba == lba)
			return p->sec[i].data;
	return NULL;
}

/** isopatch_add's work in progress: records found, sectors to change. */
struct add_ctx {
	struct isopatch *p;
	struct iso9660 *v;
	unsigned n_sectors;         /* the plan's sectors plus the new ones */
	uint32_t new_lba, new_size;
	unsigned records;
	int rc;
};

/** Change the record at volume byte @p rec (in a copy of its sector). */
static void patch_record(void *ctx, uint64_t rec)
{
	struct add_ctx *c = ctx;
	struct isopatch *p = c->p;
	uint32_t lba = (uint32_t)(rec / ISO9660_BLOCK);
	unsigned off = (unsigned)(rec % ISO9660_BLOCK), i;
	uint8_t *d = NULL;

	if (c->rc)
		return;
	for (i = 0; i < c->n_sectors; i++)
		if (p->sec[i].lba == lba)
			d = p->sec[i].data;
	if (!d) {
		if (c->n_sectors >= ISOPATCH_MAX_SECTORS) {
			c->rc = ISOPATCH_E_FULL;
			return;
		}
		d = p->sec[c->n_sectors].data;
		if (c->v->read(c->v->ctx, (uint64_t)lba * ISO9660_BLOCK, d, ISO9660_BLOCK)) {
			c->rc = ISOPATCH_E_READ;
			return;
		}
		p->sec[c->n_sectors].lba = lba;
		c->n_sectors++;
	}
	if (off + 18 > ISO9660_BLOCK) {
		c->rc = ISOPATCH_E_READ;
		return;
	}
	put_both32(d + off + 2, c->new_lba);
	put_both32(d + off + 10, c->new_size);
	c->records++;
}

int isopatch_add(struct isopatch *p, struct iso9660 *v, const struct iso9660_file *f,
		 uint64_t seg_len, struct iso9660_refs_scratch *q)
{
	struct add_ctx c;
	uint64_t size = ((f->size + 3) & ~(uint64_t)3) + seg_len, blocks;
	struct isopatch_file *pf;
	int rc;

	if (p->n_files >= ISOPATCH_MAX_FILES)
		return ISOPATCH_E_FULL;
	if (f->n_extents != 1)
		return ISOPATCH_E_MULTI;
	if (size > 0xffffffffu - ISO9660_BLOCK)
		return ISOPATCH_E_TOO_BIG;
	blocks = (size + ISO9660_BLOCK - 1) / ISO9660_BLOCK;
	if ((uint64_t)p->ext_lba + p->ext_bytes / ISO9660_BLOCK + blocks > 0xffffffffu)
		return ISOPATCH_E_TOO_BIG;
	memset(&c, 0, sizeof(c));
	c.p = p;
	c.v = v;
	c.n_sectors = p->n_sectors;
	c.new_lba = p->ext_lba + (uint32_t)(p->ext_bytes / ISO9660_BLOCK);
	c.new_size = (uint32_t)size;
	rc = iso9660_refs(v, f->ext[0].lba, q, patch_record, &c);
	if (rc)
		return ISOPATCH_E_READ;
	if (c.rc)
		return c.rc;
	if (!c.records)
		return ISOPATCH_E_NO_RECORD;
	/* A sector patched for an earlier file was patched in place: the
	 * plan's own copy is the one that counts, and patch_record used it. */
	p->n_sectors = c.n_sectors;
	pf = &p->file[p->n_files++];
	pf->orig = *f;
	pf->new_lba = c.new_lba;
	pf->new_size = c.new_size;
	pf->ext_off = p->ext_bytes;
	pf->seg_off = (f->size + 3) & ~(uint64_t)3;
	pf->n_records = c.records;
	p->ext_bytes += blocks * ISO9660_BLOCK;
	return ISOPATCH_OK;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/** Does @p name contain @p word (lower case), without regard to case? */
static int contains(const char *name, const char *word)
{
	size_t n = strlen(name), w = strlen(word), i, j;

	for (i = 0; i + w <= n; i++) {
		for (j = 0; j < w && lower(name[i + j]) == word[j]; j++)
			;
		if (j == w)
			return 1;
	}
	return 0;
}

int isopatch_is_initrd(const char *name, const uint8_t *h, size_t n)
{
	return (contains(name, "initrd") || contains(name, "initramfs")) &&
	       initramfs_compression(h, n) != INITRAMFS_COMP_UNKNOWN;
}

const char *isopatch_strerror(int status)
{
	switch (status) {
	case ISOPATCH_OK:
		return "ok";
	case ISOPATCH_E_FULL:
		return "too many initrds or directory sectors to patch";
	case ISOPATCH_E_MULTI:
		return "the initrd is a multi-extent file";
	case ISOPATCH_E_TOO_BIG:
		return "the initrd would pass 4 GiB";
	case ISOPATCH_E_READ:
		return "the image's directories could not be read";
	case ISOPATCH_E_NO_RECORD:
		return "no directory record points at the initrd";
	}
	return "unknown status";
}
