/**
 * @file backend.c
 *
 * The nbd backend as memdisk-attach sees it: a device of ours is an
 * /dev/nbdN whose server process is our daemon (daemon.c) with the image's
 * size; attaching starts the daemon, which connects the kernel through
 * netlink (genl.c), or, on kernels without the nbd family, sets the device
 * up with the ioctls first (ioctl.c); detaching disconnects the device and
 * waits for the daemon, which sees NBD_CMD_DISC and exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach/blockdev.h"
#include "attach/kmod.h"
#include "attach/physmem.h"
#include "nbd.h"
#include "util.h"

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

	return served_by_us(name) && !blockdev_size(name, &size) && size == q->im->len &&
	       blockdev_ensure_node(name, q->dev, q->n) == 0;
}

/** An /dev/nbdN served by our daemon with the image's size. */
static int nbd_existing(const struct image *im, char *dev, size_t n)
{
	struct nbd_query q = { im, dev, n };

	return blockdev_for_each("nbd", nbd_match, &q);
}

/**
 * Through netlink: the daemon connects the kernel itself and reports the
 * device index the kernel picked on a pipe. @p sv: the socketpair (ours
 * and the kernel's end), closed here.
 */
static enum attach_rc attach_netlink(const struct image *im, const int sv[2], char *dev,
				     size_t n, char *why, size_t wn)
{
	struct pollfd pfd;
	char path[64], name[32];
	int st[2];
	int32_t res = 0;
	ssize_t got = -1;
	pid_t pid;

	if (pipe2(st, O_CLOEXEC)) {
		snprintf(why, wn, "pipe: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return ATTACH_FAILED;
	}
	pid = fork();
	if (pid == 0) {
		close(st[0]);
		nbd_daemon_exec(im, NBD_DAEMON_NETLINK, sv[0], sv[1], st[1]);
	}
	close(sv[0]);
	close(sv[1]);
	close(st[1]);
	if (pid < 0) {
		snprintf(why, wn, "fork: %s", strerror(errno));
		close(st[0]);
		return ATTACH_FAILED;
	}
	pfd.fd = st[0];
	pfd.events = POLLIN;
	pfd.revents = 0;
	while (poll(&pfd, 1, 10000) < 0 && errno == EINTR)
		;
	if (pfd.revents)
		while ((got = read(st[0], &res, sizeof(res))) < 0 && errno == EINTR)
			;
	close(st[0]);
	if (got != (ssize_t)sizeof(res)) {
		snprintf(why, wn, "the NBD server %s at start-up",
			 got < 0 ? "did not answer within 10 s" : "exited");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return ATTACH_FAILED;
	}
	if (res < 0) {
		snprintf(why, wn, "connecting through netlink (NBD_CMD_CONNECT) failed: %s",
			 strerror(-res));
		waitpid(pid, NULL, 0);
		return ATTACH_FAILED;
	}
	vmsg("nbd: connected nbd%d through netlink", (int)res);
	snprintf(name, sizeof(name), "nbd%d", (int)res);
	if (blockdev_ensure_node(name, path, sizeof(path))) {
		snprintf(why, wn, "no device node for %s (see above)", name);
		nbd_genl_disconnect((uint32_t)res);
		return ATTACH_FAILED;
	}
	snprintf(dev, n, "%s", path);
	return ATTACH_OK;
}

/**
 * With the ioctls: we set the device up, a child of the daemon runs
 * NBD_DO_IT. @p sv: the socketpair, closed here.
 */
static enum attach_rc attach_ioctl(const struct image *im, const int sv[2], char *dev,
				   size_t n, char *why, size_t wn)
{
	char path[64], p[96];
	int i, nbdfd;
	pid_t pid;

	nbdfd = nbd_ioctl_setup(im, sv[1], path, sizeof(path), why, wn);
	if (nbdfd < 0) {
		close(sv[0]);
		close(sv[1]);
		return ATTACH_FAILED;
	}
	pid = fork();
	if (pid == 0) {
		close(sv[1]);
		nbd_daemon_exec(im, NBD_DAEMON_IOCTL, sv[0], nbdfd, -1);
	}
	close(sv[0]);
	close(sv[1]);
	if (pid < 0) {
		snprintf(why, wn, "fork: %s", strerror(errno));
		goto err_clear;
	}
	/* Wait until the kernel side is running (it publishes the pid). */
	snprintf(p, sizeof(p), "/sys/block/%s/pid", path + 5);
	for (i = 0; i < 100 && access(p, F_OK); i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			snprintf(why, wn, "the NBD server exited at start-up");
			goto err_clear;
		}
		sleep_ms(50);
	}
	if (i == 100) {
		snprintf(why, wn, "%s did not come up within 5 s", path);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto err_clear;
	}
	close(nbdfd);
	snprintf(dev, n, "%s", path);
	return ATTACH_OK;

err_clear:
	nbd_ioctl_clear(nbdfd);
	close(nbdfd);
	return ATTACH_FAILED;
}

/**
 * Read ahead NBD_READAHEAD_KB on @p dev: each request is a round trip
 * through our server, so fewer, larger ones read faster (measured in
 * make bench, part inject). Best effort: a kernel that refuses keeps its own.
 */
static void set_readahead(const char *dev)
{
	char p[96], v[16];

	snprintf(p, sizeof(p), "/sys/block/%s/queue/read_ahead_kb", dev + 5);
	snprintf(v, sizeof(v), "%u", NBD_READAHEAD_KB);
	if (write_file(p, v))
		vmsg("nbd: could not set %s to %s", p, v);
}

/** Connect a free /dev/nbdN to our own server. */
static enum attach_rc nbd_attach(const struct image *im, char *dev, size_t n, char *why,
				 size_t wn)
{
	struct physmem pm;
	enum attach_rc rc;
	int sv[2], err;

	/* The server maps the image from /dev/mem: make sure it can. */
	if (physmem_map(&pm, "/dev/mem", im->addr, im->len, im->rw)) {
		snprintf(why, wn, "the image cannot be mapped from /dev/mem (see above)");
		return ATTACH_UNAVAILABLE;
	}
	physmem_unmap(&pm);
	if (!kmod_available("nbd")) {
		snprintf(why, wn, "no nbd module (CONFIG_BLK_DEV_NBD)");
		return ATTACH_UNAVAILABLE;
	}
	kmod_load((const char *const[]){ "nbd", NULL });
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		snprintf(why, wn, "socketpair: %s", strerror(errno));
		return ATTACH_FAILED;
	}
	err = nbd_genl_available();
	if (!err) {
		rc = attach_netlink(im, sv, dev, n, why, wn);
	} else {
		vmsg("nbd: no nbd netlink family (%s): using the ioctls", strerror(err));
		rc = attach_ioctl(im, sv, dev, n, why, wn);
	}
	if (rc == ATTACH_OK)
		set_readahead(dev);
	return rc;
}

/**
 * Disconnect: through netlink where the kernel has it (for a device made
 * either way), else NBD_DISCONNECT; the daemon sees NBD_CMD_DISC and exits.
 */
static int nbd_detach(const char *name)
{
	unsigned idx;
	int i, err = ENOENT;

	if (sscanf(name, "nbd%u", &idx) == 1)
		err = nbd_genl_disconnect(idx);
	if (err == ENOENT || err == EPROTONOSUPPORT || err == EAFNOSUPPORT) {
		if (nbd_ioctl_disconnect(name))
			return -1;
	} else if (err) {
		msg("cannot disconnect /dev/%s: %s", name, strerror(err));
		return -1;
	}
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
