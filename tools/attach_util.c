/**
 * @file attach_util.c
 *
 * Block-device helpers shared by memdisk-attach's backends: walking
 * /sys/block, read-only state, module availability, loop devices.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "attach.h"
#include "kapi.h"
#include "util.h"

int for_each_block(const char *prefix, int (*fn)(const char *name, void *ctx), void *ctx)
{
	DIR *d = opendir("/sys/block");
	size_t pl = strlen(prefix);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return 0;
	while (!rc && (de = readdir(d)))
		if (!strncmp(de->d_name, prefix, pl))
			rc = fn(de->d_name, ctx);
	closedir(d);
	return rc;
}

int block_size(const char *name, uint64_t *bytes)
{
	char p[128];
	uint64_t sectors;

	snprintf(p, sizeof(p), "/sys/block/%s/size", name);
	if (read_u64_file(p, &sectors))
		return -1;
	*bytes = sectors * 512;
	return 0;
}

int block_ro(const char *name)
{
	char p[128];
	uint64_t ro;

	snprintf(p, sizeof(p), "/sys/block/%s/ro", name);
	if (read_u64_file(p, &ro))
		return -1;
	return ro ? 1 : 0;
}

int block_set_ro(const char *dev, int ro)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = ioctl(fd, KAPI_BLKROSET, &ro);
	close(fd);
	return rc;
}

char *block_attr(const char *name, const char *file)
{
	char p[160], *s;
	size_t l;

	snprintf(p, sizeof(p), "/sys/block/%s/%s", name, file);
	s = read_file(p, 4096, NULL);
	if (!s)
		return NULL;
	l = strlen(s);
	while (l && s[l - 1] == '\n')
		s[--l] = '\0';
	return s;
}

/** Does a modules.* file of the running kernel mention "/NAME.ko"? */
static int listed(const char *file, const char *name)
{
	struct utsname u;
	char p[256], pat[96];
	char *text;
	int found;

	if (uname(&u))
		return 0;
	snprintf(p, sizeof(p), "/lib/modules/%s/%s", u.release, file);
	text = read_file(p, 64 << 20, NULL);
	if (!text)
		return 0;
	snprintf(pat, sizeof(pat), "/%s.ko", name);
	found = strstr(text, pat) != NULL;
	free(text);
	return found;
}

int module_available(const char *name)
{
	char p[128];

	snprintf(p, sizeof(p), "/sys/module/%s", name);
	return access(p, F_OK) == 0 || listed("modules.dep", name) ||
	       listed("modules.builtin", name);
}

/** State of loop_find's walk. */
struct loop_query {
	const char *backing;
	uint64_t offset;
	char *dev;
	size_t n;
};

/** loop_find's per-device test. */
static int loop_match(const char *name, void *ctx)
{
	struct loop_query *q = ctx;
	char *bf = block_attr(name, "loop/backing_file");
	char p[128];
	uint64_t off = 0;
	int hit;

	if (!bf)
		return 0;
	snprintf(p, sizeof(p), "/sys/block/%s/loop/offset", name);
	read_u64_file(p, &off);
	hit = !strcmp(bf, q->backing) && off == q->offset;
	free(bf);
	if (hit)
		snprintf(q->dev, q->n, "/dev/%s", name);
	return hit;
}

int loop_find(const char *backing, uint64_t offset, char *dev, size_t n)
{
	struct loop_query q = { backing, offset, dev, n };

	return for_each_block("loop", loop_match, &q);
}

/** struct loop_config of LOOP_CONFIGURE (Linux 5.8+). */
struct kapi_loop_config {
	uint32_t fd, block_size;
	struct kapi_loop_info64 info;
	uint64_t reserved[8];
};

/** Configure loop device @p lfd over @p fd in one go or the old way. */
static int loop_configure(int lfd, int fd, const struct kapi_loop_info64 *info)
{
	struct kapi_loop_config cfg;
	int tries;

	memset(&cfg, 0, sizeof(cfg));
	cfg.fd = (uint32_t)fd;
	cfg.info = *info;
	if (ioctl(lfd, KAPI_LOOP_CONFIGURE, &cfg) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOTTY)
		return -1;
	/* Kernels before 5.8: set the file, then the offset and flags. */
	if (ioctl(lfd, KAPI_LOOP_SET_FD, fd))
		return -1;
	for (tries = 0; tries < 20; tries++) {
		if (ioctl(lfd, KAPI_LOOP_SET_STATUS64, info) == 0)
			return 0;
		if (errno != EAGAIN)
			break;
		sleep_ms(50);
	}
	ioctl(lfd, KAPI_LOOP_CLR_FD, 0);
	return -1;
}

int loop_attach(const char *backing, uint64_t offset, uint64_t sizelimit, int rw,
		char *dev, size_t n)
{
	struct kapi_loop_info64 info;
	int ctl, num, fd, lfd, tries;
	char name[32];

	modprobe((const char *const[]){ "loop", NULL });
	fd = open(backing, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0) {
		msg("loop: cannot open %s: %s", backing, strerror(errno));
		return -1;
	}
	memset(&info, 0, sizeof(info));
	info.lo_offset = offset;
	info.lo_sizelimit = sizelimit;
	info.lo_flags = rw ? 0 : KAPI_LO_FLAGS_READ_ONLY;
	snprintf((char *)info.lo_file_name, sizeof(info.lo_file_name), "%s", backing);
	/* Another process may take the free device first: try again. */
	for (tries = 0; tries < 10; tries++) {
		ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
		if (ctl < 0) {
			msg("loop: cannot open /dev/loop-control: %s", strerror(errno));
			break;
		}
		num = ioctl(ctl, KAPI_LOOP_CTL_GET_FREE);
		close(ctl);
		if (num < 0) {
			msg("loop: no free loop device: %s", strerror(errno));
			break;
		}
		snprintf(name, sizeof(name), "loop%d", num);
		if (ensure_blockdev(name, dev, n))
			break;
		lfd = open(dev, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);
		if (lfd < 0) {
			msg("loop: cannot open %s: %s", dev, strerror(errno));
			break;
		}
		if (loop_configure(lfd, fd, &info) == 0) {
			close(lfd);
			close(fd);
			return 0;
		}
		close(lfd);
		if (errno != EBUSY) {
			msg("loop: cannot attach %s to %s: %s", backing, dev, strerror(errno));
			break;
		}
	}
	close(fd);
	return -1;
}

int loop_detach(const char *name)
{
	char dev[64];
	int fd;

	snprintf(dev, sizeof(dev), "/dev/%s", name);
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, KAPI_LOOP_CLR_FD, 0)) {
		msg("cannot detach %s: %s", dev, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
