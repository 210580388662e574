/**
 * @file test_iso9660.c
 *
 * Reading files from an ISO 9660 volume (lib/iso9660.c), over a small
 * volume laid out here: a primary tree with ISO names and Rock Ridge NM
 * names, a multi-extent file, a Joliet tree, and broken records.
 */
#include <stdlib.h>

#include "iso9660.h"
#include "isopatch.h"
#include "test.h"

#define B ISO9660_BLOCK
#define BLOCKS 40

static uint8_t vol[BLOCKS * B];
static int reads_fail;

static int rd(void *ctx, uint64_t off, void *buf, uint32_t n)
{
	(void)ctx;
	if (reads_fail || off > sizeof(vol) || n > sizeof(vol) - off)
		return -1;
	memcpy(buf, vol + off, n);
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/** Write a directory record at @p p; return its length. */
static unsigned rec(uint8_t *p, uint32_t lba, uint32_t bytes, uint8_t flags, const char *name,
		    unsigned nl, const char *rr)
{
	unsigned len = 33 + nl + ((nl & 1) ? 0 : 1);

	memset(p, 0, 33);
	put32(p + 2, lba);
	put32(p + 10, bytes);
	p[25] = flags;
	p[32] = (uint8_t)nl;
	memcpy(p + 33, name, nl);
	if (rr) {
		uint8_t *e = p + len;
		unsigned n = (unsigned)strlen(rr);

		e[0] = 'N';
		e[1] = 'M';
		e[2] = (uint8_t)(5 + n);
		e[3] = 1;
		e[4] = 0;
		memcpy(e + 5, rr, n);
		len += 5 + n;
	}
	if (len & 1)
		len++;
	p[0] = (uint8_t)len;
	return len;
}

/** Lay the volume out. */
static void layout(void)
{
	uint8_t *p;
	static const uint8_t jname[] = { 0, 'l', 0, 'o', 0, 'n', 0, 'g', 0, '-', 0, 'n',
					  0, 'a', 0, 'm', 0, 'e', 0, '.', 0, 't', 0, 'x', 0, 't' };

	memset(vol, 0, sizeof(vol));
	/* PVD at 16 (root at 20), Joliet SVD at 17 (root at 25), terminator at 18. */
	p = vol + 16 * B;
	p[0] = 1;
	memcpy(p + 1, "CD001", 5);
	put32(p + 80, BLOCKS);
	rec(p + 156, 20, B, 2, "\0", 1, NULL);
	p = vol + 17 * B;
	p[0] = 2;
	memcpy(p + 1, "CD001", 5);
	p[88] = 0x25;
	p[89] = 0x2f;
	p[90] = 0x45;
	rec(p + 156, 25, B, 2, "\0", 1, NULL);
	p = vol + 18 * B;
	p[0] = 255;
	memcpy(p + 1, "CD001", 5);
	/* Root: ., .., ISOS/ (21), A.TXT;1 (22, 5 bytes), LONGNAME.TXT (23). */
	p = vol + 20 * B;
	p += rec(p, 20, B, 2, "\0", 1, NULL);
	p += rec(p, 20, B, 2, "\1", 1, NULL);
	p += rec(p, 21, B, 2, "ISOS", 4, "isos");
	p += rec(p, 22, 5, 0, "A.TXT;1", 7, NULL);
	rec(p, 23, 3, 0, "LONG_NAM.TXT;1", 14, NULL);
	memcpy(vol + 22 * B, "hello", 5);
	memcpy(vol + 23 * B, "abc", 3);
	/* ISOS/: TEST.ISO;1 (24, 10 bytes, RR "Test.iso"), BIG.BIN in two extents (26, 27). */
	p = vol + 21 * B;
	p += rec(p, 21, B, 2, "\0", 1, NULL);
	p += rec(p, 20, B, 2, "\1", 1, NULL);
	p += rec(p, 24, 10, 0, "TEST.ISO;1", 10, "Test.iso");
	p += rec(p, 26, B, 0x80, "BIG.BIN;1", 9, NULL);
	rec(p, 27, 100, 0, "BIG.BIN;1", 9, NULL);
	memcpy(vol + 24 * B, "0123456789", 10);
	memset(vol + 26 * B, 'x', B);
	memset(vol + 27 * B, 'y', 100);
	/* Joliet root: long-name.txt -> block 23, a.txt -> block 22. */
	p = vol + 25 * B;
	p += rec(p, 25, B, 2, "\0", 1, NULL);
	p += rec(p, 25, B, 2, "\1", 1, NULL);
	p += rec(p, 23, 3, 0, (const char *)jname, sizeof(jname), NULL);
	rec(p, 22, 5, 0, "\0a\0.\0t\0x\0t", 10, NULL);
	/* ISOS/LINK.TXT: a hard link to A.TXT (block 22), after BIG.BIN. */
	p = vol + 21 * B + 34 + 34 + 58 + 42 + 42;
	rec(p, 22, 5, 0, "LINK.TXT;1", 10, NULL);
}

/** The records iso9660_refs reported. */
struct refs {
	unsigned n;
	uint64_t off[8];
};

static void ref_fn(void *ctx, uint64_t rec_off)
{
	struct refs *r = ctx;

	if (r->n < 8)
		r->off[r->n] = rec_off;
	r->n++;
}

static int count_fn(void *ctx, const char *name, const struct iso9660_file *f)
{
	(void)name;
	(void)f;
	(*(int *)ctx)++;
	return 0;
}

/** The view of the volume through a plan, one block. */
static const uint8_t *view(const struct isopatch *p, uint32_t lba)
{
	const uint8_t *d = isopatch_sector(p, lba);

	return d ? d : vol + (size_t)lba * B;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t be32(const uint8_t *p)
{
	return p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
}

/** The patched view of A.TXT (three records: primary, hard link, Joliet). */
static void test_isopatch(void)
{
	static struct iso9660 v;
	static struct isopatch p;
	static struct iso9660_refs_scratch q;
	struct iso9660_file f;
	static const uint8_t cpio[8] = { '0', '7', '0', '7', '0', '1', '0', '0' };
	unsigned i;

	layout();
	CHECK_EQ(iso9660_open(&v, rd, NULL), ISO9660_OK);
	CHECK_EQ(iso9660_lookup(&v, "/a.txt", &f), ISO9660_OK);
	isopatch_init(&p, BLOCKS * B - 100);
	CHECK_EQ(p.ext_lba, BLOCKS);
	CHECK_EQ(isopatch_add(&p, &v, &f, 1000, &q), ISOPATCH_OK);
	CHECK_EQ(p.n_files, 1);
	CHECK_EQ(p.file[0].n_records, 3);
	CHECK_EQ(p.n_sectors, 3);               /* root, ISOS, Joliet root */
	CHECK_EQ(p.file[0].new_lba, BLOCKS);
	CHECK_EQ(p.file[0].seg_off, 8);         /* 5 bytes, padded to 4 */
	CHECK_EQ(p.file[0].new_size, 1008);
	CHECK_EQ(p.ext_bytes, B);
	/* Every record now says: extent 40, 1008 bytes, both byte orders. */
	for (i = 0; i < 3; i++) {
		static const uint64_t rec[3] = { 20 * B + 34 + 34 + 48,
						 21 * B + 34 + 34 + 58 + 42 + 42,
						 25 * B + 34 + 34 + 60 };
		const uint8_t *r = view(&p, (uint32_t)(rec[i] / B)) + rec[i] % B;

		CHECK_EQ(le32(r + 2), BLOCKS);
		CHECK_EQ(be32(r + 6), BLOCKS);
		CHECK_EQ(le32(r + 10), 1008);
		CHECK_EQ(be32(r + 14), 1008);
		/* The image itself is untouched. */
		CHECK_EQ(le32(vol + rec[i] + 2), 22);
	}
	/* A second initrd goes after the first; the shared sector keeps both. */
	CHECK_EQ(iso9660_lookup(&v, "/long-name.txt", &f), ISO9660_OK);
	CHECK_EQ(isopatch_add(&p, &v, &f, 5000, &q), ISOPATCH_OK);
	CHECK_EQ(p.file[1].new_lba, BLOCKS + 1);
	CHECK_EQ(p.ext_bytes, B + 3 * B);
	CHECK_EQ(p.n_sectors, 3);
	CHECK_EQ(le32(view(&p, 20) + 34 + 34 + 48 + 2), BLOCKS);
	CHECK(isopatch_sector(&p, 21) != NULL && isopatch_sector(&p, 22) == NULL);
	/* Too big, multi-extent. */
	CHECK_EQ(isopatch_add(&p, &v, &f, 0xfffffc00u, &q), ISOPATCH_E_TOO_BIG);
	CHECK_EQ(iso9660_lookup(&v, "/isos/big.bin", &f), ISO9660_OK);
	CHECK_EQ(isopatch_add(&p, &v, &f, 10, &q), ISOPATCH_E_MULTI);
	/* What an initrd looks like. */
	CHECK(isopatch_is_initrd("initrd.img", cpio, 8));
	CHECK(isopatch_is_initrd("INITRD.IMG-6.1.0-50-amd64", (const uint8_t *)"\x28\xb5\x2f\xfd", 4));
	CHECK(isopatch_is_initrd("initramfs-linux.img", (const uint8_t *)"\x1f\x8b\x08", 3));
	CHECK(!isopatch_is_initrd("vmlinuz", cpio, 8));
	CHECK(!isopatch_is_initrd("initrd.txt", (const uint8_t *)"hello", 5));
	CHECK(!isopatch_is_initrd("initrd", cpio, 2));
	CHECK(isopatch_strerror(ISOPATCH_E_FULL) != NULL);
}

void test_iso9660(void)
{
	static struct iso9660 v;
	struct iso9660_file f;
	char buf[B + 200];
	int n = 0;

	layout();
	CHECK_EQ(iso9660_open(&v, rd, NULL), ISO9660_OK);
	CHECK_EQ(v.volume_bytes, BLOCKS * B);
	CHECK_EQ(v.jroot.n_extents, 1);
	/* ISO name, any case, either separator, version and dot ignored. */
	CHECK_EQ(iso9660_lookup(&v, "/a.txt", &f), ISO9660_OK);
	CHECK_EQ(f.size, 5);
	CHECK_EQ(iso9660_read(&v, &f, 1, buf, 4), ISO9660_OK);
	CHECK(!memcmp(buf, "ello", 4));
	CHECK_EQ(iso9660_read(&v, &f, 2, buf, 4), ISO9660_E_CORRUPT);
	/* Rock Ridge names. */
	CHECK_EQ(iso9660_lookup(&v, "\\isos\\test.ISO", &f), ISO9660_OK);
	CHECK_EQ(f.size, 10);
	CHECK(!f.dir);
	CHECK_EQ(iso9660_lookup(&v, "isos", &f), ISO9660_OK);
	CHECK(f.dir);
	CHECK_EQ(iso9660_list(&v, &f, count_fn, &n), ISO9660_OK);
	CHECK_EQ(n, 3);
	/* A multi-extent file reads across its extents. */
	CHECK_EQ(iso9660_lookup(&v, "/isos/big.bin", &f), ISO9660_OK);
	CHECK_EQ(f.n_extents, 2);
	CHECK_EQ(f.size, B + 100);
	CHECK_EQ(iso9660_read(&v, &f, B - 2, buf, 4), ISO9660_OK);
	CHECK(!memcmp(buf, "xxyy", 4));
	/* Joliet when the primary tree does not have the name. */
	CHECK_EQ(iso9660_lookup(&v, "/long-name.txt", &f), ISO9660_OK);
	CHECK_EQ(f.size, 3);
	/* Every record of block 22: /A.TXT, /ISOS/LINK.TXT, Joliet's a.txt. */
	{
		static struct iso9660_refs_scratch q;
		struct refs r = { 0, { 0 } };

		CHECK_EQ(iso9660_refs(&v, 22, &q, ref_fn, &r), ISO9660_OK);
		CHECK_EQ(r.n, 3);
		CHECK_EQ(r.off[0], 20 * B + 34 + 34 + 48);
		CHECK_EQ(r.off[1], 21 * B + 34 + 34 + 58 + 42 + 42);
		CHECK_EQ(r.off[2], 25 * B + 34 + 34 + 60);
		CHECK_EQ(vol[r.off[1] + 2], 22);
	}
	/* Not found, not a folder, the root. */
	CHECK_EQ(iso9660_lookup(&v, "/isos/none.iso", &f), ISO9660_E_NOT_FOUND);
	CHECK_EQ(iso9660_lookup(&v, "/a.txt/b", &f), ISO9660_E_NOT_DIR);
	CHECK_EQ(iso9660_lookup(&v, "/", &f), ISO9660_OK);
	CHECK(f.dir);
	/* A record shorter than a record can be; one past its block's end. */
	vol[20 * B + 34] = 1;
	CHECK_EQ(iso9660_lookup(&v, "/zzz", &f), ISO9660_E_CORRUPT);
	layout();
	vol[21 * B + 34 + 34] = 34;
	vol[21 * B + 34 + 34 + 32] = 250;
	CHECK_EQ(iso9660_lookup(&v, "/isos/zzz", &f), ISO9660_E_CORRUPT);
	/* Read errors, and no volume at all. */
	layout();
	reads_fail = 1;
	CHECK_EQ(iso9660_open(&v, rd, NULL), ISO9660_E_IO);
	reads_fail = 0;
	memset(vol + 16 * B, 0, B);
	CHECK_EQ(iso9660_open(&v, rd, NULL), ISO9660_E_NOT_ISO);
	CHECK(iso9660_strerror(ISO9660_E_TOO_BIG) != NULL);
	test_isopatch();
}
