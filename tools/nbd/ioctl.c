/**
 * @file ioctl.c
 *
 * The NBD ioctls, for kernels without the nbd netlink family: pick a free
 * /dev/nbdN, give it the size, the flags and the kernel's end of the
 * socketpair (NBD_SET_SOCK), then a process must sit in NBD_DO_IT for the
 * life of the device. A signal to that process (systemd's SIGSTOP to every
 * process before switch-root) ends the wait and the kernel shuts the
 * socket down, which is why netlink (genl.c) comes first.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attach/blockdev.h"
#include "nbd.h"
#include "util.h"

/**
 * Open the lowest-numbered free /dev/nbdN (no server, no size).
 *
 * @return an O_RDWR descriptor with the path in @p path, or -1
 */
static int open_free(char *path, size_t n)
{
	int num, fd;

	for (num = 0; num < 1024; num++) {
		char name[32], p[96];
		uint64_t size;

		snprintf(name, sizeof(name), "nbd%d", num);
		snprintf(p, sizeof(p), "/sys/block/%s", name);
		if (access(p, F_OK))
			break;  /* devices are numbered without gaps */
		snprintf(p, sizeof(p), "/sys/block/%s/pid", name);
		if (access(p, F_OK) == 0 || blockdev_size(name, &size) || size)
			continue;
		if (blockdev_ensure_node(name, path, n))
			continue;
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

int nbd_ioctl_setup(const struct image *im, int ksock, char *path, size_t n, char *why,
		    size_t wn)
{
	int nbdfd = open_free(path, n);

	if (nbdfd < 0) {
		snprintf(why, wn, "no free /dev/nbd* device");
		return -1;
	}
	if (ioctl(nbdfd, KAPI_NBD_SET_BLKSIZE, 512UL) ||
	    ioctl(nbdfd, KAPI_NBD_SET_SIZE_BLOCKS, (unsigned long)(im->len / 512)) ||
	    ioctl(nbdfd, KAPI_NBD_SET_FLAGS, (unsigned long)nbd_wire_server_flags(im->rw)) ||
	    ioctl(nbdfd, KAPI_NBD_SET_SOCK, (unsigned long)ksock)) {
		snprintf(why, wn, "setting up %s failed: %s", path, strerror(errno));
		nbd_ioctl_clear(nbdfd);
		close(nbdfd);
		return -1;
	}
	return nbdfd;
}

void nbd_ioctl_run(int nbdfd)
{
	ioctl(nbdfd, KAPI_NBD_DO_IT);
	ioctl(nbdfd, KAPI_NBD_CLEAR_QUE);
	ioctl(nbdfd, KAPI_NBD_CLEAR_SOCK);
	_exit(0);
}

void nbd_ioctl_clear(int nbdfd)
{
	ioctl(nbdfd, KAPI_NBD_CLEAR_SOCK);
}

int nbd_ioctl_disconnect(const char *name)
{
	char dev[64];
	int fd;

	snprintf(dev, sizeof(dev), "/dev/%s", name);
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, KAPI_NBD_DISCONNECT)) {
		msg("cannot disconnect %s: %s", dev, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
