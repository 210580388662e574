/**
 * @file install.c
 *
 * Making the resident driver live: copy it to the place bios_place_driver()
 * chose below the top of base memory, fill in its data (the disk, the
 * edited memory map, the mBFT and MDI, the command line), lower the BIOS's
 * base-memory word, and point INT 13h and INT 15h at it.
 */
#include "install.h"

#include "bios.h"
#include "libc.h"
#include "loader.h"
#include "mbft.h"
#include "memdisk_abi.h"

/** A field of the driver copy at @p base. */
#define DRV(type, base, sym) (*(type *)lin((base) + (uint32_t)(sym)))

/** Set the base of the GDT descriptor at @p d. */
static void set_desc_base(uint8_t *d, uint32_t base)
{
	d[2] = (uint8_t)base;
	d[3] = (uint8_t)(base >> 8);
	d[4] = (uint8_t)(base >> 16);
	d[7] = (uint8_t)(base >> 24);
}

/** The real-mode vector of INT @p n, as a seg:off u32 (offset low). */
static uint32_t get_vector(unsigned n)
{
	return *(volatile uint32_t *)lin(n * 4);
}

/** Set INT @p n to seg:off. */
static void set_vector(unsigned n, uint16_t seg, uint16_t off)
{
	*(volatile uint32_t *)lin(n * 4) = (uint32_t)seg << 16 | off;
}

uint8_t install_flags(const struct diskplan *p)
{
	uint8_t f = 0;

	if (p->read_only)
		f |= DF_RO;
	if (p->edd)
		f |= DF_EDD;
	if (p->kind == DISKPLAN_CDROM)
		f |= DF_CDROM;
	if (p->kind == DISKPLAN_FLOPPY)
		f |= DF_FLOPPY;
	if (p->nopass)
		f |= DF_NOPASS;
	if (p->nopassany)
		f |= DF_NOPASSANY;
	if (p->eltorito)
		f |= DF_ELTORITO;
	return f;
}

uint32_t install_code_bytes(uint8_t flags, uint32_t n_map)
{
	if ((flags & (DF_EDD | DF_CDROM | DF_ELTORITO)) || n_map)
		return (uint32_t)drv_e820_map;
	return (uint32_t)drv_ext;
}

uint32_t install_fixed_bytes(const char *cmdline, uint8_t flags, uint32_t n_map)
{
	return install_code_bytes(flags, n_map) + (uint32_t)strlen(cmdline) + 1 + 3 +
	       n_map * (uint32_t)sizeof(struct drv_map_entry);
}

void install_driver(const struct install *in, struct installed *out)
{
	uint16_t basemem = *(volatile uint16_t *)lin(BDA_BASEMEM_KIB);
	uint32_t base = in->base, i;
	uint16_t seg = (uint16_t)(base >> 4);
	struct safe_hook *sh;
	struct mdi mdi;
	uint8_t *map;
	char *cl;

	uint32_t code = install_code_bytes(in->flags, in->n_map);

	/* The driver; without its extension when this disk never needs it. */
	memcpy(lin(base), _driver_pm, code);
	DRV(uint32_t, base, drv_image_base) = in->image_addr;
	DRV(uint32_t, base, drv_sectors) = in->view_sectors ? in->view_sectors : in->sectors;
	DRV(uint16_t, base, drv_cyl) = in->cylinders;
	DRV(uint16_t, base, drv_heads) = in->heads;
	DRV(uint8_t, base, drv_spt) = in->spt;
	DRV(uint8_t, base, drv_sector_shift) = in->sector_shift;
	DRV(uint8_t, base, drv_drive) = in->drive;
	DRV(uint8_t, base, drv_flags) = in->flags;
	DRV(uint8_t, base, drv_ndrives) = in->ndrives;
	DRV(uint8_t, base, drv_shift_limit) = in->shift_limit;
	DRV(uint8_t, base, drv_floppy_type) = in->floppy_type;
	DRV(uint16_t, base, drv_e801_kib) = in->e801_kib;
	DRV(uint16_t, base, drv_e801_blocks) = in->e801_blocks;
	DRV(uint16_t, base, drv_88_kib) = in->kib_88;
	if (code > (uint32_t)drv_spec_packet)
		memcpy(lin(base + (uint32_t)drv_spec_packet), in->spec_packet,
		       sizeof(in->spec_packet));
	memcpy(lin(base + (uint32_t)drv_dpt), in->dpt, 11);
	DRV(uint16_t, base, drv_dpt_seg) = seg;
	DRV(uint16_t, base, drv_dpt_off) = (uint16_t)(uint32_t)drv_dpt;

	/* The edited memory map, then the command line. */
	map = lin(base + code);
	DRV(uint16_t, base, drv_e820_off) = (uint16_t)code;
	for (i = 0; i < in->e820->n; i++) {
		uint32_t next;

		e820_bios_record(in->e820, i, map + i * E820_BIOS_RECORD, &next);
	}
	DRV(uint32_t, base, drv_e820_count) = in->e820->n;
	cl = (char *)(map + in->e820->n * E820_BIOS_RECORD);
	memcpy(cl, in->cmdline, strlen(in->cmdline) + 1);
	/* The sector map, after the command line. */
	if (in->n_map) {
		uint32_t off = ((uint32_t)cl - base + (uint32_t)strlen(in->cmdline) + 1 + 3) & ~3u;

		memcpy(lin(base + off), in->map, in->n_map * sizeof(struct drv_map_entry));
		DRV(uint16_t, base, drv_map_n) = (uint16_t)in->n_map;
		DRV(uint16_t, base, drv_map_off) = (uint16_t)off;
	}

	/* The tables other tools look for. */
	memset(&mdi, 0, sizeof(mdi));
	mdi.version_major = MDI_VERSION_MAJOR;
	mdi.version_minor = MDI_VERSION_MINOR;
	mdi.diskbuf = in->image_addr;
	mdi.disksize = in->sectors;
	mdi.cmdline_seg = seg;
	mdi.cmdline_off = (uint16_t)((uint32_t)cl - base);
	mdi.old_int13 = get_vector(0x13);
	mdi.old_int15 = get_vector(0x15);
	mdi.old_dosmem = basemem;
	mdi.bootloader_id = in->bootloader_id;
	mdi.sector_shift = in->sector_shift;
	mdi.dpt_offset = in->floppy_dpt ? (uint16_t)(uint32_t)drv_dpt : 0;
	mbft_build((struct mbft *)lin(base + (uint32_t)drv_mbft),
		   base + (uint32_t)drv_int13, &mdi);
	sh = lin(base + (uint32_t)drv_int13);
	mbft_build_safe_hook(sh, get_vector(0x13), base + (uint32_t)drv_mbft);
	DRV(uint32_t, base, drv_old15) = get_vector(0x15);
	DRV(uint32_t, base, drv_int15_target) = get_vector(0x15);

	/* The raw copy's own GDT, and the way back to real mode. */
	set_desc_base(lin(base + (uint32_t)drv_gdt + SEL_CODE32), base);
	set_desc_base(lin(base + (uint32_t)drv_gdt + SEL_CODE16), base);
	DRV(uint32_t, base, drv_gdtr + 2) = base + (uint32_t)drv_gdt;
	DRV(uint16_t, base, drv_seg_patch) = seg;
	DRV(uint8_t, base, drv_copy_mode) = in->copy_mode;
	DRV(uint8_t, base, drv_use_sse) = in->use_sse;
	/* The BIOS data area's status byte: 0x441 floppies, 0x474 hard disks. */
	DRV(uint16_t, base, drv_bda_status) = in->flags & DF_FLOPPY ? BDA_FLOPPY_STATUS
					      : in->flags & DF_CDROM ? 0 : BDA_HD_STATUS;
	/* AH=48h flags: a CD is removable, with change line and lock, and no
	 * geometry; a disk has valid geometry and handles DMA boundaries. */
	DRV(uint16_t, base, drv_edd_flags) = in->flags & DF_CDROM ? 0x0074 : 0x0003;

	/* Take the memory and the vectors. */
	*(volatile uint16_t *)lin(BDA_BASEMEM_KIB) = (uint16_t)(base / 1024);
	set_vector(0x13, seg, (uint16_t)(uint32_t)drv_int13);
	set_vector(0x15, seg, (uint16_t)(uint32_t)drv_int15);
	if (in->floppy_dpt)
		set_vector(0x1e, seg, (uint16_t)(uint32_t)drv_dpt);
	/* The BIOS data area counts the drives as AH=08h does (SYSLINUX
	 * MEMDISK writes the same); nopassany hides the other class too. */
	if (!(in->flags & (DF_CDROM | DF_FLOPPY)))
		*(volatile uint8_t *)lin(BDA_HD_COUNT) = in->ndrives > 128 ? 128 : in->ndrives;
	if (in->flags & DF_FLOPPY) {
		volatile uint16_t *eq = lin(BDA_EQUIPMENT);
		unsigned floppies = in->ndrives > 4 ? 4 : in->ndrives;

		*eq = (uint16_t)((*eq & ~0xc1u) | 1u | ((floppies - 1) << 6));
		if (in->flags & DF_NOPASSANY)
			*(volatile uint8_t *)lin(BDA_HD_COUNT) = 0;
	} else if ((in->flags & DF_NOPASSANY) && !(in->flags & DF_CDROM)) {
		volatile uint16_t *eq = lin(BDA_EQUIPMENT);

		*eq = (uint16_t)(*eq & ~0xc1u);
	}

	out->size = (uint32_t)basemem * 1024 - base;
	out->used = install_fixed_bytes(in->cmdline, in->flags, in->n_map) +
		    in->e820->n * E820_BIOS_RECORD;
	out->mbft = base + (uint32_t)drv_mbft;
}

int install_boot(uint32_t base, uint32_t src, uint32_t len, uint16_t seg, uint16_t jseg,
		 uint16_t joff, uint16_t *off)
{
	const uint32_t room = 0x800;    /* the copy's stack: the BIOS's INT 15h included */
	uint32_t lo = (uint32_t)seg * 16, hi = lo + ((len + 3) & ~3u), top;

	if (hi + room <= 0x7c00 || lo >= 0x7c00)
		top = 0x7c00;           /* the usual place, clear of the boot code */
	else if (lo >= BIOS_BOOT_LOW + room)
		top = lo & ~15u;        /* below the boot code */
	else if (((hi + 15) & ~15u) + room <= base)
		top = ((hi + 15) & ~15u) + room;        /* above it */
	else
		return -1;
	DRV(uint32_t, base, drv_boot_src) = src;
	DRV(uint32_t, base, drv_boot_dst) = lo;
	DRV(uint32_t, base, drv_boot_len) = hi - lo;
	DRV(uint16_t, base, drv_boot_target) = joff;
	DRV(uint16_t, base, drv_boot_target + 2) = jseg;
	/* SS:SP: segment 0 below 64 KiB, else the top 4 KiB of a segment. */
	DRV(uint16_t, base, drv_boot_stack) = (uint16_t)(top < 0x10000 ? top : 0x1000);
	DRV(uint16_t, base, drv_boot_stack + 2) = (uint16_t)(top < 0x10000 ? 0 : (top >> 4) - 0x100);
	*off = (uint16_t)(uint32_t)drv_boot;
	return 0;
}
