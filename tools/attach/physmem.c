/**
 * @file physmem.c
 *
 * mmap() of the image's range of /dev/mem, with a precise report of what the
 * kernel refuses.
 */
#include "physmem.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
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
