/**
 * @file test_efiopt.c
 *
 * memdisk.efi's command line and configuration file (lib/efiopt.c).
 */
#include "efiopt.h"
#include "test.h"

static void test_words(void)
{
	struct efiopt o;

	/* iPXE: "<image name> <command line>"; the name is skipped. */
	CHECK_EQ(efiopt_parse("memdisk.efi iso image=x.iso", 1, &o), OPTIONS_OK);
	CHECK(o.skipped_name);
	CHECK_EQ(o.n_words, 2);
	CHECK(o.bios.iso);
	CHECK_STR(o.image, "x.iso");
	CHECK_STR(o.loader, EFIOPT_DEFAULT_LOADER);
	CHECK_EQ(o.place, EFIOPT_PLACE_AUTO);
	CHECK_EQ(o.disk, EFIOPT_DISK_AUTO);
	CHECK_EQ(o.inject, EFIOPT_INJECT_AUTO);
	CHECK_EQ(efiopt_parse("noinject memboot.sha256", 1, &o), OPTIONS_OK);
	CHECK_EQ(o.inject, EFIOPT_INJECT_OFF);
	CHECK_EQ(o.bios.n_unknown, 0);
	CHECK_EQ(efiopt_parse("noinject inject", 1, &o), OPTIONS_OK);
	CHECK_EQ(o.inject, EFIOPT_INJECT_ON);

	/* GRUB: only the arguments; the first one is an option, not a name. */
	CHECK_EQ(efiopt_parse("image=/isos/x.iso iso", 1, &o), OPTIONS_OK);
	CHECK(!o.skipped_name);
	CHECK_STR(o.image, "/isos/x.iso");
	CHECK_EQ(efiopt_parse("iso", 1, &o), OPTIONS_OK);
	CHECK(!o.skipped_name && o.bios.iso);

	/* The name alone: no options (then the configuration file is read). */
	CHECK_EQ(efiopt_parse("memdisk.efi", 1, &o), OPTIONS_OK);
	CHECK_EQ(o.n_words, 0);
	CHECK_EQ(efiopt_parse(NULL, 1, &o), OPTIONS_OK);
	CHECK_EQ(o.n_words, 0);

	/* memdisk.efi's own words, quotes, and bad values. */
	CHECK_EQ(efiopt_parse("x place=high disk=own quiet loader=\\EFI\\x.efi "
			      "image=\"my disk.img\" harddisk ro",
			      1, &o), OPTIONS_OK);
	CHECK_EQ(o.place, EFIOPT_PLACE_HIGH);
	CHECK_EQ(o.disk, EFIOPT_DISK_OWN);
	CHECK(o.quiet);
	CHECK_STR(o.loader, "\\EFI\\x.efi");
	CHECK_STR(o.image, "my disk.img");
	CHECK_EQ(o.bios.force, OPTIONS_FORCE_HARDDISK);
	CHECK(o.bios.ro);
	CHECK_EQ(efiopt_parse("place=middle disk= image=", 0, &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.n_bad, 3);
	CHECK_EQ(o.bios.n_errors, 3);
	CHECK_STR(o.bios.errors[0].word, "place=middle");
	CHECK_EQ(o.place, EFIOPT_PLACE_AUTO);
	CHECK_STR(o.image, "");

	/* BIOS-only words are listed as ignored; unknown words as unknown. */
	CHECK_EQ(efiopt_parse("iso raw c=10 mem=1G frobnicate=1 pmem", 0, &o), OPTIONS_OK);
	CHECK_EQ(o.n_ignored, 4);
	CHECK_STR(o.ignored[0], "raw");
	CHECK_STR(o.ignored[3], "pmem");
	CHECK_EQ(o.bios.n_unknown, 1);
	CHECK_STR(o.bios.unknown[0], "frobnicate=1");
	CHECK(efiopt_bios_only("stack=4K"));
	CHECK(efiopt_bios_only("a20=kbc"));
	CHECK(!efiopt_bios_only("iso"));

	/* A BIOS word with a bad value still reports through options_parse. */
	CHECK_EQ(efiopt_parse("floppy=abc image=a", 0, &o), OPTIONS_E_INVALID);
	CHECK_EQ(o.bios.n_errors, 1);
	CHECK_STR(o.image, "a");
}

static void test_config(void)
{
	char line[64];
	static const char text[] = "# memdisk.efi options\r\nimage=/debian.iso  # the ISO\r\n"
				   "\tiso\n\nplace=low";

	CHECK_EQ(efiopt_config_line(text, sizeof(text) - 1, line, sizeof(line)),
		 strlen("image=/debian.iso iso place=low"));
	CHECK_STR(line, "image=/debian.iso iso place=low");
	/* Cut at a whole word. */
	CHECK_EQ(efiopt_config_line("aaaa bbbb cccc", 14, line, 12), 9);
	CHECK_STR(line, "aaaa bbbb");
	CHECK_EQ(efiopt_config_line("abcdefghijkl", 12, line, 5), 0);
	CHECK_STR(line, "");
	CHECK_EQ(efiopt_config_line("a\0b", 3, line, sizeof(line)), 3);
	CHECK_STR(line, "a b");
}

void test_efiopt(void)
{
	test_words();
	test_config();
}
