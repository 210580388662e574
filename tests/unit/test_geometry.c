/**
 * @file test_geometry.c
 *
 * Drive type and geometry: a real mkfs.fat floppy boot sector, a real
 * mkfs.fat FAT32 BPB, a real sfdisk partition table, DOSEMU headers, the
 * floppy sizes, the defaults, forced types and impossible values.
 *
 * Expected values marked "MEMDISK" were recorded from SYSLINUX 6.04's
 * memdisk (Debian syslinux-common) under QEMU 7.2 / SeaBIOS: a probe boot
 * sector in each image printed INT 13h AH=08h, AH=15h and AH=48h results
 * on the serial port. Where memboot differs on purpose, the test says so.
 */
#include <stdlib.h>

#include "geometry.h"
#include "test.h"

void test_geometry(void);

/** First sector of `mkfs.fat -C f.img 1440` (mkfs.fat 4.2). */
static const uint8_t fat12_floppy[512] = {
	0xeb, 0x3c, 0x90, 0x6d, 0x6b, 0x66, 0x73, 0x2e, 0x66, 0x61, 0x74, 0x00,
	0x02, 0x01, 0x01, 0x00, 0x02, 0xe0, 0x00, 0x40, 0x0b, 0xf0, 0x09, 0x00,
	0x12, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x29, 0xea, 0x95, 0xf4, 0x3a, 0x4e, 0x4f, 0x20, 0x4e, 0x41,
	0x4d, 0x45, 0x20, 0x20, 0x20, 0x20, 0x46, 0x41, 0x54, 0x31, 0x32, 0x20,
	0x20, 0x20, 0x0e, 0x1f, 0xbe, 0x5b, 0x7c, 0xac, 0x22, 0xc0, 0x74, 0x0b,
	0x56, 0xb4, 0x0e, 0xbb, 0x07, 0x00, 0xcd, 0x10, 0x5e, 0xeb, 0xf0, 0x32,
	0xe4, 0xcd, 0x16, 0xcd, 0x19, 0xeb, 0xfe, 0x54, 0x68, 0x69, 0x73, 0x20,
	0x69, 0x73, 0x20, 0x6e, 0x6f, 0x74, 0x20, 0x61, 0x20, 0x62, 0x6f, 0x6f,
	0x74, 0x61, 0x62, 0x6c, 0x65, 0x20, 0x64, 0x69, 0x73, 0x6b, 0x2e, 0x20,
	0x20, 0x50, 0x6c, 0x65, 0x61, 0x73, 0x65, 0x20, 0x69, 0x6e, 0x73, 0x65,
	0x72, 0x74, 0x20, 0x61, 0x20, 0x62, 0x6f, 0x6f, 0x74, 0x61, 0x62, 0x6c,
	0x65, 0x20, 0x66, 0x6c, 0x6f, 0x70, 0x70, 0x79, 0x20, 0x61, 0x6e, 0x64,
	0x0d, 0x0a, 0x70, 0x72, 0x65, 0x73, 0x73, 0x20, 0x61, 0x6e, 0x79, 0x20,
	0x6b, 0x65, 0x79, 0x20, 0x74, 0x6f, 0x20, 0x74, 0x72, 0x79, 0x20, 0x61,
	0x67, 0x61, 0x69, 0x6e, 0x20, 0x2e, 0x2e, 0x2e, 0x20, 0x0d, 0x0a, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x55, 0xaa,
};

/** First 90 bytes (the BPB) of `mkfs.fat -F 32 -C f32.img 65536`:
 *  32 sectors per track, 8 heads, drive number 80h at 40h. */
static const uint8_t fat32_bpb[90] = {
	0xeb, 0x58, 0x90, 0x6d, 0x6b, 0x66, 0x73, 0x2e, 0x66, 0x61, 0x74, 0x00,
	0x02, 0x01, 0x20, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x00, 0x00,
	0x20, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
	0xf1, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x29, 0x11, 0xdd, 0x15, 0x53, 0x4e,
	0x4f, 0x20, 0x4e, 0x41, 0x4d, 0x45, 0x20, 0x20, 0x20, 0x20, 0x46, 0x41,
	0x54, 0x33, 0x32, 0x20, 0x20, 0x20,
};

/** Bytes 1B8h-1FFh of a 64 MiB image partitioned by sfdisk 2.38:
 *  "start=2048, size=65536, type=c, bootable" and "start=67584, type=83".
 *  The partitions are 1 MiB aligned, so their CHS end values are not on
 *  cylinder boundaries (end heads 52 and 40, end sectors 48 and 32). */
static const uint8_t sfdisk_tail[72] = {
	0x78, 0x56, 0x34, 0x12, 0x00, 0x00, 0x80, 0x20, 0x21, 0x00, 0x0c, 0x34,
	0x30, 0x04, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x34,
	0x31, 0x04, 0x83, 0x28, 0x20, 0x08, 0x00, 0x08, 0x01, 0x00, 0x00, 0xf8,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x55, 0xaa,
};

/** A sector holding the sfdisk partition table. */
static void sfdisk_sector(uint8_t *s)
{
	memset(s, 0, 512);
	memcpy(s + 0x1b8, sfdisk_tail, sizeof(sfdisk_tail));
}

/** Fill a partition entry. */
static void part(uint8_t *s, int i, uint8_t boot, uint8_t type, unsigned c0, unsigned h0,
		 unsigned s0, unsigned c1, unsigned h1, unsigned s1, uint32_t lba, uint32_t count)
{
	uint8_t *e = s + 0x1be + 16 * i;

	e[0] = boot;
	e[1] = (uint8_t)h0;
	e[2] = (uint8_t)(s0 | (c0 >> 8) << 6);
	e[3] = (uint8_t)c0;
	e[4] = type;
	e[5] = (uint8_t)h1;
	e[6] = (uint8_t)(s1 | (c1 >> 8) << 6);
	e[7] = (uint8_t)c1;
	memcpy(e + 8, &lba, 4);
	memcpy(e + 12, &count, 4);
	s[510] = 0x55;
	s[511] = 0xaa;
}

/** A real FAT12 floppy boot sector. */
static void test_bpb(void)
{
	struct geometry g;
	uint8_t s[512];

	CHECK_EQ(geometry_guess(fat12_floppy, 512, 1474560, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_BPB);
	CHECK_EQ(g.type, GEOMETRY_FLOPPY);
	CHECK_EQ(g.drive, 0x00);
	CHECK_EQ(g.heads, 2);
	CHECK_EQ(g.sectors, 18);
	CHECK_EQ(g.cylinders, 80);
	CHECK_EQ(g.bios_cylinders, 80);
	CHECK_EQ(g.total_sectors, 2880);
	CHECK_EQ(g.data_offset, 0);

	/* The BPB wins over the size: a 1 MiB image with a 1.44M BPB.
	 * MEMDISK: floppy, 56/2/18 (cylinders rounded down). */
	CHECK_EQ(geometry_guess(fat12_floppy, 512, 1 << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_BPB);
	CHECK_EQ(g.sectors, 18);
	CHECK_EQ(g.cylinders, 56);
	CHECK_EQ(g.total_sectors, 2048);
	/* MEMDISK: an 8 MiB image with that BPB is a floppy, 455/2/18. */
	CHECK_EQ(geometry_guess(fat12_floppy, 512, 8 << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.type, GEOMETRY_FLOPPY);
	CHECK_EQ(g.cylinders, 455);

	/* A partial last sector is dropped. */
	CHECK_EQ(geometry_guess(fat12_floppy, 512, 1474560 + 100, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.total_sectors, 2880);
	CHECK_EQ(g.cylinders, 80);

	/* BIOS drive number 80h in the BPB. MEMDISK: hard disk 80/2/18. */
	memcpy(s, fat12_floppy, 512);
	s[0x24] = 0x80;
	CHECK_EQ(geometry_guess(s, 512, 1474560, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.type, GEOMETRY_HARDDISK);
	CHECK_EQ(g.drive, 0x80);
	CHECK_EQ(g.source, GEOMETRY_SRC_BPB);
	CHECK_EQ(g.cylinders, 80);

	/* Not a usable BPB: the next rules apply (size, then defaults). */
	memcpy(s, fat12_floppy, 512);
	s[0x0c] = 0x08;                          /* 2048 bytes per sector */
	CHECK_EQ(geometry_guess(s, 512, 1474560, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_FLOPPY_SIZE);
	CHECK_EQ(geometry_guess(s, 512, 8 << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DEFAULT);     /* boot code, not a partition table */
	memcpy(s, fat12_floppy, 512);
	s[0x26] = 0x28;                          /* old signature */
	CHECK_EQ(geometry_guess(s, 512, 8 << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DEFAULT);
	memcpy(s, fat12_floppy, 512);
	s[0x36] = 'X';                           /* no "FAT" */
	CHECK_EQ(geometry_guess(s, 512, 8 << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DEFAULT);
	memcpy(s, fat12_floppy, 512);
	s[0x18] = 64;                            /* 64 sectors per track */
	CHECK_EQ(geometry_guess(s, 512, 8 << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DEFAULT);
	memcpy(s, fat12_floppy, 512);
	s[0x1a] = 0;                             /* 0 heads */
	CHECK_EQ(geometry_guess(s, 512, 8 << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DEFAULT);
	memcpy(s, fat12_floppy, 512);
	s[0x1a] = 0;
	s[0x1b] = 1;                             /* 256 heads: allowed */
	CHECK_EQ(geometry_guess(s, 512, 8 << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_BPB);
	CHECK_EQ(g.heads, 256);

	/* Fewer than 512 bytes supplied: the BPB is not looked at. */
	CHECK_EQ(geometry_guess(fat12_floppy, 511, 8 << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DEFAULT);

	/* A real FAT32 BPB. MEMDISK: hard disk 512/8/32; with drive
	 * number 0 a floppy, same geometry. */
	memset(s, 0, 512);
	memcpy(s, fat32_bpb, sizeof(fat32_bpb));
	s[510] = 0x55;
	s[511] = 0xaa;
	CHECK_EQ(geometry_guess(s, 512, 64ull << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_BPB);
	CHECK_EQ(g.type, GEOMETRY_HARDDISK);
	CHECK_EQ(g.heads, 8);
	CHECK_EQ(g.sectors, 32);
	CHECK_EQ(g.cylinders, 512);
	CHECK_EQ(g.total_sectors, 131072);
	s[0x40] = 0x00;
	CHECK_EQ(geometry_guess(s, 512, 64ull << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.type, GEOMETRY_FLOPPY);
	CHECK_EQ(g.cylinders, 512);
}

/** Images under 4 MiB: floppies, geometry from the size. */
static void test_floppy_sizes(void)
{
	/* MEMDISK: sectors -> cylinders, heads, sectors per track, for
	 * blank images of other sizes (including blind-predicted ones). */
	static const struct {
		unsigned t, c, h, s;
	} m[] = {
		{ 1, 1, 1, 1 }, { 2, 2, 1, 1 }, { 3, 3, 1, 1 }, { 10, 10, 1, 1 }, { 17, 17, 1, 1 },
		{ 20, 20, 1, 1 }, { 30, 30, 1, 1 }, { 40, 40, 1, 1 }, { 50, 50, 1, 1 },
		{ 60, 60, 1, 1 }, { 64, 64, 1, 1 }, { 70, 70, 1, 1 }, { 80, 40, 1, 2 },
		{ 90, 45, 1, 2 }, { 100, 50, 1, 2 }, { 110, 55, 1, 2 }, { 120, 40, 1, 3 },
		{ 128, 64, 1, 2 }, { 130, 65, 1, 2 }, { 140, 70, 1, 2 }, { 150, 50, 1, 3 },
		{ 160, 40, 1, 4 }, { 170, 85, 1, 2 }, { 180, 45, 1, 4 }, { 190, 95, 1, 2 },
		{ 200, 40, 1, 5 }, { 210, 42, 1, 5 }, { 220, 44, 1, 5 }, { 240, 40, 1, 6 },
		{ 250, 50, 1, 5 }, { 251, 251, 1, 1 }, { 253, 253, 1, 1 }, { 256, 64, 1, 4 },
		{ 257, 42, 1, 6 }, { 259, 51, 1, 5 }, { 270, 45, 1, 6 }, { 280, 40, 1, 7 },
		{ 300, 50, 1, 6 }, { 308, 44, 1, 7 }, { 320, 40, 1, 8 }, { 340, 68, 1, 5 },
		{ 360, 40, 1, 9 }, { 380, 76, 1, 5 }, { 382, 191, 1, 2 }, { 396, 44, 1, 9 },
		{ 400, 40, 1, 10 }, { 407, 50, 1, 8 }, { 420, 42, 1, 10 }, { 476, 68, 1, 7 },
		{ 480, 40, 1, 12 }, { 485, 97, 1, 5 }, { 500, 50, 1, 10 }, { 507, 169, 1, 3 },
		{ 560, 40, 1, 14 }, { 573, 191, 1, 3 }, { 594, 54, 1, 11 }, { 600, 40, 1, 15 },
		{ 610, 61, 1, 10 }, { 620, 62, 1, 10 }, { 630, 42, 1, 15 }, { 640, 40, 2, 8 },
		{ 700, 50, 2, 7 }, { 705, 58, 2, 6 }, { 720, 40, 2, 9 }, { 744, 62, 2, 6 },
		{ 772, 193, 2, 2 }, { 800, 40, 2, 10 }, { 840, 42, 2, 10 }, { 900, 45, 2, 10 },
		{ 960, 40, 2, 12 }, { 1000, 50, 2, 10 }, { 1002, 167, 2, 3 }, { 1003, 250, 2, 2 },
		{ 1008, 42, 2, 12 }, { 1015, 126, 2, 4 }, { 1042, 57, 2, 9 }, { 1200, 40, 2, 15 },
		{ 1236, 103, 2, 6 }, { 1250, 125, 2, 5 }, { 1260, 42, 2, 15 }, { 1270, 127, 2, 5 },
		{ 1280, 80, 2, 8 }, { 1281, 106, 2, 6 }, { 1283, 106, 2, 6 }, { 1290, 129, 2, 5 },
		{ 1300, 130, 2, 5 }, { 1320, 110, 2, 6 }, { 1360, 85, 2, 8 }, { 1400, 100, 2, 7 },
		{ 1420, 142, 2, 5 }, { 1440, 80, 2, 9 }, { 1441, 102, 2, 7 }, { 1443, 240, 2, 3 },
		{ 1501, 93, 2, 8 }, { 1505, 250, 2, 3 }, { 1600, 80, 2, 10 }, { 1601, 88, 2, 9 },
		{ 1759, 79, 2, 11 }, { 1812, 151, 2, 6 }, { 1829, 182, 2, 5 }, { 1972, 140, 2, 7 },
		{ 2000, 100, 2, 10 }, { 2001, 90, 2, 11 }, { 2002, 91, 2, 11 }, { 2042, 145, 2, 7 },
		{ 2048, 128, 2, 8 }, { 2049, 204, 2, 5 }, { 2050, 205, 2, 5 }, { 2051, 113, 2, 9 },
		{ 2500, 125, 2, 10 }, { 2653, 82, 2, 16 }, { 2881, 130, 2, 11 }, { 2883, 102, 2, 14 },
		{ 2996, 107, 2, 14 }, { 3000, 100, 2, 15 }, { 3001, 166, 2, 9 }, { 3003, 166, 2, 9 },
		{ 3024, 84, 2, 18 }, { 3235, 80, 2, 20 }, { 3250, 125, 2, 13 }, { 3426, 244, 2, 7 },
		{ 3444, 82, 2, 21 }, { 3478, 86, 2, 20 }, { 3501, 102, 2, 17 }, { 3553, 126, 2, 14 },
		{ 4000, 80, 2, 25 }, { 4001, 86, 2, 23 }, { 4032, 84, 2, 24 }, { 4094, 89, 2, 23 },
		{ 4157, 98, 2, 21 }, { 4390, 121, 2, 18 }, { 4515, 250, 2, 9 }, { 4561, 162, 2, 14 },
		{ 4633, 121, 2, 19 }, { 4728, 197, 2, 12 }, { 4775, 198, 2, 12 },
		{ 4776, 199, 2, 12 }, { 4797, 79, 2, 30 }, { 4999, 99, 2, 25 }, { 5000, 100, 2, 25 },
		{ 5001, 138, 2, 18 }, { 5040, 84, 2, 30 }, { 5140, 82, 2, 31 }, { 5167, 135, 2, 19 },
		{ 5333, 126, 2, 21 }, { 6000, 100, 2, 30 }, { 6001, 157, 2, 19 },
		{ 6728, 116, 2, 29 }, { 6774, 120, 2, 28 }, { 6999, 99, 2, 35 }, { 7001, 102, 2, 34 },
		{ 7033, 152, 2, 23 }, { 7453, 232, 2, 16 }, { 7762, 104, 2, 37 },
		{ 7764, 104, 2, 37 }, { 7765, 104, 2, 37 }, { 7998, 93, 2, 43 }, { 7999, 79, 2, 50 },
		{ 8000, 80, 2, 50 }, { 8001, 86, 2, 46 }, { 8100, 81, 2, 50 }, { 8186, 88, 2, 46 },
		{ 8187, 88, 2, 46 }, { 8189, 90, 2, 45 }, { 8190, 91, 2, 45 }, { 8191, 127, 2, 32 },
	};
	uint8_t zero[512] = { 0 };
	struct geometry g;
	size_t i;

	/* The standard formats (the one table, geometry_floppies): the
	 * guess from the size gives each of them exactly. */
	CHECK_EQ(geometry_n_floppies, 20);
	for (i = 0; i < geometry_n_floppies; i++) {
		const struct geometry_floppy *f = &geometry_floppies[i];

		CHECK_EQ(geometry_guess(zero, 512, f->kib * 1024ull, NULL, &g), GEOMETRY_OK);
		CHECK_EQ(g.source, GEOMETRY_SRC_FLOPPY_SIZE);
		CHECK_EQ(g.type, GEOMETRY_FLOPPY);
		CHECK_EQ(g.drive, 0);
		CHECK_EQ(g.cylinders, f->cylinders);
		CHECK_EQ(g.heads, f->heads);
		CHECK_EQ(g.sectors, f->sectors);
		CHECK_EQ(g.total_sectors, f->kib * 2);
		CHECK(geometry_floppy_format(f->kib * 1024ull) == f);
		CHECK(geometry_floppy_format(f->kib * 1024ull + 512) == NULL);
		CHECK_EQ(geometry_floppy_cmos_type(f->kib * 1024ull), f->cmos_type);
		CHECK(i == 0 || f->kib > geometry_floppies[i - 1].kib);
	}
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		int ok = geometry_guess(zero, 512, m[i].t * 512ull, NULL, &g) == GEOMETRY_OK &&
			 g.type == GEOMETRY_FLOPPY && g.cylinders == m[i].c &&
			 g.heads == m[i].h && g.sectors == m[i].s;

		if (!ok)
			fprintf(stderr, "floppy size %u: got %u/%u/%u, MEMDISK %u/%u/%u\n", m[i].t,
				g.cylinders, g.heads, g.sectors, m[i].c, m[i].h, m[i].s);
		CHECK(ok);
	}
	/* A partial sector does not count: 1000.5 KiB is 2001 sectors. */
	CHECK_EQ(geometry_guess(zero, 512, 1000 * 1024 + 512 + 100, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.sectors, 11);
	CHECK_EQ(g.cylinders, 90);
	/* 4 MiB is no longer a floppy. */
	CHECK_EQ(geometry_guess(zero, 512, 4 << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.type, GEOMETRY_HARDDISK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DEFAULT);
	CHECK_EQ(geometry_guess(zero, 512, (4 << 20) - 512, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.type, GEOMETRY_FLOPPY);
	CHECK_EQ(g.cylinders, 127);              /* 8191 sectors: 127/2/32 */
	/* The size is enough; the content need not be supplied. */
	CHECK_EQ(geometry_guess(NULL, 0, 720 * 1024, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_FLOPPY_SIZE);
	CHECK_EQ(g.sectors, 9);
}

/** MBR partition tables (images of 4 MiB and more). */
static void test_mbr(void)
{
	struct geometry g;
	uint8_t s[512];

	/* sfdisk, 1 MiB aligned. MEMDISK takes the largest values seen,
	 * 53 heads x 49 sectors (50 cylinders), which contradict the table's
	 * own LBA values; memboot solves for 255 x 63 (on purpose). */
	sfdisk_sector(s);
	CHECK_EQ(geometry_guess(s, 512, 64ull << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_MBR);
	CHECK_EQ(g.type, GEOMETRY_HARDDISK);
	CHECK_EQ(g.drive, 0x80);
	CHECK_EQ(g.heads, 255);
	CHECK_EQ(g.sectors, 63);
	CHECK_EQ(g.cylinders, 8);               /* 131072 / 16065, rounded down */
	CHECK_EQ(g.total_sectors, 131072);

	/* A classic DOS table ending on a cylinder boundary, 16 x 63.
	 * MEMDISK: 100/16/63. */
	memset(s, 0, 512);
	part(s, 0, 0x80, 0x06, 0, 1, 1, 99, 15, 63, 63, 100 * 16 * 63 - 63);
	CHECK_EQ(geometry_guess(s, 512, 100ull * 16 * 63 * 512, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_MBR);
	CHECK_EQ(g.heads, 16);
	CHECK_EQ(g.sectors, 63);
	CHECK_EQ(g.cylinders, 100);

	/* 128 x 32 with an empty-typed second entry. MEMDISK: 20/128/32. */
	memset(s, 0, 512);
	part(s, 0, 0x00, 0x0e, 0, 1, 1, 9, 127, 32, 32, 10 * 128 * 32 - 32);
	part(s, 1, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0);
	CHECK_EQ(geometry_guess(s, 512, 20ull * 128 * 32 * 512, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.heads, 128);
	CHECK_EQ(g.sectors, 32);
	CHECK_EQ(g.cylinders, 20);

	/* 1 MiB aligned on 16 x 63 (MEMDISK: 11 x 59, 151 cylinders). */
	memset(s, 0, 512);
	part(s, 0, 0x80, 0x83, 2, 0, 33, 39, 10, 59, 2048, 40000 - 2048 + 1);
	CHECK_EQ(geometry_guess(s, 512, 48ull << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.heads, 16);
	CHECK_EQ(g.sectors, 63);
	CHECK_EQ(g.cylinders, 97);

	/* Beyond the CHS limit: 1023/254/63 placeholders, 255 x 63. */
	memset(s, 0, 512);
	part(s, 0, 0x80, 0x83, 0, 32, 33, 1023, 254, 63, 2048, 0x10000000);
	CHECK_EQ(geometry_guess(s, 512, 0x10000800ull * 512, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_MBR);
	CHECK_EQ(g.heads, 255);
	CHECK_EQ(g.sectors, 63);
	CHECK_EQ(g.bios_cylinders, 1024);
	CHECK(g.cylinders > 1024);
	/* The same table on a 4 MiB image: less than one cylinder. MEMDISK
	 * reports 0 cylinders (AH=08h wraps to 1024); memboot says 1. */
	CHECK_EQ(geometry_guess(s, 512, 4 << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.cylinders, 1);

	/* Pairs that no geometry explains: the largest values, as MEMDISK
	 * (102/8/20). */
	memset(s, 0, 512);
	part(s, 0, 0x80, 0x83, 0, 1, 1, 3, 7, 20, 12345, 999);
	CHECK_EQ(geometry_guess(s, 512, 8ull << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_MBR);
	CHECK_EQ(g.heads, 8);
	CHECK_EQ(g.sectors, 20);
	CHECK_EQ(g.cylinders, 102);
	/* Start values count too. */
	part(s, 1, 0x00, 0x83, 4, 9, 33, 5, 2, 3, 99999, 5);
	CHECK_EQ(geometry_guess(s, 512, 8ull << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.heads, 10);
	CHECK_EQ(g.sectors, 33);

	/* The table alone. */
	{
		uint32_t h = 0, sp = 0;

		sfdisk_sector(s);
		CHECK_EQ(geometry_from_mbr(s, 512, &h, &sp), GEOMETRY_OK);
		CHECK_EQ(h, 255);
		CHECK_EQ(sp, 63);
		CHECK_EQ(geometry_from_mbr(s, 511, &h, &sp), GEOMETRY_E_NO_MBR);
		s[510] = 0;
		CHECK_EQ(geometry_from_mbr(s, 512, &h, &sp), GEOMETRY_E_NO_MBR);
		CHECK_EQ(geometry_from_mbr(NULL, 512, &h, &sp), GEOMETRY_E_ARG);
		CHECK_EQ(geometry_from_mbr(s, 512, NULL, &sp), GEOMETRY_E_ARG);
	}

	/* Not partition tables. */
	memset(s, 0, 512);
	part(s, 0, 0x80, 0x83, 0, 1, 1, 3, 7, 20, 20, 999);
	s[0x1be + 16] = 0x12;                    /* bad boot flag in entry 2 */
	CHECK_EQ(geometry_guess(s, 512, 8ull << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DEFAULT);
	memset(s, 0, 512);
	s[510] = 0x55;
	s[511] = 0xaa;                           /* all entries empty */
	CHECK_EQ(geometry_guess(s, 512, 8ull << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DEFAULT);
	sfdisk_sector(s);
	s[511] = 0;                              /* no signature */
	CHECK_EQ(geometry_guess(s, 512, 64ull << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DEFAULT);
	memset(s, 0, 512);
	part(s, 0, 0x80, 0x83, 0, 0, 0, 0, 0, 0, 0, 1);   /* sector 0 everywhere */
	CHECK_EQ(geometry_guess(s, 512, 8ull << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DEFAULT);

	/* Under 4 MiB a partitioned image is still a floppy. MEMDISK: the
	 * sfdisk table on a 3 MiB image is a floppy, 96/2/32. */
	sfdisk_sector(s);
	CHECK_EQ(geometry_guess(s, 512, 3 << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_FLOPPY_SIZE);
	CHECK_EQ(g.type, GEOMETRY_FLOPPY);
	CHECK_EQ(g.cylinders, 96);
	CHECK_EQ(g.heads, 2);
	CHECK_EQ(g.sectors, 32);
}

/** The default geometries. MEMDISK: 64/64/32 at 64 MiB, 1024/64/32 at
 *  exactly 1 GiB, 130/255/63 one sector above. */
static void test_defaults(void)
{
	uint8_t zero[512] = { 0 };
	struct geometry g;

	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DEFAULT);
	CHECK_EQ(g.type, GEOMETRY_HARDDISK);
	CHECK_EQ(g.heads, 64);
	CHECK_EQ(g.sectors, 32);
	CHECK_EQ(g.cylinders, 64);
	CHECK_EQ(geometry_guess(zero, 512, 1ull << 30, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.heads, 64);
	CHECK_EQ(g.cylinders, 1024);
	CHECK_EQ(geometry_guess(zero, 512, (1ull << 30) + 512, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.heads, 255);
	CHECK_EQ(g.sectors, 63);
	CHECK_EQ(g.cylinders, 130);
	CHECK_EQ(geometry_guess(zero, 512, 8ull << 30, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.cylinders, 1044);
	CHECK_EQ(g.bios_cylinders, 1024);
	CHECK_EQ(g.total_sectors, 16777216);
	/* Absurd sizes saturate instead of wrapping. */
	CHECK_EQ(geometry_guess(zero, 512, 0xffffffffffffffffull, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.cylinders, 0xffffffffu);
	CHECK_EQ(g.total_sectors, 0xffffffffffffffffull / 512);
	/* One sector is enough. */
	CHECK_EQ(geometry_guess(zero, 512, 512, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.cylinders, 1);
	CHECK_EQ(g.heads, 1);
	CHECK_EQ(g.sectors, 1);
	CHECK_EQ(g.total_sectors, 1);
}

/** DOSEMU headers. MEMDISK: 20/16/63 hard disk, 20160 sectors. */
static void test_dosemu(void)
{
	uint8_t s[512];
	struct geometry g;
	uint32_t v;
	static struct options o;

	memset(s, 0, sizeof(s));
	memcpy(s, "DOSEMU", 7);
	v = 16; memcpy(s + 7, &v, 4);            /* heads */
	v = 63; memcpy(s + 11, &v, 4);           /* sectors */
	v = 20; memcpy(s + 15, &v, 4);           /* cylinders */
	v = 128; memcpy(s + 19, &v, 4);          /* header size */
	CHECK_EQ(geometry_guess(s, 512, 128 + 20 * 16 * 63 * 512, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DOSEMU);
	CHECK_EQ(g.type, GEOMETRY_HARDDISK);
	CHECK_EQ(g.drive, 0x80);
	CHECK_EQ(g.heads, 16);
	CHECK_EQ(g.sectors, 63);
	CHECK_EQ(g.cylinders, 20);
	CHECK_EQ(g.data_offset, 128);
	CHECK_EQ(g.total_sectors, 20 * 16 * 63);
	/* The header's cylinders stand even when the data is shorter. */
	CHECK_EQ(geometry_guess(s, 512, 128 + 512 * 10, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.cylinders, 20);
	CHECK_EQ(g.total_sectors, 10);
	/* Options replace single values; MEMDISK with s=32: 20/16/32. */
	options_parse("s=32", &o);
	CHECK_EQ(geometry_guess(s, 512, 128 + 20 * 16 * 63 * 512, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DOSEMU);
	CHECK_EQ(g.type, GEOMETRY_HARDDISK);
	CHECK_EQ(g.sectors, 32);
	CHECK_EQ(g.heads, 16);
	CHECK_EQ(g.cylinders, 20);
	options_parse("c=7 floppy", &o);
	CHECK_EQ(geometry_guess(s, 512, 128 + 20 * 16 * 63 * 512, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.cylinders, 7);
	CHECK_EQ(g.type, GEOMETRY_FLOPPY);
	/* The header comes before the floppy sizes and a partition table. */
	s[510] = 0x55;
	s[511] = 0xaa;
	s[0x1be + 4] = 0x83;
	s[0x1be + 5] = 1;
	s[0x1be + 6] = 1;
	CHECK_EQ(geometry_guess(s, 512, 1474560, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DOSEMU);
	CHECK_EQ(g.total_sectors, (1474560 - 128) / 512);

	/* Impossible headers. */
	v = 0; memcpy(s + 7, &v, 4);
	CHECK_EQ(geometry_guess(s, 512, 1 << 20, NULL, &g), GEOMETRY_E_DOSEMU);
	v = 257; memcpy(s + 7, &v, 4);
	CHECK_EQ(geometry_guess(s, 512, 1 << 20, NULL, &g), GEOMETRY_E_DOSEMU);
	v = 16; memcpy(s + 7, &v, 4);
	v = 64; memcpy(s + 11, &v, 4);
	CHECK_EQ(geometry_guess(s, 512, 1 << 20, NULL, &g), GEOMETRY_E_DOSEMU);
	v = 63; memcpy(s + 11, &v, 4);
	v = 0; memcpy(s + 15, &v, 4);
	CHECK_EQ(geometry_guess(s, 512, 1 << 20, NULL, &g), GEOMETRY_E_DOSEMU);
	v = 20; memcpy(s + 15, &v, 4);
	v = 22; memcpy(s + 19, &v, 4);           /* inside the header */
	CHECK_EQ(geometry_guess(s, 512, 1 << 20, NULL, &g), GEOMETRY_E_DOSEMU);
	v = 0xfffffff0u; memcpy(s + 19, &v, 4);  /* beyond the image */
	CHECK_EQ(geometry_guess(s, 512, 1 << 20, NULL, &g), GEOMETRY_E_DOSEMU);
	v = 1024; memcpy(s + 19, &v, 4);         /* less than a sector after it */
	CHECK_EQ(geometry_guess(s, 512, 1024 + 511, NULL, &g), GEOMETRY_E_DOSEMU);
	CHECK_EQ(geometry_guess(s, 512, 1024 + 512, NULL, &g), GEOMETRY_OK);
	CHECK_EQ(g.total_sectors, 1);
	CHECK_EQ(geometry_guess(s, 20, 1 << 20, NULL, &g), GEOMETRY_E_DOSEMU);   /* cut header */
	CHECK_EQ(geometry_guess(s, 6, 1 << 20, NULL, &g), GEOMETRY_OK);          /* no signature seen */
}

/** Options: c/h/s, forced types, drive numbers, impossible values. */
static void test_options_geo(void)
{
	static struct options o;
	uint8_t zero[512] = { 0 };
	uint8_t s[512];
	struct geometry g;

	/* h= or s= given: nothing guessed, and (as in MEMDISK) a floppy
	 * unless harddisk is given too. MEMDISK: 100/64/32 floppy. */
	options_parse("c=100 h=64 s=32", &o);
	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_OPTIONS);
	CHECK_EQ(g.type, GEOMETRY_FLOPPY);
	CHECK_EQ(g.drive, 0);
	CHECK_EQ(g.cylinders, 100);
	CHECK_EQ(g.heads, 64);
	CHECK_EQ(g.sectors, 32);
	CHECK_EQ(g.total_sectors, 131072);
	options_parse("c=100 h=64 s=32 harddisk", &o);
	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.type, GEOMETRY_HARDDISK);
	CHECK_EQ(g.drive, 0x80);

	/* MEMDISK: s=18 alone on a blank 64 MiB image: floppy 113/64/18;
	 * with harddisk, a hard disk of the same geometry. */
	options_parse("s=18", &o);
	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.type, GEOMETRY_FLOPPY);
	CHECK_EQ(g.heads, 64);
	CHECK_EQ(g.sectors, 18);
	CHECK_EQ(g.cylinders, 113);
	options_parse("s=18 harddisk", &o);
	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.type, GEOMETRY_HARDDISK);
	CHECK_EQ(g.cylinders, 113);
	/* MEMDISK: the partition table and BPB are not consulted either:
	 * sfdisk image with s=63: 32/64/63; with h=255: 16/255/32; the
	 * 8 MiB FAT12 image with s=9: 28/64/9; 1.44M blank with h=1: 90/1/32. */
	sfdisk_sector(s);
	options_parse("s=63", &o);
	CHECK_EQ(geometry_guess(s, 512, 64ull << 20, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.heads, 64);
	CHECK_EQ(g.cylinders, 32);
	options_parse("h=255", &o);
	CHECK_EQ(geometry_guess(s, 512, 64ull << 20, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.sectors, 32);
	CHECK_EQ(g.cylinders, 16);
	options_parse("s=9", &o);
	CHECK_EQ(geometry_guess(fat12_floppy, 512, 8 << 20, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.heads, 64);
	CHECK_EQ(g.cylinders, 28);
	options_parse("h=1", &o);
	CHECK_EQ(geometry_guess(zero, 512, 1474560, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.sectors, 32);
	CHECK_EQ(g.cylinders, 90);
	/* MEMDISK above 1 GiB: s=18 gives 255 heads, h=16 gives 63 sectors. */
	options_parse("s=18", &o);
	CHECK_EQ(geometry_guess(zero, 512, (1ull << 30) + 512, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.heads, 255);
	CHECK_EQ(g.cylinders, 456);
	options_parse("h=16", &o);
	CHECK_EQ(geometry_guess(zero, 512, (1ull << 30) + 512, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.sectors, 63);
	CHECK_EQ(g.cylinders, 2080);
	CHECK_EQ(g.bios_cylinders, 1024);        /* MEMDISK wraps: 2080 % 1024 */
	/* MEMDISK: c= alone still guesses: 100/64/32 hard disk. */
	options_parse("c=100", &o);
	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.source, GEOMETRY_SRC_DEFAULT);
	CHECK_EQ(g.type, GEOMETRY_HARDDISK);
	CHECK_EQ(g.cylinders, 100);
	options_parse("c=2000", &o);
	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.cylinders, 2000);
	CHECK_EQ(g.bios_cylinders, 1024);
	options_parse("h=256 s=63", &o);
	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.heads, 256);
	/* MEMDISK: h=4 s=9 on the 1.44M FAT12 image: 80/4/9. */
	options_parse("h=4 s=9", &o);
	CHECK_EQ(geometry_guess(fat12_floppy, 512, 1474560, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.cylinders, 80);
	CHECK_EQ(g.type, GEOMETRY_FLOPPY);

	/* Impossible values: cannot guess. */
	options_parse("s=0", &o);
	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, &o, &g), GEOMETRY_E_BAD_CHS);
	options_parse("s=64", &o);
	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, &o, &g), GEOMETRY_E_BAD_CHS);
	options_parse("h=0", &o);
	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, &o, &g), GEOMETRY_E_BAD_CHS);
	options_parse("h=257", &o);
	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, &o, &g), GEOMETRY_E_BAD_CHS);
	options_parse("c=0", &o);
	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, &o, &g), GEOMETRY_E_BAD_CHS);

	/* floppy / harddisk change the type only. MEMDISK: blank 64 MiB
	 * with floppy: floppy 64/64/32; the sfdisk image with floppy keeps
	 * its partition-table geometry; blank 1.44M with harddisk: hard
	 * disk 80/2/18; blank 1000K: 100/2/10; sfdisk table on 3 MiB with
	 * harddisk: 96/2/32. */
	options_parse("floppy", &o);
	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.type, GEOMETRY_FLOPPY);
	CHECK_EQ(g.source, GEOMETRY_SRC_DEFAULT);
	CHECK_EQ(g.cylinders, 64);
	CHECK_EQ(g.drive, 0);
	sfdisk_sector(s);
	CHECK_EQ(geometry_guess(s, 512, 64ull << 20, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.type, GEOMETRY_FLOPPY);
	CHECK_EQ(g.source, GEOMETRY_SRC_MBR);
	options_parse("harddisk", &o);
	CHECK_EQ(geometry_guess(zero, 512, 1474560, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.type, GEOMETRY_HARDDISK);
	CHECK_EQ(g.source, GEOMETRY_SRC_FLOPPY_SIZE);
	CHECK_EQ(g.cylinders, 80);
	CHECK_EQ(g.sectors, 18);
	CHECK_EQ(g.drive, 0x80);
	CHECK_EQ(geometry_guess(zero, 512, 1000 * 1024, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.cylinders, 100);
	CHECK_EQ(g.sectors, 10);
	CHECK_EQ(geometry_guess(fat12_floppy, 512, 1474560, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.type, GEOMETRY_HARDDISK);
	CHECK_EQ(g.source, GEOMETRY_SRC_BPB);
	CHECK_EQ(geometry_guess(s, 512, 3 << 20, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.type, GEOMETRY_HARDDISK);
	CHECK_EQ(g.cylinders, 96);
	CHECK_EQ(g.sectors, 32);

	/* Drive numbers. MEMDISK: floppy=1 is drive 01h, harddisk=1 81h.
	 * (MEMDISK reads only decimal, so its harddisk=0x81 is 80h; memboot
	 * reads hex too and serves 81h.) */
	options_parse("floppy=1", &o);
	CHECK_EQ(geometry_guess(fat12_floppy, 512, 1474560, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.drive, 1);
	options_parse("floppy=0x80", &o);
	CHECK_EQ(geometry_guess(fat12_floppy, 512, 1474560, &o, &g), GEOMETRY_E_BAD_DRIVE);
	options_parse("harddisk=1", &o);
	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.drive, 0x81);
	options_parse("harddisk=0x82", &o);
	CHECK_EQ(geometry_guess(zero, 512, 64ull << 20, &o, &g), GEOMETRY_OK);
	CHECK_EQ(g.drive, 0x82);
}

/** Errors and names. */
static void test_errors(void)
{
	uint8_t zero[512] = { 0 };
	struct geometry g;

	CHECK_EQ(geometry_guess(zero, 512, 511, NULL, &g), GEOMETRY_E_TOO_SMALL);
	CHECK_EQ(geometry_guess(zero, 512, 0, NULL, &g), GEOMETRY_E_TOO_SMALL);
	CHECK_EQ(geometry_guess(NULL, 0, 0, NULL, &g), GEOMETRY_E_TOO_SMALL);
	CHECK_EQ(geometry_guess(zero, 512, 512, NULL, NULL), GEOMETRY_E_ARG);
	CHECK_EQ(geometry_guess(NULL, 512, 512, NULL, &g), GEOMETRY_E_ARG);
	CHECK_STR(geometry_source_str(GEOMETRY_SRC_MBR), "partition table");
	CHECK_STR(geometry_source_str(GEOMETRY_SRC_DOSEMU), "DOSEMU header");
	CHECK_STR(geometry_source_str(-1), "unknown");
}

/** The CMOS drive types a BIOS reports, and the error sentences. */
static void test_floppy_types(void)
{
	/* As SYSLINUX MEMDISK picks them: by the size that holds the image. */
	CHECK_EQ(geometry_floppy_cmos_type(163840), 1);
	CHECK_EQ(geometry_floppy_cmos_type(368640), 1);
	CHECK_EQ(geometry_floppy_cmos_type(368641), 3);
	CHECK_EQ(geometry_floppy_cmos_type(737280), 3);
	CHECK_EQ(geometry_floppy_cmos_type(737281), 2);
	CHECK_EQ(geometry_floppy_cmos_type(1228800), 2);
	CHECK_EQ(geometry_floppy_cmos_type(1474560), 4);
	CHECK_EQ(geometry_floppy_cmos_type(1474561), 6);
	CHECK_EQ(geometry_floppy_cmos_type(2949120), 6);
	CHECK_EQ(geometry_floppy_cmos_type(100ull << 20), 6);
	CHECK(geometry_floppy_format(0) == NULL);
	CHECK(geometry_floppy_format(1474560)->sectors == 18);

	CHECK_STR(geometry_strerror(GEOMETRY_E_TOO_SMALL), "the image is smaller than one sector");
	CHECK_STR(geometry_strerror(GEOMETRY_E_BAD_CHS), "c=, h= or s= out of range (h 1-256, s 1-63)");
	CHECK_STR(geometry_strerror(GEOMETRY_E_BAD_DRIVE), "floppy=N needs N below 80h");
	CHECK_STR(geometry_strerror(GEOMETRY_E_DOSEMU), "its DOSEMU header holds impossible values");
	CHECK_STR(geometry_strerror(GEOMETRY_E_NO_MBR), "no usable partition table");
	CHECK_STR(geometry_strerror(-99), "unknown error");
}

void test_geometry(void)
{
	test_floppy_types();
	test_bpb();
	test_floppy_sizes();
	test_mbr();
	test_defaults();
	test_dosemu();
	test_options_geo();
	test_errors();
}
