/**
 * @file eltorito.c
 *
 * El Torito boot catalog parsing and the INT 13h AX=4B01h specification
 * packet (see eltorito.h). Written from the El Torito 1.0 specification:
 * boot record volume descriptor (figure 7), validation entry (figure 2),
 * initial/default entry (figure 3), specification packet (figure 11).
 */
#include "eltorito.h"

#include "bytes.h"
#include "geometry.h"
#include "libc.h"

/** The boot system identifier of the boot record volume descriptor. */
static const char et_id[] = "EL TORITO SPECIFICATION";

/**
 * Is [off, off + len) inside an image of @p img_len bytes?
 *
 * @param off      start
 * @param len      length
 * @param img_len  image length
 * @return 1 or 0
 */
static int inside(uint64_t off, uint64_t len, uint64_t img_len)
{
	return off <= img_len && len <= img_len - off;
}

/**
 * Size and geometry of a hard-disk emulation image from its MBR: the end
 * of the partition that ends last.
 *
 * @param img      ISO image
 * @param img_len  its length
 * @param b        entry being filled: image_offset in, image_size and
 *                 geometry out
 * @return ELTORITO_OK, ELTORITO_E_IMAGE_OUTSIDE or ELTORITO_E_HD_IMAGE
 */
static int hd_image(const uint8_t *img, uint64_t img_len, struct eltorito_boot *b)
{
	const uint8_t *mbr;
	uint64_t end = 0, per_cyl, cyl;
	unsigned i;

	if (!inside(b->image_offset, GEOMETRY_SECTOR_SIZE, img_len))
		return ELTORITO_E_IMAGE_OUTSIDE;
	mbr = img + b->image_offset;
	if (mbr[510] != 0x55 || mbr[511] != 0xaa)
		return ELTORITO_E_HD_IMAGE;
	for (i = 0; i < 4; i++) {
		const uint8_t *e = mbr + 0x1be + 16 * i;
		uint64_t pend = (uint64_t)le32(e + 8) + le32(e + 12);

		if (e[0] != 0x00 && e[0] != 0x80)
			return ELTORITO_E_HD_IMAGE;
		if (e[4] && le32(e + 12) && pend > end)
			end = pend;
	}
	if (!end)
		return ELTORITO_E_HD_IMAGE;
	b->image_size = end * GEOMETRY_SECTOR_SIZE;
	if (!inside(b->image_offset, b->image_size, img_len))
		return ELTORITO_E_IMAGE_OUTSIDE;
	if (geometry_from_mbr(mbr, GEOMETRY_SECTOR_SIZE, &b->heads, &b->sectors) != GEOMETRY_OK)
		return ELTORITO_E_HD_IMAGE;
	per_cyl = (uint64_t)b->heads * b->sectors;
	cyl = end / per_cyl;
	if (!cyl)
		cyl = 1;
	b->cylinders = cyl > 0xffffffffu ? 0xffffffffu : (uint32_t)cyl;
	return ELTORITO_OK;
}

int eltorito_parse(const uint8_t *img, uint64_t img_len, struct eltorito_boot *b)
{
	const uint8_t *vd, *cat, *ent;
	uint16_t sum = 0;
	unsigned i;

	if (!b)
		return ELTORITO_E_ARG;
	memset(b, 0, sizeof(*b));
	if (!img)
		return ELTORITO_E_ARG;

	/* Boot record volume descriptor. */
	if (!inside((uint64_t)ELTORITO_BRVD_LBA * ELTORITO_CD_SECTOR, 0x4b, img_len))
		return ELTORITO_E_NO_BOOT_RECORD;
	vd = img + ELTORITO_BRVD_LBA * ELTORITO_CD_SECTOR;
	if (vd[0] != 0 || memcmp(vd + 1, "CD001", 5) || vd[6] != 1 ||
	    memcmp(vd + 7, et_id, sizeof(et_id) - 1))
		return ELTORITO_E_NO_BOOT_RECORD;
	b->catalog_lba = le32(vd + 0x47);

	/* Validation entry and initial/default entry: 64 bytes. */
	if (!inside((uint64_t)b->catalog_lba * ELTORITO_CD_SECTOR, 64, img_len))
		return ELTORITO_E_CATALOG_OUTSIDE;
	cat = img + (size_t)((uint64_t)b->catalog_lba * ELTORITO_CD_SECTOR);
	if (cat[0] != 1 || cat[0x1e] != 0x55 || cat[0x1f] != 0xaa)
		return ELTORITO_E_VALIDATION;
	for (i = 0; i < 32; i += 2)
		sum = (uint16_t)(sum + le16(cat + i));
	if (sum)
		return ELTORITO_E_CHECKSUM;
	b->platform = cat[1];
	if (b->platform != 0)
		return ELTORITO_E_PLATFORM;

	ent = cat + 32;
	if (ent[0] != 0x88)
		return ELTORITO_E_NOT_BOOTABLE;
	b->media = ent[1] & 0x0f;
	if (b->media > ELTORITO_MEDIA_HARDDISK)
		return ELTORITO_E_MEDIA;
	b->load_segment_raw = le16(ent + 2);
	b->load_segment = b->load_segment_raw ? b->load_segment_raw : ELTORITO_DEFAULT_LOAD_SEG;
	b->system_type = ent[4];
	b->sector_count = le16(ent + 6);
	b->load_rba = le32(ent + 8);
	b->image_offset = (uint64_t)b->load_rba * ELTORITO_CD_SECTOR;

	switch (b->media) {
	case ELTORITO_MEDIA_NOEMU:
		if (!b->sector_count)
			return ELTORITO_E_SECTOR_COUNT;
		b->image_size = (uint64_t)b->sector_count * GEOMETRY_SECTOR_SIZE;
		break;
	case ELTORITO_MEDIA_FLOPPY_1200:
		b->image_size = 1200u * 1024u;
		b->cylinders = 80;
		b->heads = 2;
		b->sectors = 15;
		break;
	case ELTORITO_MEDIA_FLOPPY_1440:
		b->image_size = 1440u * 1024u;
		b->cylinders = 80;
		b->heads = 2;
		b->sectors = 18;
		break;
	case ELTORITO_MEDIA_FLOPPY_2880:
		b->image_size = 2880u * 1024u;
		b->cylinders = 80;
		b->heads = 2;
		b->sectors = 36;
		break;
	default: {
		int r = hd_image(img, img_len, b);

		if (r)
			return r;
		break;
	}
	}
	if (!inside(b->image_offset, b->image_size, img_len))
		return ELTORITO_E_IMAGE_OUTSIDE;
	return ELTORITO_OK;
}

void eltorito_spec_packet(const struct eltorito_boot *b, uint8_t drive, uint8_t out[19])
{
	uint32_t last_cyl = 0, last_head = 0, spt = 0;

	memset(out, 0, ELTORITO_SPEC_PACKET_SIZE);
	out[0] = ELTORITO_SPEC_PACKET_SIZE;
	out[1] = b->media & 0x0f;
	out[2] = drive;
	out[3] = 0;                     /* controller index */
	out[4] = (uint8_t)b->load_rba;
	out[5] = (uint8_t)(b->load_rba >> 8);
	out[6] = (uint8_t)(b->load_rba >> 16);
	out[7] = (uint8_t)(b->load_rba >> 24);
	/* 08h device specification, 0Ah user buffer segment: 0 */
	out[12] = (uint8_t)b->load_segment;
	out[13] = (uint8_t)(b->load_segment >> 8);
	out[14] = (uint8_t)b->sector_count;
	out[15] = (uint8_t)(b->sector_count >> 8);
	if (b->media != ELTORITO_MEDIA_NOEMU && b->cylinders && b->heads && b->sectors) {
		last_cyl = (b->cylinders > GEOMETRY_BIOS_MAX_CYL ? GEOMETRY_BIOS_MAX_CYL : b->cylinders) - 1;
		last_head = (b->heads > 256 ? 256 : b->heads) - 1;
		spt = b->sectors & 0x3f;
	}
	out[16] = (uint8_t)last_cyl;
	out[17] = (uint8_t)(spt | (last_cyl >> 8 & 3) << 6);
	out[18] = (uint8_t)last_head;
}

const char *eltorito_strerror(int status)
{
	switch (status) {
	case ELTORITO_OK: return "ok";
	case ELTORITO_E_ARG: return "bad argument";
	case ELTORITO_E_NO_BOOT_RECORD: return "no El Torito boot record";
	case ELTORITO_E_CATALOG_OUTSIDE: return "boot catalog outside the image";
	case ELTORITO_E_VALIDATION: return "bad boot catalog validation entry";
	case ELTORITO_E_CHECKSUM: return "bad boot catalog checksum";
	case ELTORITO_E_PLATFORM: return "boot catalog not for x86";
	case ELTORITO_E_NOT_BOOTABLE: return "default boot entry not bootable";
	case ELTORITO_E_MEDIA: return "unknown boot media type";
	case ELTORITO_E_SECTOR_COUNT: return "boot image sector count is 0";
	case ELTORITO_E_IMAGE_OUTSIDE: return "boot image outside the image";
	case ELTORITO_E_HD_IMAGE: return "hard-disk emulation image has no partition table";
	default: return "unknown error";
	}
}
