/**
 * @file describe.c
 *
 * Describing a found image: drive kind, geometry, phram parameter, JSON.
 */
#include "describe.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "geometry.h"
#include "options.h"

const char *describe_drive_str(enum describe_drive d)
{
	switch (d) {
	case DESCRIBE_DRIVE_FLOPPY:
		return "floppy";
	case DESCRIBE_DRIVE_HARDDISK:
		return "harddisk";
	case DESCRIBE_DRIVE_CDROM:
		return "cdrom";
	default:
		return "unknown";
	}
}

void describe_image(const struct mbft_scan_result *r, struct describe *d)
{
	const struct geometry_floppy *f;
	struct options o;
	const unsigned all_chs = OPTIONS_CHS_C | OPTIONS_CHS_H | OPTIONS_CHS_S;

	memset(d, 0, sizeof(*d));
	options_parse(r->has_cmdline ? r->cmdline : "", &o);
	if (r->sector_shift == 11) {
		d->drive = DESCRIBE_DRIVE_CDROM;
		d->drive_source = "sector size";
	} else if (o.force == OPTIONS_FORCE_FLOPPY) {
		d->drive = DESCRIBE_DRIVE_FLOPPY;
		d->drive_source = "command line";
	} else if (o.force == OPTIONS_FORCE_HARDDISK) {
		d->drive = DESCRIBE_DRIVE_HARDDISK;
		d->drive_source = "command line";
	} else if (o.iso) {
		d->drive = DESCRIBE_DRIVE_UNKNOWN;  /* El Torito emulation: floppy or disk */
		d->drive_source = "command line";
	}

	if ((o.chs_given & all_chs) == all_chs && o.c && o.h && o.s) {
		d->geo.cylinders = o.c;
		d->geo.heads = o.h;
		d->geo.sectors = o.s;
		d->geometry_source = "command line";
	} else if (r->sector_shift == 9 && d->drive != DESCRIBE_DRIVE_HARDDISK &&
		   (f = geometry_floppy_format(r->image_len))) {
		d->geo.cylinders = f->cylinders;
		d->geo.heads = f->heads;
		d->geo.sectors = f->sectors;
		d->geometry_source = "floppy size";
		if (!d->drive_source) {
			d->drive = DESCRIBE_DRIVE_FLOPPY;
			d->drive_source = "image size";
		}
	}
	if (!d->drive_source && r->sector_shift == 9) {
		d->drive = DESCRIBE_DRIVE_HARDDISK;
		d->drive_source = "image size";
	}
	if (!d->drive_source)
		d->drive_source = "unknown";
}

uint32_t describe_phram_erase_size(uint64_t len, uint32_t page)
{
	uint32_t es = page;

	if (!len || !page)
		return 0;
	while (es > 1 && (len % es))
		es >>= 1;
	return es;
}

int describe_phram(uint64_t addr, uint64_t len, uint32_t page, char *buf, size_t n)
{
	uint32_t es = describe_phram_erase_size(len, page);

	if (es == page)
		return snprintf(buf, n, "memdisk,%#llx,%#llx", (unsigned long long)addr,
				(unsigned long long)len);
	return snprintf(buf, n, "memdisk,%#llx,%#llx,%u", (unsigned long long)addr,
			(unsigned long long)len, es);
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

size_t describe_json(const struct mbft_scan_result *r, char *buf, size_t n)
{
	struct out o = { buf, n, 0 };
	const struct mdi *m = &r->table.mdi;
	struct describe d;

	if (n)
		buf[0] = '\0';
	describe_image(r, &d);
	put(&o, "{\n");
	put(&o, "  \"address\": %llu,\n", (unsigned long long)r->image_addr);
	put(&o, "  \"length\": %llu,\n", (unsigned long long)r->image_len);
	put(&o, "  \"sectors\": %u,\n", m->disksize);
	put(&o, "  \"sector_size\": %u,\n", 1u << r->sector_shift);
	put(&o, "  \"sector_shift\": %u,\n", m->sector_shift);
	put(&o, "  \"drive\": \"%s\",\n", describe_drive_str(d.drive));
	put(&o, "  \"drive_source\": \"%s\",\n", d.drive_source);
	if (d.geometry_source)
		put(&o, "  \"geometry\": {\"cylinders\": %u, \"heads\": %u, \"sectors\": %u, "
			"\"source\": \"%s\"},\n", d.geo.cylinders, d.geo.heads, d.geo.sectors,
		    d.geometry_source);
	else
		put(&o, "  \"geometry\": null,\n");
	put(&o, "  \"cmdline\": ");
	if (r->has_cmdline)
		put_str(&o, r->cmdline, MBFT_SCAN_CMDLINE_MAX);
	else
		put(&o, "null");
	put(&o, ",\n");
	put(&o, "  \"version\": \"%u.%02u\",\n", m->version_major, m->version_minor);
	put(&o, "  \"found_in\": \"%s\",\n", r->from_acpi ? "acpi" : "base memory");
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
