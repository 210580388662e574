/**
 * @file test_mdinfo.c
 *
 * Command-line options, drive kind and geometry, the phram parameter, JSON.
 */
#include <stdlib.h>

#include "mdinfo.h"
#include "test.h"

/** A scan result as the finder would produce it. */
static void fake(struct mbft_result *r, uint64_t len, unsigned shift, const char *cl)
{
	memset(r, 0, sizeof(*r));
	r->found = 1;
	r->image_addr = 0x1fa5c000;
	r->image_len = len;
	r->sector_shift = shift;
	r->table.mdi.disksize = (uint32_t)(len >> shift);
	r->table.mdi.sector_shift = (uint8_t)shift;
	r->table.mdi.version_major = 6;
	r->table.mdi.version_minor = 4;
	r->table.length = 70;
	memcpy(r->table.oem_id, "MEMDSK", 6);
	memcpy(r->table.oem_table_id, "Syslinux", 8);
	r->has_cmdline = cl != NULL;
	if (cl)
		strcpy(r->cmdline, cl);
}

static void test_opts(void)
{
	const char *v;
	size_t vl;

	CHECK(md_cmdline_opt("iso raw", "iso", &v, &vl));
	CHECK_EQ(vl, 0);
	CHECK(md_cmdline_opt("  c=80 h=2  s=18 ", "h", &v, &vl));
	CHECK_EQ(vl, 1);
	CHECK(!memcmp(v, "2", 1));
	CHECK(!md_cmdline_opt("isolinux", "iso", NULL, NULL));
	CHECK(!md_cmdline_opt("", "iso", NULL, NULL));
	CHECK(md_cmdline_opt("floppy=1", "floppy", &v, &vl));
	CHECK_EQ(vl, 1);
}

static void test_describe(void)
{
	static struct mbft_result r;
	struct md_disk d;

	fake(&r, 0x2c1c800, 11, "iso");
	md_describe(&r, &d);
	CHECK_EQ(d.drive, MD_DRIVE_CDROM);
	CHECK(d.geo_source == NULL);

	fake(&r, 1474560, 9, "");
	md_describe(&r, &d);
	CHECK_EQ(d.drive, MD_DRIVE_FLOPPY);
	CHECK_STR(d.drive_source, "image size");
	CHECK_EQ(d.geo.cylinders, 80);
	CHECK_EQ(d.geo.heads, 2);
	CHECK_EQ(d.geo.sectors, 18);

	fake(&r, 1474560, 9, "harddisk");
	md_describe(&r, &d);
	CHECK_EQ(d.drive, MD_DRIVE_HARDDISK);
	CHECK(d.geo_source == NULL);

	fake(&r, 40 << 20, 9, "harddisk c=80 h=16 s=63");
	md_describe(&r, &d);
	CHECK_STR(d.geo_source, "command line");
	CHECK_EQ(d.geo.heads, 16);

	fake(&r, 40 << 20, 9, "c=80 h=x s=63");  /* incomplete: ignored */
	md_describe(&r, &d);
	CHECK(d.geo_source == NULL);
	CHECK_EQ(d.drive, MD_DRIVE_HARDDISK);
	CHECK_STR(md_drive_str(d.drive), "harddisk");
	CHECK_STR(md_drive_str(MD_DRIVE_UNKNOWN), "unknown");
}

static void test_phram(void)
{
	static struct mbft_result r;
	char buf[96];

	fake(&r, 0x2c1c000, 11, "iso");
	md_phram_param(&r, 4096, buf, sizeof(buf));
	CHECK_STR(buf, "memdisk,0x1fa5c000,0x2c1c000");
	fake(&r, 0x2c1c800, 11, "iso");
	md_phram_param(&r, 4096, buf, sizeof(buf));
	CHECK_STR(buf, "memdisk,0x1fa5c000,0x2c1c800,2048");
}

/** Count a character in a string. */
static int count(const char *s, char c)
{
	int n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

static void test_json(void)
{
	static struct mbft_result r;
	char *buf;
	size_t need, got;

	fake(&r, 0x2c1c800, 11, "iso \"quoted\" \\ \x01");
	need = md_json(&r, NULL, 0);
	CHECK(need > 200);
	buf = malloc(need + 1);
	got = md_json(&r, buf, need + 1);
	CHECK_EQ(got, need);
	CHECK_EQ(strlen(buf), need);
	CHECK(strstr(buf, "\"address\": 530956288,") != NULL);
	CHECK(strstr(buf, "\"length\": 46254080,") != NULL);
	CHECK(strstr(buf, "\"sector_size\": 2048,") != NULL);
	CHECK(strstr(buf, "\"drive\": \"cdrom\",") != NULL);
	CHECK(strstr(buf, "\"cmdline\": \"iso \\\"quoted\\\" \\\\ \\u0001\",") != NULL);
	CHECK(strstr(buf, "\"version\": \"6.04\",") != NULL);
	CHECK(strstr(buf, "\"oem_id\": \"MEMDSK\",") != NULL);
	CHECK_EQ(count(buf, '{'), count(buf, '}'));
	CHECK(buf[need - 1] == '\n');
	/* A small buffer is never overrun and stays terminated. */
	CHECK_EQ(md_json(&r, buf, 10), need);
	CHECK_EQ(strlen(buf), 9);
	free(buf);

	fake(&r, 1474560, 9, NULL);
	need = md_json(&r, NULL, 0);
	buf = malloc(need + 1);
	md_json(&r, buf, need + 1);
	CHECK(strstr(buf, "\"cmdline\": null,") != NULL);
	CHECK(strstr(buf, "\"geometry\": {\"cylinders\": 80") != NULL);
	free(buf);
}

void test_mdinfo(void)
{
	test_opts();
	test_describe();
	test_phram();
	test_json();
}
