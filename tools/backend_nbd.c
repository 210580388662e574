/**
 * @file backend_nbd.c
 *
 * The nbd backend: memdisk-attach serves the image itself. A socketpair
 * connects the kernel's NBD client (NBD_SET_SOCK, then NBD_DO_IT, which
 * blocks for the life of the device) to our server, which answers from an
 * mmap of the image's range of /dev/mem. Both run in a daemon re-executed
 * as "@memdisk-attach" so that systemd spares it at switch-root.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach.h"
#include "kapi.h"
#include "nbd_server.h"
#include "physmem.h"
#include "util.h"

/** argv[0] of the daemon: '@' asks systemd to spare it at switch-root. */
#define NBD_DAEMON_NAME "@memdisk-attach"

/** Does the device's server process run our daemon? */
static int served_by_us(const char *name)
{
	char p[96], *cl;
	uint64_t pid;
	int ours;

	snprintf(p, sizeof(p), "/sys/block/%s/pid", name);
	if (read_u64_file(p, &pid))
		return 0;
	snprintf(p, sizeof(p), "/proc/%llu/cmdline", (unsigned long long)pid);
	cl = read_file(p, 256, NULL);
	ours = cl && !strcmp(cl, NBD_DAEMON_NAME);
	free(cl);
	return ours;
}

/** State of nbd_existing's walk. */
struct nbd_query {
	const struct image *im;
	char *dev;
	size_t n;
};

/** nbd_existing's per-device test. */
static int nbd_match(const char *name, void *ctx)
{
	struct nbd_query *q = ctx;
	uint64_t size;

	return served_by_us(name) && !block_size(name, &size) && size == q->im->len &&
	       ensure_blockdev(name, q->dev, q->n) == 0;
}

/** An /dev/nbdN served by our daemon with the image's size. */
static int nbd_existing(const struct image *im, char *dev, size_t n)
{
	struct nbd_query q = { im, dev, n };

	return for_each_block("nbd", nbd_match, &q);
}

/** The daemon: serve the socket, with a child blocked in NBD_DO_IT. */
int nbd_daemon_main(int argc, char **argv)
{
	uint64_t sock, nbdfd, addr, len, rw;
	struct physmem pm;
	pid_t kid;

	if (argc != 7 || parse_u64(argv[2], &sock) || parse_u64(argv[3], &nbdfd) ||
	    parse_u64(argv[4], &addr) || parse_u64(argv[5], &len) || parse_u64(argv[6], &rw))
		return 2;
	signal(SIGPIPE, SIG_IGN);
	if (physmem_map(&pm, "/dev/mem", addr, len, (int)rw))
		return 2;
	kid = fork();
	if (kid < 0)
		return 2;
	if (kid == 0) {
		close((int)sock);
		ioctl((int)nbdfd, KAPI_NBD_DO_IT);
		ioctl((int)nbdfd, KAPI_NBD_CLEAR_QUE);
		ioctl((int)nbdfd, KAPI_NBD_CLEAR_SOCK);
		_exit(0);
	}
	close((int)nbdfd);
	nbd_serve((int)sock, pm.image, len, (int)rw);
	close((int)sock);
	physmem_unmap(&pm);
	waitpid(kid, NULL, 0);
	return 0;
}

/**
 * Open the lowest-numbered free /dev/nbdN (no server, no size).
 *
 * @return an O_RDWR descriptor with the path in @p path, or -1
 */
static int nbd_open_free(char *path, size_t n)
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
		if (access(p, F_OK) == 0 || block_size(name, &size) || size)
			continue;
		if (ensure_blockdev(name, path, n))
			continue;
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

/** Start the daemon on @p sock and @p nbdfd (child side of fork; no return). */
static void exec_daemon(const struct image *im, int sock, int nbdfd)
{
	char a_sock[24], a_nbd[24], a_addr[24], a_len[24], a_rw[4];
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);

	setsid();
	signal(SIGHUP, SIG_IGN);
	if (chdir("/"))
		_exit(2);
	/* Nothing of the caller's: $(memdisk-attach 2>&1) must not wait for us. */
	if (devnull >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
	}
	fcntl(sock, F_SETFD, 0);
	fcntl(nbdfd, F_SETFD, 0);
	snprintf(a_sock, sizeof(a_sock), "%d", sock);
	snprintf(a_nbd, sizeof(a_nbd), "%d", nbdfd);
	snprintf(a_addr, sizeof(a_addr), "%llu", (unsigned long long)im->addr);
	snprintf(a_len, sizeof(a_len), "%llu", (unsigned long long)im->len);
	snprintf(a_rw, sizeof(a_rw), "%d", im->rw ? 1 : 0);
	execl("/proc/self/exe", NBD_DAEMON_NAME, "--nbd-daemon", a_sock, a_nbd, a_addr, a_len,
	      a_rw, (char *)NULL);
	_exit(2);
}

/** Connect a free /dev/nbdN to our own server. */
static enum attach_rc nbd_attach(const struct image *im, char *dev, size_t n, char *why,
				 size_t wn)
{
	uint32_t flags = KAPI_NBD_FLAG_HAS_FLAGS | KAPI_NBD_FLAG_SEND_FLUSH;
	int nbdfd;
	char path[64], name[32];
	struct physmem pm;
	int sv[2], i;
	pid_t pid;

	/* The server maps the image from /dev/mem: make sure it can. */
	if (physmem_map(&pm, "/dev/mem", im->addr, im->len, im->rw)) {
		snprintf(why, wn, "the image cannot be mapped from /dev/mem (see above)");
		return ATTACH_UNAVAILABLE;
	}
	physmem_unmap(&pm);
	if (!module_available("nbd")) {
		snprintf(why, wn, "no nbd module (CONFIG_BLK_DEV_NBD)");
		return ATTACH_UNAVAILABLE;
	}
	modprobe((const char *const[]){ "nbd", NULL });
	nbdfd = nbd_open_free(path, sizeof(path));
	if (nbdfd < 0) {
		snprintf(why, wn, "no free /dev/nbd* device");
		return ATTACH_FAILED;
	}
	snprintf(name, sizeof(name), "%s", path + 5);
	if (!im->rw)
		flags |= KAPI_NBD_FLAG_READ_ONLY;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		snprintf(why, wn, "socketpair: %s", strerror(errno));
		close(nbdfd);
		return ATTACH_FAILED;
	}
	if (ioctl(nbdfd, KAPI_NBD_SET_BLKSIZE, 512UL) ||
	    ioctl(nbdfd, KAPI_NBD_SET_SIZE_BLOCKS, (unsigned long)(im->len / 512)) ||
	    ioctl(nbdfd, KAPI_NBD_SET_FLAGS, (unsigned long)flags) ||
	    ioctl(nbdfd, KAPI_NBD_SET_SOCK, (unsigned long)sv[1])) {
		snprintf(why, wn, "setting up %s failed: %s", path, strerror(errno));
		ioctl(nbdfd, KAPI_NBD_CLEAR_SOCK);
		goto err_close;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(why, wn, "fork: %s", strerror(errno));
		ioctl(nbdfd, KAPI_NBD_CLEAR_SOCK);
		goto err_close;
	}
	if (pid == 0) {
		close(sv[1]);
		exec_daemon(im, sv[0], nbdfd);
	}
	close(sv[0]);
	close(sv[1]);
	/* Wait until the kernel side is running (it publishes the pid). */
	for (i = 0; i < 100; i++) {
		char p[96];

		snprintf(p, sizeof(p), "/sys/block/%s/pid", name);
		if (access(p, F_OK) == 0)
			break;
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			snprintf(why, wn, "the NBD server exited at start-up");
			ioctl(nbdfd, KAPI_NBD_CLEAR_SOCK);
			close(nbdfd);
			return ATTACH_FAILED;
		}
		sleep_ms(50);
	}
	if (i == 100) {
		snprintf(why, wn, "%s did not come up within 5 s", path);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		ioctl(nbdfd, KAPI_NBD_CLEAR_SOCK);
		close(nbdfd);
		return ATTACH_FAILED;
	}
	close(nbdfd);
	snprintf(dev, n, "%s", path);
	return ATTACH_OK;

err_close:
	close(sv[0]);
	close(sv[1]);
	close(nbdfd);
	return ATTACH_FAILED;
}

/** Disconnect: the kernel's NBD_DO_IT returns and the daemon exits. */
static int nbd_detach(const char *name)
{
	char dev[64];
	int fd, i;

	snprintf(dev, sizeof(dev), "/dev/%s", name);
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, KAPI_NBD_DISCONNECT)) {
		msg("cannot disconnect %s: %s", dev, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	for (i = 0; i < 50 && served_by_us(name); i++)
		sleep_ms(100);
	return 0;
}

const struct backend backend_nbd = {
	.name = "nbd",
	.ro_switchable = 0,
	.existing = nbd_existing,
	.attach = nbd_attach,
	.owns = served_by_us,
	.detach = nbd_detach,
};
