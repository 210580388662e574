/**
 * @file daemon.c
 *
 * The NBD server process. memdisk-attach forks and re-executes itself as
 * "@memdisk-attach --nbd-daemon ..." (argv[0] starting with '@': systemd's
 * switch-root and shutdown spare it), detached from the caller's terminal
 * and output. The daemon maps the image from /dev/mem and serves the
 * kernel's requests (wire.c) until the kernel disconnects. It connects the
 * kernel in one of two ways:
 *
 *   --netlink SOCK KSOCK STATUS ADDR LEN RW: it sends NBD_CMD_CONNECT itself
 *       (so the kernel shows its pid in /sys/block/nbdN/pid) and writes the
 *       device index, or -errno, as an int32 to the pipe STATUS;
 *   SOCK NBDFD ADDR LEN RW: the caller set the device up with the ioctls; a
 *       child of the daemon sits in NBD_DO_IT.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach/physmem.h"
#include "nbd.h"
#include "util.h"

void nbd_daemon_exec(const struct image *im, enum nbd_daemon_mode mode, int sock, int kfd,
		     int status)
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
	if (mode == NBD_DAEMON_NETLINK) {
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

/** --nbd-daemon --netlink SOCK KSOCK STATUS ADDR LEN RW */
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
		res = nbd_genl_connect((int)ksock, len, (int)rw);
	/* The kernel holds its own reference to its end now. */
	close((int)ksock);
	if (write((int)status, &res, sizeof(res)) != (ssize_t)sizeof(res) && res >= 0) {
		/* Nobody to report to: undo. */
		nbd_genl_disconnect((uint32_t)res);
		res = -EPIPE;
	}
	close((int)status);
	if (res < 0) {
		close((int)sock);
		return 2;
	}
	physmem_follow_pmem(&pm, (int)rw);
	rc = nbd_wire_serve((int)sock, pm.image, len, (int)rw);
	close((int)sock);
	physmem_unmap(&pm);
	/*
	 * Without NBD_CMD_DISC the kernel's end failed (or an NBD_DISCONNECT
	 * ioctl came): free the device, which would stay configured otherwise.
	 */
	if (rc)
		nbd_genl_disconnect((uint32_t)res);
	return 0;
}

/** --nbd-daemon SOCK NBDFD ADDR LEN RW */
static int daemon_ioctl(int argc, char **argv)
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
		nbd_ioctl_run((int)nbdfd);
	}
	close((int)nbdfd);
	physmem_follow_pmem(&pm, (int)rw);
	nbd_wire_serve((int)sock, pm.image, len, (int)rw);
	close((int)sock);
	physmem_unmap(&pm);
	waitpid(kid, NULL, 0);
	return 0;
}

int nbd_daemon_main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[2], "--netlink"))
		return daemon_netlink(argc, argv);
	return daemon_ioctl(argc, argv);
}
