/**
 * @file test_uefiboot.c
 *
 * Image kinds and UEFI bootability (lib/uefiboot.c): ISOs with BIOS, EFI
 * and both El Torito entries, hybrids with a GPT ESP, GPT and MBR disks,
 * FAT superfloppies, and the truncation rules.
 */
#include <stdlib.h>

#include "test.h"
#include "uefiboot.h"

#define CD 2048u
#define CAT 20u

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/**
 * An ISO of @p blocks CD blocks: a PVD that says @p vol_blocks, a boot
 * record and a catalog with a default entry for @p first_platform (-1: no
 * catalog) and, when @p efi_section, a final section with one EFI entry.
 */
static uint8_t *make_iso(uint32_t blocks, uint32_t vol_blocks, int first_platform, int efi_section)
{
	uint8_t *iso = calloc(blocks, CD);
	uint8_t *pvd = iso + 16 * CD, *brvd = iso + 17 * CD, *cat = iso + CAT * CD;

	pvd[0] = 1;
	memcpy(pvd + 1, "CD001", 5);
	put32(pvd + 80, vol_blocks);
	if (first_platform < 0)
		return iso;
	brvd[0] = 0;
	memcpy(brvd + 1, "CD001", 5);
	memcpy(brvd + 7, "EL TORITO SPECIFICATION", 23);
	put32(brvd + 0x47, CAT);
	cat[0] = 1;
	cat[1] = (uint8_t)first_platform;
	cat[30] = 0x55;
	cat[31] = 0xaa;
	cat[32] = 0x88;
	if (efi_section) {
		cat[64] = 0x91;
		cat[65] = 0xef;
		cat[66] = 1;
		cat[96] = 0x88;
	}
	return iso;
}

static void test_isos(void)
{
	struct uefiboot u;
	uint8_t *iso;

	/* BIOS entry only: refused, naming the BIOS memdisk. */
	iso = make_iso(30, 30, 0, 0);
	CHECK_EQ(uefiboot_probe(iso, 30 * CD, 0, &u), UEFIBOOT_E_BIOS_ONLY);
	CHECK(u.cd);
	CHECK_EQ(u.found, UEFIBOOT_ELTORITO_BIOS);
	CHECK(strstr(uefiboot_strerror(UEFIBOOT_E_BIOS_ONLY), "memdisk") != NULL);
	free(iso);

	/* BIOS default entry plus an EFI section: bootable. */
	iso = make_iso(30, 30, 0, 1);
	CHECK_EQ(uefiboot_probe(iso, 30 * CD, 1, &u), UEFIBOOT_OK);
	CHECK_EQ(u.found, UEFIBOOT_ELTORITO_BIOS | UEFIBOOT_ELTORITO_EFI);
	/* An odd size after the volume's end is fine; a file shorter than the volume is not. */
	CHECK_EQ(uefiboot_probe(iso, 30 * CD - 1000, 0, &u), UEFIBOOT_E_TRUNCATED);
	CHECK_EQ(u.needed, 30 * CD);
	free(iso);

	/* The EFI entry as the default entry. */
	iso = make_iso(30, 29, 0xef, 0);
	CHECK_EQ(uefiboot_probe(iso, 30 * CD - 7, 0, &u), UEFIBOOT_OK);
	CHECK_EQ(u.found, UEFIBOOT_ELTORITO_EFI);
	free(iso);

	/* A section whose entry count runs past the catalog block: bounded. */
	iso = make_iso(30, 30, 0, 1);
	iso[CAT * CD + 66] = 0xff;
	iso[CAT * CD + 67] = 0xff;
	CHECK_EQ(uefiboot_probe(iso, 30 * CD, 0, &u), UEFIBOOT_OK);
	free(iso);

	/* No El Torito at all, no partition table: nothing to boot. */
	iso = make_iso(30, 30, -1, 0);
	CHECK_EQ(uefiboot_probe(iso, 30 * CD, 0, &u), UEFIBOOT_E_NO_ESP);
	CHECK(u.cd);
	free(iso);
}

/** A GPT disk of @p sectors 512-byte sectors with an ESP at 2048..(end). */
static uint8_t *make_gpt(uint64_t sectors, uint64_t alt, int esp)
{
	static const uint8_t esp_guid[16] = { 0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
					      0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b };
	uint8_t *d = calloc(sectors, 512), *h = d + 512, *e = d + 1024;

	d[510] = 0x55;
	d[511] = 0xaa;
	d[446 + 4] = 0xee;
	memcpy(h, "EFI PART", 8);
	put64(h + 32, alt);
	put64(h + 72, 2);
	put32(h + 80, 128);
	put32(h + 84, 128);
	if (esp)
		memcpy(e, esp_guid, 16);
	else
		e[0] = 0xaf;
	put64(e + 32, 40);
	put64(e + 40, sectors - 34);
	return d;
}

static void test_disks(void)
{
	struct uefiboot u;
	uint8_t *d;

	d = make_gpt(4096, 4095, 1);
	CHECK_EQ(uefiboot_probe(d, 4096 * 512, 0, &u), UEFIBOOT_OK);
	CHECK(!u.cd);
	CHECK_EQ(u.found, UEFIBOOT_GPT_ESP);
	/* Cut: the backup header lies past the end. */
	CHECK_EQ(uefiboot_probe(d, 3000 * 512, 0, &u), UEFIBOOT_E_TRUNCATED);
	/* "iso" forced on a disk. */
	CHECK_EQ(uefiboot_probe(d, 4096 * 512, 1, &u), UEFIBOOT_E_NOT_ISO);
	free(d);

	d = make_gpt(4096, 4095, 0);
	CHECK_EQ(uefiboot_probe(d, 4096 * 512, 0, &u), UEFIBOOT_E_NO_ESP);
	free(d);

	/* An absurd partition-entry table: ignored, not read. */
	d = make_gpt(4096, 4095, 1);
	put64(d + 512 + 72, 1ull << 60);
	CHECK_EQ(uefiboot_probe(d, 4096 * 512, 0, &u), UEFIBOOT_E_NO_ESP);
	free(d);

	/* MBR with an EFh partition. */
	d = calloc(2048, 512);
	d[510] = 0x55;
	d[511] = 0xaa;
	d[446 + 4] = 0xef;
	put32(d + 446 + 8, 63);
	put32(d + 446 + 12, 2048 - 63);
	CHECK_EQ(uefiboot_probe(d, 2048 * 512, 0, &u), UEFIBOOT_OK);
	CHECK_EQ(u.found, UEFIBOOT_MBR_ESP);
	CHECK_EQ(uefiboot_probe(d, 2000 * 512, 0, &u), UEFIBOOT_E_TRUNCATED);
	free(d);

	/* A FAT superfloppy (1.44 MB). */
	d = calloc(2880, 512);
	d[0] = 0xeb;
	d[11] = 0x00;
	d[12] = 0x02;
	d[13] = 1;
	d[19] = 0x40;
	d[20] = 0x0b;
	memcpy(d + 54, "FAT12   ", 8);
	CHECK_EQ(uefiboot_probe(d, 2880 * 512, 0, &u), UEFIBOOT_OK);
	CHECK_EQ(u.found, UEFIBOOT_FAT);
	CHECK_EQ(uefiboot_probe(d, 1440 * 512, 0, &u), UEFIBOOT_E_TRUNCATED);
	free(d);

	/* Too small, and plain zeros. */
	d = calloc(1, 4096);
	CHECK_EQ(uefiboot_probe(d, 100, 0, &u), UEFIBOOT_E_EMPTY);
	CHECK_EQ(uefiboot_probe(d, 4096, 0, &u), UEFIBOOT_E_NO_ESP);
	free(d);
}

void test_uefiboot(void)
{
	test_isos();
	test_disks();
}
