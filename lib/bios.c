/**
 * @file bios.c
 *
 * The BIOS loader's decisions about base memory and drive counts (see
 * bios.h).
 */
#include "bios.h"

#include "libc.h"

#define PAGE 4096u

/** Put back the @p n entries saved in @p saved. */
static void restore(struct e820_map *m, const struct e820_entry *saved, uint32_t n)
{
	memcpy(m->e, saved, n * sizeof(saved[0]));
	m->n = n;
}

uint32_t bios_basemem_top(const struct e820_map *m, uint16_t bda_kib)
{
	uint32_t top = (uint32_t)bda_kib * 1024;
	uint64_t low_end = e820_contiguous_end(m, 0);

	if (low_end < top && low_end >= BASEMEM_MIN)
		top = (uint32_t)low_end & ~1023u;
	return top;
}

int bios_place_driver(struct e820_map *m, struct e820_entry *saved, uint32_t top,
		      uint32_t fixed, uint32_t per_entry, uint32_t *base)
{
	uint32_t saved_n = m->n, want = m->n;

	memcpy(saved, m->e, saved_n * sizeof(saved[0]));
	for (;;) {
		uint64_t size = fixed + (uint64_t)want * per_entry;
		uint32_t low, end = top > BASEMEM_TOP ? top : BASEMEM_TOP;

		if (size > top || top - size < BASEMEM_MIN)
			return BIOS_E_NO_ROOM;
		*base = (top - (uint32_t)size) & ~1023u;
		low = *base & ~(PAGE - 1);
		if (e820_set_range(m, low, end - low, E820_RESERVED)) {
			restore(m, saved, saved_n);
			return BIOS_E_MAP_FULL;
		}
		if (m->n <= want)
			return BIOS_OK;
		/* The reservation added entries: a larger driver, another try. */
		want = m->n;
		restore(m, saved, saved_n);
	}
}

int bios_boot_fits(const struct diskplan *p, uint32_t driver)
{
	uint32_t lo = (uint32_t)p->boot_segment * 16;

	if (!p->boot_bytes || p->boot_bytes > BIOS_BOOT_MAX)
		return BIOS_E_BOOT_SIZE;
	if (lo < BIOS_BOOT_LOW || lo + p->boot_bytes > driver)
		return BIOS_E_BOOT_FIT;
	return BIOS_OK;
}

unsigned bios_floppies(uint16_t equipment)
{
	return (equipment & 1) ? ((equipment >> 6) & 3) + 1 : 0;
}

uint8_t bios_drive_count(const struct diskplan *p, uint16_t equipment, uint8_t hd_count)
{
	int hidden = p->nopass || p->nopassany;
	unsigned n, self = (p->drive & 0x7fu) + 1;   /* drives up to and with ours */

	if (p->kind == DISKPLAN_FLOPPY)
		n = hidden ? 1 : bios_floppies(equipment) + 1;
	else if ((p->drive & 0x80) && p->kind != DISKPLAN_CDROM)
		n = hidden ? 1 : hd_count + 1u;
	else
		return 1;
	/* harddisk=N or floppy=N past the BIOS's drives: the count reaches N. */
	if (n < self)
		n = self;
	return (uint8_t)(n > 255 ? 255 : n);
}

int bios_floppy_dpt(const struct options *o, uint16_t equipment)
{
	return o->dpt == OPTIONS_TRI_ON ||
	       (o->dpt != OPTIONS_TRI_OFF && bios_floppies(equipment) == 0);
}
