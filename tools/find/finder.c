/**
 * @file finder.c
 *
 * The I/O around the scan: read the memory map and base memory from the
 * running kernel (or a dump), run mbft_scan(), explain the outcome.
 * Only ever opens /dev/mem read-only.
 */
#include "finder.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

/** Say why /dev/mem could not be opened, naming lockdown when it applies. */
static void explain_devmem_error(const char *path, int err)
{
	char *lock;

	if (err == ENOENT) {
		msg("cannot open %s: %s (kernel without CONFIG_DEVMEM, or /dev not populated)",
		    path, strerror(err));
		return;
	}
	lock = read_file("/sys/kernel/security/lockdown", 256, NULL);
	if (lock && (strstr(lock, "[integrity]") || strstr(lock, "[confidentiality]"))) {
		msg("cannot open %s: %s (the kernel is locked down, e.g. by Secure Boot: "
		    "/dev/mem is forbidden, and no ACPI copy of the tables (%s) was found; "
		    "memdisk.efi leaves one, the BIOS memdisk cannot: boot it with the pmem "
		    "option)", path, strerror(err), FINDER_ACPI_TABLE);
	} else if ((err == EACCES || err == EPERM) && geteuid() == 0) {
		msg("cannot open %s: %s (the kernel refuses it even to root: it is locked down, "
		    "e.g. by Secure Boot, which /sys/kernel/security/lockdown shows once "
		    "securityfs is mounted; and no ACPI copy of the tables (%s) was found)",
		    path, strerror(err), FINDER_ACPI_TABLE);
	} else if (err == EACCES || err == EPERM) {
		msg("cannot open %s: %s (run as root)", path, strerror(err));
	} else {
		msg("cannot open %s: %s", path, strerror(err));
	}
	free(lock);
}

/**
 * Copy @p n bytes of physical memory at @p addr (below 1 MiB) into @p buf.
 * mmap() first, as SYSLINUX's finder does: read() of /dev/mem returns
 * zeros for low pages that share any byte with System RAM, and the page
 * holding a memdisk's driver usually does. 0 on success.
 */
static int read_low(int fd, void *buf, size_t n, uint32_t addr)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint32_t page = pg > 0 ? (uint32_t)pg : 4096;
	uint32_t lo = addr & ~(page - 1);
	size_t maplen = (addr - lo) + n;
	uint8_t *p = buf;
	void *m;

	m = mmap(NULL, maplen, PROT_READ, MAP_SHARED, fd, (off_t)lo);
	if (m != MAP_FAILED) {
		memcpy(buf, (uint8_t *)m + (addr - lo), n);
		munmap(m, maplen);
		return 0;
	}
	while (n) {
		ssize_t r = pread(fd, p, n, (off_t)addr);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		p += r;
		n -= (size_t)r;
		addr += (uint32_t)r;
	}
	return 0;
}

/** Load and parse a memory map file into r->map. 0 on success. */
static int load_map(const char *path, struct finder_result *r)
{
	char *text = read_file(path, 1 << 20, NULL);

	if (!text) {
		msg("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	iomem_parse(text, &r->map);
	free(text);
	if (r->map.all_zero) {
		msg("%s shows every address as 0: run as root", path);
		return -1;
	}
	if (r->map.truncated) {
		msg("%s has more than %d entries: the image cannot be checked against it",
		    path, IOMEM_MAX_ENTRIES);
		return -1;
	}
	r->have_map = 1;
	return 0;
}

/** Explain, under --verbose, why the scan found nothing. */
static void explain_not_found(const struct mbft_scan_result *s)
{
	unsigned i, n;

	if (!verbose)
		return;
	if (!s->n_candidates) {
		vmsg("no mBFT signature in 0x%x-0x%x: no MEMDISK-style loader left a table "
		     "(was the system booted through memdisk?)", s->scan_start, s->scan_end);
		return;
	}
	n = s->n_candidates < MBFT_SCAN_MAX_CANDIDATES ? s->n_candidates : MBFT_SCAN_MAX_CANDIDATES;
	for (i = 0; i < n; i++)
		vmsg("mBFT at 0x%x rejected: %s", s->candidates[i].addr,
		     mbft_scan_reject_str(s->candidates[i].why));
	if (s->n_candidates > n)
		vmsg("... and %u more rejected candidates", s->n_candidates - n);
}

/** Scan a memory dump file. */
static int run_dump(const struct finder_opts *o, struct finder_result *r)
{
	size_t len;
	uint8_t *mem = (uint8_t *)read_file(o->mem_file, BASEMEM_TOP, &len);
	uint32_t start = o->mem_base, scan_base = o->mem_base;
	int rc;

	if (!mem) {
		msg("cannot read %s: %s", o->mem_file, strerror(errno));
		return EXIT_ERROR;
	}
	if (o->iomem_file) {
		if (load_map(o->iomem_file, r)) {
			free(mem);
			return EXIT_ERROR;
		}
		scan_base = iomem_scan_base(&r->map, 4096);
		if (scan_base < o->mem_base)
			scan_base = o->mem_base;
		start = scan_base;
	}
	/* The BIOS base-memory word, when the dump holds it. */
	if (o->mem_base <= BDA_BASEMEM_KIB &&
	    (uint64_t)o->mem_base + len >= BDA_BASEMEM_KIB + 2) {
		const uint8_t *w = mem + (BDA_BASEMEM_KIB - o->mem_base);
		uint16_t kib = (uint16_t)(w[0] | w[1] << 8);

		if (mbft_scan_start(kib, scan_base, &start)) {
			vmsg("base memory is %u KiB: outside 64-640 KiB, no memdisk driver can sit there", kib);
			free(mem);
			return EXIT_NOT_FOUND;
		}
	}
	rc = mbft_scan(mem, len, o->mem_base, start, r->have_map ? &r->map : NULL, &r->scan);
	free(mem);
	if (!rc) {
		explain_not_found(&r->scan);
		return EXIT_NOT_FOUND;
	}
	return EXIT_FOUND;
}

/**
 * Read memboot's ACPI copy of the tables (memdisk.efi publishes it; Linux
 * shows it as /sys/firmware/acpi/tables/MBFT), which needs no /dev/mem.
 * A copy that is there but wrong is said, and the scan goes on.
 * EXIT_FOUND, or EXIT_NOT_FOUND with the reason under --verbose.
 */
static int run_acpi(const char *path, struct finder_result *r)
{
	struct mbft_scan_result *s = &r->scan;
	enum mbft_scan_reject why;
	size_t len;
	uint8_t *t = (uint8_t *)read_file(path, 2 * (sizeof(struct mbft64) + MBFT_ACPI_CMDLINE_MAX),
					  &len);

	if (!t) {
		if (errno == ENOENT)
			vmsg("no %s: the loader published no ACPI copy of the tables", path);
		else
			vmsg("cannot read %s: %s", path, strerror(errno));
		return EXIT_NOT_FOUND;
	}
	why = mbft_parse_acpi(t, len, r->have_map ? &r->map : NULL, s);
	free(t);
	if (why != MBFT_SCAN_OK) {
		msg("%s rejected: %s", path,
		    why == MBFT_SCAN_BAD_LENGTH ? "not an " MBFT_ACPI_SIGNATURE " table, or its length "
						  "is not the file's"
		    : why == MBFT_SCAN_BAD_CMDLINE ? "its command line does not end with the table"
						   : mbft_scan_reject_str(why));
		return EXIT_NOT_FOUND;
	}
	vmsg("the tables come from the ACPI copy %s", path);
	return EXIT_FOUND;
}

/** Scan the running machine's base memory through /dev/mem. */
static int run_live(const struct finder_opts *o, struct finder_result *r)
{
	const char *devmem = o->devmem ? o->devmem : "/dev/mem";
	const char *acpi = o->acpi_file ? o->acpi_file : FINDER_ACPI_TABLE;
	long page = sysconf(_SC_PAGESIZE);
	uint32_t scan_base, start;
	uint8_t kibw[2];
	uint8_t *mem;
	int fd, rc;

	if (load_map(o->iomem_file ? o->iomem_file : "/proc/iomem", r))
		return EXIT_ERROR;
	/* memdisk.efi's ACPI copy first: it needs no /dev/mem, which a kernel
	 * in lockdown closes (and logs each attempt at). */
	if (run_acpi(acpi, r) == EXIT_FOUND)
		return EXIT_FOUND;
	scan_base = iomem_scan_base(&r->map, page > 0 ? (uint32_t)page : 4096);
	if (!scan_base) {
		msg("no System RAM below 640 KiB in the memory map: cannot locate base memory");
		return EXIT_ERROR;
	}
	fd = open(devmem, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		explain_devmem_error(devmem, errno);
		return EXIT_ERROR;
	}
	if (read_low(fd, kibw, 2, BDA_BASEMEM_KIB)) {
		msg("cannot read the BIOS data area from %s: %s", devmem, strerror(errno));
		close(fd);
		return EXIT_ERROR;
	}
	if (mbft_scan_start((uint16_t)(kibw[0] | kibw[1] << 8), scan_base, &start)) {
		vmsg("base memory is %u KiB: outside 64-640 KiB, no memdisk driver can sit there",
		     (unsigned)(kibw[0] | kibw[1] << 8));
		close(fd);
		return EXIT_NOT_FOUND;
	}
	mem = malloc(BASEMEM_TOP - scan_base);
	if (!mem) {
		msg("out of memory");
		close(fd);
		return EXIT_ERROR;
	}
	if (read_low(fd, mem, BASEMEM_TOP - scan_base, scan_base)) {
		msg("cannot read base memory 0x%x-0x%x from %s: %s", scan_base,
		    BASEMEM_TOP, devmem, strerror(errno));
		free(mem);
		close(fd);
		return EXIT_ERROR;
	}
	close(fd);
	rc = mbft_scan(mem, BASEMEM_TOP - scan_base, scan_base, start, &r->map, &r->scan);
	free(mem);
	if (!rc) {
		explain_not_found(&r->scan);
		return EXIT_NOT_FOUND;
	}
	return EXIT_FOUND;
}

int finder_run(const struct finder_opts *o, struct finder_result *r)
{
	memset(r, 0, sizeof(*r));
	if (o->mem_file && o->acpi_file) {
		msg("--mem and --acpi cannot be combined");
		return EXIT_ERROR;
	}
	if (o->acpi_file) {     /* only that file (tests, or a copy of the table) */
		if (load_map(o->iomem_file ? o->iomem_file : "/proc/iomem", r))
			return EXIT_ERROR;
		return run_acpi(o->acpi_file, r);
	}
	return o->mem_file ? run_dump(o, r) : run_live(o, r);
}
