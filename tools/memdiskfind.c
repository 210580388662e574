/**
 * @file memdiskfind.c
 *
 * memdiskfind: find the disk image a memdisk left in RAM. With no arguments
 * it prints what SYSLINUX's memdiskfind prints ("ADDR,LEN" in hex) with the
 * same exit codes, so existing initramfs hooks work unchanged.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "find/describe.h"
#include "find/finder.h"
#include "util.h"
#include "version.h"

/** Print usage on @p f. */
static void usage(FILE *f)
{
	fprintf(f,
		"Usage: memdiskfind [--phram | --json] [--verbose] [--iomem FILE]\n"
		"                   [--mem FILE --base ADDR | --acpi FILE]\n"
		"Find the disk image a memdisk loaded into RAM.\n"
		"With no options, print ADDR,LEN in hex (as SYSLINUX memdiskfind does).\n"
		"  -p, --phram      print a phram parameter: memdisk,ADDR,LEN[,ERASESIZE]\n"
		"  -j, --json       print every field of the table as JSON\n"
		"  -v, --verbose    explain on stderr what was found or why nothing was\n"
		"  -m, --mem FILE   scan a memory dump instead of /dev/mem\n"
		"  -b, --base ADDR  physical address of the dump's first byte\n"
		"  -a, --acpi FILE  read only memboot's ACPI copy of the tables, from FILE\n"
		"                   (by default " FINDER_ACPI_TABLE " is read\n"
		"                   first when it exists, then base memory through /dev/mem)\n"
		"  -i, --iomem FILE memory map (/proc/iomem format) to check the image against\n"
		"  -V, --version    print the version\n"
		"  -h, --help       print this help\n"
		"Exit status: 0 found, 1 not found, 2 error.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "phram", no_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "mem", required_argument, NULL, 'm' },
		{ "base", required_argument, NULL, 'b' },
		{ "iomem", required_argument, NULL, 'i' },
		{ "acpi", required_argument, NULL, 'a' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct finder_opts fo = { 0 };
	static struct finder_result fr;
	int phram = 0, json = 0, have_base = 0, c, rc;
	uint64_t base = 0;

	prog_name = "memdiskfind";
	while ((c = getopt_long(argc, argv, "pjvm:b:i:a:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			phram = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'm':
			fo.mem_file = optarg;
			break;
		case 'b':
			if (parse_u64(optarg, &base) || base >= BASEMEM_TOP || (base & 15)) {
				msg("--base %s: expected a 16-byte aligned address below 0xa0000", optarg);
				return EXIT_ERROR;
			}
			have_base = 1;
			break;
		case 'i':
			fo.iomem_file = optarg;
			break;
		case 'a':
			fo.acpi_file = optarg;
			break;
		case 'V':
			printf("memdiskfind (memboot) %s\n", MEMBOOT_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (optind < argc) {
		msg("unexpected argument: %s", argv[optind]);
		usage(stderr);
		return EXIT_ERROR;
	}
	if (phram && json) {
		msg("--phram and --json cannot be combined");
		return EXIT_ERROR;
	}
	if (!!fo.mem_file != have_base) {
		msg("--mem and --base go together");
		return EXIT_ERROR;
	}
	fo.mem_base = (uint32_t)base;

	rc = finder_run(&fo, &fr);
	if (rc != EXIT_FOUND)
		return rc;

	if (fr.scan.from_acpi)
		vmsg("the ACPI copy of the mBFT%s: image at %#llx, %llu bytes (%u-byte sectors), "
		     "command line: %s", fr.scan.ext64 ? " (with memboot's 64-bit extension)" : "",
		     (unsigned long long)fr.scan.image_addr,
		     (unsigned long long)fr.scan.image_len, 1u << fr.scan.sector_shift,
		     fr.scan.cmdline);
	else
		vmsg("mBFT at %#x%s: image at %#llx, %llu bytes (%u-byte sectors)%s%s",
		     fr.scan.table_addr, fr.scan.ext64 ? " (with memboot's 64-bit extension)" : "",
		     (unsigned long long)fr.scan.image_addr,
		     (unsigned long long)fr.scan.image_len, 1u << fr.scan.sector_shift,
		     fr.scan.has_cmdline ? ", command line: " : "",
		     fr.scan.has_cmdline ? fr.scan.cmdline : "");
	if (json) {
		size_t need = describe_json(&fr.scan, NULL, 0);
		char *buf = malloc(need + 1);

		if (!buf) {
			msg("out of memory");
			return EXIT_ERROR;
		}
		describe_json(&fr.scan, buf, need + 1);
		fputs(buf, stdout);
		free(buf);
	} else if (phram) {
		char buf[96];
		long page = sysconf(_SC_PAGESIZE);

		describe_phram(fr.scan.image_addr, fr.scan.image_len,
			       page > 0 ? (uint32_t)page : 4096, buf, sizeof(buf));
		printf("%s\n", buf);
	} else {
		/* Byte for byte what SYSLINUX's memdiskfind prints; an image
		 * above 4 GiB (the 64-bit extension) in the same form, 64-bit. */
		printf("%#llx,%#llx\n", (unsigned long long)fr.scan.image_addr,
		       fr.scan.ext64 ? (unsigned long long)fr.scan.image_len
				     : (unsigned long long)(uint32_t)fr.scan.image_len);
	}
	if (fflush(stdout) || ferror(stdout)) {
		msg("write error on standard output");
		return EXIT_ERROR;
	}
	return EXIT_FOUND;
}
