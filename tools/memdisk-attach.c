/**
 * @file memdisk-attach.c
 *
 * memdisk-attach: find the image a memdisk left in RAM and make it a block
 * device through the best backend the kernel has (pmem, phram + mtdblock,
 * nbd served from /dev/mem, or a copy on a loop device); print the device.
 * A second run reports the existing device instead of making another.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attach/attach.h"
#include "attach/blockdev.h"
#include "find/finder.h"
#include "nbd/nbd.h"
#include "sha256.h"
#include "util.h"
#include "version.h"

/** In the order they are tried. */
static const struct backend *const backends[] = {
	&backend_pmem, &backend_phram, &backend_nbd, &backend_copy,
};
#define N_BACKENDS (sizeof(backends) / sizeof(backends[0]))

/**
 * An existing device must have the read-only state asked for: switch it
 * where the backend allows, else refuse.
 *
 * @return 0 when @p dev may be reported
 */
static int check_mode(const struct backend *b, const char *dev, int rw)
{
	const char *name = strrchr(dev, '/') + 1;
	int ro = blockdev_ro(name);

	if (ro == !rw)
		return 0;
	if (b->ro_switchable && blockdev_set_ro(dev, !rw) == 0)
		return 0;
	msg("%s is already attached %s: --detach it first to attach it %s", dev,
	    ro ? "read-only" : "writable", rw ? "writable" : "read-only");
	return -1;
}

/** Undo what memdisk-attach made at @p dev; refuse anything else. */
static int detach(const char *dev)
{
	const char *name = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	char sys[96];
	size_t i;

	snprintf(sys, sizeof(sys), "/sys/block/%s", name);
	if (!*name || access(sys, F_OK)) {
		msg("%s: no such block device", dev);
		return EXIT_ERROR;
	}
	for (i = 0; i < N_BACKENDS; i++)
		if (backends[i]->owns && backends[i]->owns(name))
			return backends[i]->detach(name) ? EXIT_ERROR : 0;
	msg("%s was not made by memdisk-attach: left alone", dev);
	return EXIT_ERROR;
}

/** Print usage on @p f. */
static void usage(FILE *f)
{
	fprintf(f,
		"Usage: memdisk-attach [--backend=NAME] [--rw] [--verbose]\n"
		"       memdisk-attach --detach DEVICE\n"
		"Find the disk image a memdisk loaded into RAM and make it a block device;\n"
		"print the device path.\n"
		"  -b, --backend=NAME  pmem, phram, nbd or copy (default: the first that works,\n"
		"                      in that order)\n"
		"  -w, --rw            writable device (default: read-only)\n"
		"  -d, --detach DEV    undo an attachment made by memdisk-attach\n"
		"  -s, --sha256        also print (on stderr) the sha256 of the image as the\n"
		"                      device reads it, to compare with a published checksum\n"
		"  -W, --memdisk-words print the memboot.NAME[=VALUE] words of the memdisk's\n"
		"                      command line (for hooks) and exit\n"
		"  -v, --verbose       say what is tried\n"
		"  -V, --version       print the version\n"
		"  -h, --help          print this help\n"
		"Exit status: 0 attached, 1 no image, 2 error.\n");
}

/**
 * Say the sha256 of the first @p len bytes of @p dev (the image's length:
 * a device may be longer).
 */
static void say_sha256(const char *dev, uint64_t len)
{
	static uint8_t buf[1 << 20];
	struct sha256 s;
	uint64_t left = len;
	char hex[65];
	int fd = open(dev, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		msg("%s: cannot open it for the sha256: %s", dev, strerror(errno));
		return;
	}
	sha256_init(&s);
	while (left) {
		ssize_t n = read(fd, buf, left < sizeof(buf) ? left : sizeof(buf));

		if (n <= 0) {
			msg("%s: read failed %llu bytes into the image: %s", dev,
			    (unsigned long long)(len - left), n ? strerror(errno) : "end of device");
			close(fd);
			return;
		}
		sha256_update(&s, buf, (size_t)n);
		left -= (uint64_t)n;
	}
	close(fd);
	sha256_hex(&s, hex);
	msg("sha256 %s (%s, the image's %llu bytes)", hex, dev, (unsigned long long)len);
}

/**
 * The memdisk's own command line may carry memboot.backend=NAME, memboot.rw
 * and memboot.sha256 for this side (an unmodified ISO's kernel command line
 * cannot be edited from a boot menu script): they apply where this
 * program's own options did not say otherwise.
 */
/**
 * The next blank-separated word of the memdisk's command line at *@p line
 * (its length in *@p n), or NULL at the end; *@p line moves past it.
 */
static const char *next_word(const char **line, size_t *n)
{
	const char *w = *line;

	while (*w == ' ' || *w == '\t')
		w++;
	for (*n = 0; w[*n] && w[*n] != ' ' && w[*n] != '\t'; (*n)++)
		;
	*line = w + *n;
	return *n ? w : NULL;
}

static void memdisk_words(const char *line, const char **only, int *rw, int *sha)
{
	static char backend[32];
	const char *p;
	size_t n;

	while ((p = next_word(&line, &n)) != NULL) {
		if (n > 16 && !strncmp(p, "memboot.backend=", 16) && !*only &&
		    n - 16 < sizeof(backend)) {
			memcpy(backend, p + 16, n - 16);
			backend[n - 16] = '\0';
			*only = backend;
		} else if ((n == 10 && !strncmp(p, "memboot.rw", 10)) ||
			   (n == 12 && !strncmp(p, "memboot.rw=1", 12))) {
			*rw = 1;
		} else if (n == 14 && !strncmp(p, "memboot.sha256", 14)) {
			*sha = 1;
		}
	}
}

/** --memdisk-words: the memboot.* words of the memdisk's command line, one line. */
static int memdisk_words_print(void)
{
	static struct finder_result fr;
	struct finder_opts fo = { 0 };
	const char *line, *p;
	size_t n;
	int rc, first = 1;

	rc = finder_run(&fo, &fr);
	if (rc != EXIT_FOUND)
		return rc;
	line = fr.scan.has_cmdline ? fr.scan.cmdline : "";
	while ((p = next_word(&line, &n)) != NULL) {
		if (n > 8 && !strncmp(p, "memboot.", 8)) {
			printf("%s%.*s", first ? "" : " ", (int)n, p);
			first = 0;
		}
	}
	printf("\n");
	return fflush(stdout) ? EXIT_ERROR : 0;
}

static int known_backend(const char *name)
{
	size_t i;

	for (i = 0; i < N_BACKENDS; i++)
		if (!strcmp(name, backends[i]->name))
			return 1;
	return 0;
}

/** Find the image and attach it with @p only (or each backend in turn). */
static int attach(const char *only, int rw, int sha)
{
	static struct finder_result fr;
	struct finder_opts fo = { 0 };
	char dev[128], why[N_BACKENDS][256];
	struct image im;
	unsigned tried = 0;
	size_t i;
	int rc;

	rc = finder_run(&fo, &fr);
	if (rc != EXIT_FOUND) {
		if (rc == EXIT_NOT_FOUND)
			msg("no memdisk image found%s", verbose ? "" : " (--verbose says why)");
		return rc;
	}
	if (fr.scan.has_cmdline) {
		const char *was = only;

		memdisk_words(fr.scan.cmdline, &only, &rw, &sha);
		if (only && only != was && !known_backend(only)) {
			msg("the memdisk command line names an unknown backend '%s' (pmem, phram, "
			    "nbd or copy)", only);
			return EXIT_ERROR;
		}
	}
	im.addr = fr.scan.image_addr;
	im.len = fr.scan.image_len;
	im.rw = rw;
	vmsg("image at %#llx, %llu bytes", (unsigned long long)im.addr,
	     (unsigned long long)im.len);

	/* Report what is already there rather than making a second device. */
	for (i = 0; i < N_BACKENDS; i++) {
		if (only && strcmp(only, backends[i]->name))
			continue;
		if (backends[i]->existing(&im, dev, sizeof(dev))) {
			vmsg("%s: already attached as %s", backends[i]->name, dev);
			if (check_mode(backends[i], dev, rw))
				return EXIT_ERROR;
			printf("%s\n", dev);
			if (fflush(stdout))
				return EXIT_ERROR;
			if (sha)
				say_sha256(dev, im.len);
			return 0;
		}
	}
	for (i = 0; i < N_BACKENDS; i++) {
		enum attach_rc ar;

		if (only && strcmp(only, backends[i]->name))
			continue;
		why[i][0] = '\0';
		vmsg("trying %s", backends[i]->name);
		ar = backends[i]->attach(&im, dev, sizeof(dev), why[i], sizeof(why[i]));
		tried |= 1u << i;
		if (ar == ATTACH_OK) {
			vmsg("%s: attached as %s", backends[i]->name, dev);
			printf("%s\n", dev);
			if (fflush(stdout))
				return EXIT_ERROR;
			if (sha)
				say_sha256(dev, im.len);
			return 0;
		}
		vmsg("%s: %s", backends[i]->name, why[i]);
	}
	for (i = 0; i < N_BACKENDS; i++)
		if (tried & (1u << i))
			msg("%s: %s", backends[i]->name, why[i]);
	msg("could not attach the image at %#llx (%llu bytes)", (unsigned long long)im.addr,
	    (unsigned long long)im.len);
	return EXIT_ERROR;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "rw", no_argument, NULL, 'w' },
		{ "detach", required_argument, NULL, 'd' },
		{ "sha256", no_argument, NULL, 's' },
		{ "memdisk-words", no_argument, NULL, 'W' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *only = NULL, *detach_dev = NULL;
	int c, rw = 0, sha = 0, words = 0;

	prog_name = "memdisk-attach";
	if (argc >= 2 && !strcmp(argv[1], "--nbd-daemon"))
		return nbd_daemon_main(argc, argv);
	while ((c = getopt_long(argc, argv, "b:wd:sWvVh", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			only = optarg;
			break;
		case 'w':
			rw = 1;
			break;
		case 'd':
			detach_dev = optarg;
			break;
		case 's':
			sha = 1;
			break;
		case 'W':
			words = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'V':
			printf("memdisk-attach (memboot) %s\n", MEMBOOT_VERSION);
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
	if (only) {
		if (!known_backend(only)) {
			msg("unknown backend '%s' (pmem, phram, nbd or copy)", only);
			return EXIT_ERROR;
		}
	}
	if (detach_dev)
		return detach(detach_dev);
	if (words)
		return memdisk_words_print();
	return attach(only, rw, sha);
}
