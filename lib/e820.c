/**
 * @file e820.c
 *
 * The E820 memory map (see e820.h). Ranges are handled internally as
 * [base, last] with an inclusive last byte so that a range ending at 2^64
 * needs no special case.
 */
#include "e820.h"

#include "libc.h"

#define MIB (1024ull * 1024)
#define U64_MAX 0xffffffffffffffffull

/**
 * The last byte of an entry (its length is never 0 here).
 *
 * @param e  entry
 * @return base + len - 1, cut at 2^64 - 1
 */
static uint64_t last_of(const struct e820_entry *e)
{
	if (e->len - 1 > U64_MAX - e->base)
		return U64_MAX;
	return e->base + e->len - 1;
}

/**
 * Set an entry's length from an inclusive last byte.
 *
 * @param e     entry (base set)
 * @param last  last byte (>= base)
 */
static void set_last(struct e820_entry *e, uint64_t last)
{
	uint64_t span = last - e->base;

	e->len = span == U64_MAX ? U64_MAX : span + 1;
}

/**
 * Entry order: by base, then higher type first.
 *
 * @param a  entry
 * @param b  entry
 * @return 1 when @p a sorts before @p b
 */
static int before(const struct e820_entry *a, const struct e820_entry *b)
{
	return a->base < b->base || (a->base == b->base && a->type > b->type);
}

/**
 * Remove entry @p i.
 *
 * @param m  map
 * @param i  index (< n)
 */
static void remove_at(struct e820_map *m, uint32_t i)
{
	memmove(&m->e[i], &m->e[i + 1], (m->n - i - 1) * sizeof(m->e[0]));
	m->n--;
}

/**
 * Insert @p x at its sorted place among entries from index @p from on
 * (entries before @p from are not considered). There must be room.
 *
 * @param m     map (n < cap)
 * @param from  first index considered
 * @param x     entry
 */
static void insert_sorted(struct e820_map *m, uint32_t from, const struct e820_entry *x)
{
	uint32_t p = from;

	while (p < m->n && !before(x, &m->e[p]))
		p++;
	memmove(&m->e[p + 1], &m->e[p], (m->n - p) * sizeof(m->e[0]));
	m->e[p] = *x;
	m->n++;
}

/**
 * Is the map header usable?
 *
 * @param m  map
 * @return 1 or 0
 */
static int map_ok(const struct e820_map *m)
{
	return m && (m->e || !m->cap) && m->n <= m->cap;
}

void e820_init(struct e820_map *m, struct e820_entry *storage, uint32_t cap)
{
	m->e = storage;
	m->n = 0;
	m->cap = storage ? cap : 0;
}

/**
 * Append an entry with attributes.
 *
 * @param m     map
 * @param base  first byte
 * @param len   length (0: dropped)
 * @param type  type
 * @param attr  extended attributes
 * @return E820_OK, E820_E_FULL, E820_E_ARG
 */
static int add_attr(struct e820_map *m, uint64_t base, uint64_t len, uint32_t type,
		    uint32_t attr)
{
	struct e820_entry *e;

	if (!map_ok(m))
		return E820_E_ARG;
	if (!len)
		return E820_OK;
	if (m->n >= m->cap)
		return E820_E_FULL;
	e = &m->e[m->n++];
	e->base = base;
	e->len = len;
	e->type = type;
	e->attr = attr;
	set_last(e, last_of(e));        /* cut at 2^64 */
	return E820_OK;
}

int e820_add(struct e820_map *m, uint64_t base, uint64_t len, uint32_t type)
{
	return add_attr(m, base, len, type, 1);
}

int e820_add_bios(struct e820_map *m, const uint8_t *rec, size_t rec_len)
{
	uint64_t base = 0, len = 0;
	uint32_t type = 0, attr = 1;
	int i;

	if (!rec || rec_len < E820_BIOS_RECORD)
		return E820_E_ARG;
	for (i = 7; i >= 0; i--) {
		base = base << 8 | rec[i];
		len = len << 8 | rec[8 + i];
	}
	for (i = 3; i >= 0; i--)
		type = type << 8 | rec[16 + i];
	if (rec_len >= E820_BIOS_RECORD_EXT) {
		attr = (uint32_t)rec[20] | (uint32_t)rec[21] << 8 |
		       (uint32_t)rec[22] << 16 | (uint32_t)rec[23] << 24;
		if (!(attr & 1))
			return map_ok(m) ? E820_OK : E820_E_ARG;
	}
	return add_attr(m, base, len, type, attr);
}

int e820_sanitize(struct e820_map *m)
{
	uint32_t i, j;

	if (!map_ok(m))
		return E820_E_ARG;

	/* Drop empty entries, cut those that run past 2^64. */
	for (i = 0; i < m->n;) {
		if (!m->e[i].len) {
			remove_at(m, i);
		} else {
			set_last(&m->e[i], last_of(&m->e[i]));
			i++;
		}
	}

	/* Insertion sort (stable; maps are small). */
	for (i = 1; i < m->n; i++) {
		struct e820_entry x = m->e[i];

		for (j = i; j > 0 && before(&x, &m->e[j - 1]); j--)
			m->e[j] = m->e[j - 1];
		m->e[j] = x;
	}

	/*
	 * Sweep: entries before i are final (disjoint from everything after
	 * them, and merged with their left neighbour). Each step either
	 * advances i, removes an entry, or shrinks the total length.
	 */
	i = 0;
	while (i + 1 < m->n) {
		struct e820_entry *a = &m->e[i], *b = &m->e[i + 1];
		uint64_t a_last = last_of(a), b_last = last_of(b);
		int same = a->type == b->type && a->attr == b->attr;

		if (b->base > a_last) {
			if (same && b->base - 1 == a_last) {
				set_last(a, b_last);
				remove_at(m, i + 1);
			} else {
				i++;
			}
			continue;
		}
		/* Overlap: a->base <= b->base <= a_last. */
		if (same) {
			if (b_last > a_last)
				set_last(a, b_last);
			remove_at(m, i + 1);
		} else if (a->type >= b->type) {
			/* a wins where they overlap. */
			if (b_last <= a_last) {
				remove_at(m, i + 1);
			} else {
				struct e820_entry rest = *b;

				rest.base = a_last + 1;
				set_last(&rest, b_last);
				remove_at(m, i + 1);
				insert_sorted(m, i + 1, &rest);
			}
		} else {
			/* b wins; a->base < b->base (equal bases sort the
			 * higher type first), so a keeps its head. */
			if (b_last < a_last) {
				struct e820_entry tail = *a;

				if (m->n >= m->cap)
					return E820_E_FULL;
				tail.base = b_last + 1;
				set_last(&tail, a_last);
				set_last(a, b->base - 1);
				insert_sorted(m, i + 2, &tail);
			} else {
				set_last(a, b->base - 1);
			}
		}
	}
	return E820_OK;
}

int e820_set_range(struct e820_map *m, uint64_t base, uint64_t len, uint32_t type)
{
	uint64_t last;
	uint32_t i, n0, need;
	int r;

	if (!map_ok(m))
		return E820_E_ARG;
	if (len && len - 1 > U64_MAX - base)
		return E820_E_RANGE;
	/* A sanitized map stays disjoint after the carve, so the final
	 * sanitize only merges and cannot run out of room. */
	r = e820_sanitize(m);
	if (r || !len)
		return r;
	last = base + len - 1;

	/* Room needed: +1 per entry split in two, -1 per entry swallowed,
	 * +1 for the new entry. */
	need = m->n + 1;
	for (i = 0; i < m->n; i++) {
		const struct e820_entry *e = &m->e[i];
		uint64_t el;

		if (!e->len)
			continue;
		el = last_of(e);
		if (e->base < base && el > last)
			need++;
		else if (e->base >= base && el <= last)
			need--;
	}
	if (need > m->cap)
		return E820_E_FULL;

	n0 = m->n;
	for (i = 0; i < n0;) {
		struct e820_entry *e = &m->e[i];
		uint64_t el;

		if (!e->len) {
			i++;
			continue;
		}
		el = last_of(e);
		if (el < base || e->base > last) {
			i++;
		} else if (e->base >= base && el <= last) {
			remove_at(m, i);
			n0--;
		} else if (e->base < base && el > last) {
			struct e820_entry *t = &m->e[m->n++];

			*t = *e;
			t->base = last + 1;
			set_last(t, el);
			set_last(e, base - 1);
			i++;
		} else if (e->base < base) {
			set_last(e, base - 1);
			i++;
		} else {
			e->base = last + 1;
			set_last(e, el);
			i++;
		}
	}
	add_attr(m, base, len, type, 1);
	return e820_sanitize(m);
}

int e820_limit_ram(struct e820_map *m, uint64_t limit)
{
	uint32_t i, n0, splits = 0;
	int r;

	if (!map_ok(m))
		return E820_E_ARG;
	/* On a sanitized map at most one entry is split, and the final
	 * sanitize only merges. */
	r = e820_sanitize(m);
	if (r)
		return r;
	for (i = 0; i < m->n; i++)
		if (m->e[i].type == E820_RAM && m->e[i].len && m->e[i].base < limit &&
		    last_of(&m->e[i]) >= limit)
			splits++;
	if (splits > m->cap - m->n)
		return E820_E_FULL;
	n0 = m->n;
	for (i = 0; i < n0; i++) {
		struct e820_entry *e = &m->e[i];
		uint64_t el;

		if (e->type != E820_RAM || !e->len)
			continue;
		el = last_of(e);
		if (el < limit)
			continue;
		if (e->base >= limit) {
			e->type = E820_RESERVED;
		} else {
			struct e820_entry *t = &m->e[m->n++];

			*t = *e;
			t->base = limit;
			t->type = E820_RESERVED;
			set_last(t, el);
			set_last(e, limit - 1);
		}
	}
	return e820_sanitize(m);
}

/**
 * run_last() - the last byte of the run of @type entries that covers @start
 * @m:     the map
 * @start: where the run must begin (inside its first entry)
 * @type:  the entries' type
 * @last:  set to the run's last byte (inclusive, so a run up to the top of
 *         the address space is told apart from one that stops just below it)
 *
 * Adjacent or overlapping entries of @type extend the run, in any order.
 * Return: 1 if an entry of @type covers @start, else 0.
 */
static int run_last(const struct e820_map *m, uint64_t start, uint32_t type, uint64_t *last)
{
	uint64_t cur = start;
	int grew = 1, found = 0;
	uint32_t i;

	if (!map_ok(m))
		return 0;
	while (grew) {
		grew = 0;
		for (i = 0; i < m->n; i++) {
			const struct e820_entry *e = &m->e[i];
			uint64_t el;

			if (e->type != type || !e->len || e->base > cur)
				continue;
			el = last_of(e);
			if (el < cur)
				continue;
			*last = el;
			found = 1;
			if (el == U64_MAX)
				return 1;
			cur = el + 1;
			grew = 1;
		}
	}
	return found;
}

uint64_t e820_ram_bytes(const struct e820_map *m)
{
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < m->n; i++)
		if (m->e[i].type == E820_RAM)
			sum += m->e[i].len;
	return sum;
}

uint64_t e820_contiguous_end(const struct e820_map *m, uint64_t start)
{
	uint64_t last;

	if (!run_last(m, start, E820_RAM, &last))
		return start;
	return last == U64_MAX ? U64_MAX : last + 1;
}

void e820_e801(const struct e820_map *m, uint16_t *kib, uint16_t *blocks)
{
	uint64_t end = e820_contiguous_end(m, MIB);
	uint64_t low = end > 16 * MIB ? 16 * MIB : end;
	uint64_t high = end > 4096 * MIB ? 4096 * MIB : end;

	*kib = (uint16_t)((low - MIB) / 1024);
	*blocks = high > 16 * MIB ? (uint16_t)((high - 16 * MIB) / 65536) : 0;
}

uint16_t e820_int1588(const struct e820_map *m)
{
	uint64_t kib = (e820_contiguous_end(m, MIB) - MIB) / 1024;

	return kib > 0xffff ? 0xffff : (uint16_t)kib;
}

int e820_find_top(const struct e820_map *m, uint64_t size, uint64_t align,
		  uint64_t min, uint64_t limit, uint64_t *addr)
{
	uint64_t best = 0;
	int found = 0;
	uint32_t i;

	if (!map_ok(m) || !addr || !size)
		return E820_E_ARG;
	if (!align)
		align = 1;
	if (align & (align - 1))
		return E820_E_ALIGN;
	for (i = 0; i < m->n; i++) {
		const struct e820_entry *e = &m->e[i];
		uint64_t lo, hi, el, cand;

		if (e->type != E820_RAM || !e->len || !limit)
			continue;
		el = last_of(e);
		lo = e->base > min ? e->base : min;
		hi = el < limit - 1 ? el : limit - 1;      /* inclusive */
		if (hi < lo || hi - lo < size - 1)
			continue;
		cand = (hi - (size - 1)) & ~(align - 1);
		if (cand < lo)
			continue;
		if (!found || cand > best) {
			best = cand;
			found = 1;
		}
	}
	if (!found)
		return E820_E_NOTFOUND;
	*addr = best;
	return E820_OK;
}

int e820_usable_bounds(const struct e820_map *m, uint64_t *first, uint64_t *last)
{
	uint64_t lo = U64_MAX, hi = 0;
	int found = 0;
	uint32_t i;

	if (!map_ok(m) || !first || !last)
		return E820_E_ARG;
	for (i = 0; i < m->n; i++) {
		const struct e820_entry *e = &m->e[i];

		if (e->type != E820_RAM || !e->len)
			continue;
		if (e->base < lo)
			lo = e->base;
		if (last_of(e) > hi)
			hi = last_of(e);
		found = 1;
	}
	if (!found)
		return E820_E_NOTFOUND;
	*first = lo;
	*last = hi;
	return E820_OK;
}

int e820_range_is(const struct e820_map *m, uint64_t base, uint64_t len, uint32_t type)
{
	uint64_t last;

	if (!len || len - 1 > U64_MAX - base)
		return 0;
	return run_last(m, base, type, &last) && last >= base + len - 1;
}

int e820_bios_record(const struct e820_map *m, uint32_t cont, uint8_t out[20], uint32_t *next)
{
	const struct e820_entry *e;
	int i;

	if (!map_ok(m) || !out || !next)
		return E820_E_ARG;
	if (cont >= m->n)
		return E820_E_NOTFOUND;
	e = &m->e[cont];
	for (i = 0; i < 8; i++) {
		out[i] = (uint8_t)(e->base >> (8 * i));
		out[8 + i] = (uint8_t)(e->len >> (8 * i));
	}
	for (i = 0; i < 4; i++)
		out[16 + i] = (uint8_t)(e->type >> (8 * i));
	*next = cont + 1 < m->n ? cont + 1 : 0;
	return E820_OK;
}
