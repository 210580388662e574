/**
 * @file mdinfo.c
 *
 * Describing a found image: drive kind, geometry, phram parameter, JSON.
 */
#include "mdinfo.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/** Standard floppy formats, by size: the geometry a BIOS expects. */
static const struct {
	uint32_t kib;
	struct md_geometry geo;
} floppy_formats[] = {
	{ 160, { 40, 1, 8 } },   { 180, { 40, 1, 9 } },   { 320, { 40, 2, 8 } },
	{ 360, { 40, 2, 9 } },   { 720, { 80, 2, 9 } },   { 1200, { 80, 2, 15 } },
	{ 1440, { 80, 2, 18 } }, { 1680, { 80, 2, 21 } }, { 1722, { 82, 2, 21 } },
	{ 1743, { 83, 2, 21 } }, { 1760, { 80, 2, 22 } }, { 1840, { 80, 2, 23 } },
	{ 1920, { 80, 2, 24 } }, { 2880, { 80, 2, 36 } }, { 3120, { 80, 2, 39 } },
	{ 3200, { 80, 2, 40 } }, { 3520, { 80, 2, 44 } }, { 3840, { 80, 2, 48 } },
};

int md_cmdline_opt(const char *cmdline, const char *name, const char **value,
		   size_t *vlen)
{
	size_t nl = strlen(name);
	const char *p = cmdline;

	while (*p) {
		const char *w;
		size_t wl;

		while (*p == ' ' || *p == '\t')
			p++;
		w = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		wl = (size_t)(p - w);
		if (wl >= nl && !memcmp(w, name, nl) && (wl == nl || w[nl] == '=')) {
			if (value)
				*value = wl > nl ? w + nl + 1 : w + wl;
			if (vlen)
				*vlen = wl > nl ? wl - nl - 1 : 0;
			return 1;
		}
	}
	return 0;
}

/** A decimal option value; 0 if absent or not a number below 2^32. */
static uint32_t opt_u32(const char *cmdline, const char *name)
{
	const char *v;
	size_t vl, i;
	uint64_t x = 0;

	if (!md_cmdline_opt(cmdline, name, &v, &vl) || !vl)
		return 0;
	for (i = 0; i < vl; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		x = x * 10 + (uint64_t)(v[i] - '0');
		if (x > 0xffffffffu)
			return 0;
	}
	return (uint32_t)x;
}

const char *md_drive_str(enum md_drive d)
{
	switch (d) {
	case MD_DRIVE_FLOPPY:
		return "floppy";
	case MD_DRIVE_HARDDISK:
		return "harddisk";
	case MD_DRIVE_CDROM:
		return "cdrom";
	default:
		return "unknown";
	}
}

void md_describe(const struct mbft_result *r, struct md_disk *d)
{
	const char *cl = r->has_cmdline ? r->cmdline : "";
	size_t i;

	memset(d, 0, sizeof(*d));
	if (r->sector_shift == 11) {
		d->drive = MD_DRIVE_CDROM;
		d->drive_source = "sector size";
	} else if (md_cmdline_opt(cl, "floppy", NULL, NULL)) {
		d->drive = MD_DRIVE_FLOPPY;
		d->drive_source = "command line";
	} else if (md_cmdline_opt(cl, "harddisk", NULL, NULL)) {
		d->drive = MD_DRIVE_HARDDISK;
		d->drive_source = "command line";
	} else if (md_cmdline_opt(cl, "iso", NULL, NULL)) {
		d->drive = MD_DRIVE_UNKNOWN;  /* El Torito emulation: floppy or disk */
		d->drive_source = "command line";
	}

	d->geo.cylinders = opt_u32(cl, "c");
	d->geo.heads = opt_u32(cl, "h");
	d->geo.sectors = opt_u32(cl, "s");
	if (d->geo.cylinders && d->geo.heads && d->geo.sectors) {
		d->geo_source = "command line";
	} else {
		memset(&d->geo, 0, sizeof(d->geo));
		for (i = 0; r->sector_shift == 9 && d->drive != MD_DRIVE_HARDDISK &&
			    i < sizeof(floppy_formats) / sizeof(floppy_formats[0]); i++) {
			if (r->image_len == (uint64_t)floppy_formats[i].kib * 1024) {
				d->geo = floppy_formats[i].geo;
				d->geo_source = "floppy size";
				if (!d->drive_source) {
					d->drive = MD_DRIVE_FLOPPY;
					d->drive_source = "image size";
				}
			}
		}
	}
	if (!d->drive_source && r->sector_shift == 9) {
		d->drive = MD_DRIVE_HARDDISK;
		d->drive_source = "image size";
	}
	if (!d->drive_source)
		d->drive_source = "unknown";
}

int md_phram_param(const struct mbft_result *r, uint32_t page, char *buf, size_t n)
{
	uint32_t es = phram_erase_size(r->image_len, page);

	if (es == page)
		return snprintf(buf, n, "memdisk,%#x,%#llx", r->image_addr,
				(unsigned long long)r->image_len);
	return snprintf(buf, n, "memdisk,%#x,%#llx,%u", r->image_addr,
			(unsigned long long)r->image_len, es);
}

/** An output buffer that counts what it could not hold. */
struct out {
	char *buf;
	size_t n, used;
};

/** Append formatted text. */
static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int k;
	size_t room = o->used < o->n ? o->n - o->used : 0;

	va_start(ap, fmt);
	k = vsnprintf(room ? o->buf + o->used : NULL, room, fmt, ap);
	va_end(ap);
	if (k > 0)
		o->used += (size_t)k;
}

/** Append a JSON string (quoted and escaped) of at most @p max bytes. */
static void put_str(struct out *o, const char *s, size_t max)
{
	size_t i;

	put(o, "\"");
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			put(o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			put(o, "\\u%04x", c);
		else
			put(o, "%c", c);
	}
	put(o, "\"");
}

/** Render a real-mode seg:off vector stored as a u32 (offset low). */
static void put_vector(struct out *o, const char *key, uint32_t v)
{
	put(o, "  \"%s\": \"%04x:%04x\",\n", key, v >> 16, v & 0xffff);
}

size_t md_json(const struct mbft_result *r, char *buf, size_t n)
{
	struct out o = { buf, n, 0 };
	const struct mdi *m = &r->table.mdi;
	struct md_disk d;

	if (n)
		buf[0] = '\0';
	md_describe(r, &d);
	put(&o, "{\n");
	put(&o, "  \"address\": %u,\n", r->image_addr);
	put(&o, "  \"length\": %llu,\n", (unsigned long long)r->image_len);
	put(&o, "  \"sectors\": %u,\n", m->disksize);
	put(&o, "  \"sector_size\": %u,\n", 1u << r->sector_shift);
	put(&o, "  \"sector_shift\": %u,\n", m->sector_shift);
	put(&o, "  \"drive\": \"%s\",\n", md_drive_str(d.drive));
	put(&o, "  \"drive_source\": \"%s\",\n", d.drive_source);
	if (d.geo_source)
		put(&o, "  \"geometry\": {\"cylinders\": %u, \"heads\": %u, \"sectors\": %u, "
			"\"source\": \"%s\"},\n", d.geo.cylinders, d.geo.heads, d.geo.sectors,
		    d.geo_source);
	else
		put(&o, "  \"geometry\": null,\n");
	put(&o, "  \"cmdline\": ");
	if (r->has_cmdline)
		put_str(&o, r->cmdline, MBFT_CMDLINE_MAX);
	else
		put(&o, "null");
	put(&o, ",\n");
	put(&o, "  \"version\": \"%u.%02u\",\n", m->version_major, m->version_minor);
	put(&o, "  \"mbft_address\": %u,\n", r->table_addr);
	put(&o, "  \"mbft_length\": %u,\n", r->table.length);
	put(&o, "  \"mbft_revision\": %u,\n", r->table.revision);
	put(&o, "  \"oem_id\": ");
	put_str(&o, r->table.oem_id, sizeof(r->table.oem_id));
	put(&o, ",\n  \"oem_table_id\": ");
	put_str(&o, r->table.oem_table_id, sizeof(r->table.oem_table_id));
	put(&o, ",\n");
	put(&o, "  \"safe_hook_address\": %u,\n", r->table.safe_hook);
	put(&o, "  \"mdi_bytes\": %u,\n", r->mdi_bytes);
	put(&o, "  \"cmdline_pointer\": \"%04x:%04x\",\n", m->cmdline_seg, m->cmdline_off);
	put_vector(&o, "old_int13", m->old_int13);
	put_vector(&o, "old_int15", m->old_int15);
	put(&o, "  \"old_base_memory_kib\": %u,\n", m->old_dosmem);
	put(&o, "  \"bootloader_id\": %u,\n", m->bootloader_id);
	put(&o, "  \"dpt_offset\": %u\n", m->dpt_offset);
	put(&o, "}\n");
	return o.used;
}
