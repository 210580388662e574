/**
 * @file test_mbft_scan.c
 *
 * The finder's scan: tables it must find, tables it must refuse, and the
 * SYSLINUX-compatible start rule.
 */
#include <stdlib.h>

#include "mbft.h"
#include "find/mbft_scan.h"
#include "test.h"

#define BASE     0x9f000u
#define WIN      (0xa0000u - BASE)
#define DRIVER   0x9f400u
#define HOOK     0x9f40au
#define TABLE    0x9f8c0u
#define CMDLINE  0x9f9c8u
#define IMG      0x1fa5c000u

static uint8_t mem[WIN];

static const char iomem[] =
	"00001000-0009f3ff : System RAM\n"
	"0009f400-0009ffff : Reserved\n"
	"00100000-1fa5bfff : System RAM\n"
	"1fa5c000-1fffffff : Reserved\n"
	"20000000-febfffff : PCI Bus 0000:00\n";

/** Pointer into the window for a physical address. */
static uint8_t *P(uint32_t addr)
{
	return mem + (addr - BASE);
}

/** Lay out a driver the way a memdisk does; return the table. */
static struct mbft *layout(uint32_t sectors, uint8_t shift, const char *cmdline)
{
	struct mdi mdi;
	struct mbft t;

	memset(mem, 0, sizeof(mem));
	memset(&mdi, 0, sizeof(mdi));
	mdi.version_major = 6;
	mdi.version_minor = 4;
	mdi.diskbuf = IMG;
	mdi.disksize = sectors;
	mdi.cmdline_seg = DRIVER >> 4;
	mdi.cmdline_off = (uint16_t)(CMDLINE - DRIVER);
	mdi.sector_shift = shift;
	mdi.old_dosmem = 639;
	mbft_build_safe_hook((struct safe_hook *)P(HOOK), 0xf000e3fe, TABLE);
	mbft_build(&t, HOOK, &mdi);
	memcpy(P(TABLE), &t, sizeof(t));
	strcpy((char *)P(CMDLINE), cmdline);
	return (struct mbft *)P(TABLE);
}

/** Scan the window with the standard start and map. */
static int scan(struct mbft_scan_result *r, const struct iomem_map *m)
{
	return mbft_scan(mem, sizeof(mem), BASE, DRIVER, m, r);
}

/** A well-formed table is found, and every field comes out. */
static void test_valid(const struct iomem_map *m)
{
	static struct mbft_scan_result r;

	layout(0xb07, 11, "iso raw");  /* ends just below the top of RAM */
	CHECK_EQ(scan(&r, m), 1);
	CHECK_EQ(r.table_addr, TABLE);
	CHECK_EQ(r.image_addr, IMG);
	CHECK_EQ(r.image_len, 0xb07ull << 11);
	CHECK_EQ(r.sector_shift, 11);
	CHECK(r.has_cmdline);
	CHECK_STR(r.cmdline, "iso raw");
	CHECK_EQ(r.n_candidates, 0);

	/* Sector shift 0 means 512-byte sectors. */
	layout(2880, 0, "floppy");
	CHECK_EQ(scan(&r, m), 1);
	CHECK_EQ(r.image_len, 2880 * 512);
	CHECK_EQ(r.sector_shift, 9);

	/* Without a memory map the range checks still apply. */
	layout(2880, 9, "");
	CHECK_EQ(scan(&r, NULL), 1);
	CHECK_STR(r.cmdline, "");
}

/** Expect exactly one rejected candidate for the current window. */
static void expect_reject(const struct iomem_map *m, enum mbft_scan_reject why, int line)
{
	static struct mbft_scan_result r;
	int found = scan(&r, m);

	if (found || r.n_candidates != 1 || r.candidates[0].why != why) {
		t_fail++;
		fprintf(stderr, "FAIL %s:%d: expected rejection '%s', got found=%d n=%u why='%s'\n",
			__FILE__, line, mbft_scan_reject_str(why), found, r.n_candidates,
			r.n_candidates ? mbft_scan_reject_str(r.candidates[0].why) : "-");
	} else {
		t_pass++;
	}
}

/** Every forged or broken table is refused, with the right reason. */
static void test_rejects(const struct iomem_map *m)
{
	struct mbft *t;

	t = layout(100, 11, "iso");
	t->checksum++;
	expect_reject(m, MBFT_SCAN_BAD_CHECKSUM, __LINE__);

	t = layout(100, 11, "iso");
	t->length = 65;
	expect_reject(m, MBFT_SCAN_BAD_LENGTH, __LINE__);

	t = layout(100, 11, "iso");
	t->length = 0x1000;  /* runs past 0xA0000 */
	expect_reject(m, MBFT_SCAN_BAD_LENGTH, __LINE__);

	t = layout(100, 11, "iso");
	t->length = 71;
	mbft_set_checksum(t, 71);
	expect_reject(m, MBFT_SCAN_BAD_MDI_LENGTH, __LINE__);

	t = layout(100, 11, "iso");
	t->safe_hook = 0x7c00;  /* outside the scanned range */
	mbft_set_checksum(t, t->length);
	expect_reject(m, MBFT_SCAN_BAD_SAFE_HOOK, __LINE__);

	layout(100, 11, "iso");
	memcpy(P(HOOK + 3), "$INT13XX", 8);
	expect_reject(m, MBFT_SCAN_BAD_SAFE_HOOK, __LINE__);

	layout(100, 11, "iso");
	((struct safe_hook *)P(HOOK))->mbft = TABLE + 16;  /* points elsewhere */
	expect_reject(m, MBFT_SCAN_BAD_SAFE_HOOK, __LINE__);

	t = layout(100, 11, "iso");
	t->mdi.cmdline_seg = 0x1000;
	mbft_set_checksum(t, t->length);
	expect_reject(m, MBFT_SCAN_BAD_CMDLINE, __LINE__);

	layout(100, 11, "iso");
	memset(P(CMDLINE), 'x', 0xa0000 - CMDLINE);  /* never terminated */
	expect_reject(m, MBFT_SCAN_BAD_CMDLINE, __LINE__);

	t = layout(100, 7, "iso");
	expect_reject(m, MBFT_SCAN_BAD_SECTOR_SHIFT, __LINE__);
	t = layout(100, 255, "iso");
	expect_reject(m, MBFT_SCAN_BAD_SECTOR_SHIFT, __LINE__);

	t = layout(0, 11, "iso");
	expect_reject(m, MBFT_SCAN_BAD_IMAGE_RANGE, __LINE__);

	t = layout(100, 11, "iso");
	t->mdi.diskbuf = 0x7c00;
	mbft_set_checksum(t, t->length);
	expect_reject(m, MBFT_SCAN_BAD_IMAGE_RANGE, __LINE__);

	t = layout(0x200000, 11, "iso");  /* 4 GiB from 0x1fa5c000: past 4 GiB */
	expect_reject(m, MBFT_SCAN_BAD_IMAGE_RANGE, __LINE__);

	t = layout(0x20000, 11, "iso");  /* 256 MiB: past the top of RAM */
	expect_reject(m, MBFT_SCAN_IMAGE_NOT_IN_RAM, __LINE__);

	t = layout(100, 11, "iso");
	t->mdi.diskbuf = 0xf0000000;  /* in a PCI window */
	mbft_set_checksum(t, t->length);
	expect_reject(m, MBFT_SCAN_IMAGE_NOT_IN_RAM, __LINE__);

	t = layout(100, 11, "iso");
	t->mdi.diskbuf = 0x1000000;  /* the running kernel's System RAM */
	mbft_set_checksum(t, t->length);
	expect_reject(m, MBFT_SCAN_IMAGE_NOT_IN_RAM, __LINE__);
}

/** A bad table before a good one: the good one is found and the bad noted. */
static void test_first_valid_wins(const struct iomem_map *m)
{
	static struct mbft_scan_result r;
	struct mbft *t;

	layout(100, 11, "iso");
	/* A stale copy with a broken checksum, lower in memory. */
	memcpy(P(0x9f500), P(TABLE), sizeof(*t));
	P(0x9f500)[20] ^= 0xff;
	CHECK_EQ(scan(&r, m), 1);
	CHECK_EQ(r.table_addr, TABLE);
	CHECK_EQ(r.n_candidates, 1);
	CHECK_EQ(r.candidates[0].addr, 0x9f500);
	CHECK_EQ(r.candidates[0].why, MBFT_SCAN_BAD_CHECKSUM);

	/* A second valid table above the first is not reached. */
	layout(100, 11, "iso");
	memcpy(P(0x9fe00), P(TABLE), sizeof(*t));
	CHECK_EQ(scan(&r, m), 1);
	CHECK_EQ(r.table_addr, TABLE);

	/* Tables off the 16-byte grid are not seen. */
	layout(100, 11, "iso");
	memmove(P(TABLE + 4), P(TABLE), sizeof(*t));
	memset(P(TABLE), 0, 4);
	CHECK_EQ(scan(&r, m), 0);
	CHECK_EQ(r.n_candidates, 0);

	/* Start addresses past the window (even near 4 GiB) scan nothing. */
	CHECK_EQ(mbft_scan(mem, sizeof(mem), BASE, 0xfffffff8u, m, &r), 0);
	CHECK_EQ(r.n_candidates, 0);
	CHECK_EQ(mbft_scan(mem, sizeof(mem), 0xa0000, 0xa0000, m, &r), 0);

	/* Below the start, nothing is seen. */
	layout(100, 11, "iso");
	CHECK_EQ(mbft_scan(mem, sizeof(mem), BASE, 0x9fc00, m, &r), 0);
	CHECK_EQ(r.scan_start, 0x9fc00);
	CHECK_EQ(r.scan_end, 0xa0000);
}

/** Truncated windows never read past their end. */
static void test_truncated(const struct iomem_map *m)
{
	static struct mbft_scan_result r;
	size_t cut;

	layout(100, 11, "iso");
	for (cut = 0; cut <= TABLE - BASE + 80; cut += 1) {
		uint8_t *copy = malloc(cut ? cut : 1);

		memcpy(copy, mem, cut);
		mbft_scan(copy, cut, BASE, DRIVER, m, &r);
		free(copy);
	}
	/* The table fits only when the window holds all of it and the cmdline. */
	CHECK_EQ(mbft_scan(mem, TABLE - BASE + 70, BASE, DRIVER, m, &r), 0);
	CHECK_EQ(r.n_candidates, 1);
	CHECK_EQ(r.candidates[0].why, MBFT_SCAN_BAD_CMDLINE);
	CHECK_EQ(mbft_scan(mem, TABLE - BASE + 69, BASE, DRIVER, m, &r), 0);
	CHECK_EQ(r.candidates[0].why, MBFT_SCAN_BAD_LENGTH);
}

/** SYSLINUX's start rule and the table checksum. */
static void test_start_and_checksum(void)
{
	uint32_t s;

	CHECK_EQ(mbft_scan_start(637, 0x9f000, &s), 0);
	CHECK_EQ(s, 0x9f400);
	CHECK_EQ(mbft_scan_start(600, 0x9f000, &s), 0);  /* below the base: use the base */
	CHECK_EQ(s, 0x9f000);
	CHECK_EQ(mbft_scan_start(640, 0x9f000, &s), 1);
	CHECK_EQ(mbft_scan_start(0, 0x8000, &s), 1);
	CHECK_EQ(mbft_scan_start(64, 0, &s), 0);
	CHECK_EQ(mbft_scan_start(63, 0, &s), 1);

	CHECK_EQ(mbft_byte_sum((const uint8_t *)"\x01\xff", 2), 0);
}

/** memboot's 64-bit extension (memdisk.efi, an image above 4 GiB). */
static void test_ext64(void)
{
	static const char map64[] =
		"00001000-0009efff : System RAM\n"
		"0009f000-0009ffff : Reserved\n"
		"00100000-bfffffff : System RAM\n"
		"100000000-17fffffff : System RAM\n"
		"180000000-1811fffff : Reserved\n";
	static struct iomem_map m64;
	static struct mbft_scan_result r;
	struct mbft64 t;
	struct mbft *c = layout(0, 11, "iso place=high");

	iomem_parse(map64, &m64);
	mbft_build64(&t, HOOK, &c->mdi, 0x180000000ull, 0x1200000);
	CHECK_EQ(t.classic.length, sizeof(t));
	CHECK_EQ(t.classic.mdi.diskbuf, 0);
	memcpy(P(TABLE), &t, sizeof(t));
	CHECK_EQ(scan(&r, &m64), 1);
	CHECK(r.ext64);
	CHECK_EQ(r.image_addr, 0x180000000ull);
	CHECK_EQ(r.image_len, 0x1200000);
	/* Not in reserved memory by the map: refused. */
	t.ext.base = 0x100000000ull;
	mbft_set_checksum(&t, t.classic.length);
	memcpy(P(TABLE), &t, sizeof(t));
	CHECK_EQ(scan(&r, &m64), 0);
	CHECK_EQ(r.candidates[0].why, MBFT_SCAN_IMAGE_NOT_IN_RAM);
	/* A forged size that wraps: refused. */
	t.ext.base = 0x180000000ull;
	t.ext.size = UINT64_MAX - 0x1000;
	mbft_set_checksum(&t, t.classic.length);
	memcpy(P(TABLE), &t, sizeof(t));
	CHECK_EQ(scan(&r, NULL), 0);
	CHECK_EQ(r.candidates[0].why, MBFT_SCAN_BAD_IMAGE_RANGE);
	/* A wrong extension signature: the length no longer fits the MDI. */
	t.ext.size = 0x1200000;
	memcpy(t.ext.signature, "XB64", 4);
	mbft_set_checksum(&t, t.classic.length);
	memcpy(P(TABLE), &t, sizeof(t));
	CHECK_EQ(scan(&r, NULL), 0);
	CHECK_EQ(r.candidates[0].why, MBFT_SCAN_BAD_MDI_LENGTH);
}

/** memboot's ACPI copy: built, read back, and every forgery refused. */
static void test_acpi(const struct iomem_map *m)
{
	static const char map64[] =
		"00001000-0009efff : System RAM\n"
		"00100000-bfffffff : System RAM\n"
		"180000000-1811fffff : Reserved\n";
	static uint8_t buf[sizeof(struct mbft64) + MBFT_ACPI_CMDLINE_MAX + 1];
	static char longline[MBFT_ACPI_CMDLINE_MAX + 100];
	static struct iomem_map m64;
	static struct mbft_scan_result r;
	struct mbft *c = layout(0xb07, 11, "unused");
	struct mbft64 t;
	uint32_t len;

	len = mbft_build_acpi(buf, c, c->length, "iso memboot.sha256");
	CHECK_EQ(len, sizeof(struct mbft) + 19);
	CHECK(!memcmp(buf, MBFT_ACPI_SIGNATURE, 4));
	CHECK_EQ(mbft_byte_sum(buf, len), 0);
	CHECK_EQ(mbft_parse_acpi(buf, len, m, &r), MBFT_SCAN_OK);
	CHECK(r.found && r.from_acpi && r.has_cmdline);
	CHECK_EQ(r.image_addr, IMG);
	CHECK_EQ(r.image_len, 0xb07ull << 11);
	CHECK_EQ(r.sector_shift, 11);
	CHECK_STR(r.cmdline, "iso memboot.sha256");
	CHECK_EQ(r.table_addr, 0);
	/* An empty command line is one NUL. */
	len = mbft_build_acpi(buf, c, c->length, "");
	CHECK_EQ(mbft_parse_acpi(buf, len, m, &r), MBFT_SCAN_OK);
	CHECK_STR(r.cmdline, "");
	/* A command line longer than the copy holds is cut. */
	memset(longline, 'a', sizeof(longline) - 1);
	len = mbft_build_acpi(buf, c, c->length, longline);
	CHECK_EQ(len, sizeof(struct mbft) + MBFT_ACPI_CMDLINE_MAX + 1);
	CHECK_EQ(mbft_parse_acpi(buf, len, m, &r), MBFT_SCAN_OK);
	CHECK_EQ(strlen(r.cmdline), MBFT_ACPI_CMDLINE_MAX);

	/* Forgeries and damage. */
	len = mbft_build_acpi(buf, c, c->length, "iso");
	CHECK_EQ(mbft_parse_acpi(buf, len - 1, m, &r), MBFT_SCAN_BAD_LENGTH);    /* short read */
	CHECK_EQ(mbft_parse_acpi(buf, 20, m, &r), MBFT_SCAN_BAD_LENGTH);
	CHECK(!r.found);
	buf[len - 2] ^= 1;
	CHECK_EQ(mbft_parse_acpi(buf, len, m, &r), MBFT_SCAN_BAD_CHECKSUM);
	buf[len - 1] = 'x';     /* no NUL at the end, checksum mended */
	mbft_set_checksum(buf, len);
	CHECK_EQ(mbft_parse_acpi(buf, len, m, &r), MBFT_SCAN_BAD_CMDLINE);
	len = mbft_build_acpi(buf, c, c->length, "is");
	buf[len - 2] = 0;       /* a NUL inside the command line */
	mbft_set_checksum(buf, len);
	CHECK_EQ(mbft_parse_acpi(buf, len, m, &r), MBFT_SCAN_BAD_CMDLINE);
	len = mbft_build_acpi(buf, c, c->length, "iso");
	buf[40] = 200;          /* MDI bytes past the table */
	mbft_set_checksum(buf, len);
	CHECK_EQ(mbft_parse_acpi(buf, len, m, &r), MBFT_SCAN_BAD_MDI_LENGTH);
	memcpy(buf, MBFT_SIGNATURE, 4);   /* the low table's signature: not the copy */
	CHECK_EQ(mbft_parse_acpi(buf, len, m, &r), MBFT_SCAN_BAD_LENGTH);
	c->mdi.diskbuf = 0x200000;        /* the image in System RAM by the map */
	mbft_set_checksum(c, c->length);
	len = mbft_build_acpi(buf, c, c->length, "iso");
	CHECK_EQ(mbft_parse_acpi(buf, len, m, &r), MBFT_SCAN_IMAGE_NOT_IN_RAM);
	CHECK(!r.found);
	CHECK_EQ(mbft_parse_acpi(buf, len, NULL, &r), MBFT_SCAN_OK);

	/* A command line that starts with the extension's signature is a
	 * command line (its would-be length field is not 24). */
	c->mdi.diskbuf = IMG;
	mbft_set_checksum(c, c->length);
	len = mbft_build_acpi(buf, c, c->length, "MB64 and more words after it, long enough");
	CHECK_EQ(mbft_parse_acpi(buf, len, m, &r), MBFT_SCAN_OK);
	CHECK(!r.ext64);
	CHECK_STR(r.cmdline, "MB64 and more words after it, long enough");

	/* With the 64-bit extension. */
	iomem_parse(map64, &m64);
	mbft_build64(&t, 0, &c->mdi, 0x180000000ull, 0x1200000);
	len = mbft_build_acpi(buf, &t, t.classic.length, "iso place=high");
	CHECK_EQ(mbft_parse_acpi(buf, len, &m64, &r), MBFT_SCAN_OK);
	CHECK(r.ext64);
	CHECK_EQ(r.image_addr, 0x180000000ull);
	CHECK_EQ(r.image_len, 0x1200000);
	CHECK_STR(r.cmdline, "iso place=high");
}

void test_mbft_scan(void)
{
	static struct iomem_map m;

	iomem_parse(iomem, &m);
	test_valid(&m);
	test_rejects(&m);
	test_first_valid_wins(&m);
	test_truncated(&m);
	test_start_and_checksum();
	test_ext64();
	test_acpi(&m);
}
