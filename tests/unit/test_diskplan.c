/**
 * @file test_diskplan.c
 *
 * The disk an image becomes: El Torito without emulation, with floppy and
 * hard-disk emulation, floppy and hard-disk images; the EDD, read-only and
 * nopass rules; offset=; the failures and their details.
 */
#include <stdlib.h>

#include "diskplan.h"
#include "geometry.h"
#include "test.h"

#define ISO_BOOT (34u * 2048)   /* the boot image / emulated disk of test_make_iso */

/** Plan @p img of @p len bytes with the command line @p cl. */
static int plan(const uint8_t *img, uint64_t len, const char *cl, struct diskplan *p)
{
	struct options o;

	options_parse(cl, &o);
	return diskplan_make(img, len, &o, p);
}

/** An El Torito CD without emulation. */
static void test_cdrom(void)
{
	size_t len = ISO_BOOT + 4 * 2048 + 1000;
	uint8_t *iso = test_make_iso(len, ELTORITO_MEDIA_NOEMU);
	struct diskplan p;

	CHECK_EQ(plan(iso, len, "iso", &p), DISKPLAN_OK);
	CHECK_EQ(p.kind, DISKPLAN_CDROM);
	CHECK(p.eltorito);
	CHECK_EQ(p.spec_packet[1], ELTORITO_MEDIA_NOEMU);
	CHECK_EQ(p.drive, 0xe0);
	CHECK_EQ(p.sector_shift, 11);
	CHECK_EQ(p.disk_offset, 0);
	CHECK_EQ(p.disk_bytes, len);
	CHECK_EQ(p.boot_offset, ISO_BOOT);
	CHECK_EQ(p.boot_bytes, 2048);
	CHECK_EQ(p.boot_segment, 0x7c0);
	CHECK(p.edd);
	CHECK(p.read_only);
	CHECK(!p.nopass && !p.nopassany);
	CHECK_EQ(p.cylinders, 1);
	CHECK_EQ(p.spec_packet[0], 0x13);
	CHECK_EQ(p.spec_packet[2], 0xe0);
	/* A CD always answers EDD and is always read-only. */
	CHECK_EQ(plan(iso, len, "iso noedd nopass", &p), DISKPLAN_OK);
	CHECK(p.edd);
	CHECK(p.read_only);
	CHECK(p.nopass);
	/* Without "iso" the same bytes are a disk image: a floppy, by its size. */
	CHECK_EQ(plan(iso, len, "", &p), DISKPLAN_OK);
	CHECK_EQ(p.kind, DISKPLAN_FLOPPY);  /* under 4 MiB */
	CHECK(!p.eltorito);
	free(iso);
}

/** El Torito floppy and hard-disk emulation: the disk inside the CD. */
static void test_emulation(void)
{
	size_t len = ISO_BOOT + 1440 * 1024;
	uint8_t *iso = test_make_iso(len, ELTORITO_MEDIA_FLOPPY_1440);
	struct diskplan p;

	CHECK_EQ(plan(iso, len, "iso", &p), DISKPLAN_OK);
	CHECK_EQ(p.kind, DISKPLAN_FLOPPY);
	CHECK(p.eltorito);
	CHECK_EQ(p.drive, 0x00);
	CHECK_EQ(p.sector_shift, 9);
	CHECK_EQ(p.disk_offset, ISO_BOOT);
	CHECK_EQ(p.disk_bytes, 1440 * 1024);
	CHECK_EQ(p.boot_offset, ISO_BOOT);
	CHECK_EQ(p.boot_bytes, 512);
	CHECK_EQ(p.cylinders, 80);
	CHECK_EQ(p.heads, 2);
	CHECK_EQ(p.sectors, 18);
	CHECK(!p.edd);                  /* a floppy: EDD only when asked */
	CHECK(!p.read_only);
	CHECK_EQ(p.spec_packet[1], ELTORITO_MEDIA_FLOPPY_1440);
	CHECK_EQ(plan(iso, len, "iso edd ro", &p), DISKPLAN_OK);
	CHECK(p.edd);
	CHECK(p.read_only);
	free(iso);

	len = ISO_BOOT + (1 << 20);
	iso = test_make_iso(len, ELTORITO_MEDIA_HARDDISK);
	CHECK_EQ(plan(iso, len, "iso", &p), DISKPLAN_OK);
	CHECK_EQ(p.kind, DISKPLAN_HARDDISK);
	CHECK_EQ(p.drive, 0x80);
	CHECK_EQ(p.disk_offset, ISO_BOOT);
	CHECK_EQ(p.disk_bytes, 1 << 20);
	CHECK_EQ(p.heads, 255);
	CHECK_EQ(p.sectors, 63);
	CHECK(p.edd);                   /* a hard disk: EDD unless refused */
	CHECK_EQ(p.spec_packet[2], 0x80);
	CHECK_EQ(plan(iso, len, "iso noedd", &p), DISKPLAN_OK);
	CHECK(!p.edd);
	CHECK_EQ(plan(iso, len, "iso cbios", &p), DISKPLAN_OK);
	CHECK(!p.edd);
	free(iso);
}

/** Floppy and hard-disk images: geometry_guess() decides. */
static void test_images(void)
{
	size_t len = 8 << 20;
	uint8_t *img = calloc(1, len);
	struct diskplan p;

	CHECK_EQ(plan(img, 1474560, "", &p), DISKPLAN_OK);
	CHECK_EQ(p.kind, DISKPLAN_FLOPPY);
	CHECK(!p.eltorito);
	CHECK_EQ(p.drive, 0);
	CHECK_EQ(p.disk_bytes, 1474560);
	CHECK_EQ(p.boot_segment, 0x7c0);
	CHECK_EQ(p.boot_bytes, 512);
	CHECK_EQ(p.geometry_source, GEOMETRY_SRC_FLOPPY_SIZE);
	CHECK(!p.edd);
	CHECK_EQ(plan(img, 1474560, "edd", &p), DISKPLAN_OK);
	CHECK(p.edd);

	CHECK_EQ(plan(img, len, "", &p), DISKPLAN_OK);
	CHECK_EQ(p.kind, DISKPLAN_HARDDISK);
	CHECK_EQ(p.drive, 0x80);
	CHECK_EQ(p.heads, 64);
	CHECK_EQ(p.sectors, 32);
	CHECK_EQ(p.cylinders, 8);
	CHECK(p.edd);
	CHECK_EQ(plan(img, len, "noedd", &p), DISKPLAN_OK);
	CHECK(!p.edd);
	CHECK_EQ(plan(img, len, "ebios", &p), DISKPLAN_OK);
	CHECK(p.edd);
	/* A partial last sector is not part of the disk. */
	CHECK_EQ(plan(img, len - 100, "", &p), DISKPLAN_OK);
	CHECK_EQ(p.disk_bytes, len - 512);
	/* Cylinders as AH=08h reports them: at most 1024. */
	CHECK_EQ(plan(img, len, "harddisk c=2000 h=16 s=63", &p), DISKPLAN_OK);
	CHECK_EQ(p.cylinders, 1024);
	/* Forced drive numbers, nopass, nopassany. */
	CHECK_EQ(plan(img, len, "harddisk=1 nopassany", &p), DISKPLAN_OK);
	CHECK_EQ(p.drive, 0x81);
	CHECK(p.nopassany && !p.nopass);
	CHECK_EQ(plan(img, 1474560, "floppy=1 nopass", &p), DISKPLAN_OK);
	CHECK_EQ(p.drive, 0x01);
	CHECK(p.nopass);

	/* A DOSEMU header: the disk starts after it. */
	memcpy(img, "DOSEMU\0", 7);
	img[7] = 16;    /* heads */
	img[11] = 63;   /* sectors */
	img[15] = 16;   /* cylinders */
	img[19] = 128;  /* header size */
	CHECK_EQ(plan(img, len, "", &p), DISKPLAN_OK);
	CHECK_EQ(p.disk_offset, 128);
	CHECK_EQ(p.boot_offset, 128);
	CHECK_EQ(p.heads, 16);
	CHECK_EQ(p.disk_bytes, (len - 128) / 512 * 512);
	free(img);
}

/** offset=, and what goes wrong. */
static void test_offset_and_errors(void)
{
	size_t len = ISO_BOOT + 4 * 2048;
	uint8_t *iso = test_make_iso(len, ELTORITO_MEDIA_NOEMU);
	uint8_t *buf = calloc(1, 4096 + len);
	struct diskplan p;

	/* The ISO 4 KiB into the image: everything moves with it. */
	memcpy(buf + 4096, iso, len);
	CHECK_EQ(plan(buf, 4096 + len, "iso offset=4096", &p), DISKPLAN_OK);
	CHECK_EQ(p.disk_offset, 4096);
	CHECK_EQ(p.disk_bytes, len);
	CHECK_EQ(p.boot_offset, 4096 + ISO_BOOT);
	CHECK_EQ(plan(buf, 4096 + len, "iso offset=4K", &p), DISKPLAN_OK);
	CHECK_EQ(p.disk_offset, 4096);
	CHECK_EQ(plan(buf, 4096 + len, "iso offset=2048", &p), DISKPLAN_E_ELTORITO);
	CHECK_EQ(p.detail, ELTORITO_E_NO_BOOT_RECORD);
	CHECK_EQ(plan(buf, 4096, "offset=4096", &p), DISKPLAN_E_OFFSET);
	CHECK_EQ(plan(buf, 4096, "offset=5000", &p), DISKPLAN_E_OFFSET);

	/* Garbage is no CD; a fragment is no disk. */
	memset(buf, 0x5a, 4096);
	CHECK_EQ(plan(buf, 4096, "iso", &p), DISKPLAN_E_ELTORITO);
	CHECK_EQ(p.detail, ELTORITO_E_NO_BOOT_RECORD);
	CHECK_EQ(plan(buf, 100, "", &p), DISKPLAN_E_GEOMETRY);
	CHECK_EQ(p.detail, GEOMETRY_E_TOO_SMALL);
	CHECK_EQ(plan(buf, 4096, "h=300", &p), DISKPLAN_E_GEOMETRY);
	CHECK_EQ(p.detail, GEOMETRY_E_BAD_CHS);
	/* A catalog past the end (a truncated ISO). */
	CHECK_EQ(plan(iso, 20 * 2048, "iso", &p), DISKPLAN_E_ELTORITO);
	CHECK_EQ(p.detail, ELTORITO_E_CATALOG_OUTSIDE);
	CHECK_EQ(diskplan_make(NULL, 10, NULL, &p), DISKPLAN_E_ARG);
	CHECK_EQ(diskplan_make(iso, len, NULL, NULL), DISKPLAN_E_ARG);
	free(buf);
	free(iso);
}

void test_diskplan(void)
{
	test_cdrom();
	test_emulation();
	test_images();
	test_offset_and_errors();
}
