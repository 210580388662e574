/**
 * @file main.c
 *
 * memboot memdisk: the 32-bit C core. loader_main() is the boot sequence,
 * one named step after another: read what the boot loader left in the
 * setup header (image address and size, command line), check the image and
 * read the BIOS's memory map, inflate a compressed image, decide the disk it
 * is (lib/diskplan.c), place it (whole pages, or 2 MiB-aligned for pmem) and
 * reserve it, place the resident driver (lib/bios.c), install it and start
 * the image's boot code. The decisions are pure functions in lib/, tested
 * on the host; this file does the I/O around them. Every failure is a
 * message on the screen and the serial line, then INT 18h so that the BIOS
 * tries the next device.
 */
#include "bios.h"
#include "cpu.h"
#include "diskplan.h"
#include "e820.h"
#include "eltorito.h"
#include "geometry.h"
#include "inflate.h"
#include "inject.h"
#include "install.h"
#include "libc.h"
#include "loader.h"
#include "memdisk_abi.h"
#include "options.h"
#include "timer.h"
#include "version.h"

#define MAX_E820 128
#define PAGE 4096u
#define MIB2 0x200000u

/** The image as the boot loader handed it over, then inflated. */
struct image {
	uint32_t addr;          /**< physical address */
	uint32_t len;           /**< bytes */
};

static struct e820_entry e820_store[MAX_E820], e820_scratch[MAX_E820];
static struct e820_map e820;
static char cmdline[4096];
static struct options opt;
static struct inflate_state inflate_ws;
static struct inject inj;
static struct drv_map_entry sector_map[ISOPATCH_MAX_SECTORS + 2 * ISOPATCH_MAX_FILES];

extern const uint8_t payload_start[], payload_end[];

/** Round up to a page. */
static uint64_t page_up(uint64_t x)
{
	return (x + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

/** Step 1: the command line and the options; say who we are. */
static void start(struct image *im)
{
	uint32_t cl = *SETUP_VAR(uint32_t, hdr_cmd_line_ptr);
	unsigned i;

	im->addr = *SETUP_VAR(uint32_t, hdr_ramdisk_image);
	im->len = *SETUP_VAR(uint32_t, hdr_ramdisk_size);
	if (cl)
		memcpy(cmdline, lin(cl), sizeof(cmdline) - 1);
	con_printf("memboot memdisk %s: image at %x, %u bytes, options \"%s\"\n",
		   MEMBOOT_VERSION, im->addr, im->len, cmdline);
	options_parse(cmdline, &opt);
	for (i = 0; i < opt.n_unknown && i < OPTIONS_MAX_UNKNOWN; i++)
		con_printf("memdisk: unknown option \"%s\" ignored\n", opt.unknown[i]);
	for (i = 0; i < opt.n_errors && i < OPTIONS_MAX_ERRORS; i++)
		con_printf("memdisk: option \"%s\": %s; ignored\n", opt.errors[i].word,
			   options_reason_str(opt.errors[i].reason));
	/* SYSLINUX's stack= gives its driver a private stack of that size for
	 * callers with little stack. memboot's driver never needs one: it
	 * keeps the caller's registers in one frame on the caller's stack
	 * (under 100 bytes with safeint, less with raw). */
	if (opt.stack)
		con_printf("memdisk: stack=%u: ignored: the driver needs no stack of its own (it "
			   "uses under 100 bytes of the caller's)\n", opt.stack);
	/* a20=: setup.S turned the gate off and on with that method only (a
	 * failure stops there, in real mode). */
	if (opt.a20 || *SETUP_VAR(uint8_t, a20_forced)) {
		static const char *const how[] = { "", "the BIOS (INT 15h AX=2401h)",
			"the keyboard controller", "the fast gate (port 92h)" };
		uint8_t forced = *SETUP_VAR(uint8_t, a20_forced);

		if (forced != opt.a20)
			con_printf("memdisk: a20=: the real-mode entry read the command line "
				   "differently (a quoted word?): it used %s\n",
				   forced ? how[forced] : "no forced method");
		else if (*SETUP_VAR(uint8_t, a20_was_on))
			con_printf("memdisk: a20=: the A20 gate would not turn off, so %s was "
				   "not tried\n", how[opt.a20]);
		else
			con_printf("memdisk: a20=: A20 gate turned off, then on by %s\n",
				   how[opt.a20]);
	}
}

/** Step 2: an image was loaded, below 4 GiB, not over us (A20 is on: setup.S saw to it). */
static void check_image(const struct image *im)
{
	if (!im->addr || !im->len)
		die("no disk image: load one as the initrd (\"initrd\" in iPXE, INITRD in "
		    "ISOLINUX, initrd16 in GRUB)");
	if ((uint64_t)im->addr + im->len > 0x100000000ull)
		die("the image at %x (%u bytes) runs past 4 GiB", im->addr, im->len);
	if (im->addr < (uint32_t)_end && im->addr + im->len > 0x100000)
		die("the boot loader put the image over memdisk itself (%x-%x)", im->addr,
		    im->addr + im->len);
}

/** Step 3: the BIOS's E820 map (through the original INT 15h); the image is in RAM. */
static void read_e820(const struct image *im)
{
	uint8_t *buf = lin(setup_lin + (uint32_t)rm_buf);
	struct rm_regs r;
	uint32_t cont = 0;
	int calls = 0;

	e820_init(&e820, e820_store, MAX_E820);
	do {
		memset(&r, 0, sizeof(r));
		memset(buf, 0, 24);
		r.eax = 0xe820;
		r.edx = 0x534d4150;
		r.ebx = cont;
		r.ecx = 20;
		r.es = (uint16_t)(setup_lin >> 4);
		r.edi = (uint32_t)rm_buf;
		rm_call(0x15, &r);
		if ((r.eflags & EFLAGS_CF) || r.eax != 0x534d4150)
			break;
		if (e820_add_bios(&e820, buf, r.ecx < 20 ? 20 : r.ecx) == E820_E_FULL)
			die("the BIOS memory map has more than %u entries", MAX_E820);
		cont = r.ebx;
	} while (cont && ++calls < 1024);
	if (!e820.n)
		die("the BIOS gave no E820 memory map (INT 15h AX=E820h)");
	e820_sanitize(&e820);
	if (!e820_range_is(&e820, im->addr, im->len, E820_RAM))
		die("the image at %x (%u bytes) is not in RAM according to the BIOS: "
		    "truncated load?", im->addr, im->len);
}

/** Progress of a long inflate, in tenths. */
struct progress {
	int last;
};

/** inflate_progress_fn: print every 10%. */
static void show_progress(size_t done, size_t total, void *ctx)
{
	struct progress *p = ctx;
	int tenth = total ? (int)((uint64_t)done * 10 / total) : 0;

	if (tenth != p->last) {
		con_printf("\rmemdisk: inflating... %d%%", tenth * 10);
		p->last = tenth;
	}
}

/**
 * Step 4: a gzip (or PKZIP) image is inflated into the highest RAM that
 * holds it, away from the compressed copy and from the loader.
 */
static void inflate_image(struct image *im)
{
	const uint8_t *in = lin(im->addr);
	uint32_t usize = 0, ms;
	struct e820_map tmp;
	struct progress pr = { -1 };
	size_t out_len = 0;
	uint64_t dst, t0;
	int zip = !gzip_detect(in, im->len), rc;

	if (zip && !zip_detect(in, im->len))
		return;
	if (!zip) {
		if (gzip_isize(in, im->len, &usize))
			die("the gzip image is truncated (no trailer)");
	} else {
		if (zip_usize(in, im->len, &usize))
			die("the zip image is damaged (bad local header)");
	}
	{
		uint64_t ram = e820_ram_bytes(&e820);

		switch (inflate_size_check(usize, im->len, ram)) {
		case INFLATE_SIZE_OK:
			break;
		case INFLATE_SIZE_EMPTY:
			die("the compressed image says it holds 0 bytes");
		case INFLATE_SIZE_IMPOSSIBLE:
			die("the %s image looks truncated or corrupt: its %s says %u bytes inflated, "
			    "which %u compressed bytes cannot hold; fetch it again",
			    zip ? "zip" : "gzip", zip ? "header" : "trailer", usize, im->len);
		case INFLATE_SIZE_OVER_RAM:
			die("the %s image looks truncated or corrupt: its %s says %u MiB inflated, "
			    "from %u MiB compressed, more than all of this machine's RAM (%u MiB); "
			    "fetch it again (unless the image is really that big)",
			    zip ? "zip" : "gzip", zip ? "header" : "trailer", usize >> 20,
			    im->len >> 20, (uint32_t)(ram >> 20));
		}
	}
	/* Where to put it: highest RAM below 4 GiB, not the input, not us. */
	e820_init(&tmp, e820_scratch, MAX_E820);
	memcpy(e820_scratch, e820_store, e820.n * sizeof(e820_store[0]));
	tmp.n = e820.n;
	if (e820_set_range(&tmp, im->addr, page_up(im->len), E820_RESERVED) ||
	    e820_set_range(&tmp, 0, (uint32_t)_end, E820_RESERVED) ||
	    e820_find_top(&tmp, page_up(usize), PAGE, 0x100000, 0x100000000ull, &dst))
		die("not enough memory to inflate the image: it needs %u MiB below 4 GiB",
		    (unsigned)(page_up(usize) >> 20));
	con_printf("memdisk: inflating %u bytes of %s into %u bytes at %x\n", im->len,
		   zip ? "zip" : "gzip", usize, (uint32_t)dst);
	t0 = timer_us();
	rc = zip ? unzip_first_ws(&inflate_ws, in, im->len, lin((uint32_t)dst), usize, &out_len,
				  show_progress, &pr)
		 : gunzip_ws(&inflate_ws, in, im->len, lin((uint32_t)dst), usize, &out_len,
			     show_progress, &pr);
	ms = (uint32_t)((timer_us() - t0) / 1000);
	con_printf("\r");
	if (rc != INFLATE_OK)
		die("the compressed image is damaged: %s", inflate_strerror(rc));
	con_printf("memdisk: inflated %u bytes in %u ms (%u MB/s)\n", (uint32_t)out_len, ms,
		   ms ? (uint32_t)((uint64_t)out_len / 1000 / ms) : 0);
	im->addr = (uint32_t)dst;
	im->len = (uint32_t)out_len;
}

/** Step 5: the disk the image is (lib/diskplan.c), said on the console. */
static void plan_disk(const struct image *im, struct diskplan *p)
{
	int rc = diskplan_make(lin(im->addr), im->len, &opt, p);

	if (rc == DISKPLAN_E_OFFSET)
		die("offset=%u is past the end of the image (%u bytes)", (uint32_t)opt.offset,
		    im->len);
	if (rc == DISKPLAN_E_ELTORITO)
		die("iso: %s", eltorito_strerror(p->detail));
	if (rc)
		die("cannot work out the disk's geometry: %s", geometry_strerror(p->detail));
	if (p->kind == DISKPLAN_CDROM)
		con_printf("memdisk: El Torito CD, no emulation: drive E0h, boot image of %u "
			   "bytes at %x:0\n", p->boot_bytes, p->boot_segment);
	else if (p->eltorito)
		con_printf("memdisk: El Torito CD, %s emulation: drive %xh, %u/%u/%u\n",
			   p->drive ? "hard-disk" : "floppy", p->drive, p->cylinders, p->heads,
			   p->sectors);
	else
		con_printf("memdisk: %s %xh, %u cylinders, %u heads, %u sectors (%s)\n",
			   p->kind == DISKPLAN_FLOPPY ? "floppy" : "hard disk", p->drive,
			   p->cylinders, p->heads, p->sectors,
			   geometry_source_str(p->geometry_source));
}

/**
 * The pmem option: put the disk at a 2 MiB-aligned address below 4 GiB
 * (moving it if needed, with its boot code), zero the padding up to a
 * 2 MiB multiple, and return that padded size; Linux makes such an E820
 * type-12 range /dev/pmemN. 0 when there is no room (the caller falls back).
 */
static uint64_t place_pmem(uint32_t *disk, uint64_t bytes, uint32_t *boot_src)
{
	uint64_t size = (bytes + MIB2 - 1) & ~(uint64_t)(MIB2 - 1), dst;

	if (!(*disk % MIB2) && e820_range_is(&e820, *disk, size, E820_RAM)) {
		dst = *disk;
	} else {
		/* The disk itself is still RAM here, so the move may overlap it. */
		if (e820_find_top(&e820, size, MIB2, 0x1000000, 0x100000000ull, &dst))
			return 0;
		con_printf("memdisk: pmem: moving the disk from %x to %x\n", *disk, (uint32_t)dst);
		memmove(lin((uint32_t)dst), lin(*disk), (uint32_t)bytes);
		*boot_src = *boot_src - *disk + (uint32_t)dst;
		*disk = (uint32_t)dst;
	}
	memset(lin(*disk + (uint32_t)bytes), 0, (uint32_t)(size - bytes));
	return size;
}

/**
 * Step 6: the disk's place, reserved in the memory map. Whole pages: the
 * last page is zero-filled, reserved and part of the disk, so that
 * phram=memdisk,$(memdiskfind) works on current kernels and /dev/mem
 * reaches every byte (a trailing zero sector is harmless to an ISO or a
 * disk). With pmem, 2 MiB-aligned and E820 type 12. Then mem=.
 */
static void place_disk(uint32_t *disk, const struct diskplan *p, uint32_t *boot_src,
		       uint32_t *sectors)
{
	uint64_t rlen = page_up(p->disk_bytes), pmem_size = 0;

	if (opt.pmem) {
		pmem_size = place_pmem(disk, p->disk_bytes, boot_src);
		if (!pmem_size)
			con_printf("memdisk: pmem: no 2 MiB-aligned room for %u MiB below 4 GiB; "
				   "using the ordinary reserved layout\n",
				   (uint32_t)(((p->disk_bytes + MIB2 - 1) & ~(uint64_t)(MIB2 - 1)) >> 20));
	}
	if (*disk + rlen > 0x100000000ull)
		die("the image's last page runs past 4 GiB");
	if (rlen > p->disk_bytes) {
		if (!e820_range_is(&e820, *disk, rlen, E820_RAM) &&
		    !e820_range_is(&e820, *disk + p->disk_bytes, rlen - p->disk_bytes,
				   E820_RAM))
			die("no room to round the image up to a whole page");
		memset(lin(*disk + (uint32_t)p->disk_bytes), 0,
		       (uint32_t)(rlen - p->disk_bytes));
	}
	*sectors = (uint32_t)(rlen >> p->sector_shift);
	if (pmem_size) {
		if (e820_set_range(&e820, *disk, pmem_size, E820_PRAM))
			die("the memory map is full");
		con_printf("memdisk: pmem: %x-%x is legacy persistent memory (E820 type 12)\n",
			   *disk, (uint32_t)(*disk + pmem_size - 1));
	} else {
		/* Whole pages, also where the disk starts inside the image
		 * (offset=, a DOSEMU header, El Torito emulation): the page it
		 * starts in is the image's, and Linux (phram, /dev/mem) can only
		 * use pages that no System RAM shares. */
		uint64_t lo = *disk & ~(uint64_t)(PAGE - 1);

		if (e820_set_range(&e820, lo, page_up(*disk + rlen) - lo, E820_RESERVED))
			die("the memory map is full");
	}
	if (opt.mem_given && e820_limit_ram(&e820, opt.mem))
		die("mem=: the memory map is full");
}

/** inject_say_fn: the injection's lines on the console. */
static void say_line(void *ctx, const char *line)
{
	(void)ctx;
	con_printf("memdisk: %s\n", line);
}

/**
 * The highest free RAM of @p size bytes below 4 GiB: not the loader, not
 * what the memory map already reserves (the disk). 0 when there is none.
 */
static uint32_t free_ram(uint64_t size)
{
	struct e820_map tmp;
	uint64_t at;

	e820_init(&tmp, e820_scratch, MAX_E820);
	memcpy(e820_scratch, e820_store, e820.n * sizeof(e820_store[0]));
	tmp.n = e820.n;
	if (e820_set_range(&tmp, 0, (uint32_t)_end, E820_RESERVED) ||
	    e820_find_top(&tmp, page_up(size), PAGE, 0x100000, 0x100000000ull, &at))
		return 0;
	return (uint32_t)at;
}

/**
 * Step 6b: an unmodified live ISO finds its medium. The driver shows the
 * ISO's boot loader a view in which each initrd of a known initramfs family
 * has memboot's segment appended (lib/inject: the plan; payload.S: the
 * segment): the replaced directory sectors and each grown initrd's last
 * block and segment are copied to reserved memory after the plan, the
 * grown initrds' bodies map back onto the image, and the driver's sector
 * map says where each lies. The image is never written, and the tables
 * describe it alone.
 */
static void inject_view(struct install *in, const struct diskplan *p)
{
	unsigned k = 11 - p->sector_shift, i, n = 0;
	uint32_t scratch, ov, at, t0 = (uint32_t)timer_us();
	uint64_t ov_bytes, view;

	if (opt.inject == OPTIONS_TRI_OFF)
		return;
	/* A hard disk or floppy that is not an (isohybrid) ISO: nothing to say. */
	if (p->kind != DISKPLAN_CDROM && !p->eltorito &&
	    (p->disk_bytes < 0x8006 || memcmp(lin(in->image_addr + 0x8001), "CD001", 5)))
		return;
	if (p->disk_offset || (p->eltorito && p->kind != DISKPLAN_CDROM) || p->sector_shift > 11) {
		con_printf("memdisk: inject: the disk is not the whole image: booting unchanged\n");
		return;
	}
	scratch = free_ram(INJECT_SCRATCH_BYTES);
	if (!inject_make(&inj, lin(in->image_addr), p->disk_bytes, payload_start,
			 (uint64_t)(payload_end - payload_start), scratch ? lin(scratch) : NULL,
			 INJECT_SCRATCH_BYTES, say_line, NULL))
		return;
	ov_bytes = (uint64_t)inj.plan.n_sectors * ISO9660_BLOCK;
	for (i = 0; i < inj.plan.n_files; i++) {
		const struct isopatch_file *f = &inj.plan.file[i];
		uint32_t full = (uint32_t)(f->orig.size / ISO9660_BLOCK);
		uint32_t blocks = (f->new_size + ISO9660_BLOCK - 1) / ISO9660_BLOCK;

		ov_bytes += (uint64_t)(blocks - full) * ISO9660_BLOCK;
	}
	ov = free_ram(ov_bytes);
	if (!ov || e820_set_range(&e820, ov, page_up(ov_bytes), E820_RESERVED)) {
		con_printf("memdisk: inject: no room for %u KiB of patched sectors: booting "
			   "unchanged\n", (uint32_t)(ov_bytes >> 10));
		return;
	}
	/* The replaced directory sectors. */
	at = ov;
	for (i = 0; i < inj.plan.n_sectors; i++, at += ISO9660_BLOCK) {
		memcpy(lin(at), inj.plan.sec[i].data, ISO9660_BLOCK);
		sector_map[n].first = inj.plan.sec[i].lba << k;
		sector_map[n].count = 1u << k;
		sector_map[n++].addr = at;
	}
	/* Each grown initrd: its body is the image's, its last block and the segment are copied. */
	for (i = 0; i < inj.plan.n_files; i++) {
		const struct isopatch_file *f = &inj.plan.file[i];
		uint32_t full = (uint32_t)(f->orig.size / ISO9660_BLOCK);
		uint32_t blocks = (f->new_size + ISO9660_BLOCK - 1) / ISO9660_BLOCK;

		if (full) {
			sector_map[n].first = f->new_lba << k;
			sector_map[n].count = full << k;
			sector_map[n++].addr = in->image_addr + f->orig.ext[0].lba * ISO9660_BLOCK;
		}
		inject_read_ext(&inj, f->ext_off + (uint64_t)full * ISO9660_BLOCK, lin(at),
				(uint64_t)(blocks - full) * ISO9660_BLOCK);
		sector_map[n].first = (f->new_lba + full) << k;
		sector_map[n].count = (blocks - full) << k;
		sector_map[n++].addr = at;
		at += (blocks - full) * ISO9660_BLOCK;
	}
	/* Sorted by first sector (a few entries: insertion sort). */
	for (i = 1; i < n; i++) {
		struct drv_map_entry e = sector_map[i];
		unsigned j = i;

		for (; j && sector_map[j - 1].first > e.first; j--)
			sector_map[j] = sector_map[j - 1];
		sector_map[j] = e;
	}
	view = inject_view_bytes(&inj) >> p->sector_shift;
	in->view_sectors = view > in->sectors ? (uint32_t)view : in->sectors;
	in->map = sector_map;
	in->n_map = n;
	con_printf("memdisk: inject: %u initrd(s) grown, %u directory sector(s) replaced; %u KiB "
		   "at %x, %u map entries, in %u us; the image stays as it is. In Linux, "
		   "memdisk-attach exposes it: /dev/pmem0 with the pmem option where the initramfs "
		   "has nd_pmem, else phram, nbd over /dev/mem, or a copy on a loop device\n",
		   inj.plan.n_files, inj.plan.n_sectors, (uint32_t)(ov_bytes >> 10), ov, n,
		   (uint32_t)timer_us() - t0);
}

/** Step 7: the driver's place under the top of base memory (lib/bios.c). */
static uint32_t place_driver(uint16_t bda_kib, uint8_t flags, uint32_t n_map)
{
	uint32_t top = bios_basemem_top(&e820, bda_kib), base;
	int rc = bios_place_driver(&e820, e820_scratch, top, install_fixed_bytes(cmdline, flags, n_map),
				   E820_BIOS_RECORD, &base);

	if (rc == BIOS_E_NO_ROOM)
		die("not enough base memory for the driver (%u KiB free)", bda_kib);
	if (rc)
		die("the memory map is full");
	return base;
}

/** A 1.44 MB-style floppy parameter table for @p spt sectors. */
static void make_dpt(uint8_t dpt[16], uint8_t spt)
{
	static const uint8_t std[11] = { 0xdf, 0x02, 0x25, 0x02, 18, 0x1b, 0xff, 0x54, 0xf6,
					 0x0f, 0x08 };

	memcpy(dpt, std, sizeof(std));
	dpt[4] = spt;
}

/** Does the BIOS answer for drive @p d (before our hook)? As SYSLINUX
 * MEMDISK asks: a hard disk by AH=08h, 15h or 41h, each confirmed by
 * AH=01h; any drive by the BIOS data area's count of its class. */
static int bios_has_drive(uint8_t d)
{
	static const uint8_t fns[] = { 0x08, 0x15, 0x41 };
	struct rm_regs r;
	unsigned i, count;

	if (d & 0x80) {
		for (i = 0; i < sizeof(fns); i++) {
			int ok;

			memset(&r, 0, sizeof(r));
			r.eax = (uint32_t)fns[i] << 8;
			r.edx = d;
			if (fns[i] == 0x41)
				r.ebx = 0x55aa;
			rm_call(0x13, &r);
			ok = !(r.eflags & 1) &&
			     (fns[i] == 0x08 ? !(r.eax & 0xff00)
			      : fns[i] == 0x15 ? (r.eax & 0xff00) != 0 : (r.ebx & 0xffff) == 0xaa55);
			memset(&r, 0, sizeof(r));
			r.eax = 0x0100;
			r.edx = d;
			rm_call(0x13, &r);
			if (ok && !(r.eflags & 1) && (r.eax & 0xff00) != 0x0100)
				return 1;
		}
		count = *(volatile uint8_t *)lin(BDA_HD_COUNT);
	} else {
		count = bios_floppies(*(volatile uint16_t *)lin(BDA_EQUIPMENT));
	}
	return (d & 0x7fu) < count;
}

/**
 * The first drive number the driver leaves alone: the BIOS's drives from
 * ours upward move up by one to make room, up to the first number it does
 * not answer for (plus one, for the one pushed there), as SYSLINUX
 * MEMDISK's DriveShiftLimit. Drives past a gap (an optical drive at E0h)
 * keep their numbers. 0: the run reaches the end of the class.
 */
static uint8_t shift_limit(uint8_t drive)
{
	unsigned d = drive;

	while (bios_has_drive((uint8_t)d)) {
		d++;
		if (!(d & 0x7f))
			return 0;
	}
	return (uint8_t)(d + 1);
}

/** Step 8: everything the driver is told, from the plan and the BIOS data area. */
static void describe_driver(struct install *in, const struct diskplan *p)
{
	uint16_t equipment = *(volatile uint16_t *)lin(BDA_EQUIPMENT);

	in->sector_shift = p->sector_shift;
	in->drive = p->drive;
	in->flags = install_flags(p);
	in->cylinders = (uint16_t)p->cylinders;
	in->heads = (uint16_t)p->heads;
	in->spt = (uint8_t)p->sectors;
	memcpy(in->spec_packet, p->spec_packet, sizeof(in->spec_packet));
	in->copy_mode = opt.himem == OPTIONS_HIMEM_SAFEINT ? COPY_SAFEINT
		      : opt.himem == OPTIONS_HIMEM_INT ? COPY_INT
		      : opt.himem == OPTIONS_HIMEM_BIGRAW ? COPY_BIGRAW : COPY_RAW;
	in->use_sse = (uint8_t)cpu_has_sse();
	in->cmdline = cmdline;
	in->e820 = &e820;
	e820_e801(&e820, &in->e801_kib, &in->e801_blocks);
	in->kib_88 = e820_int1588(&e820);
	in->bootloader_id = *SETUP_VAR(uint8_t, hdr_type_of_loader);
	in->ndrives = bios_drive_count(p, equipment, *(volatile uint8_t *)lin(BDA_HD_COUNT));
	if (p->kind != DISKPLAN_CDROM && !p->nopass && !p->nopassany) {
		in->shift_limit = shift_limit(p->drive);
		if (in->shift_limit > p->drive + 1)
			con_printf("memdisk: the BIOS's drives %x-%x are now %x-%x; from %x up "
				   "they keep their numbers\n", p->drive,
				   (uint8_t)(in->shift_limit - 2), (uint8_t)(p->drive + 1),
				   (uint8_t)(in->shift_limit - 1), in->shift_limit);
	}
	if (p->kind == DISKPLAN_FLOPPY) {
		in->floppy_type = geometry_floppy_cmos_type(p->disk_bytes);
		make_dpt(in->dpt, in->spt);
		in->floppy_dpt = (uint8_t)bios_floppy_dpt(&opt, equipment);
	}
}

/** Find the PnP BIOS installation structure ("$PnP" in F000h), or 0. */
static uint32_t find_pnp(void)
{
	uint32_t a;

	for (a = 0xf0000; a < 0x100000; a += 16) {
		const uint8_t *p = lin(a);

		if (p[0] == '$' && p[1] == 'P' && p[2] == 'n' && p[3] == 'P')
			return a;
	}
	return 0;
}

/**
 * Step 10: start the boot code, DL = the drive. The driver copies it into
 * base memory in real mode and jumps to it (drv_boot): it may cover this
 * loader's real-mode part, which must not run after the copy.
 */
static void boot(uint32_t src, const struct diskplan *p, uint32_t driver)
	__attribute__((noreturn));
static void boot(uint32_t src, const struct diskplan *p, uint32_t driver)
{
	uint16_t seg = p->boot_segment, off;
	struct rm_regs r;
	uint32_t pnp;

	if (install_boot(driver, src, p->boot_bytes, seg, seg == 0x7c0 ? 0 : seg,
			 seg == 0x7c0 ? 0x7c00 : 0, &off))
		die("the boot image (%u bytes at %x:0) leaves no 2 KiB of base memory for the "
		    "stack that copies it", p->boot_bytes, seg);
	memset(&r, 0, sizeof(r));
	r.edx = p->drive;
	pnp = find_pnp();
	r.es = (uint16_t)(pnp >> 4);
	r.edi = pnp & 15;
	rm_boot((uint16_t)(driver >> 4), off, &r);
}

/** The entry from start32.S. */
void loader_main(uint32_t setup) __attribute__((noreturn));

void loader_main(uint32_t setup)
{
	uint16_t bda_kib = *(volatile uint16_t *)lin(BDA_BASEMEM_KIB);
	struct image im;
	struct diskplan plan;
	struct install in;
	struct installed out;
	uint32_t boot_src;

	(void)setup;
	con_init();
	timer_init();
	start(&im);
	check_image(&im);
	read_e820(&im);
	inflate_image(&im);
	plan_disk(&im, &plan);

	memset(&in, 0, sizeof(in));
	in.image_addr = im.addr + (uint32_t)plan.disk_offset;
	boot_src = im.addr + (uint32_t)plan.boot_offset;
	place_disk(&in.image_addr, &plan, &boot_src, &in.sectors);
	inject_view(&in, &plan);
	in.base = place_driver(bda_kib, install_flags(&plan), in.n_map);
	describe_driver(&in, &plan);

	/* Step 9: the boot code must land in free base memory. */
	switch (bios_boot_fits(&plan, in.base)) {
	case BIOS_OK:
		break;
	case BIOS_E_BOOT_SIZE:
		die("the boot image is %u bytes: too large to load", plan.boot_bytes);
	default:
		die("the boot image (%u bytes at %x:0) does not fit in free base memory",
		    plan.boot_bytes, plan.boot_segment);
	}

	install_driver(&in, &out);
	con_printf("memdisk: %u sectors of %u bytes at %x; driver at %x (%u bytes, %u used), "
		   "mBFT at %x\n", in.sectors, 1u << in.sector_shift, in.image_addr, in.base,
		   out.size, out.used, out.mbft);
	if (opt.pause) {
		con_printf("memdisk: press a key to boot\n");
		wait_key();
	}
	boot(boot_src, &plan, in.base);
}
