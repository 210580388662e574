/**
 * @file test_e820.c
 *
 * The E820 map: a map recorded from QEMU 7.2 / SeaBIOS 1.16 (512 MiB
 * guest) with an image and the resident driver reserved, sanitizing
 * (overlaps, merges, wraparound, capacity), mem=, E801h and 88h answers,
 * room for a decompressed image, and the INT 15h record format.
 */
#include "e820.h"
#include "test.h"

void test_e820(void);

#define MiB (1024ull * 1024)
#define GiB (1024ull * MiB)

/** QEMU/SeaBIOS, -m 512: base, length, type. */
static const struct {
	uint64_t base, len;
	uint32_t type;
} qemu_map[] = {
	{ 0x00000000, 0x0009fc00, 1 },
	{ 0x0009fc00, 0x00000400, 2 },
	{ 0x000f0000, 0x00010000, 2 },
	{ 0x00100000, 0x1fee0000, 1 },
	{ 0x1ffe0000, 0x00020000, 2 },
	{ 0xfffc0000, 0x00040000, 2 },
};

#define N_QEMU (sizeof(qemu_map) / sizeof(qemu_map[0]))

/** Encode one INT 15h E820 record. */
static void record(uint8_t *r, uint64_t base, uint64_t len, uint32_t type)
{
	int i;

	for (i = 0; i < 8; i++) {
		r[i] = (uint8_t)(base >> 8 * i);
		r[8 + i] = (uint8_t)(len >> 8 * i);
	}
	for (i = 0; i < 4; i++)
		r[16 + i] = (uint8_t)(type >> 8 * i);
}

/** Load the QEMU map through the BIOS-record reader. */
static void load_qemu(struct e820_map *m, struct e820_entry *st, uint32_t cap)
{
	uint8_t r[20];
	size_t i;

	e820_init(m, st, cap);
	for (i = 0; i < N_QEMU; i++) {
		record(r, qemu_map[i].base, qemu_map[i].len, qemu_map[i].type);
		CHECK_EQ(e820_add_bios(m, r, sizeof(r)), E820_OK);
	}
}

/** Does entry @p i hold [base, last] of @p type? */
static int is(const struct e820_map *m, uint32_t i, uint64_t base, uint64_t last, uint32_t type)
{
	return i < m->n && m->e[i].base == base && m->e[i].base + m->e[i].len - 1 == last &&
	       m->e[i].type == type;
}

/** Is the map sorted, disjoint, non-empty and merged? */
static int sane(const struct e820_map *m)
{
	uint32_t i;

	for (i = 0; i < m->n; i++) {
		if (!m->e[i].len)
			return 0;
		if (i && m->e[i].base <= m->e[i - 1].base + (m->e[i - 1].len - 1))
			return 0;
		if (i && m->e[i].base == m->e[i - 1].base + m->e[i - 1].len &&
		    m->e[i].type == m->e[i - 1].type && m->e[i].attr == m->e[i - 1].attr)
			return 0;
	}
	return 1;
}

/** The QEMU map, an image at the top of RAM and the resident driver. */
static void test_qemu(void)
{
	struct e820_entry st[32];
	struct e820_map m;
	uint64_t img, first, last;
	uint16_t ax, bx;
	uint8_t r[20];
	uint32_t next, i;

	load_qemu(&m, st, 32);
	CHECK_EQ(e820_sanitize(&m), E820_OK);
	CHECK_EQ(m.n, 6);
	for (i = 0; i < N_QEMU; i++)
		CHECK(is(&m, i, qemu_map[i].base, qemu_map[i].base + qemu_map[i].len - 1,
			 qemu_map[i].type));

	/* The BIOS's own answers before memdisk changes anything. */
	e820_e801(&m, &ax, &bx);
	CHECK_EQ(ax, 0x3c00);
	CHECK_EQ(bx, (0x1ffe0000 - 16 * MiB) / 65536);
	CHECK_EQ(e820_int1588(&m), 0xffff);
	CHECK_EQ(e820_usable_bounds(&m, &first, &last), E820_OK);
	CHECK_EQ(first, 0);
	CHECK_EQ(last, 0x1ffdffff);

	/* A 22.5 MiB image decompressed at the top of RAM, 4 KiB aligned. */
	CHECK_EQ(e820_find_top(&m, 0x1680000, 4096, MiB, 4 * GiB, &img), E820_OK);
	CHECK_EQ(img, 0x1ffe0000 - 0x1680000);
	CHECK_EQ(e820_set_range(&m, img, 0x1680000, E820_RESERVED), E820_OK);
	/* ...and the resident driver, 3 KiB at the top of base memory. */
	CHECK_EQ(e820_set_range(&m, 0x9f000, 0xc00, E820_RESERVED), E820_OK);
	CHECK(sane(&m));
	CHECK_EQ(m.n, 6);
	CHECK(is(&m, 0, 0, 0x9efff, E820_RAM));
	CHECK(is(&m, 1, 0x9f000, 0x9ffff, E820_RESERVED));
	CHECK(is(&m, 2, 0xf0000, 0xfffff, E820_RESERVED));
	CHECK(is(&m, 3, 0x100000, img - 1, E820_RAM));
	CHECK(is(&m, 4, img, 0x1fffffff, E820_RESERVED));
	CHECK(is(&m, 5, 0xfffc0000, 0xffffffff, E820_RESERVED));
	CHECK(e820_range_is(&m, img, 0x1680000, E820_RESERVED));
	CHECK(e820_range_is(&m, 0x9f000, 0xc00, E820_RESERVED));
	CHECK(!e820_range_is(&m, img - 1, 2, E820_RESERVED));
	CHECK(e820_range_is(&m, MiB, img - MiB, E820_RAM));
	CHECK(!e820_range_is(&m, 0x9e000, 0x2000, E820_RAM));
	CHECK(!e820_range_is(&m, 0, 0, E820_RAM));

	/* What DOS and HIMEM.SYS are told now. */
	e820_e801(&m, &ax, &bx);
	CHECK_EQ(ax, 0x3c00);
	CHECK_EQ(bx, (img - 16 * MiB) / 65536);
	CHECK_EQ(e820_int1588(&m), 0xffff);
	CHECK_EQ(e820_contiguous_end(&m, MiB), img);
	CHECK_EQ(e820_contiguous_end(&m, 0x9f000), 0x9f000);    /* not RAM */
	/* All RAM: below 0x9f000, and from 1 MiB to the image (reserved now). */
	CHECK_EQ(e820_ram_bytes(&m), 0x9f000 + (img - MiB));

	/* The records the INT 15h hook returns. */
	CHECK_EQ(e820_bios_record(&m, 0, r, &next), E820_OK);
	CHECK_EQ(next, 1);
	CHECK_EQ(r[0] | r[1] | r[2] | r[3], 0);
	CHECK_EQ(r[8] | r[9] << 8 | r[10] << 16, 0x9f000);
	CHECK_EQ(r[16], 1);
	CHECK_EQ(e820_bios_record(&m, 4, r, &next), E820_OK);
	CHECK_EQ(next, 5);
	CHECK_EQ(r[16], 2);
	CHECK_EQ(r[0] | r[1] << 8 | r[2] << 16 | (uint32_t)r[3] << 24, img);
	CHECK_EQ(e820_bios_record(&m, 5, r, &next), E820_OK);
	CHECK_EQ(next, 0);
	CHECK_EQ(r[8] | r[9] << 8 | r[10] << 16, 0x40000);
	CHECK_EQ(e820_bios_record(&m, 6, r, &next), E820_E_NOTFOUND);
	CHECK_EQ(e820_bios_record(&m, 0xffffffffu, r, &next), E820_E_NOTFOUND);

	/* memboot's pmem: the image as type 12 instead. */
	load_qemu(&m, st, 32);
	CHECK_EQ(e820_set_range(&m, 0x10000000, 0x8000000, E820_PRAM), E820_OK);
	CHECK_EQ(m.n, 8);
	CHECK(is(&m, 3, 0x100000, 0xfffffff, E820_RAM));
	CHECK(is(&m, 4, 0x10000000, 0x17ffffff, E820_PRAM));
	CHECK(is(&m, 5, 0x18000000, 0x1ffdffff, E820_RAM));
	e820_e801(&m, &ax, &bx);
	CHECK_EQ(bx, (0x10000000 - 16 * MiB) / 65536);
}

/** mem= */
static void test_limit(void)
{
	struct e820_entry st[32];
	struct e820_map m;
	uint16_t ax, bx;

	load_qemu(&m, st, 32);
	CHECK_EQ(e820_limit_ram(&m, 256 * MiB), E820_OK);
	CHECK(sane(&m));
	CHECK_EQ(m.n, 6);
	CHECK(is(&m, 3, 0x100000, 256 * MiB - 1, E820_RAM));
	CHECK(is(&m, 4, 256 * MiB, 0x1fffffff, E820_RESERVED));
	e820_e801(&m, &ax, &bx);
	CHECK_EQ(bx, (256 - 16) * 16);

	/* Below 1 MiB: the low RAM is cut, all high RAM reserved. */
	load_qemu(&m, st, 32);
	CHECK_EQ(e820_limit_ram(&m, 0x80000), E820_OK);
	CHECK(sane(&m));
	CHECK(is(&m, 0, 0, 0x7ffff, E820_RAM));
	CHECK(is(&m, 1, 0x80000, 0x9ffff, E820_RESERVED));
	CHECK(is(&m, 2, 0xf0000, 0x1fffffff, E820_RESERVED));   /* merged */
	CHECK_EQ(e820_int1588(&m), 0);

	/* At or above the top of RAM: nothing changes. */
	load_qemu(&m, st, 32);
	CHECK_EQ(e820_limit_ram(&m, 0x1ffe0000), E820_OK);
	CHECK_EQ(m.n, 6);
	CHECK(is(&m, 3, 0x100000, 0x1ffdffff, E820_RAM));
	CHECK_EQ(e820_limit_ram(&m, 0), E820_OK);               /* everything */
	CHECK(is(&m, 0, 0, 0x9ffff, E820_RESERVED));

	/* A split that does not fit: refused, map unchanged. */
	load_qemu(&m, st, N_QEMU);
	CHECK_EQ(e820_limit_ram(&m, 256 * MiB), E820_E_FULL);
	CHECK_EQ(m.n, N_QEMU);
	CHECK(is(&m, 3, 0x100000, 0x1ffdffff, E820_RAM));
	/* An unsanitized map that cannot be sanitized: the limit is not
	 * applied, and the map still describes the same memory. */
	e820_init(&m, st, 2);
	e820_add(&m, 0, 100, E820_RAM);
	e820_add(&m, 10, 10, E820_RESERVED);
	CHECK_EQ(e820_limit_ram(&m, 50), E820_E_FULL);
	CHECK(e820_range_is(&m, 60, 40, E820_RAM));
	load_qemu(&m, st, N_QEMU);
	/* No split needed: fits at full capacity. */
	CHECK_EQ(e820_limit_ram(&m, 0x100000), E820_OK);
	CHECK(is(&m, 2, 0xf0000, 0x1fffffff, E820_RESERVED));
}

/** E801h and 88h on other machines. */
static void test_e801(void)
{
	struct e820_entry st[8];
	struct e820_map m;
	uint16_t ax, bx;

	/* 8 MiB machine. */
	e820_init(&m, st, 8);
	e820_add(&m, 0, 0xa0000, E820_RAM);
	e820_add(&m, MiB, 7 * MiB, E820_RAM);
	e820_e801(&m, &ax, &bx);
	CHECK_EQ(ax, 7 * 1024);
	CHECK_EQ(bx, 0);
	CHECK_EQ(e820_int1588(&m), 7 * 1024);

	/* RAM up to exactly 16 MiB. */
	e820_init(&m, st, 8);
	e820_add(&m, MiB, 15 * MiB, E820_RAM);
	e820_e801(&m, &ax, &bx);
	CHECK_EQ(ax, 0x3c00);
	CHECK_EQ(bx, 0);
	CHECK_EQ(e820_int1588(&m), 0x3c00);

	/* The ISA hole at 15 MiB stops the contiguous RAM. */
	e820_init(&m, st, 8);
	e820_add(&m, MiB, 14 * MiB, E820_RAM);
	e820_add(&m, 15 * MiB, MiB, E820_RESERVED);
	e820_add(&m, 16 * MiB, 48 * MiB, E820_RAM);
	e820_e801(&m, &ax, &bx);
	CHECK_EQ(ax, 14 * 1024);
	CHECK_EQ(bx, 0);

	/* Adjacent RAM entries count as one, even unsorted and unmerged. */
	e820_init(&m, st, 8);
	e820_add(&m, 3 * MiB, 61 * MiB, E820_RAM);
	e820_add(&m, 2 * MiB, MiB, E820_RAM);
	e820_add(&m, MiB, MiB, E820_RAM);
	e820_e801(&m, &ax, &bx);
	CHECK_EQ(ax, 0x3c00);
	CHECK_EQ(bx, 48 * 16);
	CHECK_EQ(e820_int1588(&m), 63 * 1024);

	/* RAM running past 4 GiB: BX stops at 4 GiB. */
	e820_init(&m, st, 8);
	e820_add(&m, MiB, 8 * GiB, E820_RAM);
	e820_e801(&m, &ax, &bx);
	CHECK_EQ(ax, 0x3c00);
	CHECK_EQ(bx, 0xff00);
	CHECK_EQ(e820_int1588(&m), 0xffff);

	/* Nothing at 1 MiB. */
	e820_init(&m, st, 8);
	e820_add(&m, 0, 0xa0000, E820_RAM);
	e820_add(&m, 2 * MiB, 62 * MiB, E820_RAM);
	e820_e801(&m, &ax, &bx);
	CHECK_EQ(ax, 0);
	CHECK_EQ(bx, 0);
	CHECK_EQ(e820_int1588(&m), 0);

	/* RAM to the very top of the address space. */
	e820_init(&m, st, 8);
	e820_add(&m, MiB, 0xffffffffffffffffull, E820_RAM);
	CHECK_EQ(e820_contiguous_end(&m, MiB), 0xffffffffffffffffull);
	e820_e801(&m, &ax, &bx);
	CHECK_EQ(bx, 0xff00);

	/* Partial KiB are dropped. */
	e820_init(&m, st, 8);
	e820_add(&m, MiB, 1023, E820_RAM);
	CHECK_EQ(e820_int1588(&m), 0);
	e820_add(&m, MiB + 1023, 1, E820_RAM);
	CHECK_EQ(e820_int1588(&m), 1);
}

/** Overlaps, merges, wraparound and capacity in e820_sanitize. */
static void test_sanitize(void)
{
	struct e820_entry st[16];
	struct e820_map m;

	/* A reserved range inside RAM splits it. */
	e820_init(&m, st, 16);
	e820_add(&m, 0, 0x100000, E820_RAM);
	e820_add(&m, 0x9f000, 0x1000, E820_RESERVED);
	CHECK_EQ(e820_sanitize(&m), E820_OK);
	CHECK_EQ(m.n, 3);
	CHECK(is(&m, 0, 0, 0x9efff, E820_RAM));
	CHECK(is(&m, 1, 0x9f000, 0x9ffff, E820_RESERVED));
	CHECK(is(&m, 2, 0xa0000, 0xfffff, E820_RAM));

	/* Same base: the higher type takes its part. */
	e820_init(&m, st, 16);
	e820_add(&m, 0x1000, 0x1000, E820_RAM);
	e820_add(&m, 0x1000, 0x800, E820_ACPI);
	CHECK_EQ(e820_sanitize(&m), E820_OK);
	CHECK_EQ(m.n, 2);
	CHECK(is(&m, 0, 0x1000, 0x17ff, E820_ACPI));
	CHECK(is(&m, 1, 0x1800, 0x1fff, E820_RAM));

	/* A lower type inside a higher one disappears. */
	e820_init(&m, st, 16);
	e820_add(&m, 0, 100, E820_RESERVED);
	e820_add(&m, 10, 10, E820_RAM);
	CHECK_EQ(e820_sanitize(&m), E820_OK);
	CHECK_EQ(m.n, 1);
	CHECK(is(&m, 0, 0, 99, E820_RESERVED));

	/* Nested layers. */
	e820_init(&m, st, 16);
	e820_add(&m, 40, 10, E820_RAM);
	e820_add(&m, 20, 10, E820_NVS);
	e820_add(&m, 10, 80, E820_RESERVED);
	e820_add(&m, 0, 100, E820_RAM);
	CHECK_EQ(e820_sanitize(&m), E820_OK);
	CHECK(sane(&m));
	CHECK_EQ(m.n, 5);
	CHECK(is(&m, 0, 0, 9, E820_RAM));
	CHECK(is(&m, 1, 10, 19, E820_RESERVED));
	CHECK(is(&m, 2, 20, 29, E820_NVS));
	CHECK(is(&m, 3, 30, 89, E820_RESERVED));
	CHECK(is(&m, 4, 90, 99, E820_RAM));

	/* Partial overlaps both ways, duplicates, staircase. */
	e820_init(&m, st, 16);
	e820_add(&m, 0, 50, E820_RAM);
	e820_add(&m, 40, 20, E820_RESERVED);     /* higher, overlaps the end */
	e820_add(&m, 55, 20, E820_RAM);          /* lower, overlaps its end */
	e820_add(&m, 55, 20, E820_RAM);          /* duplicate */
	e820_add(&m, 70, 30, E820_RAM);          /* same type, overlapping */
	CHECK_EQ(e820_sanitize(&m), E820_OK);
	CHECK_EQ(m.n, 3);
	CHECK(is(&m, 0, 0, 39, E820_RAM));
	CHECK(is(&m, 1, 40, 59, E820_RESERVED));
	CHECK(is(&m, 2, 60, 99, E820_RAM));

	/* Adjacent ranges: merged when same type and attributes only. */
	e820_init(&m, st, 16);
	e820_add(&m, 20, 10, E820_RAM);
	e820_add(&m, 0, 10, E820_RAM);
	e820_add(&m, 10, 10, E820_RAM);
	e820_add(&m, 30, 10, E820_RESERVED);
	e820_add(&m, 45, 0, E820_RESERVED);      /* dropped */
	CHECK_EQ(e820_sanitize(&m), E820_OK);
	CHECK_EQ(m.n, 2);
	CHECK(is(&m, 0, 0, 29, E820_RAM));
	CHECK(is(&m, 1, 30, 39, E820_RESERVED));
	st[2] = st[1];
	st[1].base = 30;
	st[1].len = 5;
	st[1].type = E820_RAM;
	st[1].attr = 3;
	st[2].base = 35;
	st[2].len = 5;
	m.n = 3;
	CHECK_EQ(e820_sanitize(&m), E820_OK);
	CHECK_EQ(m.n, 3);                        /* attr 3 keeps it apart */

	/* Zero-length entries written directly are dropped too. */
	st[0].len = 0;
	CHECK_EQ(e820_sanitize(&m), E820_OK);
	CHECK_EQ(m.n, 2);

	/* Unknown types are kept; the higher number wins. */
	e820_init(&m, st, 16);
	e820_add(&m, 0, 100, 0xdeadbeef);
	e820_add(&m, 50, 100, E820_PRAM);
	CHECK_EQ(e820_sanitize(&m), E820_OK);
	CHECK(is(&m, 0, 0, 99, 0xdeadbeef));
	CHECK(is(&m, 1, 100, 149, E820_PRAM));

	/* 64-bit wraparound: cut at the last byte. */
	e820_init(&m, st, 16);
	CHECK_EQ(e820_add(&m, 0xfffffffffffff000ull, 0x2000, E820_RAM), E820_OK);
	CHECK_EQ(st[0].len, 0x1000);
	e820_add(&m, 0xfffffffffffff800ull, 0x10000, E820_RESERVED);
	e820_add(&m, 0xffffffff00000000ull, 0x100, E820_RAM);
	CHECK_EQ(e820_sanitize(&m), E820_OK);
	CHECK(sane(&m));
	CHECK(is(&m, 0, 0xffffffff00000000ull, 0xffffffff000000ffull, E820_RAM));
	CHECK(is(&m, 1, 0xfffffffffffff000ull, 0xfffffffffffff7ffull, E820_RAM));
	CHECK(is(&m, 2, 0xfffffffffffff800ull, 0xffffffffffffffffull, E820_RESERVED));
	e820_init(&m, st, 16);
	e820_add(&m, 0, 0xffffffffffffffffull, E820_RAM);
	e820_add(&m, 0xfffffffffffffff0ull, 0x10, E820_RESERVED);
	e820_add(&m, 0x1000, 0x1000, E820_RESERVED);
	CHECK_EQ(e820_sanitize(&m), E820_OK);
	CHECK(sane(&m));
	CHECK_EQ(m.n, 4);
	CHECK(is(&m, 2, 0x2000, 0xffffffffffffffefull, E820_RAM));

	/* Not enough room to split. */
	e820_init(&m, st, 2);
	e820_add(&m, 0, 100, E820_RAM);
	e820_add(&m, 10, 10, E820_RESERVED);
	CHECK_EQ(e820_sanitize(&m), E820_E_FULL);
	/* Room enough once the overlaps need no split. */
	e820_init(&m, st, 2);
	e820_add(&m, 0, 100, E820_RAM);
	e820_add(&m, 90, 20, E820_RESERVED);
	CHECK_EQ(e820_sanitize(&m), E820_OK);
	CHECK(is(&m, 0, 0, 89, E820_RAM));

	/* Bad maps. */
	CHECK_EQ(e820_sanitize(NULL), E820_E_ARG);
	m.n = 3;
	CHECK_EQ(e820_sanitize(&m), E820_E_ARG);
	e820_init(&m, NULL, 5);
	CHECK_EQ(m.cap, 0);
	CHECK_EQ(e820_add(&m, 0, 1, E820_RAM), E820_E_FULL);
	CHECK_EQ(e820_sanitize(&m), E820_OK);
}

/** e820_set_range corner cases. */
static void test_set_range(void)
{
	struct e820_entry st[16];
	struct e820_map m;
	uint64_t first, last;

	/* Across several entries and a hole: the hole becomes the new type. */
	load_qemu(&m, st, 16);
	CHECK_EQ(e820_set_range(&m, 0x9f000, 0x62000, E820_RESERVED), E820_OK);
	CHECK(sane(&m));
	CHECK_EQ(m.n, 5);
	CHECK(is(&m, 0, 0, 0x9efff, E820_RAM));
	CHECK(is(&m, 1, 0x9f000, 0x100fff, E820_RESERVED));
	CHECK(is(&m, 2, 0x101000, 0x1ffdffff, E820_RAM));

	/* Setting RAM over reserved (lower type) works too. */
	CHECK_EQ(e820_set_range(&m, 0x9f000, 0x1000, E820_RAM), E820_OK);
	CHECK(is(&m, 0, 0, 0x9ffff, E820_RAM));
	CHECK(is(&m, 1, 0xa0000, 0x100fff, E820_RESERVED));

	/* Exactly an existing entry: no growth, works at full capacity. */
	load_qemu(&m, st, N_QEMU);
	CHECK_EQ(e820_set_range(&m, 0xf0000, 0x10000, E820_NVS), E820_OK);
	CHECK(is(&m, 2, 0xf0000, 0xfffff, E820_NVS));
	/* A split at full capacity: refused, unchanged. */
	CHECK_EQ(e820_set_range(&m, 0x10000000, 0x1000, E820_RESERVED), E820_E_FULL);
	CHECK_EQ(m.n, N_QEMU);
	CHECK(is(&m, 3, 0x100000, 0x1ffdffff, E820_RAM));
	/* Cutting the end of an entry adds one: also refused at capacity. */
	CHECK_EQ(e820_set_range(&m, 0x1f000000, 0xfe0000, E820_RESERVED), E820_E_FULL);
	/* Covering two whole entries frees room. */
	CHECK_EQ(e820_set_range(&m, 0x9fc00, 0x60400, E820_RESERVED), E820_OK);
	CHECK_EQ(m.n, N_QEMU - 1);

	/* Zero length, wraparound, the top of the address space. */
	load_qemu(&m, st, 16);
	CHECK_EQ(e820_set_range(&m, 0x1000, 0, E820_RESERVED), E820_OK);
	CHECK_EQ(m.n, N_QEMU);
	CHECK_EQ(e820_set_range(&m, 0xfffffffffffff000ull, 0x1001, E820_RESERVED), E820_E_RANGE);
	CHECK_EQ(m.n, N_QEMU);
	CHECK_EQ(e820_set_range(&m, 0xfffffffffffff000ull, 0x1000, E820_RESERVED), E820_OK);
	CHECK(is(&m, N_QEMU, 0xfffffffffffff000ull, 0xffffffffffffffffull, E820_RESERVED));
	CHECK_EQ(e820_set_range(&m, 0, 0xffffffffffffffffull, E820_RAM), E820_OK);
	CHECK_EQ(m.n, 2);
	CHECK(is(&m, 0, 0, 0xfffffffffffffffeull, E820_RAM));
	CHECK_EQ(e820_usable_bounds(&m, &first, &last), E820_OK);
	CHECK_EQ(last, 0xfffffffffffffffeull);

	/* Zero length on an unsanitized map: only sanitized. */
	e820_init(&m, st, 16);
	e820_add(&m, 0x1000, 0x1000, E820_RAM);
	e820_add(&m, 0, 0x1000, E820_RAM);
	CHECK_EQ(e820_set_range(&m, 0x5000, 0, E820_RESERVED), E820_OK);
	CHECK_EQ(m.n, 1);
	CHECK(is(&m, 0, 0, 0x1fff, E820_RAM));

	/* An unsanitized map is sanitized first. */
	e820_init(&m, st, 16);
	e820_add(&m, 0x100000, 0x100000, E820_RAM);
	e820_add(&m, 0, 0x180000, E820_RAM);
	CHECK_EQ(e820_set_range(&m, 0x1000, 0x1000, E820_RESERVED), E820_OK);
	CHECK(sane(&m));
	CHECK_EQ(m.n, 3);
	CHECK(is(&m, 2, 0x2000, 0x1fffff, E820_RAM));
	CHECK_EQ(e820_set_range(NULL, 0, 1, 1), E820_E_ARG);
}

/** Room for a decompressed image. */
static void test_find_top(void)
{
	struct e820_entry st[16];
	struct e820_map m;
	uint64_t a;

	load_qemu(&m, st, 16);
	CHECK_EQ(e820_find_top(&m, 16 * MiB, 2 * MiB, MiB, 4 * GiB, &a), E820_OK);
	CHECK_EQ(a, 0x1ee00000);              /* 0x1ffe0000 - 16 MiB, 2 MiB down */
	CHECK_EQ(e820_find_top(&m, 0x1fee0000, 4096, MiB, 4 * GiB, &a), E820_OK);
	CHECK_EQ(a, MiB);                        /* exactly the whole range */
	CHECK_EQ(e820_find_top(&m, 0x1fee0001, 1, MiB, 4 * GiB, &a), E820_E_NOTFOUND);
	CHECK_EQ(e820_find_top(&m, 16 * MiB, 0, 0x1f000000, 4 * GiB, &a), E820_E_NOTFOUND);
	CHECK_EQ(e820_find_top(&m, 4096, 4096, 0, 128 * MiB, &a), E820_OK);
	CHECK_EQ(a, 128 * MiB - 4096);           /* the limit cuts the range */
	CHECK_EQ(e820_find_top(&m, 4096, 4096, 0, MiB, &a), E820_OK);
	CHECK_EQ(a, 0x9e000);                    /* base memory, if allowed */
	CHECK_EQ(e820_find_top(&m, 4096, 4096, MiB, MiB, &a), E820_E_NOTFOUND);
	CHECK_EQ(e820_find_top(&m, 4096, 4096, MiB, 0, &a), E820_E_NOTFOUND);
	CHECK_EQ(e820_find_top(&m, 4096, 3, MiB, 4 * GiB, &a), E820_E_ALIGN);
	CHECK_EQ(e820_find_top(&m, 0, 1, MiB, 4 * GiB, &a), E820_E_ARG);
	CHECK_EQ(e820_find_top(&m, 1, 1, MiB, 4 * GiB, NULL), E820_E_ARG);
	/* Alignment larger than the room after the top: goes lower. */
	CHECK_EQ(e820_find_top(&m, MiB, 256 * MiB, MiB, 4 * GiB, &a), E820_OK);
	CHECK_EQ(a, 256 * MiB);

	/* RAM above 4 GiB is not chosen below the limit; the highest range
	 * too small for the image is skipped. */
	e820_init(&m, st, 16);
	e820_add(&m, MiB, 255 * MiB, E820_RAM);
	e820_add(&m, 512 * MiB, MiB, E820_RAM);
	e820_add(&m, 4 * GiB, 4 * GiB, E820_RAM);
	CHECK_EQ(e820_find_top(&m, 2 * MiB, 4096, MiB, 4 * GiB, &a), E820_OK);
	CHECK_EQ(a, 254 * MiB);
	CHECK_EQ(e820_find_top(&m, 2 * MiB, 4096, MiB, 0xffffffffffffffffull, &a), E820_OK);
	CHECK_EQ(a, 8 * GiB - 2 * MiB);
	/* Up to the very top of the address space. */
	e820_add(&m, 0xffffffffffff0000ull, 0x10000, E820_RAM);
	CHECK_EQ(e820_find_top(&m, 0x1000, 0x1000, 0, 0xffffffffffffffffull, &a), E820_OK);
	CHECK_EQ(a, 0xfffffffffffff000ull - 0x1000);    /* the limit is exclusive */

	/* No RAM at all. */
	e820_init(&m, st, 16);
	e820_add(&m, 0, 4 * GiB, E820_RESERVED);
	CHECK_EQ(e820_find_top(&m, 1, 1, 0, 4 * GiB, &a), E820_E_NOTFOUND);
	CHECK_EQ(e820_usable_bounds(&m, &a, &a), E820_E_NOTFOUND);
	CHECK_EQ(e820_usable_bounds(&m, NULL, &a), E820_E_ARG);
}

/** BIOS records: 20 and 24 bytes. */
static void test_records(void)
{
	struct e820_entry st[4];
	struct e820_map m;
	uint8_t r[24];

	e820_init(&m, st, 4);
	record(r, 0x100000, 0x1000, E820_RAM);
	r[20] = 1; r[21] = r[22] = r[23] = 0;
	CHECK_EQ(e820_add_bios(&m, r, 24), E820_OK);
	CHECK_EQ(m.n, 1);
	CHECK_EQ(st[0].attr, 1);
	r[20] = 0;                               /* not enabled: ignored */
	CHECK_EQ(e820_add_bios(&m, r, 24), E820_OK);
	CHECK_EQ(m.n, 1);
	CHECK_EQ(e820_add_bios(&m, r, 20), E820_OK);    /* 20 bytes: no attributes */
	CHECK_EQ(m.n, 2);
	r[20] = 3;
	CHECK_EQ(e820_add_bios(&m, r, 24), E820_OK);
	CHECK_EQ(st[2].attr, 3);
	CHECK_EQ(e820_add_bios(&m, r, 19), E820_E_ARG);
	CHECK_EQ(e820_add_bios(&m, NULL, 20), E820_E_ARG);
	record(r, 0, 0, E820_RAM);
	CHECK_EQ(e820_add_bios(&m, r, 20), E820_OK);    /* empty: dropped */
	CHECK_EQ(m.n, 3);
	record(r, 0, 1, E820_RAM);
	CHECK_EQ(e820_add_bios(&m, r, 20), E820_OK);
	CHECK_EQ(e820_add_bios(&m, r, 20), E820_E_FULL);
	CHECK_EQ(m.n, 4);
	CHECK_EQ(e820_add_bios(NULL, r, 20), E820_E_ARG);
}

void test_e820(void)
{
	test_qemu();
	test_limit();
	test_e801();
	test_sanitize();
	test_set_range();
	test_find_top();
	test_records();
}
