/**
 * @file memdisk-attach.c
 *
 * memdisk-attach: find the image a memdisk left in RAM and make it a block
 * device through the best backend the kernel has: pmem, phram + mtdblock,
 * NBD served from /dev/mem, or a copy in tmpfs on a loop device. Prints the
 * device path; reports an existing device instead of making a second one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "finder.h"
#include "kapi.h"
#include "mdinfo.h"
#include "nbd_server.h"
#include "physmem.h"
#include "util.h"
#include "version.h"

/** The phram device name (the same one Debian live-boot uses). */
#define PHRAM_NAME "memdisk"
/** Where the copy backend keeps its copy. */
#define COPY_DIR "/run/memdisk-attach"
#define COPY_FILE COPY_DIR "/image"
/** argv[0] of the NBD server: '@' asks systemd to spare it at switch-root. */
#define NBD_DAEMON_NAME "@memdisk-attach"

/** What is being attached. */
struct image {
	uint64_t addr, len;
	int rw;
};

/** Result of one backend. */
enum attach_rc {
	ATTACH_OK = 0,
	ATTACH_UNAVAILABLE,     /**< the kernel lacks what the backend needs */
	ATTACH_FAILED,          /**< it should have worked but did not */
};

/** A backend: find an existing device, or make one. */
struct backend {
	const char *name;
	/** Existing device for this image into dev; 1 if found. */
	int (*existing)(const struct image *im, char *dev, size_t n);
	/** Make the device; on failure put the reason in why. */
	enum attach_rc (*attach)(const struct image *im, char *dev, size_t n,
				 char *why, size_t wn);
};

/** Set a block device read-only (BLKROSET). */
static int set_readonly(const char *dev)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC), one = 1, rc;

	if (fd < 0)
		return -1;
	rc = ioctl(fd, KAPI_BLKROSET, &one);
	close(fd);
	return rc;
}

/** Size in bytes of /sys/block/NAME (its "size" is in 512-byte units). */
static int sysblock_size(const char *name, uint64_t *bytes)
{
	char p[128];
	uint64_t sectors;

	snprintf(p, sizeof(p), "/sys/block/%s/size", name);
	if (read_u64_file(p, &sectors))
		return -1;
	*bytes = sectors * 512;
	return 0;
}

/* ------------------------------------------------------------------ pmem */

/** Physical start of the pmem namespace behind /sys/block/NAME. */
static int pmem_start(const char *name, uint64_t *start)
{
	char p[160];

	snprintf(p, sizeof(p), "/sys/block/%s/device/resource", name);
	if (read_u64_file(p, start) == 0)
		return 0;
	snprintf(p, sizeof(p), "/sys/block/%s/device/../resource", name);
	return read_u64_file(p, start);
}

/** Find the /dev/pmemN whose range holds the image; its offset in *off. */
static int pmem_find(const struct image *im, char *name, size_t n, uint64_t *off)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		uint64_t start, size;

		if (strncmp(de->d_name, "pmem", 4) || strchr(de->d_name, 's'))
			continue;
		if (pmem_start(de->d_name, &start) || sysblock_size(de->d_name, &size))
			continue;
		vmsg("pmem: /dev/%s covers %#llx-%#llx", de->d_name, (unsigned long long)start,
		     (unsigned long long)(start + size));
		if (im->addr >= start && im->addr + im->len <= start + size) {
			snprintf(name, n, "%s", de->d_name);
			*off = im->addr - start;
			found = 1;
		}
	}
	closedir(d);
	return found;
}

/** Loop device whose backing file is @p backing (with offset); 1 if found. */
static int loop_find(const char *backing, uint64_t offset, char *dev, size_t n)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		char p[160], *bf;
		uint64_t off = 0;
		size_t l;

		if (strncmp(de->d_name, "loop", 4))
			continue;
		snprintf(p, sizeof(p), "/sys/block/%s/loop/backing_file", de->d_name);
		bf = read_file(p, 4096, NULL);
		if (!bf)
			continue;
		l = strlen(bf);
		while (l && bf[l - 1] == '\n')
			bf[--l] = '\0';
		snprintf(p, sizeof(p), "/sys/block/%s/loop/offset", de->d_name);
		read_u64_file(p, &off);
		if (!strcmp(bf, backing) && off == offset) {
			snprintf(dev, n, "/dev/%s", de->d_name);
			found = 1;
		}
		free(bf);
	}
	closedir(d);
	return found;
}

/**
 * Attach @p backing (a file or a device) to a free loop device, showing
 * [offset, offset+sizelimit) of it (sizelimit 0: to the end).
 */
static int loop_attach(const char *backing, uint64_t offset, uint64_t sizelimit, int rw,
		       char *dev, size_t n)
{
	struct kapi_loop_info64 info;
	int ctl, num, fd, lfd;
	char path[64];

	modprobe((const char *const[]){ "loop", NULL });
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		msg("loop: cannot open /dev/loop-control: %s", strerror(errno));
		return -1;
	}
	num = ioctl(ctl, KAPI_LOOP_CTL_GET_FREE);
	close(ctl);
	if (num < 0) {
		msg("loop: no free loop device: %s", strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "/dev/loop%d", num);
	if (mknod(path, S_IFBLK | 0600, makedev(KAPI_LOOP_MAJOR, (unsigned)num)) &&
	    errno != EEXIST) {
		msg("loop: cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	fd = open(backing, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0) {
		msg("loop: cannot open %s: %s", backing, strerror(errno));
		return -1;
	}
	lfd = open(path, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (lfd < 0 || ioctl(lfd, KAPI_LOOP_SET_FD, fd)) {
		msg("loop: cannot attach %s to %s: %s", backing, path, strerror(errno));
		if (lfd >= 0)
			close(lfd);
		close(fd);
		return -1;
	}
	memset(&info, 0, sizeof(info));
	info.lo_offset = offset;
	info.lo_sizelimit = sizelimit;
	info.lo_flags = rw ? 0 : KAPI_LO_FLAGS_READ_ONLY;
	snprintf((char *)info.lo_file_name, sizeof(info.lo_file_name), "%s", backing);
	if ((offset || sizelimit) && ioctl(lfd, KAPI_LOOP_SET_STATUS64, &info)) {
		msg("loop: cannot set the offset on %s: %s", path, strerror(errno));
		ioctl(lfd, KAPI_LOOP_CLR_FD, 0);
		close(lfd);
		close(fd);
		return -1;
	}
	close(lfd);
	close(fd);
	snprintf(dev, n, "%s", path);
	return 0;
}

/** An existing pmem device (or loop over it) for the image. */
static int pmem_existing(const struct image *im, char *dev, size_t n)
{
	char name[64], backing[80];
	uint64_t off;

	if (!pmem_find(im, name, sizeof(name), &off))
		return 0;
	if (!off) {
		snprintf(dev, n, "/dev/%s", name);
		return 1;
	}
	snprintf(backing, sizeof(backing), "/dev/%s", name);
	return loop_find(backing, off, dev, n);
}

/** pmem: the kernel already made the range a /dev/pmemN; find it. */
static enum attach_rc pmem_attach(const struct image *im, char *dev, size_t n, char *why,
				  size_t wn)
{
	char name[64], backing[80];
	uint64_t off;
	int i, tries = 1;

	/* nd_e820 is what turns a type-12 E820 range into a region. */
	if (access("/sys/bus/platform/devices/e820_pmem", F_OK) == 0) {
		modprobe((const char *const[]){ "nd_e820", NULL });
		modprobe((const char *const[]){ "nd_pmem", NULL });
		tries = 30;  /* give the nvdimm bus time to probe */
	}
	for (i = 0; i < tries && !pmem_find(im, name, sizeof(name), &off); i++)
		if (i + 1 < tries)
			sleep_ms(100);
	if (i == tries) {
		if (access("/sys/bus/platform/devices/e820_pmem", F_OK))
			snprintf(why, wn, "the kernel sees no legacy persistent memory "
				 "(no e820_pmem platform device: the image is not in an E820 "
				 "type-12 range, or CONFIG_X86_PMEM_LEGACY is off)");
		else
			snprintf(why, wn, "no /dev/pmem* holds %#llx-%#llx (modules nd_e820, "
				 "nd_pmem, libnvdimm loaded?)", (unsigned long long)im->addr,
				 (unsigned long long)(im->addr + im->len));
		return ATTACH_UNAVAILABLE;
	}
	snprintf(backing, sizeof(backing), "/dev/%s", name);
	if (ensure_blockdev(name, backing, sizeof(backing))) {
		snprintf(why, wn, "no device node for %s", name);
		return ATTACH_FAILED;
	}
	if (!off) {
		snprintf(dev, n, "%s", backing);
		if (!im->rw && set_readonly(dev))
			msg("pmem: cannot make %s read-only: %s", dev, strerror(errno));
		return ATTACH_OK;
	}
	/* The image starts inside the namespace: show just the image. */
	vmsg("pmem: image at offset %#llx in %s: using a loop device over it",
	     (unsigned long long)off, backing);
	if (loop_attach(backing, off, im->len, im->rw, dev, n)) {
		snprintf(why, wn, "cannot put a loop device over %s", backing);
		return ATTACH_FAILED;
	}
	return ATTACH_OK;
}

/* ----------------------------------------------------------------- phram */

/** The mtdblock device of the mtd named PHRAM_NAME with the image's size. */
static int phram_existing(const struct image *im, char *dev, size_t n)
{
	DIR *d = opendir("/sys/class/mtd");
	struct dirent *de;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		char p[300], *name, blk[64];
		uint64_t size;
		unsigned num;

		if (sscanf(de->d_name, "mtd%u", &num) != 1 || strchr(de->d_name, 'r'))
			continue;
		snprintf(p, sizeof(p), "/sys/class/mtd/%s/name", de->d_name);
		name = read_file(p, 256, NULL);
		if (!name)
			continue;
		snprintf(p, sizeof(p), "/sys/class/mtd/%s/size", de->d_name);
		if (!strcmp(name, PHRAM_NAME "\n") && !read_u64_file(p, &size) && size == im->len) {
			snprintf(blk, sizeof(blk), "mtdblock%u", num);
			snprintf(p, sizeof(p), "/sys/block/%s", blk);
			if (access(p, F_OK) == 0 && ensure_blockdev(blk, dev, n) == 0)
				found = 1;
		}
		free(name);
	}
	closedir(d);
	return found;
}

/** phram + mtdblock. */
static enum attach_rc phram_attach(const struct image *im, char *dev, size_t n, char *why,
				   size_t wn)
{
	struct mbft_result r;
	char param[128], arg[160];
	long page = sysconf(_SC_PAGESIZE);
	int i;

	memset(&r, 0, sizeof(r));
	r.image_addr = (uint32_t)im->addr;
	r.image_len = im->len;
	md_phram_param(&r, page > 0 ? (uint32_t)page : 4096, param, sizeof(param));
	if (access("/sys/module/phram/parameters/phram", F_OK) == 0) {
		/* phram is loaded already: add a device through its parameter. */
		if (write_file("/sys/module/phram/parameters/phram", param)) {
			snprintf(why, wn, "phram refused %s: %s (see dmesg)", param, strerror(errno));
			return ATTACH_FAILED;
		}
	} else {
		snprintf(arg, sizeof(arg), "phram=%s", param);
		if (modprobe((const char *const[]){ "phram", arg, NULL })) {
			if (access("/sys/module/phram", F_OK))
				snprintf(why, wn, "no phram module (kernels without "
					 "CONFIG_MTD_PHRAM, e.g. Fedora and RHEL)");
			else
				snprintf(why, wn, "modprobe phram %s failed (see dmesg)", arg);
			return ATTACH_UNAVAILABLE;
		}
	}
	vmsg("phram: %s", param);
	if (modprobe((const char *const[]){ "mtdblock", NULL }) &&
	    access("/sys/module/mtdblock", F_OK)) {
		snprintf(why, wn, "no mtdblock module");
		return ATTACH_UNAVAILABLE;
	}
	for (i = 0; i < 50; i++) {
		if (phram_existing(im, dev, n))
			break;
		sleep_ms(100);
	}
	if (i == 50) {
		snprintf(why, wn, "phram accepted %s but no mtdblock device appeared", param);
		return ATTACH_FAILED;
	}
	if (!im->rw && set_readonly(dev))
		msg("phram: cannot make %s read-only: %s", dev, strerror(errno));
	return ATTACH_OK;
}

/* ------------------------------------------------------------------- nbd */

/** Does process @p pid run our NBD server? */
static int is_our_daemon(uint64_t pid)
{
	char p[64], *cl;
	int ours;

	snprintf(p, sizeof(p), "/proc/%llu/cmdline", (unsigned long long)pid);
	cl = read_file(p, 256, NULL);
	if (!cl)
		return 0;
	ours = !strcmp(cl, NBD_DAEMON_NAME);
	free(cl);
	return ours;
}

/** An /dev/nbdN served by our daemon with the image's size. */
static int nbd_existing(const struct image *im, char *dev, size_t n)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		char p[160];
		uint64_t pid, size;

		if (strncmp(de->d_name, "nbd", 3))
			continue;
		snprintf(p, sizeof(p), "/sys/block/%s/pid", de->d_name);
		if (read_u64_file(p, &pid) || sysblock_size(de->d_name, &size))
			continue;
		if (size == im->len && is_our_daemon(pid) && ensure_blockdev(de->d_name, dev, n) == 0)
			found = 1;
	}
	closedir(d);
	return found;
}

/** Run the server side of an NBD connection (the re-executed daemon). */
static int nbd_daemon_main(int argc, char **argv)
{
	uint64_t sock, nbdfd, addr, len, rw;
	struct physmem pm;
	pid_t kid;

	if (argc != 7 || parse_u64(argv[2], &sock) || parse_u64(argv[3], &nbdfd) ||
	    parse_u64(argv[4], &addr) || parse_u64(argv[5], &len) || parse_u64(argv[6], &rw))
		return EXIT_ERROR;
	if (physmem_map(&pm, "/dev/mem", addr, len, (int)rw))
		return EXIT_ERROR;
	kid = fork();
	if (kid < 0)
		return EXIT_ERROR;
	if (kid == 0) {
		/* The kernel side: blocks in NBD_DO_IT until disconnect. */
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

/** NBD served by our own daemon over a socketpair. */
static enum attach_rc nbd_attach(const struct image *im, char *dev, size_t n, char *why,
				 size_t wn)
{
	int sv[2], nbdfd = -1, i, num;
	uint32_t flags = KAPI_NBD_FLAG_HAS_FLAGS | KAPI_NBD_FLAG_SEND_FLUSH;
	char path[64], name[32];
	pid_t pid;

	struct physmem pm;

	/* The server maps the image from /dev/mem: make sure it can. */
	if (physmem_map(&pm, "/dev/mem", im->addr, im->len, im->rw)) {
		snprintf(why, wn, "the image cannot be mapped from /dev/mem (see above)");
		return ATTACH_UNAVAILABLE;
	}
	physmem_unmap(&pm);
	if (modprobe((const char *const[]){ "nbd", NULL }) && access("/sys/module/nbd", F_OK)) {
		snprintf(why, wn, "no nbd module");
		return ATTACH_UNAVAILABLE;
	}
	/* A free device: no server pid and no size. */
	for (num = 0; num < 64; num++) {
		char p[96];
		uint64_t size;

		snprintf(name, sizeof(name), "nbd%d", num);
		snprintf(p, sizeof(p), "/sys/block/%s/pid", name);
		if (access(p, F_OK) == 0)
			continue;
		if (sysblock_size(name, &size) || size)
			continue;
		if (ensure_blockdev(name, path, sizeof(path)))
			continue;
		nbdfd = open(path, O_RDWR | O_CLOEXEC);
		if (nbdfd >= 0)
			break;
	}
	if (nbdfd < 0) {
		snprintf(why, wn, "no free /dev/nbd* device");
		return ATTACH_FAILED;
	}
	if (!im->rw)
		flags |= KAPI_NBD_FLAG_READ_ONLY;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) ||
	    ioctl(nbdfd, KAPI_NBD_SET_BLKSIZE, 512UL) ||
	    ioctl(nbdfd, KAPI_NBD_SET_SIZE_BLOCKS, (unsigned long)(im->len / 512)) ||
	    ioctl(nbdfd, KAPI_NBD_SET_FLAGS, (unsigned long)flags) ||
	    ioctl(nbdfd, KAPI_NBD_SET_SOCK, (unsigned long)sv[1])) {
		snprintf(why, wn, "setting up %s failed: %s", path, strerror(errno));
		close(nbdfd);
		return ATTACH_FAILED;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(why, wn, "fork: %s", strerror(errno));
		return ATTACH_FAILED;
	}
	if (pid == 0) {
		char a_sock[24], a_nbd[24], a_addr[24], a_len[24], a_rw[4];
		int devnull = open("/dev/null", O_RDWR);

		setsid();
		signal(SIGHUP, SIG_IGN);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
		}
		close(sv[1]);
		/* Keep these two across exec. */
		fcntl(sv[0], F_SETFD, 0);
		fcntl(nbdfd, F_SETFD, 0);
		snprintf(a_sock, sizeof(a_sock), "%d", sv[0]);
		snprintf(a_nbd, sizeof(a_nbd), "%d", nbdfd);
		snprintf(a_addr, sizeof(a_addr), "%llu", (unsigned long long)im->addr);
		snprintf(a_len, sizeof(a_len), "%llu", (unsigned long long)im->len);
		snprintf(a_rw, sizeof(a_rw), "%d", im->rw ? 1 : 0);
		execl("/proc/self/exe", NBD_DAEMON_NAME, "--nbd-daemon", a_sock, a_nbd, a_addr,
		      a_len, a_rw, (char *)NULL);
		_exit(EXIT_ERROR);
	}
	close(sv[0]);
	close(sv[1]);
	close(nbdfd);
	/* Wait until the kernel side is running. */
	for (i = 0; i < 100; i++) {
		char p[96];
		int st;

		snprintf(p, sizeof(p), "/sys/block/%s/pid", name);
		if (access(p, F_OK) == 0)
			break;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			snprintf(why, wn, "the NBD server exited at start-up");
			return ATTACH_FAILED;
		}
		sleep_ms(50);
	}
	if (i == 100) {
		snprintf(why, wn, "%s did not come up", path);
		return ATTACH_FAILED;
	}
	snprintf(dev, n, "%s", path);
	return ATTACH_OK;
}

/* ------------------------------------------------------------------ copy */

/** An existing loop device over our copy. */
static int copy_existing(const struct image *im, char *dev, size_t n)
{
	struct stat st;

	if (stat(COPY_FILE, &st) || (uint64_t)st.st_size != im->len)
		return 0;
	return loop_find(COPY_FILE, 0, dev, n);
}

/** Copy the mapped image into @p fd, with progress. 0 on success. */
static int copy_image(const struct physmem *pm, int fd)
{
	const size_t chunk = 4 << 20;
	uint64_t done = 0;
	int last_pct = -1, show = verbose || isatty(2);

	while (done < pm->len) {
		size_t want = pm->len - done < chunk ? (size_t)(pm->len - done) : chunk;
		ssize_t w = write(fd, pm->image + done, want);
		int pct;

		if (w <= 0) {
			msg("copy: failed at byte %llu of %llu: %s", (unsigned long long)done,
			    (unsigned long long)pm->len, w < 0 ? strerror(errno) : "short write");
			return -1;
		}
		done += (uint64_t)w;
		pct = (int)(done * 100 / pm->len);
		if (show && pct / 10 != last_pct / 10) {
			fprintf(stderr, "%s: copy: %3d%% (%llu MiB)\n", prog_name, pct,
				(unsigned long long)(done >> 20));
			last_pct = pct;
		}
	}
	return 0;
}

/** Copy the image into tmpfs and attach a loop device to the copy. */
static enum attach_rc copy_attach(const struct image *im, char *dev, size_t n, char *why,
				  size_t wn)
{
	char opts[64];
	struct statfs sfs;
	struct physmem pm;
	int fd, rc;

	if (physmem_map(&pm, "/dev/mem", im->addr, im->len, 0)) {
		snprintf(why, wn, "the image cannot be mapped from /dev/mem (see above)");
		return ATTACH_UNAVAILABLE;
	}
	msg("copy: this keeps a second copy of the image in RAM (%llu MiB)",
	    (unsigned long long)((im->len + (1 << 20) - 1) >> 20));
	mkdir("/run", 0755);
	if (mkdir(COPY_DIR, 0700) && errno != EEXIST) {
		snprintf(why, wn, "cannot create %s: %s", COPY_DIR, strerror(errno));
		physmem_unmap(&pm);
		return ATTACH_FAILED;
	}
	if (statfs(COPY_DIR, &sfs) || sfs.f_type != 0x01021994 /* TMPFS_MAGIC */) {
		snprintf(opts, sizeof(opts), "size=%llu,mode=0700",
			 (unsigned long long)(im->len + (1 << 20)));
		if (mount("memdisk-copy", COPY_DIR, "tmpfs", MS_NOSUID | MS_NODEV, opts)) {
			snprintf(why, wn, "cannot mount tmpfs on %s: %s", COPY_DIR, strerror(errno));
			physmem_unmap(&pm);
			return ATTACH_FAILED;
		}
	}
	fd = open(COPY_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, wn, "cannot create %s: %s", COPY_FILE, strerror(errno));
		physmem_unmap(&pm);
		return ATTACH_FAILED;
	}
	rc = copy_image(&pm, fd);
	physmem_unmap(&pm);
	if (close(fd))
		rc = -1;
	if (rc) {
		unlink(COPY_FILE);
		snprintf(why, wn, "copying the image failed");
		return ATTACH_FAILED;
	}
	if (loop_attach(COPY_FILE, 0, 0, im->rw, dev, n)) {
		unlink(COPY_FILE);
		snprintf(why, wn, "cannot attach a loop device");
		return ATTACH_FAILED;
	}
	return ATTACH_OK;
}

static const struct backend backends[] = {
	{ "pmem", pmem_existing, pmem_attach },
	{ "phram", phram_existing, phram_attach },
	{ "nbd", nbd_existing, nbd_attach },
	{ "copy", copy_existing, copy_attach },
};
#define N_BACKENDS (sizeof(backends) / sizeof(backends[0]))

/* ---------------------------------------------------------------- detach */

/** Undo what memdisk-attach made at @p dev. */
static int detach(const char *dev)
{
	const char *base = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "/dev/%s", base);
	if (!strncmp(base, "nbd", 3)) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0 || ioctl(fd, KAPI_NBD_DISCONNECT)) {
			msg("cannot disconnect %s: %s", path, strerror(errno));
			return EXIT_ERROR;
		}
		ioctl(fd, KAPI_NBD_CLEAR_SOCK);
		close(fd);
		return 0;
	}
	if (!strncmp(base, "loop", 4)) {
		char p[96], *bf;
		int ours;

		snprintf(p, sizeof(p), "/sys/block/%s/loop/backing_file", base);
		bf = read_file(p, 4096, NULL);
		if (!bf) {
			msg("%s is not an attached loop device", path);
			return EXIT_ERROR;
		}
		ours = !strncmp(bf, COPY_FILE, strlen(COPY_FILE));
		free(bf);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || ioctl(fd, KAPI_LOOP_CLR_FD, 0)) {
			msg("cannot detach %s: %s", path, strerror(errno));
			return EXIT_ERROR;
		}
		close(fd);
		if (ours) {
			unlink(COPY_FILE);
			umount(COPY_DIR);
		}
		return 0;
	}
	if (!strncmp(base, "mtdblock", 8)) {
		/* phram cannot drop one device: unload it (and mtdblock) whole. */
		modprobe((const char *const[]){ "-r", "mtdblock", NULL });
		modprobe((const char *const[]){ "-r", "phram", NULL });
		if (access("/sys/module/phram", F_OK) == 0) {
			msg("cannot unload phram (is %s still in use?)", path);
			return EXIT_ERROR;
		}
		return 0;
	}
	if (!strncmp(base, "pmem", 4)) {
		msg("%s belongs to the kernel (legacy persistent memory): nothing to detach", path);
		return 0;
	}
	msg("%s: not a device memdisk-attach makes", dev);
	return EXIT_ERROR;
}

/* ------------------------------------------------------------------ main */

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
		"  -d, --detach DEV    undo an attachment\n"
		"  -v, --verbose       say what is tried\n"
		"  -V, --version       print the version\n"
		"  -h, --help          print this help\n"
		"Exit status: 0 attached, 1 no image, 2 error.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "rw", no_argument, NULL, 'w' },
		{ "detach", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct finder_result fr;
	struct finder_opts fo = { 0 };
	const char *only = NULL, *detach_dev = NULL;
	char dev[128], why[N_BACKENDS][256];
	struct image im = { 0 };
	size_t i, tried = 0;
	int c, rc;

	prog_name = "memdisk-attach";
	if (argc >= 2 && !strcmp(argv[1], "--nbd-daemon"))
		return nbd_daemon_main(argc, argv);
	while ((c = getopt_long(argc, argv, "b:wd:vVh", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			only = optarg;
			break;
		case 'w':
			im.rw = 1;
			break;
		case 'd':
			detach_dev = optarg;
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
		for (i = 0; i < N_BACKENDS && strcmp(only, backends[i].name); i++)
			;
		if (i == N_BACKENDS) {
			msg("unknown backend '%s' (pmem, phram, nbd or copy)", only);
			return EXIT_ERROR;
		}
	}
	if (detach_dev)
		return detach(detach_dev);

	rc = finder_run(&fo, &fr);
	if (rc != EXIT_FOUND) {
		if (rc == EXIT_NOT_FOUND)
			msg("no memdisk image found%s", verbose ? "" : " (--verbose says why)");
		return rc;
	}
	im.addr = fr.scan.image_addr;
	im.len = fr.scan.image_len;
	vmsg("image at %#llx, %llu bytes", (unsigned long long)im.addr,
	     (unsigned long long)im.len);

	/* Report what is already there rather than making a second device. */
	for (i = 0; i < N_BACKENDS; i++) {
		if (only && strcmp(only, backends[i].name))
			continue;
		if (backends[i].existing(&im, dev, sizeof(dev))) {
			vmsg("%s: already attached as %s", backends[i].name, dev);
			printf("%s\n", dev);
			return 0;
		}
	}
	for (i = 0; i < N_BACKENDS; i++) {
		enum attach_rc ar;

		if (only && strcmp(only, backends[i].name))
			continue;
		why[i][0] = '\0';
		vmsg("trying %s", backends[i].name);
		ar = backends[i].attach(&im, dev, sizeof(dev), why[i], sizeof(why[i]));
		tried |= 1u << i;
		if (ar == ATTACH_OK) {
			vmsg("%s: attached as %s", backends[i].name, dev);
			printf("%s\n", dev);
			return fflush(stdout) ? EXIT_ERROR : 0;
		}
		vmsg("%s: %s", backends[i].name, why[i]);
	}
	for (i = 0; i < N_BACKENDS; i++)
		if (tried & (1u << i))
			msg("%s: %s", backends[i].name, why[i]);
	msg("could not attach the image at %#llx (%llu bytes)", (unsigned long long)im.addr,
	    (unsigned long long)im.len);
	return EXIT_ERROR;
}
