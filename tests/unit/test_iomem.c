/**
 * @file test_iomem.c
 *
 * /proc/iomem parsing, the scan base, and the "is this RAM" check.
 */
#include "find/iomem.h"
#include "test.h"

/* A QEMU guest booted through a memdisk (image reserved at the top of RAM). */
static const char qemu_iomem[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009f3ff : System RAM\n"
	"0009f400-0009ffff : Reserved\n"
	"000a0000-000bffff : PCI Bus 0000:00\n"
	"000c0000-000c95ff : Video ROM\n"
	"000f0000-000fffff : Reserved\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-1fa5bfff : System RAM\n"
	"  01000000-01c01b66 : Kernel code\n"
	"1fa5c000-1ffdffff : Reserved\n"
	"1ffe0000-1fffffff : Reserved\n"
	"20000000-febfffff : PCI Bus 0000:00\n"
	"  fd000000-fdffffff : 0000:00:02.0\n"
	"fec00000-fec003ff : IOAPIC 0\n"
	"fed00000-fed003ff : Reserved\n"
	"  fed00000-fed003ff : HPET 0\n"
	"feffc000-feffffff : Reserved\n"
	"fffc0000-ffffffff : Reserved\n";

/** Parsing keeps every line, with depth and kind. */
static void test_parse(void)
{
	static struct iomem_map m;

	CHECK_EQ(iomem_parse(qemu_iomem, &m), 18);
	CHECK_EQ(m.e[1].start, 0x1000);
	CHECK_EQ(m.e[1].end, 0x9f3ff);
	CHECK_EQ(m.e[1].kind, IOMEM_RAM);
	CHECK_EQ(m.e[6].depth, 1);
	CHECK_STR(m.e[6].name, "System ROM");
	CHECK_EQ(m.e[9].kind, IOMEM_RESERVED);
	CHECK_EQ(m.e[11].kind, IOMEM_OTHER);
	CHECK(!m.all_zero);
	CHECK(!m.truncated);

	/* Garbage lines are skipped, not fatal. */
	CHECK_EQ(iomem_parse("junk\n1-\nzz-10 : x\n10-5 : backwards\n"
				    "00001000-00001fff : System RAM", &m), 1);
	CHECK_EQ(iomem_parse("", &m), 0);
	/* Read without privilege: all zero. */
	iomem_parse("00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n", &m);
	CHECK(m.all_zero);
	CHECK_EQ(iomem_scan_base(&m, 4096), 0);
	/* 17 hex digits do not fit. */
	CHECK_EQ(iomem_parse("10000000000000000-10000000000000001 : System RAM\n", &m), 0);
}

/** The scan base follows SYSLINUX's rule. */
static void test_scan_base(void)
{
	static struct iomem_map m;

	iomem_parse(qemu_iomem, &m);
	CHECK_EQ(iomem_scan_base(&m, 4096), 0x9f000);
	iomem_parse("00001000-0009fbff : System RAM\n", &m);
	CHECK_EQ(iomem_scan_base(&m, 4096), 0x9f000);
	/* Capped at 0xA0000. */
	iomem_parse("00000000-000fffff : System RAM\n", &m);
	CHECK_EQ(iomem_scan_base(&m, 4096), 0xa0000);
	/* The last low range wins. */
	iomem_parse("00000000-00007fff : System RAM\n00010000-0008ffff : System RAM\n"
			   "00100000-00ffffff : System RAM\n", &m);
	CHECK_EQ(iomem_scan_base(&m, 4096), 0x90000);
	/* No low RAM. */
	iomem_parse("00100000-00ffffff : System RAM\n", &m);
	CHECK_EQ(iomem_scan_base(&m, 4096), 0);
	/* Nested "System RAM" does not count. */
	iomem_parse("00000000-000fffff : Reserved\n  00001000-0009ffff : System RAM\n", &m);
	CHECK_EQ(iomem_scan_base(&m, 4096), 0);
}

/** Where an image may and may not lie. */
static void test_check_image(void)
{
	static struct iomem_map m;
	const struct iomem_entry *bad;

	iomem_parse(qemu_iomem, &m);
	CHECK_EQ(iomem_check_image(&m, 0x1fa5c000, 0x583800, NULL), IOMEM_IN_RAM);
	/* Spanning two adjacent reserved entries. */
	CHECK_EQ(iomem_check_image(&m, 0x1fa5c000, 0x5a4000, NULL), IOMEM_IN_RAM);
	/* From System RAM into reserved: the kernel's memory is never an image. */
	CHECK_EQ(iomem_check_image(&m, 0x1f000000, 0x1000000, &bad), IOMEM_IS_SYSTEM_RAM);
	CHECK(bad && bad->kind == IOMEM_RAM);
	/* A forged table pointing at the kernel's code. */
	CHECK_EQ(iomem_check_image(&m, 0x1000000, 0x100000, NULL), IOMEM_IS_SYSTEM_RAM);
	/* Past the top of RAM, into the PCI window. */
	CHECK_EQ(iomem_check_image(&m, 0x1ffff000, 0x2000, &bad), IOMEM_NOT_COVERED);
	CHECK(bad && bad->kind == IOMEM_OTHER);
	CHECK_EQ(iomem_check_image(&m, 0xf0000000, 0x100000, NULL), IOMEM_NOT_COVERED);
	/* A device inside a Reserved entry. */
	CHECK_EQ(iomem_check_image(&m, 0xfed00000, 0x400, &bad), IOMEM_OVERLAPS_DEVICE);
	CHECK(bad && !strcmp(bad->name, "HPET 0"));
	/* Empty and wrapping ranges. */
	CHECK_EQ(iomem_check_image(&m, 0x100000, 0, NULL), IOMEM_NOT_COVERED);
	CHECK_EQ(iomem_check_image(&m, 0xffffffffffffff00ull, 0x200, NULL), IOMEM_NOT_COVERED);
	/* Legacy pmem counts. */
	iomem_parse("00100000-0fffffff : System RAM\n"
			   "10000000-11ffffff : Persistent Memory (legacy)\n"
			   "  10000000-11ffffff : namespace0.0\n", &m);
	CHECK_EQ(iomem_check_image(&m, 0x10000000, 0x1000000, NULL), IOMEM_IN_RAM);
	/* UEFI: the RAM disk's NFIT range claimed by nd_pmem inside Reserved. */
	iomem_parse("00100000-1c3fffff : System RAM\n"
		    "1c400000-1d233fff : Reserved\n"
		    "  1c400000-1d233fff : namespace0.0\n"
		    "1d234000-1d234fff : Reserved\n"
		    "  1d234000-1d2343ff : namespace1x0\n"
		    "  1d234400-1d2347ff : dax0.\n", &m);
	CHECK_EQ(m.e[2].kind, IOMEM_NVDIMM);
	CHECK_EQ(iomem_check_image(&m, 0x1c400000, 0xe34000, NULL), IOMEM_IN_RAM);
	/* Names that only look like nvdimm claims are devices. */
	CHECK_EQ(m.e[4].kind, IOMEM_OTHER);
	CHECK_EQ(m.e[5].kind, IOMEM_OTHER);
	CHECK_EQ(iomem_check_image(&m, 0x1d234000, 0x1000, NULL), IOMEM_OVERLAPS_DEVICE);
}

/** A map with more entries than fit is never trusted. */
static void test_truncated_map(void)
{
	static struct iomem_map m;
	static char text[(IOMEM_MAX_ENTRIES + 8) * 48];
	size_t i, n = 0;

	for (i = 0; i < IOMEM_MAX_ENTRIES + 4; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%08zx-%08zx : Reserved\n",
				      0x100000 + i * 0x1000, 0x100fff + i * 0x1000);
	CHECK_EQ(iomem_parse(text, &m), IOMEM_MAX_ENTRIES);
	CHECK(m.truncated);
	CHECK_EQ(iomem_check_image(&m, 0x100000, 0x1000, NULL), IOMEM_UNTRUSTED);
	/* Entries nested two deep are not kept. */
	CHECK_EQ(iomem_parse("00100000-001fffff : Reserved\n  00100000-0010ffff : a\n"
				    "    00100000-00100fff : b\n", &m), 2);
}

void test_iomem(void)
{
	test_parse();
	test_scan_base();
	test_check_image();
	test_truncated_map();
}
