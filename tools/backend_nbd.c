/**
 * @file backend_nbd.c
 *
 * The nbd backend: memdisk-attach serves the image itself. A socketpair
 * connects the kernel's NBD client to our server, which answers from an
 * mmap of the image's range of /dev/mem. The server runs in a daemon
 * re-executed as "@memdisk-attach" so that systemd spares it at switch-root.
 *
 * The daemon connects the kernel's end through the nbd generic-netlink
 * family (NBD_CMD_CONNECT): the kernel's own workers then drive the socket
 * and no process waits inside the kernel, so a signal (systemd's SIGSTOP to
 * every process at switch-root) only pauses the server until SIGCONT.
 * Kernels without the family (old ones) get the ioctls: NBD_SET_SOCK,
 * then NBD_DO_IT in a child of the daemon, which blocks for the life of the
 * device and which a signal ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach.h"
#include "kapi.h"
#include "nbd_proto.h"
#include "nbd_server.h"
#include "physmem.h"
#include "util.h"

/** argv[0] of the daemon: '@' asks systemd to spare it at switch-root. */
#define NBD_DAEMON_NAME "@memdisk-attach"

/** Flags the server announces: read-only unless --rw. */
static uint32_t server_flags(int rw)
{
	return KAPI_NBD_FLAG_HAS_FLAGS | KAPI_NBD_FLAG_SEND_FLUSH |
	       (rw ? 0 : KAPI_NBD_FLAG_READ_ONLY);
}

/* ---- generic netlink ---- */

/** A generic-netlink socket bound to a port the kernel picks; -1 on error. */
static int nl_open(void)
{
	struct kapi_sockaddr_nl sa = { .nl_family = KAPI_AF_NETLINK };
	/* Each answer within 4 s: the daemon's two exchanges (family lookup,
	 * connect) must end before the parent stops waiting for it (10 s);
	 * otherwise a late connect would leave a device with no server. */
	struct timeval tv = { 4, 0 };
	int fd = socket(KAPI_AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, KAPI_NETLINK_GENERIC);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * Send a request built for sequence number @p seq and read the kernel's
 * answer up to its acknowledgement.
 *
 * @return 0 with the answer in @p r (r->error: the kernel's errno), or an
 *         errno when the exchange itself failed
 */
static int nl_talk(int fd, const uint8_t *req, size_t len, uint32_t seq, struct nbd_nl_reply *r)
{
	struct kapi_sockaddr_nl kernel = { .nl_family = KAPI_AF_NETLINK };
	static uint8_t buf[32768];

	memset(r, 0, sizeof(*r));
	if (!len)
		return EMSGSIZE;
	while (sendto(fd, req, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		if (errno != EINTR)
			return errno;
	while (!r->acked) {
		ssize_t got = recv(fd, buf, sizeof(buf), 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return errno == EAGAIN ? ETIMEDOUT : errno;
		if (nbd_nl_parse(buf, (size_t)got, seq, r))
			return EPROTO;
	}
	return 0;
}

/** A fresh sequence number. */
static uint32_t nl_seq(void)
{
	static uint32_t seq;

	if (!seq)
		seq = (uint32_t)getpid() << 8;
	return ++seq;
}

/** The nbd family's id: 0, or an errno (ENOENT: no nbd netlink in this kernel). */
static int nl_family(int fd, uint16_t *family)
{
	uint8_t req[64];
	uint32_t seq = nl_seq();
	struct nbd_nl_reply r;
	int err = nl_talk(fd, req, nbd_nl_getfamily(req, sizeof(req), seq), seq, &r);

	if (err)
		return err;
	if (r.error)
		return r.error;
	if (!r.has_family)
		return ENOENT;
	*family = r.family;
	return 0;
}

/** Open a socket and resolve the family: the socket, or -1 with errno. */
static int nl_open_nbd(uint16_t *family)
{
	int fd = nl_open(), err;

	if (fd < 0)
		return -1;
	err = nl_family(fd, family);
	if (err) {
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/**
 * NBD_CMD_CONNECT: the kernel's NBD client on @p ksock, exporting @p len
 * bytes; the kernel picks a free device. Run by the daemon, whose pid the
 * kernel then shows in /sys/block/nbdN/pid.
 *
 * @return the device's index, or -errno
 */
static int nl_connect(int ksock, uint64_t len, int rw)
{
	uint8_t req[256];
	struct nbd_nl_reply r;
	uint16_t family;
	uint32_t seq;
	int fd = nl_open_nbd(&family), err;

	if (fd < 0)
		return -errno;
	seq = nl_seq();
	err = nl_talk(fd, req,
		      nbd_nl_connect(req, sizeof(req), family, seq, -1, len / 512 * 512, 512,
				     server_flags(rw), (uint32_t)ksock),
		      seq, &r);
	close(fd);
	if (!err)
		err = r.error;
	if (!err && !r.has_index)
		err = EPROTO;
	if (!err && r.index > 0x7fffffffu)
		err = ERANGE;
	return err ? -err : (int)r.index;
}

/** NBD_CMD_DISCONNECT of nbd@p index: 0, or an errno. */
static int nl_disconnect(int fd, uint16_t family, uint32_t index)
{
	uint8_t req[64];
	uint32_t seq = nl_seq();
	struct nbd_nl_reply r;
	int err = nl_talk(fd, req, nbd_nl_disconnect(req, sizeof(req), family, seq, index), seq,
			  &r);

	return err ? err : r.error;
}

/** Disconnect nbd@p index through netlink: 0, or an errno (ENOENT: no family). */
static int nl_disconnect_index(uint32_t index)
{
	uint16_t family;
	int fd = nl_open_nbd(&family), err;

	if (fd < 0)
		return errno;
	err = nl_disconnect(fd, family, index);
	close(fd);
	return err;
}

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

/**
 * The daemon connected through netlink, run as
 * "@memdisk-attach --nbd-daemon --netlink SOCK KSOCK STATUS ADDR LEN RW".
 * It connects the kernel to KSOCK, writes the device index (or -errno) as
 * an int32 to STATUS, then serves SOCK until the kernel disconnects.
 */
static int daemon_netlink(int argc, char **argv)
{
	uint64_t sock, ksock, status, addr, len, rw;
	struct physmem pm;
	int32_t res;
	int rc;

	if (argc != 9 || parse_u64(argv[3], &sock) || parse_u64(argv[4], &ksock) ||
	    parse_u64(argv[5], &status) || parse_u64(argv[6], &addr) ||
	    parse_u64(argv[7], &len) || parse_u64(argv[8], &rw))
		return 2;
	signal(SIGPIPE, SIG_IGN);
	if (physmem_map(&pm, "/dev/mem", addr, len, (int)rw))
		res = -EIO;
	else
		res = nl_connect((int)ksock, len, (int)rw);
	/* The kernel holds its own reference to its end now. */
	close((int)ksock);
	if (write((int)status, &res, sizeof(res)) != (ssize_t)sizeof(res) && res >= 0) {
		/* Nobody to report to: undo. */
		nl_disconnect_index((uint32_t)res);
		res = -EPIPE;
	}
	close((int)status);
	if (res < 0) {
		close((int)sock);
		return 2;
	}
	rc = nbd_serve((int)sock, pm.image, len, (int)rw);
	close((int)sock);
	physmem_unmap(&pm);
	/*
	 * Without NBD_CMD_DISC the kernel's end failed (or an NBD_DISCONNECT
	 * ioctl came): free the device, which would stay configured otherwise.
	 */
	if (rc)
		nl_disconnect_index((uint32_t)res);
	return 0;
}

/** The daemon: serve the socket, with a child blocked in NBD_DO_IT (or netlink). */
int nbd_daemon_main(int argc, char **argv)
{
	uint64_t sock, nbdfd, addr, len, rw;
	struct physmem pm;
	pid_t kid;

	if (argc >= 3 && !strcmp(argv[2], "--netlink"))
		return daemon_netlink(argc, argv);
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

/**
 * Start the daemon (child side of fork; no return): with @p netlink, on
 * @p sock (its end), @p kfd (the kernel's end) and @p status (the pipe for
 * its verdict); without, on @p sock and @p kfd (the open /dev/nbdN).
 */
static void exec_daemon(const struct image *im, int netlink, int sock, int kfd, int status)
{
	char a_sock[24], a_kfd[24], a_st[24], a_addr[24], a_len[24], a_rw[4];
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
	fcntl(kfd, F_SETFD, 0);
	snprintf(a_sock, sizeof(a_sock), "%d", sock);
	snprintf(a_kfd, sizeof(a_kfd), "%d", kfd);
	snprintf(a_addr, sizeof(a_addr), "%llu", (unsigned long long)im->addr);
	snprintf(a_len, sizeof(a_len), "%llu", (unsigned long long)im->len);
	snprintf(a_rw, sizeof(a_rw), "%d", im->rw ? 1 : 0);
	if (netlink) {
		fcntl(status, F_SETFD, 0);
		snprintf(a_st, sizeof(a_st), "%d", status);
		execl("/proc/self/exe", NBD_DAEMON_NAME, "--nbd-daemon", "--netlink", a_sock, a_kfd,
		      a_st, a_addr, a_len, a_rw, (char *)NULL);
	} else {
		execl("/proc/self/exe", NBD_DAEMON_NAME, "--nbd-daemon", a_sock, a_kfd, a_addr, a_len,
		      a_rw, (char *)NULL);
	}
	_exit(2);
}

/**
 * Connect through netlink: the daemon connects the kernel itself and
 * reports the device index the kernel picked on a pipe.
 */
static enum attach_rc nbd_attach_netlink(const struct image *im, char *dev, size_t n, char *why,
					 size_t wn)
{
	struct pollfd pfd;
	char path[64], name[32];
	int sv[2], st[2];
	int32_t res = 0;
	ssize_t got = -1;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		snprintf(why, wn, "socketpair: %s", strerror(errno));
		return ATTACH_FAILED;
	}
	if (pipe2(st, O_CLOEXEC)) {
		snprintf(why, wn, "pipe: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return ATTACH_FAILED;
	}
	pid = fork();
	if (pid == 0) {
		close(st[0]);
		exec_daemon(im, 1, sv[0], sv[1], st[1]);
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
	if (ensure_blockdev(name, path, sizeof(path))) {
		snprintf(why, wn, "no device node for %s (see above)", name);
		nl_disconnect_index((uint32_t)res);
		return ATTACH_FAILED;
	}
	snprintf(dev, n, "%s", path);
	return ATTACH_OK;
}

/** Connect with the ioctls, a child of the daemon blocked in NBD_DO_IT. */
static enum attach_rc nbd_attach_ioctl(const struct image *im, char *dev, size_t n, char *why,
				       size_t wn)
{
	uint32_t flags = server_flags(im->rw);
	int nbdfd;
	char path[64], name[32];
	int sv[2], i;
	pid_t pid;

	nbdfd = nbd_open_free(path, sizeof(path));
	if (nbdfd < 0) {
		snprintf(why, wn, "no free /dev/nbd* device");
		return ATTACH_FAILED;
	}
	snprintf(name, sizeof(name), "%s", path + 5);
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
		exec_daemon(im, 0, sv[0], nbdfd, -1);
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

/** Connect a free /dev/nbdN to our own server. */
static enum attach_rc nbd_attach(const struct image *im, char *dev, size_t n, char *why,
				 size_t wn)
{
	struct physmem pm;
	uint16_t family;
	int fd;

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
	fd = nl_open_nbd(&family);
	if (fd >= 0) {
		close(fd);
		return nbd_attach_netlink(im, dev, n, why, wn);
	}
	vmsg("nbd: no nbd netlink family (%s): using the ioctls", strerror(errno));
	return nbd_attach_ioctl(im, dev, n, why, wn);
}

/**
 * Disconnect: through netlink where the kernel has it (for a device made
 * either way), else NBD_DISCONNECT; the daemon sees NBD_CMD_DISC and exits.
 */
static int nbd_detach(const char *name)
{
	char dev[64];
	unsigned idx;
	int fd, i, err = ENOENT;

	snprintf(dev, sizeof(dev), "/dev/%s", name);
	if (sscanf(name, "nbd%u", &idx) == 1)
		err = nl_disconnect_index(idx);
	if (err == ENOENT || err == EPROTONOSUPPORT || err == EAFNOSUPPORT) {
		/* No nbd family: the ioctl. */
		fd = open(dev, O_RDWR | O_CLOEXEC);
		if (fd < 0 || ioctl(fd, KAPI_NBD_DISCONNECT)) {
			msg("cannot disconnect %s: %s", dev, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
	} else if (err) {
		msg("cannot disconnect %s: %s", dev, strerror(err));
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
