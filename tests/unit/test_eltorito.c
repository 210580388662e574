/**
 * @file test_eltorito.c
 *
 * El Torito parsing on sectors taken from real ISOs made by xorriso 1.5
 * (`xorriso -as mkisofs -b isolinux/isolinux.bin -c isolinux/boot.cat
 * -no-emul-boot -boot-load-size 4 -boot-info-table`, and the same with a
 * 1.44M floppy image and with `-hard-disk-boot`), placed in synthetic ISO
 * buffers; every error path; the 4B01h specification packet.
 */
#include <stdlib.h>

#include "eltorito.h"
#include "test.h"

void test_eltorito(void);

/** Sector 17 of the isolinux ISO, bytes 0-4Ah (the rest is zero). */
static const uint8_t real_brvd[0x4b] = {
	0x00, 0x43, 0x44, 0x30, 0x30, 0x31, 0x01, 0x45, 0x4c, 0x20, 0x54, 0x4f,
	0x52, 0x49, 0x54, 0x4f, 0x20, 0x53, 0x50, 0x45, 0x43, 0x49, 0x46, 0x49,
	0x43, 0x41, 0x54, 0x49, 0x4f, 0x4e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21,
	0x00, 0x00, 0x00,
};

/** The first 64 bytes of its boot catalog (sector 33): validation entry
 *  and initial entry (no emulation, 4 sectors at RBA 34). */
static const uint8_t real_catalog[64] = {
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xaa, 0x55, 0x55, 0xaa, 0x88, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x04, 0x00, 0x22, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};

/** Initial entry of the floppy-emulation ISO (1.44M, RBA 34). */
static const uint8_t real_floppy_entry[32] = {
	0x88, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x22, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/** Initial entry of the -hard-disk-boot ISO (system type 6, RBA 34). */
static const uint8_t real_hd_entry[32] = {
	0x88, 0x04, 0x00, 0x00, 0x06, 0x00, 0x01, 0x00, 0x22, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/** Bytes 1B8h-1FFh of that hard-disk image (sfdisk: one FAT16
 *  partition, start 63, 1985 sectors: a 1 MiB disk). */
static const uint8_t real_hd_mbr_tail[72] = {
	0x9b, 0x44, 0x5b, 0xbb, 0x00, 0x00, 0x80, 0x01, 0x01, 0x00, 0x06, 0x20,
	0x20, 0x00, 0x3f, 0x00, 0x00, 0x00, 0xc1, 0x07, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x55, 0xaa,
};

#define CAT_LBA 33u
#define IMG_LBA 34u

/** An ISO buffer of @p len bytes with the real descriptor and catalog. */
static uint8_t *make_iso(size_t len)
{
	uint8_t *iso = calloc(1, len);

	memcpy(iso + 17 * 2048, real_brvd, sizeof(real_brvd));
	memcpy(iso + CAT_LBA * 2048, real_catalog, sizeof(real_catalog));
	return iso;
}

uint8_t *test_make_iso(size_t len, int media)
{
	uint8_t *iso = make_iso(len);
	uint8_t *ent = iso + CAT_LBA * 2048 + 32;

	if (media == ELTORITO_MEDIA_FLOPPY_1440) {
		memcpy(ent, real_floppy_entry, 32);
	} else if (media == ELTORITO_MEDIA_HARDDISK) {
		memcpy(ent, real_hd_entry, 32);
		memcpy(iso + IMG_LBA * 2048 + 0x1b8, real_hd_mbr_tail, sizeof(real_hd_mbr_tail));
	}
	return iso;
}

/** Make the validation entry's words sum to 0 again. */
static void fix_checksum(uint8_t *cat)
{
	uint16_t sum = 0;
	int i;

	cat[0x1c] = cat[0x1d] = 0;
	for (i = 0; i < 32; i += 2)
		sum = (uint16_t)(sum + (cat[i] | cat[i + 1] << 8));
	sum = (uint16_t)-sum;
	cat[0x1c] = (uint8_t)sum;
	cat[0x1d] = (uint8_t)(sum >> 8);
}

/** The isolinux no-emulation ISO. */
static void test_noemu(void)
{
	size_t len = (IMG_LBA + 4) * 2048;
	uint8_t *iso = make_iso(len);
	struct eltorito_boot b;
	uint8_t pkt[19];
	static const uint8_t want[19] = {
		0x13, 0x00, 0xe0, 0x00, 0x22, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0xc0, 0x07, 0x04, 0x00, 0x00, 0x00, 0x00,
	};

	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_OK);
	CHECK_EQ(b.catalog_lba, CAT_LBA);
	CHECK_EQ(b.platform, 0);
	CHECK_EQ(b.media, ELTORITO_MEDIA_NOEMU);
	CHECK_EQ(b.load_segment_raw, 0);
	CHECK_EQ(b.load_segment, 0x7c0);
	CHECK_EQ(b.system_type, 0);
	CHECK_EQ(b.sector_count, 4);
	CHECK_EQ(b.load_rba, IMG_LBA);
	CHECK_EQ(b.image_offset, IMG_LBA * 2048);
	CHECK_EQ(b.image_size, 2048);
	CHECK_EQ(b.cylinders, 0);
	eltorito_spec_packet(&b, 0xe0, pkt);
	CHECK(!memcmp(pkt, want, sizeof(want)));

	/* The boot image may end exactly at the end of the ISO... */
	CHECK_EQ(eltorito_parse(iso, IMG_LBA * 2048 + 2048, &b), ELTORITO_OK);
	/* ...but not beyond it. */
	CHECK_EQ(eltorito_parse(iso, IMG_LBA * 2048 + 2047, &b), ELTORITO_E_IMAGE_OUTSIDE);

	/* A load segment, and media bits above the type (ignored). */
	iso[CAT_LBA * 2048 + 32 + 2] = 0x00;
	iso[CAT_LBA * 2048 + 32 + 3] = 0x10;
	iso[CAT_LBA * 2048 + 32 + 1] = 0x40;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_OK);
	CHECK_EQ(b.load_segment, 0x1000);
	CHECK_EQ(b.load_segment_raw, 0x1000);
	CHECK_EQ(b.media, ELTORITO_MEDIA_NOEMU);
	eltorito_spec_packet(&b, 0x9f, pkt);
	CHECK_EQ(pkt[2], 0x9f);
	CHECK_EQ(pkt[12], 0x00);
	CHECK_EQ(pkt[13], 0x10);

	/* A large sector count. */
	iso[CAT_LBA * 2048 + 32 + 6] = 0xff;
	iso[CAT_LBA * 2048 + 32 + 7] = 0xff;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_IMAGE_OUTSIDE);
	CHECK_EQ(b.sector_count, 0xffff);
	/* Sector count 0. */
	iso[CAT_LBA * 2048 + 32 + 6] = 0;
	iso[CAT_LBA * 2048 + 32 + 7] = 0;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_SECTOR_COUNT);
	/* Load RBA far away, and at the 32-bit limit. */
	iso[CAT_LBA * 2048 + 32 + 6] = 4;
	memset(iso + CAT_LBA * 2048 + 32 + 8, 0xff, 4);
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_IMAGE_OUTSIDE);
	CHECK_EQ(b.image_offset, 0xffffffffull * 2048);
	free(iso);
}

/** Floppy emulation (all three sizes). */
static void test_floppy(void)
{
	size_t len = IMG_LBA * 2048 + 2880 * 1024;
	uint8_t *iso = make_iso(len);
	uint8_t *ent = iso + CAT_LBA * 2048 + 32;
	struct eltorito_boot b;
	uint8_t pkt[19];
	static const uint8_t want[19] = {
		0x13, 0x02, 0x00, 0x00, 0x22, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0xc0, 0x07, 0x01, 0x00, 0x4f, 0x12, 0x01,
	};

	memcpy(ent, real_floppy_entry, 32);
	CHECK_EQ(eltorito_parse(iso, IMG_LBA * 2048 + 1440 * 1024, &b), ELTORITO_OK);
	CHECK_EQ(b.media, ELTORITO_MEDIA_FLOPPY_1440);
	CHECK_EQ(b.sector_count, 1);
	CHECK_EQ(b.image_offset, IMG_LBA * 2048);
	CHECK_EQ(b.image_size, 1440 * 1024);
	CHECK_EQ(b.cylinders, 80);
	CHECK_EQ(b.heads, 2);
	CHECK_EQ(b.sectors, 18);
	eltorito_spec_packet(&b, 0x00, pkt);
	CHECK(!memcmp(pkt, want, sizeof(want)));
	CHECK_EQ(eltorito_parse(iso, IMG_LBA * 2048 + 1440 * 1024 - 1, &b), ELTORITO_E_IMAGE_OUTSIDE);

	ent[1] = ELTORITO_MEDIA_FLOPPY_1200;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_OK);
	CHECK_EQ(b.image_size, 1200 * 1024);
	CHECK_EQ(b.sectors, 15);
	ent[1] = ELTORITO_MEDIA_FLOPPY_2880;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_OK);
	CHECK_EQ(b.image_size, 2880 * 1024);
	CHECK_EQ(b.sectors, 36);
	eltorito_spec_packet(&b, 0x00, pkt);
	CHECK_EQ(pkt[1], 3);
	CHECK_EQ(pkt[17], 36);
	CHECK_EQ(eltorito_parse(iso, len - 1, &b), ELTORITO_E_IMAGE_OUTSIDE);
	/* Emulation needs no sector count to find the disk. */
	ent[6] = 0;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_OK);
	free(iso);
}

/** Hard-disk emulation. */
static void test_harddisk(void)
{
	size_t len = IMG_LBA * 2048 + (1 << 20);
	uint8_t *iso = make_iso(len);
	uint8_t *ent = iso + CAT_LBA * 2048 + 32;
	uint8_t *mbr = iso + IMG_LBA * 2048;
	struct eltorito_boot b;
	uint8_t pkt[19];
	static const uint8_t want[19] = {
		0x13, 0x04, 0x80, 0x00, 0x22, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0xc0, 0x07, 0x01, 0x00, 0x00, 0x3f, 0xfe,
	};

	memcpy(ent, real_hd_entry, 32);
	memcpy(mbr + 0x1b8, real_hd_mbr_tail, sizeof(real_hd_mbr_tail));
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_OK);
	CHECK_EQ(b.media, ELTORITO_MEDIA_HARDDISK);
	CHECK_EQ(b.system_type, 6);
	CHECK_EQ(b.image_offset, IMG_LBA * 2048);
	CHECK_EQ(b.image_size, 1 << 20);
	/* Start 0/1/1 = LBA 63 and end 0/32/32 = LBA 2047: 63 sectors;
	 * the heads are open, the widest (255) is taken. */
	CHECK_EQ(b.sectors, 63);
	CHECK_EQ(b.heads, 255);
	CHECK_EQ(b.cylinders, 1);
	eltorito_spec_packet(&b, 0x80, pkt);
	CHECK(!memcmp(pkt, want, sizeof(want)));

	/* The partition runs past the end of the ISO. */
	CHECK_EQ(eltorito_parse(iso, len - 512, &b), ELTORITO_E_IMAGE_OUTSIDE);
	/* Not even the MBR is inside. */
	CHECK_EQ(eltorito_parse(iso, IMG_LBA * 2048 + 511, &b), ELTORITO_E_IMAGE_OUTSIDE);
	/* Broken partition tables. */
	mbr[0x1be] = 0x7f;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_HD_IMAGE);
	mbr[0x1be] = 0x80;
	mbr[0x1be + 12] = mbr[0x1be + 13] = 0;  /* size 0 */
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_HD_IMAGE);
	memcpy(mbr + 0x1b8, real_hd_mbr_tail, sizeof(real_hd_mbr_tail));
	mbr[510] = 0;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_HD_IMAGE);
	mbr[510] = 0x55;
	/* A partition table with huge values must not wrap. */
	memset(mbr + 0x1be + 8, 0xff, 8);
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_IMAGE_OUTSIDE);
	free(iso);
}

/** Boot record and catalog errors. */
static void test_errors(void)
{
	size_t len = (IMG_LBA + 4) * 2048;
	uint8_t *iso = make_iso(len);
	uint8_t *vd = iso + 17 * 2048, *cat = iso + CAT_LBA * 2048;
	struct eltorito_boot b;

	CHECK_EQ(eltorito_parse(iso, 17 * 2048 + 0x4a, &b), ELTORITO_E_NO_BOOT_RECORD);
	CHECK_EQ(eltorito_parse(iso, 0, &b), ELTORITO_E_NO_BOOT_RECORD);
	vd[0] = 1;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_NO_BOOT_RECORD);
	vd[0] = 0;
	vd[5] = '2';
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_NO_BOOT_RECORD);
	vd[5] = '1';
	vd[6] = 2;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_NO_BOOT_RECORD);
	vd[6] = 1;
	vd[7 + 22] = 'X';
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_NO_BOOT_RECORD);
	vd[7 + 22] = 'N';
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_OK);

	/* Catalog position. */
	CHECK_EQ(eltorito_parse(iso, CAT_LBA * 2048 + 63, &b), ELTORITO_E_CATALOG_OUTSIDE);
	memset(vd + 0x47, 0xff, 4);
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_CATALOG_OUTSIDE);
	CHECK_EQ(b.catalog_lba, 0xffffffffu);
	vd[0x47] = CAT_LBA;
	vd[0x48] = vd[0x49] = vd[0x4a] = 0;

	/* Validation entry. */
	cat[0] = 2;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_VALIDATION);
	cat[0] = 1;
	cat[0x1e] = 0xaa;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_VALIDATION);
	cat[0x1e] = 0x55;
	cat[0x1f] = 0x55;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_VALIDATION);
	cat[0x1f] = 0xaa;
	cat[0x1c]++;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_CHECKSUM);
	cat[0x1c]--;
	cat[4] = 'X';                            /* id string, checksum not fixed */
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_CHECKSUM);
	fix_checksum(cat);
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_OK);
	cat[1] = 0xef;                           /* EFI */
	fix_checksum(cat);
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_PLATFORM);
	CHECK_EQ(b.platform, 0xef);
	cat[1] = 0;
	fix_checksum(cat);

	/* Initial entry. */
	cat[32] = 0x00;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_NOT_BOOTABLE);
	cat[32] = 0x88;
	cat[33] = 5;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_MEDIA);
	cat[33] = 0x0f;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_E_MEDIA);
	cat[33] = 0;
	CHECK_EQ(eltorito_parse(iso, len, &b), ELTORITO_OK);

	/* Arguments. */
	CHECK_EQ(eltorito_parse(NULL, len, &b), ELTORITO_E_ARG);
	CHECK_EQ(eltorito_parse(iso, len, NULL), ELTORITO_E_ARG);
	CHECK_STR(eltorito_strerror(ELTORITO_E_CHECKSUM), "bad boot catalog checksum");
	CHECK_STR(eltorito_strerror(ELTORITO_OK), "ok");
	CHECK_STR(eltorito_strerror(-100), "unknown error");
	free(iso);
}

/** Packet encoding of large geometries. */
static void test_packet(void)
{
	struct eltorito_boot b;
	uint8_t pkt[19];

	memset(&b, 0, sizeof(b));
	b.media = ELTORITO_MEDIA_HARDDISK;
	b.load_rba = 0x12345678;
	b.load_segment = 0x7c0;
	b.sector_count = 0xabcd;
	b.cylinders = 5000;                      /* capped at 1024 */
	b.heads = 256;
	b.sectors = 63;
	memset(pkt, 0xee, sizeof(pkt));
	eltorito_spec_packet(&b, 0x80, pkt);
	CHECK_EQ(pkt[0], 0x13);
	CHECK_EQ(pkt[4], 0x78);
	CHECK_EQ(pkt[7], 0x12);
	CHECK_EQ(pkt[8] | pkt[9] | pkt[10] | pkt[11], 0);
	CHECK_EQ(pkt[14], 0xcd);
	CHECK_EQ(pkt[15], 0xab);
	CHECK_EQ(pkt[16], 0xff);                 /* last cylinder 1023 */
	CHECK_EQ(pkt[17], 0xc0 | 63);
	CHECK_EQ(pkt[18], 0xff);                 /* last head 255 */
	b.cylinders = 300;
	eltorito_spec_packet(&b, 0x80, pkt);
	CHECK_EQ(pkt[16], 299 & 0xff);
	CHECK_EQ(pkt[17], 0x40 | 63);
}

void test_eltorito(void)
{
	test_noemu();
	test_floppy();
	test_harddisk();
	test_errors();
	test_packet();
}
