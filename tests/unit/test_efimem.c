/**
 * @file test_efimem.c
 *
 * Choices over a UEFI memory map (lib/efimem.c): 2 MiB-aligned placement
 * below and above 4 GiB, the largest free range, and the page for the
 * MEMDISK tables below 640 KiB, over maps shaped like OVMF's (48-byte
 * descriptors).
 */
#include "efimem.h"
#include "test.h"

#define DESC 48
#define MIB (1024ull * 1024ull)

static uint8_t map[16 * DESC];
static size_t n;

static void add(uint32_t type, uint64_t start, uint64_t bytes)
{
	uint8_t *d = map + n * DESC;
	uint64_t pages = bytes / 4096;

	memset(d, 0, DESC);
	memcpy(d, &type, 4);
	memcpy(d + 8, &start, 8);
	memcpy(d + 24, &pages, 8);
	n++;
}

static void test_pick(void)
{
	uint64_t a = 0;

	n = 0;
	add(EFIMEM_CONVENTIONAL, 0, 0x9f000);
	add(EFIMEM_CONVENTIONAL, 0x100000, 0x7f00000 - 0x100000);       /* to 127 MiB */
	add(EFIMEM_BS_DATA, 0x7f00000, 0x100000);
	add(EFIMEM_CONVENTIONAL, 0x100000000ull, 0x80000000ull);         /* 4-6 GiB */

	/* Highest 2 MiB-aligned fit below 4 GiB. */
	CHECK_EQ(efimem_pick(map, n * DESC, DESC, 10 * MIB, 2 * MIB, 0, 1ull << 32, &a), 0);
	CHECK_EQ(a, 0x7f00000 - 10 * MIB - (0x7f00000 - 10 * MIB) % (2 * MIB));
	CHECK_EQ(a % (2 * MIB), 0);
	CHECK(a + 10 * MIB <= 0x7f00000);
	/* Too big below 4 GiB, fits above. */
	CHECK_EQ(efimem_pick(map, n * DESC, DESC, 200 * MIB, 2 * MIB, 0, 1ull << 32, &a), -1);
	CHECK_EQ(efimem_pick(map, n * DESC, DESC, 200 * MIB, 2 * MIB, 1ull << 32, UINT64_MAX, &a),
		 0);
	CHECK_EQ(a, 0x180000000ull - 200 * MIB);
	CHECK_EQ(efimem_largest_free(map, n * DESC, DESC, 4096, 0, 1ull << 32), 0x7f00000 - 0x100000);
	CHECK_EQ(efimem_largest_free(map, n * DESC, DESC, 4096, 0, UINT64_MAX), 0x80000000ull);
	/* 2 MiB aligned from 1 MiB: the range starts at 2 MiB. */
	CHECK_EQ(efimem_largest_free(map, n * DESC, DESC, 2 * MIB, MIB, 1ull << 32),
		 0x7f00000 - 0x200000);
	/* Above 4 GiB only. */
	CHECK_EQ(efimem_largest_free(map, n * DESC, DESC, 2 * MIB, 1ull << 32, UINT64_MAX),
		 0x80000000ull);
	CHECK_EQ(efimem_largest_free(map, n * DESC, DESC, 3, 0, UINT64_MAX), 0);
	/* Bad arguments. */
	CHECK_EQ(efimem_pick(map, n * DESC, DESC, 0, 2 * MIB, 0, UINT64_MAX, &a), -1);
	CHECK_EQ(efimem_pick(map, n * DESC, DESC, 4096, 3 * MIB, 0, UINT64_MAX, &a), -1);
	CHECK_EQ(efimem_pick(map, n * DESC, 8, 4096, 4096, 0, UINT64_MAX, &a), -1);
	/* A descriptor whose page count overflows is clamped, not wrapped. */
	n = 0;
	add(EFIMEM_CONVENTIONAL, 0x200000, 0);
	memset(map + 24, 0xff, 8);
	CHECK_EQ(efimem_pick(map, DESC, DESC, 2 * MIB, 2 * MIB, 0, 1ull << 32, &a), 0);
	CHECK_EQ(a, (1ull << 32) - 2 * MIB);
}

static void test_low_page(void)
{
	uint64_t p = 0;

	/* OVMF: free RAM up to 0xA0000. */
	n = 0;
	add(EFIMEM_CONVENTIONAL, 0, 0xa0000);
	CHECK_EQ(efimem_low_table_page(map, n * DESC, DESC, &p), 0);
	CHECK_EQ(p, 0x9f000);
	/* Reserved pages at the top are skipped; RAM above is not allowed. */
	n = 0;
	add(EFIMEM_CONVENTIONAL, 0, 0x9e000);
	add(EFIMEM_RESERVED, 0x9e000, 0x2000);
	CHECK_EQ(efimem_low_table_page(map, n * DESC, DESC, &p), 0);
	CHECK_EQ(p, 0x9d000);
	n = 0;
	add(EFIMEM_CONVENTIONAL, 0, 0x9f000);
	add(EFIMEM_BS_DATA, 0x9f000, 0x1000);
	CHECK_EQ(efimem_low_table_page(map, n * DESC, DESC, &p), -1);
	/* Nothing described at all. */
	CHECK_EQ(efimem_low_table_page(map, 0, DESC, &p), -1);
	CHECK(efimem_is_os_ram(EFIMEM_BS_CODE));
	CHECK(!efimem_is_os_ram(EFIMEM_RESERVED));
}

/** All the RAM Linux will count: conventional, loader and boot-services memory. */
static void test_ram_bytes(void)
{
	n = 0;
	add(EFIMEM_CONVENTIONAL, 0, 0x9f000);
	add(EFIMEM_RESERVED, 0x9f000, 0x61000);
	add(EFIMEM_BS_DATA, 0x100000, 16 * MIB);
	add(EFIMEM_LOADER_DATA, 0x1100000, 2 * MIB);
	add(EFIMEM_CONVENTIONAL, 0x1300000, 100 * MIB);
	add(6 /* runtime services data */, 0x7f00000, 1 * MIB);
	CHECK_EQ(efimem_os_ram_bytes(map, n * DESC, DESC), 0x9f000 + 118 * MIB);
	CHECK_EQ(efimem_os_ram_bytes(map, n * DESC, 0), 0);
}

void test_efimem(void)
{
	test_pick();
	test_low_page();
	test_ram_bytes();
}
