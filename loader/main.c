/**
 * @file main.c
 *
 * memboot memdisk: the 32-bit C core. Reads what the boot loader left in
 * the setup header (image address and size, command line), checks the
 * image, builds the resident driver in base memory, hooks INT 13h and
 * INT 15h, and starts the image's boot sector.
 */
#include "install.h"
#include "libc.h"
#include "loader.h"
#include "version.h"

#define MAX_E820 64
#define E820_RAM 1
#define E820_RESERVED 2

static struct inst_e820 e820[MAX_E820];
static uint32_t e820_n;
static char cmdline[4096];

/** Read the BIOS's E820 map. */
static void read_e820(void)
{
	struct rm_regs r;
	uint32_t cont = 0;
	uint8_t *buf = lin(setup_lin + (uint32_t)rm_buf);

	e820_n = 0;
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
		memcpy(&e820[e820_n].base, buf, 8);
		memcpy(&e820[e820_n].len, buf + 8, 8);
		memcpy(&e820[e820_n].type, buf + 16, 4);
		if (e820[e820_n].len)
			e820_n++;
		cont = r.ebx;
	} while (cont && e820_n < MAX_E820);
	if (!e820_n)
		die("the BIOS gave no E820 memory map");
}

/** Mark [base, base+len) as @p type in the map (splitting entries). */
static void e820_mark(uint64_t base, uint64_t len, uint32_t type)
{
	struct inst_e820 out[MAX_E820];
	uint64_t end = base + len;
	uint32_t i, n = 0;
	int placed = 0;

	for (i = 0; i < e820_n; i++) {
		uint64_t s = e820[i].base, e = s + e820[i].len;

		if (e <= base || s >= end) {
			if (!placed && s >= end) {
				out[n++] = (struct inst_e820){ base, len, type };
				placed = 1;
			}
			out[n++] = e820[i];
			continue;
		}
		if (s < base)
			out[n++] = (struct inst_e820){ s, base - s, e820[i].type };
		if (!placed) {
			out[n++] = (struct inst_e820){ base, len, type };
			placed = 1;
		}
		if (e > end)
			out[n++] = (struct inst_e820){ end, e - end, e820[i].type };
		if (n > MAX_E820 - 3)
			die("memory map too large");
	}
	if (!placed)
		out[n++] = (struct inst_e820){ base, len, type };
	memcpy(e820, out, n * sizeof(out[0]));
	e820_n = n;
}

/** Read an unaligned little-endian u32 / u16. */
static uint32_t rd32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/** Does the CPU have SSE (CPUID leaf 1, EDX bit 25)? */
static int cpu_has_sse(void)
{
	uint32_t a = 1, b, c, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
	return (d >> 25) & 1;
}

/** The entry from start32.S. */
void loader_main(uint32_t setup) __attribute__((noreturn));

void loader_main(uint32_t setup)
{
	uint32_t img = *SETUP_VAR(uint32_t, hdr_ramdisk_image);
	uint32_t len = *SETUP_VAR(uint32_t, hdr_ramdisk_size);
	uint32_t cl = *SETUP_VAR(uint32_t, hdr_cmd_line_ptr);
	const uint8_t *p = lin(img), *brvd, *cat;
	struct install in;
	struct installed out;
	uint32_t cat_lba, load_rba, count, load_seg, rlen;
	struct rm_regs r;

	(void)setup;
	con_init();
	if (cl)
		memcpy(cmdline, lin(cl), 4095);
	printf("memboot memdisk %s: image at %x, %u bytes, options \"%s\"\n", MEMBOOT_VERSION,
	       img, len, cmdline);
	if (!img || !len)
		die("no disk image: load one as the initrd (\"initrd\" in iPXE, INITRD in ISOLINUX, initrd16 in GRUB)");
	read_e820();

	/* El Torito (temporary minimal parse; lib/eltorito.c replaces it). */
	if (len < 18 * 2048)
		die("image too small for an ISO");
	brvd = p + 17 * 2048;
	if (brvd[0] != 0 || memcmp(brvd + 1, "CD001", 5))
		die("no El Torito boot record");
	cat_lba = rd32(brvd + 0x47);
	if ((uint64_t)cat_lba * 2048 + 64 > len)
		die("boot catalog outside the image");
	cat = p + cat_lba * 2048;
	if (cat[0] != 1 || cat[0x1e] != 0x55 || cat[0x1f] != 0xaa || cat[32] != 0x88)
		die("bad boot catalog");
	load_seg = rd16(cat + 32 + 2);
	count = rd16(cat + 32 + 6);
	load_rba = rd32(cat + 32 + 8);
	if (!load_seg)
		load_seg = 0x7c0;
	if ((uint64_t)load_rba * 2048 + count * 512 > len)
		die("boot image outside the image");

	/*
	 * Whole pages: the image's last page is zero-filled and reserved, and
	 * the disk is reported that long, so that phram=memdisk,$(memdiskfind)
	 * works on current kernels and /dev/mem can reach every byte.
	 */
	rlen = (len + 4095) & ~4095u;
	if (rlen < len)
		die("image too large");
	memset(lin(img + len), 0, rlen - len);
	e820_mark(img, rlen, E820_RESERVED);

	memset(&in, 0, sizeof(in));
	in.image_addr = img;
	in.sectors = rlen >> 11;
	in.sector_shift = 11;
	in.drive = 0xe0;
	in.flags = DF_CDROM | DF_EDD | DF_RO;
	in.ndrives = 1;
	in.cylinders = 1;
	in.heads = 1;
	in.spt = 1;
	in.spec_packet[0] = 0x13;
	in.spec_packet[1] = 0;          /* no emulation */
	in.spec_packet[2] = 0xe0;
	memcpy(&in.spec_packet[4], &load_rba, 4);
	memcpy(&in.spec_packet[12], &load_seg, 2);
	memcpy(&in.spec_packet[14], &count, 2);
	in.cmdline = cmdline;
	in.copy_mode = COPY_RAW;
	in.use_sse = (uint8_t)cpu_has_sse();
	{
		const char *w = cmdline;

		/* temporary until lib/options.c is wired in */
		for (; *w; w++)
			if ((w == cmdline || w[-1] == ' ') && !strncmp(w, "safeint", 7))
				in.copy_mode = COPY_INT15;
	}
	in.bootloader_id = *SETUP_VAR(uint8_t, hdr_type_of_loader);
	{
		uint16_t basemem = *(volatile uint16_t *)lin(0x413);
		uint32_t top = (uint32_t)basemem * 1024;
		uint32_t dbase;

		/* One more entry for the driver's own range. */
		in.e820_count = e820_n + 2;
		dbase = (top - driver_bytes(&in)) & ~1023u;
		/* From its page boundary: no page shared with System RAM. */
		e820_mark(dbase & ~4095u, top - (dbase & ~4095u), E820_RESERVED);
	}
	in.e820 = e820;
	in.e820_count = e820_n;
	/* E801/88h from the edited map: RAM contiguous from 1 MiB. */
	{
		uint64_t end = 0x100000;
		uint32_t i;
		int grown = 1;

		while (grown) {
			grown = 0;
			for (i = 0; i < e820_n; i++)
				if (e820[i].type == E820_RAM && e820[i].base <= end &&
				    e820[i].base + e820[i].len > end) {
					end = e820[i].base + e820[i].len;
					grown = 1;
				}
		}
		if (end > 0x100000000ull)
			end = 0x100000000ull;
		in.kib_88 = (uint16_t)((end - 0x100000) / 1024 > 0xffff ? 0xffff : (end - 0x100000) / 1024);
		in.e801_kib = (uint16_t)((end > 0x1000000 ? 0x1000000 : end) - 0x100000) / 1024;
		in.e801_blocks = (uint16_t)(end > 0x1000000 ? (end - 0x1000000) >> 16 : 0);
	}
	if (install_driver(&in, &out))
		die("not enough base memory for the driver");
	printf("memdisk: CD-ROM E0h, %u x 2048-byte sectors; driver at %x (%u bytes), mBFT at %x\n",
	       in.sectors, out.base, out.size, out.mbft);

	/* Load the boot image and start it. */
	memcpy(lin(load_seg * 16), p + load_rba * 2048, count * 512);
	memset(&r, 0, sizeof(r));
	r.edx = 0xe0;
	rm_boot((uint16_t)load_seg, 0, &r);
}
