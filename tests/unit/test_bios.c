/**
 * @file test_bios.c
 *
 * The BIOS loader's decisions: the top of base memory, the driver's place
 * (the fixpoint of its size and its reservation), the boot code's fit, the
 * drive counts and the floppy parameter table.
 */
#include "bios.h"
#include "test.h"

#define CAP 16

/** A map from (base, length, type) triples. */
static void load(struct e820_map *m, struct e820_entry *st, uint32_t cap,
		 const uint64_t (*t)[3], size_t n)
{
	size_t i;

	e820_init(m, st, cap);
	for (i = 0; i < n; i++)
		CHECK_EQ(e820_add(m, t[i][0], t[i][1], (uint32_t)t[i][2]), E820_OK);
	CHECK_EQ(e820_sanitize(m), E820_OK);
}

/** QEMU/SeaBIOS with 512 MiB. */
static const uint64_t qemu[][3] = {
	{ 0x00000, 0x9fc00, E820_RAM },  { 0x9fc00, 0x400, E820_RESERVED },
	{ 0xf0000, 0x10000, E820_RESERVED }, { 0x100000, 0x1fee0000, E820_RAM },
	{ 0x1ffe0000, 0x20000, E820_RESERVED }, { 0xfffc0000, 0x40000, E820_RESERVED },
};

/** Low RAM up to 640 KiB, no EBDA: the driver's reservation splits it. */
static const uint64_t no_ebda[][3] = {
	{ 0x00000, 0xa0000, E820_RAM }, { 0xf0000, 0x10000, E820_RESERVED },
	{ 0x100000, 0x1ff00000, E820_RAM },
};

static void test_top(void)
{
	struct e820_entry st[CAP];
	struct e820_map m;

	load(&m, st, CAP, qemu, 6);
	CHECK_EQ(bios_basemem_top(&m, 639), 0x9fc00);
	/* The BIOS's word says more than E820's low RAM: the lower wins. */
	CHECK_EQ(bios_basemem_top(&m, 640), 0x9fc00);
	/* A resident boot loader (iPXE) lowered the word. */
	CHECK_EQ(bios_basemem_top(&m, 600), 600 * 1024);
	/* Low RAM shorter than 64 KiB is not believed. */
	load(&m, st, CAP, (const uint64_t[][3]){ { 0, 0x8000, E820_RAM } }, 1);
	CHECK_EQ(bios_basemem_top(&m, 639), 639 * 1024);
}

/** The reservation covers the driver up to 640 KiB and the map it carries. */
static void check_placed(const struct e820_map *m, uint32_t base, uint32_t top,
			 uint32_t fixed)
{
	CHECK_EQ(base % 1024, 0);
	CHECK(base + fixed + m->n * 20 <= top);
	CHECK(e820_range_is(m, base & ~4095u, 0xa0000 - (base & ~4095u), E820_RESERVED));
	CHECK(!e820_range_is(m, (base & ~4095u) - 4096, 4096, E820_RESERVED));
}

static void test_place(void)
{
	struct e820_entry st[CAP], saved[CAP];
	struct e820_map m;
	uint32_t base, n;

	/* QEMU: the driver's pages join the EBDA's reserved entry. */
	load(&m, st, CAP, qemu, 6);
	CHECK_EQ(bios_place_driver(&m, saved, 0x9fc00, 0x800, 20, &base), BIOS_OK);
	CHECK_EQ(m.n, 6);
	CHECK_EQ(base, (0x9fc00 - 0x800 - 6 * 20) & ~1023u);
	check_placed(&m, base, 0x9fc00, 0x800);

	/* No EBDA: the reservation adds an entry, so the driver carries one
	 * more record than the map had; with the size just at a 1 KiB
	 * boundary, that moves the driver down by 1 KiB. */
	load(&m, st, CAP, no_ebda, 3);
	n = m.n;
	CHECK_EQ(bios_place_driver(&m, saved, 0xa0000, 0x1000 - n * 20, 20, &base), BIOS_OK);
	CHECK_EQ(m.n, n + 1);
	CHECK_EQ(base, 0xa0000 - 0x1000 - 1024);
	check_placed(&m, base, 0xa0000, 0x1000 - n * 20);

	/* A top below 640 KiB (iPXE resident): reserved up to 640 KiB anyway. */
	load(&m, st, CAP, qemu, 6);
	CHECK_EQ(bios_place_driver(&m, saved, 0x96000, 0x800, 20, &base), BIOS_OK);
	check_placed(&m, base, 0x96000, 0x800);

	/* Not enough base memory: the map is untouched. */
	load(&m, st, CAP, qemu, 6);
	CHECK_EQ(bios_place_driver(&m, saved, 0x10400, 0x800, 20, &base), BIOS_E_NO_ROOM);
	CHECK_EQ(bios_place_driver(&m, saved, 0x400, 0x800, 20, &base), BIOS_E_NO_ROOM);
	CHECK_EQ(m.n, 6);
	CHECK(e820_range_is(&m, 0, 0x9fc00, E820_RAM));

	/* A map with no room for the reservation: as it was. */
	load(&m, st, 3, no_ebda, 3);
	CHECK_EQ(bios_place_driver(&m, saved, 0xa0000, 0x800, 20, &base), BIOS_E_MAP_FULL);
	CHECK_EQ(m.n, 3);
	CHECK(e820_range_is(&m, 0, 0xa0000, E820_RAM));
}

static void test_boot_fits(void)
{
	struct diskplan p;

	memset(&p, 0, sizeof(p));
	p.boot_segment = 0x7c0;
	p.boot_bytes = 512;
	CHECK_EQ(bios_boot_fits(&p, 0x9f000), BIOS_OK);
	p.boot_bytes = 0;
	CHECK_EQ(bios_boot_fits(&p, 0x9f000), BIOS_E_BOOT_SIZE);
	p.boot_bytes = BIOS_BOOT_MAX + 1;
	CHECK_EQ(bios_boot_fits(&p, 0x9f000), BIOS_E_BOOT_SIZE);
	/* Up to the driver, not into it. */
	p.boot_segment = 0x1f00;
	p.boot_bytes = 0x9e000 - 0x1f000;
	CHECK_EQ(bios_boot_fits(&p, 0x9e000), BIOS_OK);
	p.boot_bytes++;
	CHECK_EQ(bios_boot_fits(&p, 0x9e000), BIOS_E_BOOT_FIT);
	/* Over the loader's real-mode part (at 0x10000 or 0x90000): fine, the
	 * driver copies it last. isolinux.bin whole from 0x7C00: */
	p.boot_bytes = 38912;
	p.boot_segment = 0x7c0;
	CHECK_EQ(bios_boot_fits(&p, 0x9f000), BIOS_OK);
	/* Not over the BIOS data area. */
	p.boot_segment = 0x40;
	CHECK_EQ(bios_boot_fits(&p, 0x9f000), BIOS_E_BOOT_FIT);
}

static void test_drives(void)
{
	struct diskplan p;
	struct options o;

	CHECK_EQ(bios_floppies(0x0000), 0);
	CHECK_EQ(bios_floppies(0x0001), 1);
	CHECK_EQ(bios_floppies(0x0041), 2);
	CHECK_EQ(bios_floppies(0x00c1), 4);
	CHECK_EQ(bios_floppies(0x00c0), 0);  /* bit 0 clear: none, whatever the count */

	/* kind, drive, nopass, nopassany, equipment word, hard disks: count */
	static const struct {
		int kind;
		uint8_t drive;
		int nopass, nopassany;
		uint16_t equipment;
		uint8_t hd_count, want;
	} t[] = {
		{ DISKPLAN_FLOPPY, 0x00, 0, 0, 0x0000, 1, 1 },
		{ DISKPLAN_FLOPPY, 0x00, 0, 0, 0x0041, 1, 3 },
		{ DISKPLAN_FLOPPY, 0x00, 1, 0, 0x0041, 1, 1 },
		{ DISKPLAN_HARDDISK, 0x80, 0, 0, 0x0041, 1, 2 },
		{ DISKPLAN_HARDDISK, 0x80, 0, 0, 0x0041, 0, 1 },
		{ DISKPLAN_HARDDISK, 0x80, 0, 1, 0x0041, 3, 1 },
		{ DISKPLAN_CDROM, 0xe0, 0, 0, 0x0041, 3, 1 },
		/* harddisk=N / floppy=N past the BIOS's drives: counted up to N */
		{ DISKPLAN_HARDDISK, 0x83, 0, 0, 0x0041, 1, 4 },
		{ DISKPLAN_HARDDISK, 0x81, 0, 0, 0x0041, 2, 3 },
		{ DISKPLAN_HARDDISK, 0x82, 1, 0, 0x0041, 2, 3 },
		{ DISKPLAN_FLOPPY, 0x01, 0, 0, 0x0000, 0, 2 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&p, 0, sizeof(p));
		p.kind = t[i].kind;
		p.drive = t[i].drive;
		p.nopass = t[i].nopass;
		p.nopassany = t[i].nopassany;
		CHECK_EQ(bios_drive_count(&p, t[i].equipment, t[i].hd_count), t[i].want);
	}

	options_parse("", &o);
	CHECK_EQ(bios_floppy_dpt(&o, 0x0000), 1);
	CHECK_EQ(bios_floppy_dpt(&o, 0x0001), 0);
	options_parse("dpt", &o);
	CHECK_EQ(bios_floppy_dpt(&o, 0x0001), 1);
	options_parse("nodpt", &o);
	CHECK_EQ(bios_floppy_dpt(&o, 0x0000), 0);
}

void test_bios(void)
{
	test_top();
	test_place();
	test_boot_fits();
	test_drives();
}
