/**
 * @file geometry.c
 *
 * Drive type and CHS geometry of a disk image (see geometry.h for the
 * order of the rules). Every read of the image is bounds-checked against
 * the bytes the caller supplied.
 */
#include "geometry.h"

#include "libc.h"

/** What a detection step found. */
struct guess {
	uint32_t heads, sectors;
	int type;               /**< enum geometry_type */
	int source;             /**< enum geometry_source */
};

/** The bytes of the image that may be read. */
struct view {
	const uint8_t *p;
	size_t len;
};

/**
 * Read a little-endian u16, if it is inside the view.
 *
 * @param v    view
 * @param off  byte offset
 * @param out  value
 * @return 1 when read, 0 when outside
 */
static int rd16(const struct view *v, size_t off, uint32_t *out)
{
	if (off > v->len || v->len - off < 2)
		return 0;
	*out = (uint32_t)v->p[off] | (uint32_t)v->p[off + 1] << 8;
	return 1;
}

/**
 * Read a little-endian u32, if it is inside the view.
 *
 * @param v    view
 * @param off  byte offset
 * @param out  value
 * @return 1 when read, 0 when outside
 */
static int rd32(const struct view *v, size_t off, uint32_t *out)
{
	if (off > v->len || v->len - off < 4)
		return 0;
	*out = (uint32_t)v->p[off] | (uint32_t)v->p[off + 1] << 8 |
	       (uint32_t)v->p[off + 2] << 16 | (uint32_t)v->p[off + 3] << 24;
	return 1;
}

/**
 * Do the bytes at @p off equal @p s?
 *
 * @param v    view
 * @param off  byte offset
 * @param s    expected bytes
 * @param n    their number
 * @return 1 when inside the view and equal, else 0
 */
static int has(const struct view *v, size_t off, const void *s, size_t n)
{
	if (off > v->len || v->len - off < n)
		return 0;
	return !memcmp(v->p + off, s, n);
}

/**
 * Step 3: a FAT BPB.
 *
 * @param v  the image's first bytes
 * @param gs result when found
 * @return 1 when a usable BPB was found, else 0
 */
static int guess_bpb(const struct view *v, struct guess *gs)
{
	uint32_t bps, spt, heads;
	size_t drive_off;

	if (v->len < GEOMETRY_SECTOR_SIZE)
		return 0;
	if (v->p[0x26] == 0x29 && has(v, 0x36, "FAT", 3))
		drive_off = 0x24;
	else if (v->p[0x42] == 0x29 && has(v, 0x52, "FAT", 3))
		drive_off = 0x40;
	else
		return 0;
	if (!rd16(v, 0x0b, &bps) || !rd16(v, 0x18, &spt) || !rd16(v, 0x1a, &heads))
		return 0;
	if (bps != GEOMETRY_SECTOR_SIZE || spt < 1 || spt > 63 || heads < 1 || heads > 256)
		return 0;
	gs->heads = heads;
	gs->sectors = spt;
	gs->type = (v->p[drive_off] & 0x80) ? GEOMETRY_HARDDISK : GEOMETRY_FLOPPY;
	gs->source = GEOMETRY_SRC_BPB;
	return 1;
}

/**
 * Step 4: the floppy geometry of an image under 4 MiB, from its size.
 * One head below 320 KiB, two from there; at least 40 cylinders below
 * 640 KiB, 80 from there, at most 255. Among the sector counts 1-63, the
 * one whose cylinders (rounded up) overshoot the image least, the larger
 * sector count on a tie. This gives the standard formats (160K to 3840K,
 * DMF) exactly, and for other sizes the geometry SYSLINUX MEMDISK picks.
 *
 * @param total  image size in 512-byte sectors (>= 1, < 8192)
 * @param gs     result (heads, sectors; type floppy)
 */
static void guess_floppy_size(uint64_t total, struct guess *gs)
{
	uint32_t t = (uint32_t)total;
	uint32_t heads = t >= 640 ? 2 : 1;
	uint32_t cmin = t >= 1280 ? 80 : 40;
	uint32_t s, best_s = 0, best_over = 0;

	for (s = 1; s <= 63; s++) {
		uint32_t per_cyl = heads * s;
		uint32_t c = (t + per_cyl - 1) / per_cyl;
		uint32_t over = c * per_cyl - t;

		if (c < cmin || c > 255)
			continue;
		if (!best_s || over <= best_over) {
			best_s = s;
			best_over = over;
		}
	}
	if (!best_s) {
		/* Fewer than 40 sectors: one sector per track. */
		heads = 1;
		best_s = 1;
	}
	gs->heads = heads;
	gs->sectors = best_s;
	gs->type = GEOMETRY_FLOPPY;
	gs->source = GEOMETRY_SRC_FLOPPY_SIZE;
}

/** A CHS address and the LBA it must stand for. */
struct chs_lba {
	uint32_t c, h, s, lba;
};

/**
 * Do all CHS/LBA pairs agree with a geometry?
 *
 * @param t      pairs
 * @param n      their number
 * @param heads  candidate heads
 * @param spt    candidate sectors per track
 * @return 1 when every pair satisfies LBA = (c * heads + h) * spt + s - 1
 */
static int chs_fits(const struct chs_lba *t, size_t n, uint32_t heads, uint32_t spt)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (t[i].h >= heads || t[i].s > spt ||
		    ((uint64_t)t[i].c * heads + t[i].h) * spt + t[i].s - 1 != t[i].lba)
			return 0;
	}
	return 1;
}

/**
 * Unpack the 3 CHS bytes of a partition entry.
 *
 * @param b  the bytes: head, sector | cylinder bits 8-9 << 6, cylinder bits 0-7
 * @param t  result (lba not touched)
 */
static void unpack_chs(const uint8_t *b, struct chs_lba *t)
{
	t->h = b[0];
	t->s = b[1] & 0x3fu;
	t->c = (uint32_t)(b[1] & 0xc0u) << 2 | b[2];
}

/**
 * Step 5: the MBR partition table.
 *
 * @param v   the image's first bytes
 * @param gs  result when found
 * @return 1 when the table gave a geometry, else 0
 */
static int guess_mbr(const struct view *v, struct guess *gs)
{
	struct chs_lba t[8];
	size_t nt = 0, i;
	uint32_t max_h = 0, max_s = 0, heads, spt;
	int used = 0;

	if (v->len < GEOMETRY_SECTOR_SIZE || v->p[510] != 0x55 || v->p[511] != 0xaa)
		return 0;
	for (i = 0; i < 4; i++) {
		const uint8_t *e = v->p + 0x1be + 16 * i;
		struct chs_lba st, en;
		uint32_t lba, count;

		if (e[0] != 0x00 && e[0] != 0x80)
			return 0;       /* not a partition table */
		if (e[4] == 0)
			continue;       /* empty entry */
		used = 1;
		lba = (uint32_t)e[8] | (uint32_t)e[9] << 8 | (uint32_t)e[10] << 16 |
		      (uint32_t)e[11] << 24;
		count = (uint32_t)e[12] | (uint32_t)e[13] << 8 | (uint32_t)e[14] << 16 |
			(uint32_t)e[15] << 24;
		unpack_chs(e + 1, &st);
		unpack_chs(e + 5, &en);
		max_h = max_h > st.h ? max_h : st.h;
		max_h = max_h > en.h ? max_h : en.h;
		max_s = max_s > st.s ? max_s : st.s;
		max_s = max_s > en.s ? max_s : en.s;
		/* Pairs usable for solving: a valid sector number, not the
		 * 1023-cylinder placeholder used beyond the CHS limit. */
		st.lba = lba;
		if (st.s && st.c < 1023)
			t[nt++] = st;
		if (count && count - 1 <= 0xffffffffu - lba) {
			en.lba = lba + count - 1;
			if (en.s && en.c < 1023)
				t[nt++] = en;
		}
	}
	if (!used)
		return 0;

	/* The largest head + 1 and the largest sector seen (what SYSLINUX
	 * MEMDISK uses), unless those contradict the LBA values, as they do
	 * for partitions that do not start and end on cylinder boundaries
	 * (1 MiB alignment): then the geometry that explains every CHS/LBA
	 * pair, preferring more sectors, then more heads (256 last). */
	heads = max_h + 1;
	spt = max_s;
	if (nt && !(spt && chs_fits(t, nt, heads, spt))) {
		uint32_t s, h, k;
		int found = 0;

		for (s = 63; s >= 1 && !found; s--) {
			for (k = 0; k < 256 && !found; k++) {
				h = k < 255 ? 255 - k : 256;
				if (chs_fits(t, nt, h, s)) {
					heads = h;
					spt = s;
					found = 1;
				}
			}
		}
	}
	if (spt < 1 || spt > 63)
		return 0;
	gs->heads = heads;
	gs->sectors = spt;
	gs->type = GEOMETRY_HARDDISK;
	gs->source = GEOMETRY_SRC_MBR;
	return 1;
}

/**
 * Step 1: a DOSEMU header.
 *
 * @param v           the image's first bytes
 * @param image_size  whole image size
 * @param g           filled: heads, sectors, cylinders, data_offset
 * @return 1 when found and valid, 0 when there is none, GEOMETRY_E_DOSEMU when
 *         the header is impossible
 */
static int guess_dosemu(const struct view *v, uint64_t image_size, struct geometry *g)
{
	uint32_t h, s, c, off;

	if (!has(v, 0, "DOSEMU\0", 7))
		return 0;
	if (!rd32(v, 7, &h) || !rd32(v, 11, &s) || !rd32(v, 15, &c) || !rd32(v, 19, &off))
		return GEOMETRY_E_DOSEMU;
	if (h < 1 || h > 256 || s < 1 || s > 63 || c < 1 || off < 23 ||
	    off > image_size || image_size - off < GEOMETRY_SECTOR_SIZE)
		return GEOMETRY_E_DOSEMU;
	g->heads = h;
	g->sectors = s;
	g->cylinders = c;
	g->data_offset = off;
	return 1;
}

int geometry_from_mbr(const uint8_t *sector, size_t len, uint32_t *heads, uint32_t *sectors)
{
	struct view v;
	struct guess gs;

	if (!sector || !heads || !sectors)
		return GEOMETRY_E_ARG;
	v.p = sector;
	v.len = len;
	if (!guess_mbr(&v, &gs))
		return GEOMETRY_E_NO_MBR;
	*heads = gs.heads;
	*sectors = gs.sectors;
	return GEOMETRY_OK;
}

int geometry_guess(const uint8_t *head, size_t head_len, uint64_t image_size,
		   const struct options *o, struct geometry *g)
{
	struct view v;
	struct guess gs;
	int r, force = OPTIONS_FORCE_NONE, drive_given = 0;
	unsigned chs = 0;
	uint32_t oc = 0, oh = 0, os = 0;
	uint8_t drive = 0;
	uint64_t cyl;

	if (!g || (!head && head_len))
		return GEOMETRY_E_ARG;
	memset(g, 0, sizeof(*g));
	if (o) {
		force = o->force;
		chs = o->chs_given;
		oc = o->c;
		oh = o->h;
		os = o->s;
		drive_given = o->drive_given;
		drive = o->drive;
	}
	v.p = head;
	v.len = head_len < image_size ? head_len : (size_t)image_size;

	if (image_size < GEOMETRY_SECTOR_SIZE)
		return GEOMETRY_E_TOO_SMALL;
	if (((chs & OPTIONS_CHS_C) && oc < 1) ||
	    ((chs & OPTIONS_CHS_H) && (oh < 1 || oh > 256)) ||
	    ((chs & OPTIONS_CHS_S) && (os < 1 || os > 63)))
		return GEOMETRY_E_BAD_CHS;
	if (force == OPTIONS_FORCE_FLOPPY && drive_given && drive >= 0x80)
		return GEOMETRY_E_BAD_DRIVE;

	/* 1. DOSEMU header. */
	gs.heads = gs.sectors = 0;
	gs.type = GEOMETRY_FLOPPY;
	gs.source = GEOMETRY_SRC_OPTIONS;
	r = guess_dosemu(&v, image_size, g);
	if (r < 0)
		return r;
	if (r) {
		gs.heads = g->heads;
		gs.sectors = g->sectors;
		gs.type = GEOMETRY_HARDDISK;
		gs.source = GEOMETRY_SRC_DOSEMU;
	}
	g->total_sectors = (image_size - g->data_offset) / GEOMETRY_SECTOR_SIZE;

	/* 2. c=, h=, s= override single values. */
	if (chs & OPTIONS_CHS_C)
		g->cylinders = oc;
	if (chs & OPTIONS_CHS_H)
		gs.heads = oh;
	if (chs & OPTIONS_CHS_S)
		gs.sectors = os;

	if (!gs.heads && !gs.sectors) {
		/* 3-6. Guessed from the image. */
		if (guess_bpb(&v, &gs)) {
			/* found */
		} else if (image_size < GEOMETRY_FLOPPY_LIMIT) {
			guess_floppy_size(g->total_sectors, &gs);
		} else if (guess_mbr(&v, &gs)) {
			/* found */
		} else {
			gs.heads = image_size > GEOMETRY_BIG_DISK ? 255 : 64;
			gs.sectors = image_size > GEOMETRY_BIG_DISK ? 63 : 32;
			gs.type = GEOMETRY_HARDDISK;
			gs.source = GEOMETRY_SRC_DEFAULT;
		}
	} else {
		/* Given on the command line: no guessing; the other value
		 * is the default, and the type stays a floppy unless the
		 * DOSEMU header or harddisk says otherwise (as in MEMDISK). */
		if (!gs.heads)
			gs.heads = image_size > GEOMETRY_BIG_DISK ? 255 : 64;
		if (!gs.sectors)
			gs.sectors = image_size > GEOMETRY_BIG_DISK ? 63 : 32;
	}

	if (force == OPTIONS_FORCE_FLOPPY)
		gs.type = GEOMETRY_FLOPPY;
	else if (force == OPTIONS_FORCE_HARDDISK)
		gs.type = GEOMETRY_HARDDISK;
	g->heads = gs.heads;
	g->sectors = gs.sectors;
	g->type = gs.type;
	g->source = gs.source;
	if (!g->cylinders) {
		cyl = g->total_sectors / ((uint64_t)g->heads * g->sectors);
		if (!cyl)
			cyl = 1;
		g->cylinders = cyl > 0xffffffffu ? 0xffffffffu : (uint32_t)cyl;
	}
	g->bios_cylinders = g->cylinders > GEOMETRY_BIOS_MAX_CYL ? GEOMETRY_BIOS_MAX_CYL : g->cylinders;

	if (g->type == GEOMETRY_FLOPPY)
		g->drive = drive_given ? drive : 0x00;
	else if (drive_given && force == OPTIONS_FORCE_HARDDISK)
		g->drive = drive >= 0x80 ? drive : (uint8_t)(0x80 + drive);
	else
		g->drive = 0x80;
	return GEOMETRY_OK;
}

const char *geometry_source_str(int source)
{
	switch (source) {
	case GEOMETRY_SRC_DEFAULT: return "default";
	case GEOMETRY_SRC_DOSEMU: return "DOSEMU header";
	case GEOMETRY_SRC_OPTIONS: return "command line";
	case GEOMETRY_SRC_BPB: return "FAT BPB";
	case GEOMETRY_SRC_FLOPPY_SIZE: return "floppy size";
	case GEOMETRY_SRC_MBR: return "partition table";
	default: return "unknown";
	}
}

const struct geometry_floppy geometry_floppies[] = {
	{ 160, 40, 1, 8, 1 },   { 180, 40, 1, 9, 1 },   { 320, 40, 2, 8, 1 },
	{ 360, 40, 2, 9, 1 },   { 640, 80, 2, 8, 3 },   { 720, 80, 2, 9, 3 },
	{ 1200, 80, 2, 15, 2 }, { 1440, 80, 2, 18, 4 }, { 1600, 80, 2, 20, 6 },
	{ 1680, 80, 2, 21, 6 }, { 1722, 82, 2, 21, 6 }, { 1743, 83, 2, 21, 6 },
	{ 1760, 80, 2, 22, 6 }, { 1840, 80, 2, 23, 6 }, { 1920, 80, 2, 24, 6 },
	{ 2880, 80, 2, 36, 6 }, { 3120, 80, 2, 39, 6 }, { 3200, 80, 2, 40, 6 },
	{ 3520, 80, 2, 44, 6 }, { 3840, 80, 2, 48, 6 },
};
const size_t geometry_n_floppies = sizeof(geometry_floppies) / sizeof(geometry_floppies[0]);

const struct geometry_floppy *geometry_floppy_format(uint64_t bytes)
{
	size_t i;

	for (i = 0; i < geometry_n_floppies; i++)
		if (bytes == (uint64_t)geometry_floppies[i].kib * 1024)
			return &geometry_floppies[i];
	return NULL;
}

uint8_t geometry_floppy_cmos_type(uint64_t bytes)
{
	size_t i;

	for (i = 0; i < geometry_n_floppies; i++)
		if (bytes <= (uint64_t)geometry_floppies[i].kib * 1024)
			return geometry_floppies[i].cmos_type;
	return 6;
}

const char *geometry_strerror(int status)
{
	switch (status) {
	case GEOMETRY_OK: return "no error";
	case GEOMETRY_E_ARG: return "internal error (no image)";
	case GEOMETRY_E_TOO_SMALL: return "the image is smaller than one sector";
	case GEOMETRY_E_BAD_CHS: return "c=, h= or s= out of range (h 1-256, s 1-63)";
	case GEOMETRY_E_BAD_DRIVE: return "floppy=N needs N below 80h";
	case GEOMETRY_E_DOSEMU: return "its DOSEMU header holds impossible values";
	case GEOMETRY_E_NO_MBR: return "no usable partition table";
	default: return "unknown error";
	}
}
