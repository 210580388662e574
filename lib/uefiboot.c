/**
 * @file uefiboot.c
 *
 * Image kind, UEFI bootability and completeness (see uefiboot.h).
 */
#include "uefiboot.h"

#include "bytes.h"
#include "libc.h"

#define CD_BLOCK 2048u
#define ISO_PVD_OFFSET (16u * CD_BLOCK)
#define ISO_BRVD_OFFSET (17u * CD_BLOCK)
#define PLATFORM_EFI 0xefu

/** Raise the bytes the image claims to @p n. */
static void need(struct uefiboot *u, uint64_t n)
{
	if (n > u->needed)
		u->needed = n;
}

/** Is there an ISO 9660 primary volume descriptor? */
static int is_iso(const uint8_t *img, uint64_t len)
{
	return len >= ISO_PVD_OFFSET + CD_BLOCK && img[ISO_PVD_OFFSET] == 1 &&
	       memcmp(img + ISO_PVD_OFFSET + 1, "CD001", 5) == 0;
}

/** Walk the El Torito catalog: which platforms have bootable entries. */
static void eltorito(const uint8_t *img, uint64_t len, struct uefiboot *u)
{
	const uint8_t *brvd = img + ISO_BRVD_OFFSET;
	uint64_t cat, end;
	unsigned platform;
	uint64_t off;

	if (len < ISO_BRVD_OFFSET + CD_BLOCK || brvd[0] != 0 ||
	    memcmp(brvd + 1, "CD001", 5) != 0 ||
	    memcmp(brvd + 7, "EL TORITO SPECIFICATION", 23) != 0)
		return;
	cat = (uint64_t)le32(brvd + 0x47) * CD_BLOCK;
	if (cat >= len || len - cat < 64)
		return;
	/* The catalog: read at most one CD block of it (64 entries). */
	end = cat + CD_BLOCK;
	if (end > len)
		end = len;
	if (img[cat] != 1 || img[cat + 30] != 0x55 || img[cat + 31] != 0xaa)
		return;
	platform = img[cat + 1];
	if (img[cat + 32] == 0x88)
		u->found |= platform == PLATFORM_EFI ? UEFIBOOT_ELTORITO_EFI : UEFIBOOT_ELTORITO_BIOS;
	off = cat + 64;
	while (off + 32 <= end) {
		const uint8_t *h = img + off;
		unsigned n, i;

		if (h[0] != 0x90 && h[0] != 0x91)
			break;
		platform = h[1];
		n = le16(h + 2);
		off += 32;
		for (i = 0; i < n && off + 32 <= end; i++) {
			const uint8_t *e = img + off;

			off += 32;
			if (e[0] == 0x44) {     /* an extension entry: not an entry of its own */
				i--;
				continue;
			}
			if (e[0] == 0x88)
				u->found |= platform == PLATFORM_EFI ? UEFIBOOT_ELTORITO_EFI
								     : UEFIBOOT_ELTORITO_BIOS;
		}
		if (h[0] == 0x91)
			break;
	}
}

/** The GPT at LBA 1 (512-byte sectors): ESP, and how long it says the disk is. */
static void gpt(const uint8_t *img, uint64_t len, struct uefiboot *u)
{
	static const uint8_t esp[16] = { 0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
					 0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b };
	const uint8_t *h = img + 512;
	uint64_t entries, alt;
	uint32_t count, size, i;

	if (len < 1024 || memcmp(h, "EFI PART", 8) != 0)
		return;
	alt = le64(h + 32);
	if (alt > 0 && alt < (UINT64_MAX >> 9))
		need(u, (alt + 1) * 512);
	entries = le64(h + 72);
	count = le32(h + 80);
	size = le32(h + 84);
	if (size < 128 || size > 4096 || count > 4096 || entries >= (len >> 9))
		return;
	for (i = 0; i < count; i++) {
		uint64_t off = entries * 512 + (uint64_t)i * size;
		const uint8_t *e;

		if (off + 128 > len)
			break;
		e = img + off;
		if (memcmp(e, esp, 16) == 0) {
			uint64_t last = le64(e + 40);

			u->found |= UEFIBOOT_GPT_ESP;
			if (last < (UINT64_MAX >> 9))
				need(u, (last + 1) * 512);
		}
	}
}

/** The MBR: a partition of type EFh (the protective EEh of a GPT is not one). */
static void mbr(const uint8_t *img, uint64_t len, struct uefiboot *u)
{
	unsigned i;

	if (len < 512 || img[510] != 0x55 || img[511] != 0xaa)
		return;
	for (i = 0; i < 4; i++) {
		const uint8_t *e = img + 446 + 16 * i;
		uint64_t start = le32(e + 8), count = le32(e + 12);

		if ((e[0] & 0x7f) != 0 || e[4] != 0xef || count == 0)
			continue;
		u->found |= UEFIBOOT_MBR_ESP;
		need(u, (start + count) * 512);
	}
}

/** A FAT boot sector on the whole image. */
static void fat(const uint8_t *img, uint64_t len, struct uefiboot *u)
{
	unsigned bps;
	uint64_t sectors;

	if (len < 512 || !(img[0] == 0xeb || img[0] == 0xe9))
		return;
	bps = le16(img + 11);
	if (bps < 512 || bps > 4096 || (bps & (bps - 1)) || img[13] == 0)
		return;
	if (memcmp(img + 54, "FAT", 3) != 0 && memcmp(img + 82, "FAT", 3) != 0)
		return;
	sectors = le16(img + 19);
	if (!sectors)
		sectors = le32(img + 32);
	u->found |= UEFIBOOT_FAT;
	need(u, sectors * bps);
}

int uefiboot_probe(const uint8_t *img, uint64_t len, int force_iso, struct uefiboot *u)
{
	memset(u, 0, sizeof(*u));
	if (len < 512)
		return UEFIBOOT_E_EMPTY;
	u->cd = is_iso(img, len);
	if (force_iso && !u->cd)
		return UEFIBOOT_E_NOT_ISO;
	if (u->cd) {
		need(u, (uint64_t)le32(img + ISO_PVD_OFFSET + 80) * CD_BLOCK);
		eltorito(img, len, u);
	}
	gpt(img, len, u);
	if (!(u->found & UEFIBOOT_GPT_ESP))
		mbr(img, len, u);
	if (!u->cd && !(u->found & (UEFIBOOT_GPT_ESP | UEFIBOOT_MBR_ESP)))
		fat(img, len, u);
	if (u->needed > len)
		return UEFIBOOT_E_TRUNCATED;
	if (u->found & (UEFIBOOT_ELTORITO_EFI | UEFIBOOT_GPT_ESP | UEFIBOOT_MBR_ESP | UEFIBOOT_FAT))
		return UEFIBOOT_OK;
	return u->cd && (u->found & UEFIBOOT_ELTORITO_BIOS) ? UEFIBOOT_E_BIOS_ONLY
							    : UEFIBOOT_E_NO_ESP;
}

const char *uefiboot_strerror(int status)
{
	switch (status) {
	case UEFIBOOT_OK:
		return "bootable on UEFI";
	case UEFIBOOT_E_EMPTY:
		return "the image is smaller than one 512-byte sector";
	case UEFIBOOT_E_TRUNCATED:
		return "the image is truncated: its own tables describe more bytes than the file has";
	case UEFIBOOT_E_BIOS_ONLY:
		return "this ISO boots only on BIOS (its El Torito catalog has no UEFI entry): "
		       "boot it with memdisk on a BIOS machine";
	case UEFIBOOT_E_NO_ESP:
		return "the image has no EFI system partition and no FAT file system to boot from";
	case UEFIBOOT_E_NOT_ISO:
		return "\"iso\" was given but the image has no ISO 9660 volume";
	}
	return "unknown status";
}
