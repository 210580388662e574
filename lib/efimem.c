/**
 * @file efimem.c
 *
 * Placement choices over a UEFI memory map (see efimem.h).
 */
#include "efimem.h"

#include "libc.h"

#define LOW_TOP 0xa0000ull
/** The type given to addresses no descriptor covers. */
#define TYPE_NONE 0xffffffffu

struct desc {
	uint32_t type;
	uint64_t start, pages;
};

/** Read descriptor @p i. */
static struct desc get(const void *map, size_t desc_size, size_t i)
{
	const uint8_t *p = (const uint8_t *)map + i * desc_size;
	struct desc d;

	memcpy(&d.type, p, 4);
	memcpy(&d.start, p + 8, 8);
	memcpy(&d.pages, p + 24, 8);
	return d;
}

/** The number of descriptors, 0 when the sizes make no sense. */
static size_t count(size_t map_size, size_t desc_size)
{
	return desc_size >= EFIMEM_DESC_MIN ? map_size / desc_size : 0;
}

/** The end of descriptor @p d, saturating. */
static uint64_t end_of(const struct desc *d)
{
	if (d->pages > (UINT64_MAX - d->start) / EFIMEM_PAGE)
		return UINT64_MAX;
	return d->start + d->pages * EFIMEM_PAGE;
}

int efimem_pick(const void *map, size_t map_size, size_t desc_size, uint64_t bytes,
		uint64_t align, uint64_t lo, uint64_t hi, uint64_t *addr)
{
	size_t i, n = count(map_size, desc_size);
	int found = 0;
	uint64_t best = 0;

	if (!bytes || !align || (align & (align - 1)))
		return -1;
	for (i = 0; i < n; i++) {
		struct desc d = get(map, desc_size, i);
		uint64_t s = d.start, e = end_of(&d), top;

		if (d.type != EFIMEM_CONVENTIONAL)
			continue;
		if (s < lo)
			s = lo;
		if (e > hi)
			e = hi;
		if (e <= s || e - s < bytes)
			continue;
		top = (e - bytes) & ~(align - 1);
		if (top < s)
			continue;
		if (!found || top > best) {
			best = top;
			found = 1;
		}
	}
	if (!found)
		return -1;
	*addr = best;
	return 0;
}

uint64_t efimem_largest_free(const void *map, size_t map_size, size_t desc_size, uint64_t align,
			     uint64_t lo, uint64_t hi)
{
	size_t i, n = count(map_size, desc_size);
	uint64_t best = 0;

	if (!align || (align & (align - 1)))
		return 0;
	for (i = 0; i < n; i++) {
		struct desc d = get(map, desc_size, i);
		uint64_t s = d.start < lo ? lo : d.start, e = end_of(&d);

		if (d.type != EFIMEM_CONVENTIONAL)
			continue;
		if (s > UINT64_MAX - (align - 1))
			continue;
		s = (s + align - 1) & ~(align - 1);
		if (e > hi)
			e = hi;
		if (e > s && e - s > best)
			best = e - s;
	}
	return best;
}

int efimem_is_os_ram(uint32_t type)
{
	return type == EFIMEM_LOADER_CODE || type == EFIMEM_LOADER_DATA ||
	       type == EFIMEM_BS_CODE || type == EFIMEM_BS_DATA || type == EFIMEM_CONVENTIONAL;
}

uint64_t efimem_os_ram_bytes(const void *map, size_t map_size, size_t desc_size)
{
	size_t i, n = count(map_size, desc_size);
	uint64_t sum = 0;

	for (i = 0; i < n; i++) {
		struct desc d = get(map, desc_size, i);

		if (efimem_is_os_ram(d.type))
			sum += d.pages * 4096;
	}
	return sum;
}

/** The type of the page at @p a (TYPE_NONE when no descriptor covers it). */
static uint32_t type_at(const void *map, size_t n, size_t desc_size, uint64_t a)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct desc d = get(map, desc_size, i);

		if (a >= d.start && a < end_of(&d))
			return d.type;
	}
	return TYPE_NONE;
}

int efimem_low_table_page(const void *map, size_t map_size, size_t desc_size, uint64_t *page)
{
	size_t n = count(map_size, desc_size);
	uint64_t a;

	for (a = LOW_TOP - EFIMEM_PAGE;; a -= EFIMEM_PAGE) {
		uint32_t t = type_at(map, n, desc_size, a);

		if (t == EFIMEM_CONVENTIONAL) {
			*page = a;
			return 0;
		}
		if (t != TYPE_NONE && efimem_is_os_ram(t))
			return -1;
		/* Below 64 KiB no finder looks. */
		if (a <= 0x10000)
			return -1;
	}
}
