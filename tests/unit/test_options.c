/**
 * @file test_options.c
 *
 * The memdisk command-line parser: every option, the lines real boot
 * loaders produce, unknown words, malformed values and number edge cases.
 */
#include "options.h"
#include "test.h"

void test_options(void);

/** Command lines as boot loaders build them. */
static void test_loader_lines(void)
{
	static struct options o;

	/* PXELINUX: APPEND iso raw + INITRD; it adds initrd= and BOOT_IMAGE=. */
	CHECK_EQ(options_parse("initrd=images/debian.iso iso raw BOOT_IMAGE=memdisk", &o),
		 OPTIONS_OK);
	CHECK_EQ(o.iso, 1);
	CHECK_EQ(o.himem, OPTIONS_HIMEM_RAW);
	CHECK_EQ(o.n_unknown, 0);
	CHECK_EQ(o.n_errors, 0);

	/* Words for memboot's Linux side pass silently; "memboot." alone is unknown. */
	CHECK_EQ(options_parse("iso memboot.sha256 memboot.backend=nbd memboot.", &o), OPTIONS_OK);
	CHECK_EQ(o.iso, 1);
	CHECK_EQ(o.n_unknown, 1);
	CHECK_EQ(o.n_errors, 0);

	/* iPXE: kernel memdisk iso raw */
	CHECK_EQ(options_parse("iso raw", &o), OPTIONS_OK);
	CHECK_EQ(o.iso, 1);
	CHECK_EQ(o.himem, OPTIONS_HIMEM_RAW);

	/* GRUB 2 linux16 /memdisk harddisk c=1024 h=16 s=63 */
	CHECK_EQ(options_parse("BOOT_IMAGE=/memdisk harddisk c=1024 h=16 s=63", &o), OPTIONS_OK);
	CHECK_EQ(o.force, OPTIONS_FORCE_HARDDISK);
	CHECK_EQ(o.drive_given, 0);
	CHECK_EQ(o.c, 1024);
	CHECK_EQ(o.h, 16);
	CHECK_EQ(o.s, 63);
	CHECK_EQ(o.chs_given, OPTIONS_CHS_C | OPTIONS_CHS_H | OPTIONS_CHS_S);

	/* QEMU -append, with tabs, newline and extra blanks. */
	CHECK_EQ(options_parse("  floppy\tro \n pause  ", &o), OPTIONS_OK);
	CHECK_EQ(o.force, OPTIONS_FORCE_FLOPPY);
	CHECK_EQ(o.ro, 1);
	CHECK_EQ(o.pause, 1);

	/* SYSLINUX quoting and the other loader words. */
	CHECK_EQ(options_parse("initrd=\"my image.img\" vga=791 keeppxe iso", &o), OPTIONS_OK);
	CHECK_EQ(o.iso, 1);
	CHECK_EQ(o.n_unknown, 0);

	/* Empty and NULL lines. */
	CHECK_EQ(options_parse("", &o), OPTIONS_OK);
	CHECK_EQ(o.iso, 0);
	CHECK_EQ(options_parse(NULL, &o), OPTIONS_OK);
	CHECK_EQ(o.n_unknown, 0);
	CHECK_EQ(options_parse("   \t\n", &o), OPTIONS_OK);
	CHECK_EQ(options_parse("iso", NULL), OPTIONS_E_ARG);
}

/** Every flag, and which words alias which. */
static void test_flags(void)
{
	static struct options o;

	CHECK_EQ(options_parse("iso ro nopass nopassany pause pmem", &o), OPTIONS_OK);
	CHECK(o.iso && o.ro && o.nopass && o.nopassany && o.pause && o.pmem);
	CHECK_EQ(o.edd, OPTIONS_TRI_DEFAULT);
	CHECK_EQ(o.dpt, OPTIONS_TRI_DEFAULT);
	CHECK_EQ(o.himem, OPTIONS_HIMEM_DEFAULT);
	CHECK_EQ(o.force, OPTIONS_FORCE_NONE);
	CHECK_EQ(o.mem_given, 0);
	CHECK_EQ(o.stack, 0);

	CHECK_EQ(options_parse("edd", &o), 0);
	CHECK_EQ(o.edd, OPTIONS_TRI_ON);
	CHECK_EQ(options_parse("ebios", &o), 0);
	CHECK_EQ(o.edd, OPTIONS_TRI_ON);
	CHECK_EQ(options_parse("noedd", &o), 0);
	CHECK_EQ(o.edd, OPTIONS_TRI_OFF);
	CHECK_EQ(options_parse("noebios", &o), 0);
	CHECK_EQ(o.edd, OPTIONS_TRI_OFF);
	CHECK_EQ(options_parse("cbios", &o), 0);
	CHECK_EQ(o.edd, OPTIONS_TRI_OFF);
	CHECK_EQ(options_parse("noedd edd", &o), 0);
	CHECK_EQ(o.edd, OPTIONS_TRI_ON);
	CHECK_EQ(options_parse("edd cbios", &o), 0);
	CHECK_EQ(o.edd, OPTIONS_TRI_OFF);

	CHECK_EQ(options_parse("dpt", &o), 0);
	CHECK_EQ(o.dpt, OPTIONS_TRI_ON);
	CHECK_EQ(options_parse("dpt nodpt", &o), 0);
	CHECK_EQ(o.dpt, OPTIONS_TRI_OFF);

	/* The last access mode wins. */
	CHECK_EQ(options_parse("safeint", &o), 0);
	CHECK_EQ(o.himem, OPTIONS_HIMEM_SAFEINT);
	CHECK_EQ(options_parse("int", &o), 0);
	CHECK_EQ(o.himem, OPTIONS_HIMEM_INT);
	CHECK_EQ(options_parse("bigraw", &o), 0);
	CHECK_EQ(o.himem, OPTIONS_HIMEM_BIGRAW);
	CHECK_EQ(options_parse("raw int bigraw safeint", &o), 0);
	CHECK_EQ(o.himem, OPTIONS_HIMEM_SAFEINT);
	CHECK_EQ(options_parse("safeint raw", &o), 0);
	CHECK_EQ(o.himem, OPTIONS_HIMEM_RAW);

	/* Case-sensitive, whole words only. */
	CHECK_EQ(options_parse("ISO Raw isos r", &o), 0);
	CHECK_EQ(o.iso, 0);
	CHECK_EQ(o.himem, OPTIONS_HIMEM_DEFAULT);
	CHECK_EQ(o.n_unknown, 4);
	CHECK_STR(o.unknown[0], "ISO");
	CHECK_STR(o.unknown[3], "r");

	/* A flag with a value is an error, and leaves the flag unset. */
	CHECK_EQ(options_parse("iso=1 ro", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.iso, 0);
	CHECK_EQ(o.ro, 1);
	CHECK_EQ(o.n_errors, 1);
	CHECK_STR(o.errors[0].word, "iso=1");
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_NOVALUE);
	CHECK_EQ(options_parse("raw=", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.himem, OPTIONS_HIMEM_DEFAULT);
}

/** floppy[=N], harddisk[=N]. */
static void test_force(void)
{
	static struct options o;

	CHECK_EQ(options_parse("floppy", &o), 0);
	CHECK_EQ(o.force, OPTIONS_FORCE_FLOPPY);
	CHECK_EQ(o.drive_given, 0);
	CHECK_EQ(options_parse("floppy=1", &o), 0);
	CHECK_EQ(o.force, OPTIONS_FORCE_FLOPPY);
	CHECK_EQ(o.drive_given, 1);
	CHECK_EQ(o.drive, 1);
	CHECK_EQ(options_parse("harddisk=0x81", &o), 0);
	CHECK_EQ(o.force, OPTIONS_FORCE_HARDDISK);
	CHECK_EQ(o.drive, 0x81);
	CHECK_EQ(options_parse("harddisk=255", &o), 0);
	CHECK_EQ(o.drive, 0xff);
	/* The last one wins, with or without a number. */
	CHECK_EQ(options_parse("harddisk=0x82 floppy", &o), 0);
	CHECK_EQ(o.force, OPTIONS_FORCE_FLOPPY);
	CHECK_EQ(o.drive_given, 0);
	CHECK_EQ(options_parse("floppy harddisk", &o), 0);
	CHECK_EQ(o.force, OPTIONS_FORCE_HARDDISK);
	/* Bad numbers: recorded, the option not applied. */
	CHECK_EQ(options_parse("harddisk=256", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.force, OPTIONS_FORCE_NONE);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_RANGE);
	CHECK_EQ(options_parse("floppy=a", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_NUMBER);
	CHECK_EQ(options_parse("floppy=", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_MISSING);
	CHECK_EQ(o.force, OPTIONS_FORCE_NONE);
	CHECK_EQ(options_parse("floppy=0x", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_NUMBER);
}

/** c=, h=, s=, offset=: numbers and their edge cases. */
static void test_numbers(void)
{
	static struct options o;

	CHECK_EQ(options_parse("c=80 h=2 s=18", &o), 0);
	CHECK_EQ(o.c, 80);
	CHECK_EQ(o.h, 2);
	CHECK_EQ(o.s, 18);
	CHECK_EQ(options_parse("s=0", &o), 0);   /* given; geometry rejects it */
	CHECK_EQ(o.chs_given, OPTIONS_CHS_S);
	CHECK_EQ(o.s, 0);
	CHECK_EQ(options_parse("h=0x10 c=0X3ff", &o), 0);
	CHECK_EQ(o.h, 16);
	CHECK_EQ(o.c, 1023);
	CHECK_EQ(options_parse("c=010", &o), 0);  /* not octal */
	CHECK_EQ(o.c, 10);
	CHECK_EQ(options_parse("c=4294967295", &o), 0);
	CHECK_EQ(o.c, 0xffffffffu);
	CHECK_EQ(options_parse("c=4294967296", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_RANGE);
	CHECK_EQ(o.chs_given, 0);
	CHECK_EQ(options_parse("c=abc", &o), OPTIONS_E_INVALID);
	CHECK_STR(o.errors[0].word, "c=abc");
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_NUMBER);
	CHECK_EQ(options_parse("c=", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_MISSING);
	CHECK_EQ(options_parse("c", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_MISSING);
	CHECK_EQ(options_parse("h=-1", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_NUMBER);
	CHECK_EQ(options_parse("h=12-", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_NUMBER);
	CHECK_EQ(options_parse("s=18K", &o), OPTIONS_E_INVALID);  /* no suffixes */
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_SUFFIX);
	CHECK_EQ(options_parse("c=0x1g", &o), OPTIONS_E_INVALID);
	CHECK_EQ(options_parse("s=1 2", &o), OPTIONS_OK);  /* no blanks in values */
	CHECK_EQ(o.n_unknown, 1);
	CHECK_EQ(o.s, 1);

	/* offset: 64-bit, with suffixes. */
	CHECK_EQ(options_parse("offset=32256", &o), 0);
	CHECK_EQ(o.offset, 32256);
	CHECK_EQ(options_parse("offset=0x7e00", &o), 0);
	CHECK_EQ(o.offset, 0x7e00);
	CHECK_EQ(options_parse("offset=1M", &o), 0);
	CHECK_EQ(o.offset, 1 << 20);
	CHECK_EQ(options_parse("offset=18446744073709551615", &o), 0);
	CHECK_EQ(o.offset, 0xffffffffffffffffull);
	CHECK_EQ(options_parse("offset=18446744073709551616", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_RANGE);
	CHECK_EQ(options_parse("offset=0x10000000000000000", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_RANGE);
	CHECK_EQ(options_parse("offset=99999999999999999999999999", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_RANGE);
	CHECK_EQ(o.offset, 0);
}

/** mem= and stack=. */
static void test_sizes(void)
{
	static struct options o;

	CHECK_EQ(options_parse("mem=512M", &o), 0);
	CHECK_EQ(o.mem_given, 1);
	CHECK_EQ(o.mem, 512ull << 20);
	CHECK_EQ(options_parse("mem=3g", &o), 0);
	CHECK_EQ(o.mem, 3ull << 30);
	CHECK_EQ(options_parse("mem=65536k", &o), 0);
	CHECK_EQ(o.mem, 64ull << 20);
	CHECK_EQ(options_parse("mem=0x8000000", &o), 0);
	CHECK_EQ(o.mem, 0x8000000);
	CHECK_EQ(options_parse("mem=16G", &o), 0);
	CHECK_EQ(o.mem, 16ull << 30);
	CHECK_EQ(options_parse("mem=17179869183G", &o), 0);  /* (2^34 - 1) GiB fits */
	CHECK_EQ(o.mem, 17179869183ull << 30);
	CHECK_EQ(options_parse("mem=17179869184G", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_RANGE);
	CHECK_EQ(o.mem_given, 0);
	CHECK_EQ(options_parse("mem=12X", &o), OPTIONS_E_INVALID);
	CHECK_STR(o.errors[0].word, "mem=12X");
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_SUFFIX);
	CHECK_EQ(options_parse("mem=12MB", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_SUFFIX);
	CHECK_EQ(options_parse("mem=M", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_NUMBER);
	CHECK_EQ(options_parse("mem=0", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_RANGE);
	CHECK_EQ(options_parse("mem=", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_MISSING);
	/* A bad value keeps the earlier good one. */
	CHECK_EQ(options_parse("mem=1G mem=2Q", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.mem, 1ull << 30);

	CHECK_EQ(options_parse("stack=4096", &o), 0);
	CHECK_EQ(o.stack, 4096);
	CHECK_EQ(options_parse("stack=8K", &o), 0);
	CHECK_EQ(o.stack, 8192);
	CHECK_EQ(options_parse("stack=60K", &o), 0);
	CHECK_EQ(o.stack, OPTIONS_STACK_MAX);
	CHECK_EQ(options_parse("stack=61K", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_RANGE);
	CHECK_EQ(o.stack, 0);
	CHECK_EQ(options_parse("stack=1M", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_SUFFIX);
	CHECK_EQ(options_parse("stack=0x100000000", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_RANGE);

	/* a20=: the three methods, exact words only. */
	CHECK_EQ(options_parse("", &o), 0);
	CHECK_EQ(o.a20, OPTIONS_A20_AUTO);
	CHECK_EQ(options_parse("a20=bios", &o), 0);
	CHECK_EQ(o.a20, OPTIONS_A20_BIOS);
	CHECK_EQ(options_parse("iso a20=kbc raw", &o), 0);
	CHECK_EQ(o.a20, OPTIONS_A20_KBC);
	CHECK_EQ(o.himem, OPTIONS_HIMEM_RAW);
	CHECK_EQ(options_parse("a20=fast", &o), 0);
	CHECK_EQ(o.a20, OPTIONS_A20_FAST);
	CHECK_EQ(options_parse("a20=kbcx", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_A20);
	CHECK_EQ(o.a20, OPTIONS_A20_AUTO);
	CHECK_EQ(options_parse("a20=fas", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_A20);
	CHECK_EQ(options_parse("a20=", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_MISSING);
	CHECK_EQ(options_parse("a20", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.errors[0].reason, OPTIONS_R_MISSING);
}

/** Unknown words and error records: limits and cutting. */
static void test_records(void)
{
	static struct options o;
	char line[512];

	CHECK_EQ(options_parse("a b d e f g i j k l iso", &o), OPTIONS_OK);
	CHECK_EQ(o.n_unknown, 10);
	CHECK_STR(o.unknown[0], "a");
	CHECK_STR(o.unknown[7], "j");
	CHECK_EQ(o.iso, 1);
	/* A bare value-option name is a missing value, not an unknown word. */
	CHECK_EQ(options_parse("a c h", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.n_unknown, 1);
	CHECK_EQ(o.n_errors, 2);

	CHECK_EQ(options_parse("c=x c=y c=z h=x h=y h=z s=x s=y s=z", &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.n_errors, 9);
	CHECK_STR(o.errors[7].word, "s=y");
	CHECK_EQ(o.chs_given, 0);

	/* Words longer than 32 characters are cut. */
	memset(line, 'x', 40);
	line[40] = '\0';
	CHECK_EQ(options_parse(line, &o), OPTIONS_OK);
	CHECK_EQ(strlen(o.unknown[0]), OPTIONS_WORD_MAX);
	strcpy(line, "mem=123456789012345678901234567890123456789");
	CHECK_EQ(options_parse(line, &o), OPTIONS_E_INVALID);
	CHECK_EQ(strlen(o.errors[0].word), OPTIONS_WORD_MAX);
	CHECK(!strncmp(o.errors[0].word, line, OPTIONS_WORD_MAX));

	/* An unterminated quote runs to the end of the line. */
	CHECK_EQ(options_parse("initrd=\"a b iso", &o), OPTIONS_OK);
	CHECK_EQ(o.iso, 0);
	CHECK_EQ(options_parse("\"iso\"", &o), OPTIONS_OK);
	CHECK_EQ(o.n_unknown, 1);

	/* Words that look like options with '=' but are unknown. */
	CHECK_EQ(options_parse("foo=bar =x", &o), OPTIONS_OK);
	CHECK_EQ(o.n_unknown, 2);
	CHECK_STR(o.unknown[0], "foo=bar");
	CHECK_STR(o.unknown[1], "=x");

	CHECK_STR(options_reason_str(OPTIONS_R_SUFFIX), "unknown size suffix");
	CHECK_STR(options_reason_str(99), "unknown error");
	CHECK_STR(options_reason_str(OPTIONS_R_NONE), "no error");
}

void test_options(void)
{
	test_loader_lines();
	test_flags();
	test_force();
	test_numbers();
	test_sizes();
	test_records();
}
