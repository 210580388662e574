/**
 * @file main.c
 *
 * memboot memdisk: the 32-bit C core. Reads what the boot loader left in
 * the setup header (image address and size, command line), checks and if
 * needed inflates the image, works out the disk it is (El Torito CD, floppy
 * or hard disk), edits the memory map, installs the resident driver and
 * starts the image's boot sector. Every failure is a message on the screen
 * and the serial line, then INT 18h so that the BIOS tries the next device.
 */
#include "e820.h"
#include "eltorito.h"
#include "geometry.h"
#include "inflate.h"
#include "install.h"
#include "libc.h"
#include "loader.h"
#include "options.h"
#include "timer.h"
#include "version.h"

#define MAX_E820 128
#define PAGE 4096u

static struct e820_entry e820_store[MAX_E820];
static struct e820_map e820;
static char cmdline[4096];
static struct md_options opt;
static struct inflate_state inflate_ws;

/** Round up to a page. */
static uint64_t page_up(uint64_t x)
{
	return (x + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

/** Read the BIOS's E820 map (through the original INT 15h). */
static void read_e820(void)
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
}

/** Show the options that were not understood. */
static void show_option_problems(void)
{
	unsigned i;

	for (i = 0; i < opt.n_unknown && i < MD_OPT_MAX_UNKNOWN; i++)
		printf("memdisk: unknown option \"%s\" ignored\n", opt.unknown[i]);
	for (i = 0; i < opt.n_errors && i < MD_OPT_MAX_ERRORS; i++)
		printf("memdisk: option \"%s\": %s; ignored\n", opt.errors[i].word,
		       md_opt_reason_str(opt.errors[i].reason));
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
		printf("\rmemdisk: inflating... %d%%", tenth * 10);
		p->last = tenth;
	}
}

/**
 * Inflate a gzip (or PKZIP) image into the highest RAM that holds it,
 * away from the compressed copy and from the loader.
 */
static void inflate_image(uint32_t *img, uint32_t *len)
{
	const uint8_t *in = lin(*img);
	uint32_t usize = 0, ms;
	struct e820_entry tmp_store[MAX_E820];
	struct e820_map tmp;
	struct progress pr = { -1 };
	size_t out_len = 0;
	uint64_t dst, t0;
	int zip = 0, rc;

	if (gzip_detect(in, *len)) {
		if (gzip_isize(in, *len, &usize))
			die("the gzip image is truncated (no trailer)");
	} else {
		zip = 1;
		if (zip_usize(in, *len, &usize))
			die("the zip image is damaged (bad local header)");
	}
	if (!usize)
		die("the compressed image says it holds 0 bytes");
	/* Where to put it: highest RAM below 4 GiB, not the input, not us. */
	e820_init(&tmp, tmp_store, MAX_E820);
	memcpy(tmp_store, e820_store, e820.n * sizeof(e820_store[0]));
	tmp.n = e820.n;
	if (e820_set_range(&tmp, *img, page_up(*len), E820_RESERVED) ||
	    e820_set_range(&tmp, 0, (uint32_t)_end, E820_RESERVED) ||
	    e820_find_top(&tmp, page_up(usize), PAGE, 0x100000, 0x100000000ull, &dst))
		die("not enough memory to inflate the image: it needs %u MiB below 4 GiB",
		    (unsigned)(page_up(usize) >> 20));
	printf("memdisk: inflating %u bytes of %s into %u bytes at %x\n", *len,
	       zip ? "zip" : "gzip", usize, (uint32_t)dst);
	t0 = timer_us();
	rc = zip ? unzip_first_ws(&inflate_ws, in, *len, lin((uint32_t)dst), usize, &out_len,
				  show_progress, &pr)
		 : gunzip_ws(&inflate_ws, in, *len, lin((uint32_t)dst), usize, &out_len,
			     show_progress, &pr);
	ms = (uint32_t)((timer_us() - t0) / 1000);
	printf("\r");
	if (rc != INFLATE_OK)
		die("the compressed image is damaged: %s", inflate_strerror(rc));
	printf("memdisk: inflated %u bytes in %u ms (%u MB/s)\n", (uint32_t)out_len, ms,
	       ms ? (uint32_t)((uint64_t)out_len / 1000 / ms) : 0);
	*img = (uint32_t)dst;
	*len = (uint32_t)out_len;
}

/** A sentence for a geometry_guess() failure. */
static const char *geo_error(int rc)
{
	switch (rc) {
	case GEO_E_TOO_SMALL:
		return "the image is smaller than one sector";
	case GEO_E_BAD_CHS:
		return "c=, h= or s= out of range (h 1-256, s 1-63)";
	case GEO_E_BAD_DRIVE:
		return "floppy=N needs N below 80h";
	case GEO_E_DOSEMU:
		return "its DOSEMU header holds impossible values";
	case GEO_E_NO_MBR:
		return "no usable partition table";
	default:
		return "unknown error";
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

/** The CMOS floppy type a BIOS reports for a size (AH=08h, BL). */
static uint8_t floppy_type(uint64_t bytes)
{
	if (bytes <= 368640)
		return 1;  /* 360 KiB */
	if (bytes <= 737280)
		return 3;  /* 720 KiB */
	if (bytes <= 1228800)
		return 2;  /* 1.2 MiB */
	if (bytes <= 1474560)
		return 4;  /* 1.44 MiB */
	return 6;          /* 2.88 MiB */
}

/** Fill in a 1.44 MB-style floppy parameter table for @p spt sectors. */
static void make_dpt(uint8_t dpt[16], uint8_t spt)
{
	static const uint8_t std[11] = { 0xdf, 0x02, 0x25, 0x02, 18, 0x1b, 0xff, 0x54, 0xf6,
					 0x0f, 0x08 };

	memcpy(dpt, std, sizeof(std));
	dpt[4] = spt;
}

/** What the boot sector is and where it goes. */
struct boot {
	uint32_t src;           /* physical address of the boot code in the image */
	uint32_t bytes;
	uint16_t seg;           /* load segment (jump to seg:0) */
};

#define MIB2 0x200000u

/**
 * The pmem option: put the disk at a 2 MiB-aligned address below 4 GiB
 * (moving it if needed), zero the padding up to a 2 MiB multiple, and
 * return that padded size; Linux makes such an E820 type-12 range
 * /dev/pmemN. 0 when there is no room (the caller falls back).
 */
static uint64_t place_pmem(uint32_t *img, uint64_t bytes, struct boot *boot)
{
	uint64_t size = (bytes + MIB2 - 1) & ~(uint64_t)(MIB2 - 1), dst;

	if (!(*img % MIB2) && e820_range_is(&e820, *img, size, E820_RAM)) {
		dst = *img;
	} else {
		/* The disk itself is still RAM here, so the move may overlap it. */
		if (e820_find_top(&e820, size, MIB2, 0x1000000, 0x100000000ull, &dst))
			return 0;
		printf("memdisk: pmem: moving the disk from %x to %x\n", *img, (uint32_t)dst);
		memmove(lin((uint32_t)dst), lin(*img), (uint32_t)bytes);
		boot->src = boot->src - *img + (uint32_t)dst;
		*img = (uint32_t)dst;
	}
	memset(lin(*img + (uint32_t)bytes), 0, (uint32_t)(size - bytes));
	return size;
}

/** The entry from start32.S. */
void loader_main(uint32_t setup) __attribute__((noreturn));

void loader_main(uint32_t setup)
{
	uint32_t img = *SETUP_VAR(uint32_t, hdr_ramdisk_image);
	uint32_t len = *SETUP_VAR(uint32_t, hdr_ramdisk_size);
	uint32_t cl = *SETUP_VAR(uint32_t, hdr_cmd_line_ptr);
	uint16_t basemem = *(volatile uint16_t *)lin(0x413);
	struct install in;
	struct installed out;
	struct boot boot;
	struct rm_regs r;
	uint64_t disk_bytes, rlen, pmem_size = 0;
	uint32_t top, dbase, pnp;

	(void)setup;
	con_init();
	timer_init();
	if (cl)
		memcpy(cmdline, lin(cl), sizeof(cmdline) - 1);
	printf("memboot memdisk %s: image at %x, %u bytes, options \"%s\"\n", MEMBOOT_VERSION,
	       img, len, cmdline);
	md_options_parse(cmdline, &opt);
	show_option_problems();
	if (!img || !len)
		die("no disk image: load one as the initrd (\"initrd\" in iPXE, INITRD in "
		    "ISOLINUX, initrd16 in GRUB)");
	if ((uint64_t)img + len > 0x100000000ull)
		die("the image at %x (%u bytes) runs past 4 GiB", img, len);
	if (img < (uint32_t)_end && img + len > 0x100000)
		die("the boot loader put the image over memdisk itself (%x-%x)", img, img + len);
	if (*(uint8_t *)lin(setup_lin + (uint32_t)a20_failed))
		die("cannot enable the A20 gate: memory above 1 MiB is unreachable");
	read_e820();
	if (!e820_range_is(&e820, img, len, E820_RAM))
		die("the image at %x (%u bytes) is not in RAM according to the BIOS: "
		    "truncated load?", img, len);

	if (gzip_detect(lin(img), len) || zip_detect(lin(img), len))
		inflate_image(&img, &len);
	if (opt.offset) {
		if (opt.offset >= len)
			die("offset=%u is past the end of the image (%u bytes)",
			    (uint32_t)opt.offset, len);
		img += (uint32_t)opt.offset;
		len -= (uint32_t)opt.offset;
	}

	memset(&in, 0, sizeof(in));
	memset(&boot, 0, sizeof(boot));
	/* EDD by default for hard disks (and CDs), as SYSLINUX MEMDISK. */
	in.flags = opt.edd == MD_TRI_ON ? DF_EDD : 0;
	if (opt.ro)
		in.flags |= DF_RO;
	if (opt.nopass)
		in.flags |= DF_NOPASS;
	if (opt.nopassany)
		in.flags |= DF_NOPASSANY;
	in.copy_mode = opt.himem == MD_HIMEM_SAFEINT ? COPY_SAFEINT
		     : opt.himem == MD_HIMEM_INT ? COPY_INT
		     : opt.himem == MD_HIMEM_BIGRAW ? COPY_BIGRAW : COPY_RAW;
	in.use_sse = (uint8_t)timer_cpu_has_sse();

	if (opt.iso) {
		struct eltorito_boot et;
		int rc = eltorito_parse(lin(img), len, &et);

		if (rc)
			die("iso: %s", eltorito_strerror(rc));
		if (et.media == ET_MEDIA_NOEMU) {
			in.drive = 0xe0;
			in.sector_shift = 11;
			in.flags |= DF_CDROM | DF_RO | DF_EDD;
			in.cylinders = 1;
			in.heads = 1;
			in.spt = 1;
			disk_bytes = len;
			boot.src = img + (uint32_t)et.image_offset;
			boot.bytes = (uint32_t)et.image_size;
			boot.seg = et.load_segment;
			printf("memdisk: El Torito CD, no emulation: drive E0h, boot image of %u "
			       "bytes at %x:0\n", boot.bytes, boot.seg);
		} else {
			/* Floppy or hard-disk emulation: the disk is inside the ISO. */
			img += (uint32_t)et.image_offset;
			len = (uint32_t)et.image_size;
			in.sector_shift = 9;
			in.drive = et.media == ET_MEDIA_HARDDISK ? 0x80 : 0x00;
			if (in.drive == 0)
				in.flags |= DF_FLOPPY;
			in.cylinders = (uint16_t)(et.cylinders > 1024 ? 1024 : et.cylinders);
			if (in.drive == 0x80 && opt.edd != MD_TRI_OFF)
				in.flags |= DF_EDD;
			in.heads = (uint16_t)et.heads;
			in.spt = (uint8_t)et.sectors;
			disk_bytes = len;
			boot.src = img;
			boot.bytes = 512;
			boot.seg = et.load_segment;
			printf("memdisk: El Torito CD, %s emulation: drive %xh, %u/%u/%u\n",
			       in.drive ? "hard-disk" : "floppy", in.drive, in.cylinders,
			       in.heads, in.spt);
		}
		eltorito_spec_packet(&et, in.drive, in.spec_packet);
		in.flags |= DF_ELTORITO;
	} else {
		struct geometry g;
		int rc = geometry_guess(lin(img), len, len, &opt, &g);

		if (rc)
			die("cannot work out the disk's geometry: %s", geo_error(rc));
		img += g.data_offset;
		len -= g.data_offset;
		in.drive = g.drive;
		in.sector_shift = 9;
		if (g.type == GEO_FLOPPY)
			in.flags |= DF_FLOPPY;
		in.cylinders = (uint16_t)g.bios_cylinders;
		if (g.type != GEO_FLOPPY && opt.edd != MD_TRI_OFF)
			in.flags |= DF_EDD;
		in.heads = (uint16_t)g.heads;
		in.spt = (uint8_t)g.sectors;
		disk_bytes = g.total_sectors * 512;
		boot.src = img;
		boot.bytes = 512;
		boot.seg = 0x7c0;
		printf("memdisk: %s %xh, %u cylinders, %u heads, %u sectors (%s)\n",
		       g.type == GEO_FLOPPY ? "floppy" : "hard disk", g.drive, in.cylinders,
		       in.heads, in.spt, geometry_source_str(g.source));
	}

	/*
	 * Whole pages: the disk's last page is zero-filled, reserved, and part
	 * of the disk, so that phram=memdisk,$(memdiskfind) works on current
	 * kernels and /dev/mem reaches every byte. (A trailing zero sector is
	 * harmless to an ISO or a disk.)
	 */
	rlen = page_up(disk_bytes);
	if (opt.pmem) {
		pmem_size = place_pmem(&img, disk_bytes, &boot);
		if (!pmem_size)
			printf("memdisk: pmem: no 2 MiB-aligned room for %u MiB below 4 GiB; "
			       "using the ordinary reserved layout\n",
			       (uint32_t)(((disk_bytes + MIB2 - 1) & ~(uint64_t)(MIB2 - 1)) >> 20));
	}
	if (img + rlen > 0x100000000ull)
		die("the image's last page runs past 4 GiB");
	if (rlen > disk_bytes) {
		if (!e820_range_is(&e820, img, rlen, E820_RAM) &&
		    !e820_range_is(&e820, img + disk_bytes, rlen - disk_bytes, E820_RAM))
			die("no room to round the image up to a whole page");
		memset(lin(img + (uint32_t)disk_bytes), 0, (uint32_t)(rlen - disk_bytes));
	}
	in.image_addr = img;
	in.sectors = (uint32_t)(rlen >> in.sector_shift);
	if (e820_set_range(&e820, img, pmem_size ? pmem_size : rlen,
			   pmem_size ? E820_PRAM : E820_RESERVED))
		die("the memory map is full");
	if (pmem_size)
		printf("memdisk: pmem: %x-%x is legacy persistent memory (E820 type 12)\n", img,
		       (uint32_t)(img + pmem_size - 1));
	if (opt.mem_given && e820_limit_ram(&e820, opt.mem))
		die("mem=: the memory map is full");

	/*
	 * The driver's place: under the top of base memory, reserved in E820
	 * from its page boundary. Its size depends on the map it carries,
	 * which the reservation may change: settle both together.
	 */
	in.cmdline = cmdline;
	/* The lower of the BIOS's word and the end of low RAM in E820. */
	top = (uint32_t)basemem * 1024;
	{
		uint64_t low_end = e820_contiguous_end(&e820, 0);

		if (low_end < top && low_end >= 0x10000)
			top = (uint32_t)low_end & ~1023u;
	}
	{
		struct e820_entry saved[MAX_E820];
		uint32_t saved_n = e820.n, want = e820.n;

		memcpy(saved, e820_store, saved_n * sizeof(saved[0]));
		for (;;) {
			in.e820_count = want;
			dbase = (top - driver_bytes(&in)) & ~1023u;
			/*
			 * Up to 640 KiB, not just to the old top of base memory: a
			 * boot loader that stays resident (iPXE) lowers 0040:0013
			 * but leaves its memory "usable" in E820; the OS must not
			 * take it, nor think base memory ends above the driver.
			 */
			if (e820_set_range(&e820, dbase & ~(PAGE - 1),
					   (top > 0xa0000 ? top : 0xa0000) - (dbase & ~(PAGE - 1)),
					   E820_RESERVED))
				die("the memory map is full");
			if (e820.n <= want)
				break;
			want = e820.n;
			memcpy(e820_store, saved, saved_n * sizeof(saved[0]));
			e820.n = saved_n;
		}
	}
	in.e820 = &e820;
	in.e820_count = e820.n;
	e820_e801(&e820, &in.e801_kib, &in.e801_blocks);
	in.kib_88 = e820_int1588(&e820);

	in.bootloader_id = *SETUP_VAR(uint8_t, hdr_type_of_loader);
	if (in.flags & DF_FLOPPY) {
		uint16_t eq = *(volatile uint16_t *)lin(0x410);
		unsigned floppies = (eq & 1) ? ((eq >> 6) & 3) + 1 : 0;

		in.floppy_type = floppy_type(disk_bytes);
		make_dpt(in.dpt, in.spt);
		in.floppy_dpt = opt.dpt == MD_TRI_ON || (opt.dpt != MD_TRI_OFF && floppies == 0);
		in.ndrives = (uint8_t)(in.flags & (DF_NOPASS | DF_NOPASSANY) ? 1 : floppies + 1);
	} else if (in.drive & 0x80 && !(in.flags & DF_CDROM)) {
		in.ndrives = (uint8_t)(*(volatile uint8_t *)lin(0x475) + 1);
		if (in.flags & (DF_NOPASS | DF_NOPASSANY))
			in.ndrives = 1;
	} else {
		in.ndrives = 1;
	}

	/* The boot code must land in free base memory, below us and the driver. */
	if (!boot.bytes || boot.bytes > 0x80000)
		die("the boot image is %u bytes: too large to load", boot.bytes);
	if ((uint32_t)boot.seg * 16 < 0x500 ||
	    (uint32_t)boot.seg * 16 + boot.bytes > dbase ||
	    ((uint32_t)boot.seg * 16 < setup_lin + 4096 &&
	     (uint32_t)boot.seg * 16 + boot.bytes > setup_lin))
		die("the boot image (%u bytes at %x:0) does not fit in free base memory",
		    boot.bytes, boot.seg);

	if (install_driver(&in, &out))
		die("not enough base memory for the driver (%u KiB free)", basemem);
	printf("memdisk: %u sectors of %u bytes at %x; driver at %x (%u bytes), mBFT at %x\n",
	       in.sectors, 1u << in.sector_shift, in.image_addr, out.base, out.size, out.mbft);
	if (opt.pause) {
		printf("memdisk: press a key to boot\n");
		wait_key();
	}

	memcpy(lin((uint32_t)boot.seg * 16), lin(boot.src), boot.bytes);
	memset(&r, 0, sizeof(r));
	r.edx = in.drive;
	pnp = find_pnp();
	r.es = (uint16_t)(pnp >> 4);
	r.edi = pnp & 15;
	rm_boot(boot.seg == 0x7c0 ? 0 : boot.seg, boot.seg == 0x7c0 ? 0x7c00 : 0, &r);
}
