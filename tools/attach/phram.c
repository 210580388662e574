/**
 * @file phram.c
 *
 * The phram backend: phram maps the physical range as an MTD device named
 * "memdisk" (Debian live-boot's name too), mtdblock makes it /dev/mtdblockN.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "blockdev.h"
#include "find/describe.h"
#include "kmod.h"
#include "util.h"

#define PHRAM_NAME "memdisk"

/** The number N of the mtd named PHRAM_NAME with @p len bytes; -1 if none. */
static int phram_mtd(uint64_t len)
{
	DIR *d = opendir("/sys/class/mtd");
	struct dirent *de;
	int found = -1;

	if (!d)
		return -1;
	while (found < 0 && (de = readdir(d))) {
		char p[300], *name;
		uint64_t size;
		unsigned num;
		char extra;

		if (sscanf(de->d_name, "mtd%u%c", &num, &extra) != 1)
			continue;  /* skip mtdNro and other entries */
		snprintf(p, sizeof(p), "/sys/class/mtd/%s/name", de->d_name);
		name = read_file(p, 256, NULL);
		if (!name)
			continue;
		snprintf(p, sizeof(p), "/sys/class/mtd/%s/size", de->d_name);
		if (!strcmp(name, PHRAM_NAME "\n") && !read_u64_file(p, &size) && size == len)
			found = (int)num;
		free(name);
	}
	closedir(d);
	return found;
}

/** The mtdblock device over our mtd. */
static int phram_existing(const struct image *im, char *dev, size_t n)
{
	int num = phram_mtd(im->len);
	char blk[32], p[64];

	if (num < 0)
		return 0;
	snprintf(blk, sizeof(blk), "mtdblock%d", num);
	snprintf(p, sizeof(p), "/sys/block/%s", blk);
	return access(p, F_OK) == 0 && blockdev_ensure_node(blk, dev, n) == 0;
}

/** phram with the image's range, then mtdblock. */
static enum attach_rc phram_attach(const struct image *im, char *dev, size_t n, char *why,
				   size_t wn)
{
	char param[128], arg[160];
	long page = sysconf(_SC_PAGESIZE);
	int i;

	if (!kmod_available("phram")) {
		snprintf(why, wn, "no phram module (kernels without CONFIG_MTD_PHRAM, "
			 "e.g. Fedora and RHEL)");
		return ATTACH_UNAVAILABLE;
	}
	describe_phram(im->addr, im->len, page > 0 ? (uint32_t)page : 4096, param, sizeof(param));
	vmsg("phram: %s", param);
	if (access("/sys/module/phram/parameters/phram", F_OK) == 0) {
		/* phram is loaded already: add a device through its parameter. */
		if (write_file("/sys/module/phram/parameters/phram", param)) {
			snprintf(why, wn, "phram refused %s: %s (see dmesg)", param, strerror(errno));
			return ATTACH_FAILED;
		}
	} else {
		snprintf(arg, sizeof(arg), "phram=%s", param);
		if (kmod_load((const char *const[]){ "phram", arg, NULL })) {
			snprintf(why, wn, "phram refused %s (see dmesg)", param);
			return ATTACH_FAILED;
		}
	}
	if (!kmod_available("mtdblock")) {
		snprintf(why, wn, "no mtdblock module (CONFIG_MTD_BLOCK)");
		return ATTACH_UNAVAILABLE;
	}
	kmod_load((const char *const[]){ "mtdblock", NULL });
	for (i = 0; i < 50 && !phram_existing(im, dev, n); i++)
		sleep_ms(100);
	if (i == 50) {
		snprintf(why, wn, "phram accepted %s but no mtdblock device appeared", param);
		return ATTACH_FAILED;
	}
	if (blockdev_set_ro(dev, !im->rw)) {
		snprintf(why, wn, "cannot make %s %s: %s", dev, im->rw ? "writable" : "read-only",
			 strerror(errno));
		return ATTACH_FAILED;
	}
	return ATTACH_OK;
}

/** An mtdblock device over an mtd named PHRAM_NAME. */
static int phram_owns(const char *name)
{
	char p[96], *mtdname;
	unsigned num;
	int ours;

	if (sscanf(name, "mtdblock%u", &num) != 1)
		return 0;
	snprintf(p, sizeof(p), "/sys/class/mtd/mtd%u/name", num);
	mtdname = read_file(p, 256, NULL);
	ours = mtdname && !strcmp(mtdname, PHRAM_NAME "\n");
	free(mtdname);
	return ours;
}

/** phram cannot drop one device: unload it (and mtdblock) whole. */
static int phram_detach(const char *name)
{
	kmod_load((const char *const[]){ "-r", "mtdblock", NULL });
	kmod_load((const char *const[]){ "-r", "phram", NULL });
	if (access("/sys/module/phram", F_OK) == 0) {
		msg("cannot unload phram (is /dev/%s still in use?)", name);
		return -1;
	}
	return 0;
}

const struct backend backend_phram = {
	.name = "phram",
	.ro_switchable = 1,
	.existing = phram_existing,
	.attach = phram_attach,
	.owns = phram_owns,
	.detach = phram_detach,
};
