/**
 * @file test_describe.c
 *
 * Drive kind and geometry (through the loader's option parser and floppy
 * table), the phram parameter, JSON.
 */
#include <stdlib.h>

#include "find/describe.h"
#include "test.h"

/** A scan result as the finder would produce it. */
static void fake(struct mbft_scan_result *r, uint64_t len, unsigned shift, const char *cl)
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

static void test_describe_image(void)
{
	static struct mbft_scan_result r;
	struct describe d;

	fake(&r, 0x2c1c800, 11, "iso");
	describe_image(&r, &d);
	CHECK_EQ(d.drive, DESCRIBE_DRIVE_CDROM);
	CHECK(d.geometry_source == NULL);

	fake(&r, 1474560, 9, "");
	describe_image(&r, &d);
	CHECK_EQ(d.drive, DESCRIBE_DRIVE_FLOPPY);
	CHECK_STR(d.drive_source, "image size");
	CHECK_EQ(d.geo.cylinders, 80);
	CHECK_EQ(d.geo.heads, 2);
	CHECK_EQ(d.geo.sectors, 18);

	fake(&r, 1474560, 9, "harddisk");
	describe_image(&r, &d);
	CHECK_EQ(d.drive, DESCRIBE_DRIVE_HARDDISK);
	CHECK(d.geometry_source == NULL);

	fake(&r, 40 << 20, 9, "harddisk c=80 h=16 s=63");
	describe_image(&r, &d);
	CHECK_STR(d.geometry_source, "command line");
	CHECK_EQ(d.geo.heads, 16);

	fake(&r, 40 << 20, 9, "c=80 h=x s=63");  /* incomplete: ignored */
	describe_image(&r, &d);
	CHECK(d.geometry_source == NULL);
	CHECK_EQ(d.drive, DESCRIBE_DRIVE_HARDDISK);
	CHECK_STR(describe_drive_str(d.drive), "harddisk");
	CHECK_STR(describe_drive_str(DESCRIBE_DRIVE_UNKNOWN), "unknown");

	/* The loader's parser: the last of floppy/harddisk wins, as it booted. */
	fake(&r, 1474560, 9, "floppy harddisk");
	describe_image(&r, &d);
	CHECK_EQ(d.drive, DESCRIBE_DRIVE_HARDDISK);
	fake(&r, 1474560, 9, "harddisk floppy=1");
	describe_image(&r, &d);
	CHECK_EQ(d.drive, DESCRIBE_DRIVE_FLOPPY);
	CHECK_STR(d.geometry_source, "floppy size");
	/* Words that are not options (isolinux) are not "iso". */
	fake(&r, 40 << 20, 9, "isolinux");
	describe_image(&r, &d);
	CHECK_EQ(d.drive, DESCRIBE_DRIVE_HARDDISK);
	CHECK_STR(d.drive_source, "image size");
	fake(&r, 40 << 20, 9, "iso raw");
	describe_image(&r, &d);
	CHECK_EQ(d.drive, DESCRIBE_DRIVE_UNKNOWN);
	CHECK_STR(d.drive_source, "command line");
	/* c=0 is no geometry. */
	fake(&r, 40 << 20, 9, "c=0 h=16 s=63");
	describe_image(&r, &d);
	CHECK(d.geometry_source == NULL);
	/* Every standard floppy size of the loader's table, 640K among them. */
	fake(&r, 655360, 9, "");
	describe_image(&r, &d);
	CHECK_EQ(d.drive, DESCRIBE_DRIVE_FLOPPY);
	CHECK_EQ(d.geo.cylinders, 80);
	CHECK_EQ(d.geo.sectors, 8);
	fake(&r, 655360 + 512, 9, "");
	describe_image(&r, &d);
	CHECK_EQ(d.drive, DESCRIBE_DRIVE_HARDDISK);
	CHECK(d.geometry_source == NULL);
}

static void test_phram(void)
{
	static struct mbft_scan_result r;
	char buf[96];

	CHECK_EQ(describe_phram_erase_size(0x2c1c000, 4096), 4096);
	CHECK_EQ(describe_phram_erase_size(0x2c1c800, 4096), 2048);
	CHECK_EQ(describe_phram_erase_size(1474560, 4096), 4096);
	CHECK_EQ(describe_phram_erase_size(512 * 3, 4096), 512);
	CHECK_EQ(describe_phram_erase_size(0, 4096), 0);
	CHECK_EQ(describe_phram_erase_size(7, 4096), 1);

	fake(&r, 0x2c1c000, 11, "iso");
	describe_phram(r.image_addr, r.image_len, 4096, buf, sizeof(buf));
	CHECK_STR(buf, "memdisk,0x1fa5c000,0x2c1c000");
	fake(&r, 0x2c1c800, 11, "iso");
	describe_phram(r.image_addr, r.image_len, 4096, buf, sizeof(buf));
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
	static struct mbft_scan_result r;
	char *buf;
	size_t need, got;

	fake(&r, 0x2c1c800, 11, "iso \"quoted\" \\ \x01");
	need = describe_json(&r, NULL, 0);
	CHECK(need > 200);
	buf = malloc(need + 1);
	got = describe_json(&r, buf, need + 1);
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
	CHECK_EQ(describe_json(&r, buf, 10), need);
	CHECK_EQ(strlen(buf), 9);
	free(buf);

	fake(&r, 1474560, 9, NULL);
	need = describe_json(&r, NULL, 0);
	buf = malloc(need + 1);
	describe_json(&r, buf, need + 1);
	CHECK(strstr(buf, "\"cmdline\": null,") != NULL);
	CHECK(strstr(buf, "\"geometry\": {\"cylinders\": 80") != NULL);
	free(buf);
}

void test_describe(void)
{
	test_describe_image();
	test_phram();
	test_json();
}
