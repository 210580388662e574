/**
 * @file loop.c
 *
 * Loop devices: attach a file (or a block device) with an offset and a size
 * limit, find the one backed by a given file, detach one.
 */
#include "loop.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "blockdev.h"
#include "kmod.h"
#include "util.h"

/* The loop driver's interface (linux/loop.h), written here: musl-gcc does
 * not see the kernel's headers. */
#define KAPI_LOOP_SET_FD        0x4C00
#define KAPI_LOOP_CLR_FD        0x4C01
#define KAPI_LOOP_SET_STATUS64  0x4C04
#define KAPI_LOOP_CONFIGURE     0x4C0A
#define KAPI_LOOP_CTL_GET_FREE  0x4C82
#define KAPI_LO_FLAGS_READ_ONLY 1
#define KAPI_LO_NAME_SIZE       64

/** struct loop_info64 of the loop driver. */
struct kapi_loop_info64 {
	uint64_t lo_device, lo_inode, lo_rdevice, lo_offset, lo_sizelimit;
	uint32_t lo_number, lo_encrypt_type, lo_encrypt_key_size, lo_flags;
	uint8_t lo_file_name[KAPI_LO_NAME_SIZE];
	uint8_t lo_crypt_name[KAPI_LO_NAME_SIZE];
	uint8_t lo_encrypt_key[32];
	uint64_t lo_init[2];
};

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
	char *bf = blockdev_attr(name, "loop/backing_file");
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

	return blockdev_for_each("loop", loop_match, &q);
}

/** struct loop_config of LOOP_CONFIGURE (Linux 5.8+). */
struct kapi_loop_config {
	uint32_t fd, blockdev_size;
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

	kmod_load((const char *const[]){ "loop", NULL });
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
		if (blockdev_ensure_node(name, dev, n))
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
