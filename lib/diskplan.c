/**
 * @file diskplan.c
 *
 * The disk an image becomes (see diskplan.h): El Torito with or without
 * emulation, or a floppy or hard disk by geometry_guess(), and the rules
 * that follow from the kind.
 */
#include "diskplan.h"

#include "geometry.h"
#include "libc.h"

/** The El Torito branch: the CD itself, or the disk it emulates. */
static int plan_eltorito(const uint8_t *img, uint64_t len, struct diskplan *p)
{
	struct eltorito_boot et;
	int rc = eltorito_parse(img, len, &et);

	if (rc) {
		p->detail = rc;
		return DISKPLAN_E_ELTORITO;
	}
	p->eltorito = 1;
	p->boot_segment = et.load_segment;
	if (et.media == ELTORITO_MEDIA_NOEMU) {
		p->kind = DISKPLAN_CDROM;
		p->drive = 0xe0;
		p->sector_shift = 11;
		p->disk_bytes = len;
		p->cylinders = p->heads = p->sectors = 1;
		p->boot_offset = p->disk_offset + et.image_offset;
		p->boot_bytes = (uint32_t)et.image_size;
	} else {
		/* Floppy or hard-disk emulation: the disk is inside the ISO. */
		p->kind = et.media == ELTORITO_MEDIA_HARDDISK ? DISKPLAN_HARDDISK : DISKPLAN_FLOPPY;
		p->drive = p->kind == DISKPLAN_HARDDISK ? 0x80 : 0x00;
		p->sector_shift = 9;
		p->disk_offset += et.image_offset;
		p->disk_bytes = et.image_size;
		p->cylinders = et.cylinders > GEOMETRY_BIOS_MAX_CYL ? GEOMETRY_BIOS_MAX_CYL
								    : et.cylinders;
		p->heads = et.heads;
		p->sectors = et.sectors;
		p->boot_offset = p->disk_offset;
		p->boot_bytes = GEOMETRY_SECTOR_SIZE;
	}
	eltorito_spec_packet(&et, p->drive, p->spec_packet);
	return DISKPLAN_OK;
}

/** The floppy or hard-disk branch: geometry_guess() decides. */
static int plan_geometry(const uint8_t *img, uint64_t len, const struct options *o,
			 struct diskplan *p)
{
	struct geometry g;
	int rc = geometry_guess(img, (size_t)len, len, o, &g);

	if (rc) {
		p->detail = rc;
		return DISKPLAN_E_GEOMETRY;
	}
	p->kind = g.type == GEOMETRY_FLOPPY ? DISKPLAN_FLOPPY : DISKPLAN_HARDDISK;
	p->drive = g.drive;
	p->sector_shift = 9;
	p->disk_offset += g.data_offset;
	p->disk_bytes = g.total_sectors * GEOMETRY_SECTOR_SIZE;
	p->cylinders = g.bios_cylinders;
	p->heads = g.heads;
	p->sectors = g.sectors;
	p->geometry_source = g.source;
	p->boot_offset = p->disk_offset;
	p->boot_bytes = GEOMETRY_SECTOR_SIZE;
	p->boot_segment = 0x7c0;
	return DISKPLAN_OK;
}

int diskplan_make(const uint8_t *img, uint64_t len, const struct options *o,
		  struct diskplan *p)
{
	int rc;

	if (!p)
		return DISKPLAN_E_ARG;
	memset(p, 0, sizeof(*p));
	if (!img || !o)
		return DISKPLAN_E_ARG;
	if (o->offset) {
		if (o->offset >= len)
			return DISKPLAN_E_OFFSET;
		p->disk_offset = o->offset;
	}
	img += p->disk_offset;
	len -= p->disk_offset;
	rc = o->iso ? plan_eltorito(img, len, p) : plan_geometry(img, len, o, p);
	if (rc)
		return rc;
	/* EDD by default for hard disks and CDs, as SYSLINUX MEMDISK. */
	p->edd = p->kind == DISKPLAN_CDROM || o->edd == OPTIONS_TRI_ON ||
		 (p->kind == DISKPLAN_HARDDISK && o->edd != OPTIONS_TRI_OFF);
	p->read_only = o->ro || p->kind == DISKPLAN_CDROM;
	p->nopass = o->nopass;
	p->nopassany = o->nopassany;
	return DISKPLAN_OK;
}
