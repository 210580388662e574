/**
 * @file physmem.c
 *
 * mmap() of the image's range of /dev/mem, with a precise report of what the
 * kernel refuses.
 */
#include "physmem.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

/** Try to map [pa, pa+n) of @p fd; MAP_FAILED on refusal. */
static void *map_range(int fd, uint64_t pa, size_t n, int rw)
{
	return mmap(NULL, n, PROT_READ | (rw ? PROT_WRITE : 0), MAP_SHARED, fd, (off_t)pa);
}

int physmem_map(struct physmem *m, const char *devmem, uint64_t addr, uint64_t len, int rw)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t page = pg > 0 ? (uint64_t)pg : 4096;
	uint64_t lo = addr & ~(page - 1), hi = (addr + len + page - 1) & ~(page - 1);
	uint64_t full_lo = (addr + page - 1) & ~(page - 1), full_hi = (addr + len) & ~(page - 1);
	int fd, e;
	void *p;

	memset(m, 0, sizeof(*m));
	m->addr = addr;
	m->len = len;
	fd = open(devmem, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0) {
		msg("cannot open %s: %s", devmem, strerror(errno));
		return -1;
	}
	p = map_range(fd, lo, (size_t)(hi - lo), rw);
	e = errno;
	if (p != MAP_FAILED) {
		close(fd);
		m->map = p;
		m->map_len = (size_t)(hi - lo);
		m->image = m->map + (addr - lo);
		return 0;
	}
	/* Find out whether only a shared first or last page is refused. */
	if (full_hi > full_lo) {
		p = map_range(fd, full_lo, (size_t)(full_hi - full_lo), 0);
		if (p != MAP_FAILED) {
			munmap(p, (size_t)(full_hi - full_lo));
			m->head_missing = full_lo - addr;
			m->tail_missing = addr + len - full_hi;
			if (m->head_missing || m->tail_missing) {
				close(fd);
				msg("%s refuses the %llu byte(s) at the start and %llu at the end of the "
				    "image at %#llx: they share a page with System RAM (SYSLINUX MEMDISK "
				    "reserves only the image's bytes; memboot's memdisk reserves whole "
				    "pages). Use the phram or pmem backend for this image.",
				    devmem, (unsigned long long)m->head_missing,
				    (unsigned long long)m->tail_missing, (unsigned long long)addr);
				return -1;
			}
		}
	}
	close(fd);
	msg("cannot map %#llx-%#llx of %s: %s%s", (unsigned long long)lo,
	    (unsigned long long)hi, devmem, strerror(e),
	    e == EPERM ? " (the kernel refuses: the range is System RAM or claimed by a driver)"
		       : "");
	return -1;
}

void physmem_unmap(struct physmem *m)
{
	if (m->map)
		munmap(m->map, m->map_len);
	m->map = NULL;
}

/* ---- following the image to /dev/pmemN ---------------------------------- */

/** The mapping physmem_follow_pmem() keeps alive (one per process). */
static struct physmem *followed;
static int followed_rw;
/* /sys/block and /dev as folders opened beforehand: the server started in
 * the initramfs, whose /sys and /dev mounts move into the new root at
 * switch-root, out of the server's sight but not out of these handles'. */
static int sysblock_fd = -1, dev_fd = -1;

/** Parse hex digits (with or without 0x) from @p b; async-signal-safe. */
static int parse_hex(const char *b, uint64_t *v)
{
	int any = 0;

	*v = 0;
	if (b[0] == '0' && (b[1] == 'x' || b[1] == 'X'))
		b += 2;
	for (;; b++, any = 1) {
		unsigned d;

		if (*b >= '0' && *b <= '9')
			d = (unsigned)(*b - '0');
		else if (*b >= 'a' && *b <= 'f')
			d = (unsigned)(*b - 'a' + 10);
		else if (*b >= 'A' && *b <= 'F')
			d = (unsigned)(*b - 'A' + 10);
		else
			return any ? 0 : -1;
		*v = *v << 4 | d;
	}
}

/** Read a number (hex when @p hex) from @p path under /sys/block; async-signal-safe. */
static int read_num(const char *path, int hex, uint64_t *v)
{
	char b[32];
	ssize_t n;
	int fd = openat(sysblock_fd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	b[n] = '\0';
	if (hex)
		return parse_hex(b, v);
	*v = 0;
	for (n = 0; b[n] >= '0' && b[n] <= '9'; n++)
		*v = *v * 10 + (uint64_t)(b[n] - '0');
	return n ? 0 : -1;
}

/** Write "pmemN/TAIL" (under /sys/block) into @p b; async-signal-safe (no snprintf). */
static void sys_path(char *b, unsigned n, const char *tail)
{
	static const char head[] = "pmem";
	char digits[4];
	unsigned k = 0, i = 0;

	do {
		digits[k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n && k < sizeof(digits));
	memcpy(b, head, sizeof(head) - 1);
	i = sizeof(head) - 1;
	while (k)
		b[i++] = digits[--k];
	memcpy(b + i, tail, strlen(tail) + 1);
}

/** Map the pages of the followed image from the /dev/pmemN that holds them. */
static int remap_from_pmem(void)
{
	struct physmem *m = followed;
	uint64_t lo = m->addr - (uint64_t)(m->image - m->map);   /* the mapping's first page */
	unsigned n;

	for (n = 0; n < 32; n++) {
		char path[64], dev[24] = "pmem";
		uint64_t start, sectors;
		unsigned k = 4, v = n;
		char digits[4];
		unsigned d = 0;
		void *p;
		int fd;

		sys_path(path, n, "/device/resource");
		if (read_num(path, 1, &start))
			continue;
		sys_path(path, n, "/size");
		if (read_num(path, 0, &sectors))
			continue;
		if (lo < start || lo + m->map_len > start + sectors * 512)
			continue;
		do {
			digits[d++] = (char)('0' + v % 10);
			v /= 10;
		} while (v && d < sizeof(digits));
		while (d)
			dev[k++] = digits[--d];
		dev[k] = '\0';
		fd = openat(dev_fd, dev, (followed_rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);
		if (fd < 0)
			continue;
		p = mmap(m->map, m->map_len, PROT_READ | (followed_rw ? PROT_WRITE : 0),
			 MAP_SHARED | MAP_FIXED, fd, (off_t)(lo - start));
		close(fd);
		if (p == m->map)
			return 0;
	}
	return -1;
}

/**
 * SIGBUS: the kernel revoked the /dev/mem mapping because a driver
 * (nd_pmem, when udev in the booted system loads nfit) claimed the range.
 * The same bytes are then /dev/pmemN: map them there, in place, and return
 * so that the faulting access is done again. Wait up to 10 s for the device.
 */
static void on_sigbus(int sig)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	int i;

	(void)sig;
	for (i = 0; i < 100; i++) {
		if (!remap_from_pmem())
			return;
		nanosleep(&ts, NULL);
	}
	signal(SIGBUS, SIG_DFL);
}

void physmem_follow_pmem(struct physmem *m, int rw)
{
	struct sigaction sa;

	followed = m;
	followed_rw = rw;
	sysblock_fd = open("/sys/block", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dev_fd = open("/dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}
