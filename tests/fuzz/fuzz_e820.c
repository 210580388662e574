/**
 * @file fuzz_e820.c
 *
 * libFuzzer target for the E820 map. The first input byte sets the map's
 * capacity (1-64); then 18-byte operations follow: opcode, base (u64 LE),
 * length (u64 LE), type. Opcodes (mod 8): add, add a 24-byte BIOS record,
 * sanitize, set_range, mem= limit, find_top, the E801/88h answers, BIOS
 * records.
 *
 * A shadow model replays every successful operation to give the type of
 * any address (adds: the higher type wins; set_range: the new type; limit:
 * RAM above becomes reserved). After every operation the map must give
 * the same type at every boundary address, and after a successful
 * sanitize or set_range it must be sorted, disjoint and merged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "e820.h"

#define MAXOPS 64
#define U64_MAX 0xffffffffffffffffull

/** A replayed operation. */
struct op {
	int kind;               /* 0 add, 1 set, 2 limit */
	uint64_t base, last;
	uint32_t type;
};

static struct op ops[MAXOPS];
static size_t nops;

/** The last byte of [base, base + len), cut at 2^64 - 1. */
static uint64_t last_of(uint64_t base, uint64_t len)
{
	return len - 1 > U64_MAX - base ? U64_MAX : base + len - 1;
}

/** The shadow model's type at @p a (0: nothing). */
static uint32_t model_type(uint64_t a)
{
	uint32_t t = 0;
	size_t i;

	for (i = 0; i < nops; i++) {
		const struct op *o = &ops[i];

		if (o->kind == 2) {
			if (t == E820_RAM && a >= o->base)
				t = E820_RESERVED;
		} else if (a >= o->base && a <= o->last) {
			if (o->kind == 1 || o->type > t)
				t = o->type;
		}
	}
	return t;
}

/** The map's type at @p a: the highest type of the entries covering it. */
static uint32_t map_type(const struct e820_map *m, uint64_t a)
{
	uint32_t t = 0, i;

	for (i = 0; i < m->n; i++)
		if (m->e[i].len && a >= m->e[i].base && a <= last_of(m->e[i].base, m->e[i].len) &&
		    m->e[i].type > t)
			t = m->e[i].type;
	return t;
}

/** Compare the map with the model at every boundary and its neighbours. */
static void check_model(const struct e820_map *m)
{
	size_t i;
	int k;

	for (i = 0; i < nops; i++) {
		uint64_t pts[6] = { ops[i].base, ops[i].base - 1, ops[i].base + 1,
				    ops[i].last, ops[i].last + 1, ops[i].last - 1 };

		for (k = 0; k < 6; k++) {
			/* A merged entry over all 2^64 bytes loses the last one. */
			if (pts[k] == U64_MAX)
				continue;
			if (map_type(m, pts[k]) != model_type(pts[k]))
				abort();
		}
	}
}

/** Sorted, disjoint, non-empty, merged. */
static void check_sane(const struct e820_map *m)
{
	uint32_t i;

	for (i = 0; i < m->n; i++) {
		const struct e820_entry *e = &m->e[i], *p = &m->e[i - 1];

		if (!e->len)
			abort();
		if (i && e->base <= last_of(p->base, p->len))
			abort();
		if (i && e->base - 1 == last_of(p->base, p->len) && e->type == p->type &&
		    e->attr == p->attr)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct e820_entry *st;
	struct e820_map m, m2;
	uint32_t cap, next;
	int sane = 1;

	if (size < 1)
		return 0;
	cap = data[0] % 64 + 1;
	st = malloc(cap * sizeof(*st));
	e820_init(&m, st, cap);
	nops = 0;
	data++;
	size--;
	while (size >= 18 && nops < MAXOPS) {
		uint64_t base = 0, len = 0, a;
		uint32_t type = data[17] % 14;
		uint8_t rec[24];
		uint16_t kib, blocks;
		int op = data[0] % 8, r, i;

		for (i = 0; i < 8; i++) {
			base |= (uint64_t)data[1 + i] << (8 * i);
			len |= (uint64_t)data[9 + i] << (8 * i);
		}
		if (data[0] & 0x80) {   /* plausible PC addresses half the time */
			base &= 0x1ffffffffull;
			len &= 0x0ffffffffull;
		}
		data += 18;
		size -= 18;

		switch (op) {
		case 0:
			r = e820_add(&m, base, len, type);
			if (r == E820_OK && len) {
				ops[nops++] = (struct op){ 0, base, last_of(base, len), type };
				sane = 0;
			} else if (r != E820_OK && r != E820_E_FULL) {
				abort();
			}
			break;
		case 1:
			memcpy(rec, data - 17, 16);
			rec[16] = (uint8_t)type;
			rec[17] = rec[18] = rec[19] = 0;
			rec[20] = (uint8_t)(base >> 56);
			rec[21] = rec[22] = rec[23] = 0;
			base = len = 0;
			for (i = 0; i < 8; i++) {
				base |= (uint64_t)rec[i] << (8 * i);
				len |= (uint64_t)rec[8 + i] << (8 * i);
			}
			r = e820_add_bios(&m, rec, 24);
			if (r == E820_OK && len && (rec[20] & 1)) {
				/* attributes other than 1 are kept apart, not merged;
				 * the type function is unchanged by them */
				ops[nops++] = (struct op){ 0, base, last_of(base, len), type };
				sane = 0;
			}
			break;
		case 2:
			r = e820_sanitize(&m);
			if (r == E820_OK) {
				check_sane(&m);
				sane = 1;
			} else if (r != E820_E_FULL) {
				abort();
			}
			break;
		case 3:
			r = e820_set_range(&m, base, len, type);
			if (r == E820_OK) {
				check_sane(&m);
				sane = 1;
				if (len) {
					ops[nops++] = (struct op){ 1, base, base + len - 1, type };
					if (!e820_range_is(&m, base, len, type) && type)
						abort();
				}
			} else if (r == E820_E_RANGE) {
				if (len - 1 <= U64_MAX - base)
					abort();
			} else if (r != E820_E_FULL) {
				abort();
			}
			break;
		case 4:
			r = e820_limit_ram(&m, base);
			if (r == E820_OK) {
				uint32_t k;

				check_sane(&m);
				sane = 1;
				ops[nops++] = (struct op){ 2, base, U64_MAX, 0 };
				for (k = 0; k < m.n; k++)
					if (m.e[k].type == E820_RAM &&
					    last_of(m.e[k].base, m.e[k].len) >= base)
						abort();
			} else if (r != E820_E_FULL) {
				abort();
			}
			break;
		case 5: {
			uint64_t align = 1ull << (data[-1] % 40);
			uint64_t min = base & 0xfffff, limit = base;

			if (!sane)
				break;
			r = e820_find_top(&m, len ? len : 1, align, min, limit, &a);
			if (r == E820_OK) {
				if (a & (align - 1) || a < min || a > limit ||
				    (len ? len : 1) > limit - a ||
				    !e820_range_is(&m, a, len ? len : 1, E820_RAM))
					abort();
			} else if (r != E820_E_NOTFOUND) {
				abort();
			}
			break;
		}
		case 6: {
			uint64_t end = e820_contiguous_end(&m, 1ull << 20);
			uint16_t ax = e820_int1588(&m);

			e820_e801(&m, &kib, &blocks);
			if (kib > 0x3c00 || (blocks && kib != 0x3c00) || blocks > 0xff00 ||
			    end < (1ull << 20) || ax != ((end - (1ull << 20)) / 1024 > 0xffff ?
							 0xffff : (end - (1ull << 20)) / 1024))
				abort();
			if (e820_usable_bounds(&m, &a, &end) == E820_OK && a > end)
				abort();
			break;
		}
		default: {
			/* Round trip through the 20-byte records the hook serves. */
			struct e820_entry *st2 = malloc(cap * sizeof(*st2));
			uint32_t c = 0;
			uint8_t out[20];

			e820_init(&m2, st2, cap);
			do {
				if (e820_bios_record(&m, c, out, &next) != E820_OK)
					break;
				if (e820_add_bios(&m2, out, 20) != E820_OK)
					abort();
				c = next;
			} while (next);
			if (m2.n > m.n)
				abort();
			for (c = 0; c < m2.n; c++)
				if (m2.e[c].base != m.e[c].base || m2.e[c].len != m.e[c].len ||
				    m2.e[c].type != m.e[c].type)
					abort();
			free(st2);
			break;
		}
		}
		check_model(&m);
	}
	free(st);
	return 0;
}
