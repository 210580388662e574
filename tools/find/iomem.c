/**
 * @file iomem.c
 *
 * Parsing /proc/iomem and the questions the finder asks of it.
 */
#include "iomem.h"

#include <string.h>

#include "memdisk_abi.h"

/** Value of one hex digit, or -1. */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/** Parse a hex number (at most 16 digits) at *p; advance *p. 0 on success. */
static int parse_hex(const char **p, uint64_t *out)
{
	uint64_t v = 0;
	int digits = 0;
	int d;

	while ((d = hexval(**p)) >= 0) {
		if (++digits > 16)
			return -1;
		v = (v << 4) | (uint64_t)d;
		(*p)++;
	}
	if (!digits)
		return -1;
	*out = v;
	return 0;
}

/** Is @p name "namespaceN.M", "bttN.M", "pfnN.M" or "daxN.M" (nvdimm devices)? */
static int nvdimm_claim(const char *name)
{
	static const char *const prefixes[] = { "namespace", "btt", "pfn", "dax" };
	size_t i, k;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		const char *p = name;
		int dots = 0, digits = 0;

		k = strlen(prefixes[i]);
		if (strncmp(p, prefixes[i], k))
			continue;
		for (p += k; *p; p++) {
			if (*p == '.' && digits && !dots)
				dots = 1, digits = 0;
			else if (*p >= '0' && *p <= '9')
				digits++;
			else
				return 0;
		}
		return dots && digits;
	}
	return 0;
}

/** Classify an entry by its name. */
static enum iomem_kind classify(const char *name)
{
	if (!strcmp(name, "System RAM"))
		return IOMEM_RAM;
	if (!strcmp(name, "Reserved") || !strcmp(name, "reserved"))
		return IOMEM_RESERVED;
	if (!strcmp(name, "Persistent Memory (legacy)") ||
	    !strcmp(name, "Persistent Memory"))
		return IOMEM_PMEM;
	if (nvdimm_claim(name))
		return IOMEM_NVDIMM;
	return IOMEM_OTHER;
}

/** Parse one line "  START-END : NAME"; 0 on success. */
static int parse_line(const char *line, size_t n, struct iomem_entry *e)
{
	const char *p = line, *end = line + n;
	unsigned spaces = 0;
	size_t nl;

	while (p < end && *p == ' ') {
		spaces++;
		p++;
	}
	if (parse_hex(&p, &e->start) || *p != '-')
		return -1;
	p++;
	if (parse_hex(&p, &e->end) || e->end < e->start)
		return -1;
	if (end - p < 3 || memcmp(p, " : ", 3))
		return -1;
	p += 3;
	nl = (size_t)(end - p);
	if (nl >= IOMEM_NAME_MAX)
		nl = IOMEM_NAME_MAX - 1;
	memcpy(e->name, p, nl);
	e->name[nl] = '\0';
	e->depth = spaces / 2;
	e->kind = classify(e->name);
	return 0;
}

size_t iomem_parse(const char *text, struct iomem_map *m)
{
	const char *p = text;
	int any_nonzero = 0;

	memset(m, 0, sizeof(*m));
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		struct iomem_entry e;

		if (parse_line(p, n, &e) == 0 && e.depth <= 1) {
			if (e.start || e.end)
				any_nonzero = 1;
			if (m->n < IOMEM_MAX_ENTRIES)
				m->e[m->n++] = e;
			else
				m->truncated = 1;
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	m->all_zero = m->n > 0 && !any_nonzero;
	return m->n;
}

uint32_t iomem_scan_base(const struct iomem_map *m, uint32_t page)
{
	uint64_t base = 0;
	size_t i;

	if (m->all_zero || !page)
		return 0;
	for (i = 0; i < m->n; i++) {
		const struct iomem_entry *e = &m->e[i];

		if (e->depth || e->kind != IOMEM_RAM || e->start >= BASEMEM_TOP)
			continue;
		base = e->end + 1;  /* last such range wins */
	}
	if (base > BASEMEM_TOP)
		base = BASEMEM_TOP;
	return (uint32_t)(base & ~(uint64_t)(page - 1));
}

/** Does [a0,a1] overlap [b0,b1] (inclusive ends)? */
static int overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 <= b1 && b0 <= a1;
}

enum iomem_verdict iomem_check_image(const struct iomem_map *m, uint64_t start,
				       uint64_t len,
				       const struct iomem_entry **culprit)
{
	uint64_t last, pos;
	size_t i;
	int progress;

	if (culprit)
		*culprit = NULL;
	if (m->truncated)
		return IOMEM_UNTRUSTED;
	if (!len || start + len < start)
		return IOMEM_NOT_COVERED;
	last = start + len - 1;

	for (i = 0; i < m->n; i++) {
		const struct iomem_entry *e = &m->e[i];
		size_t j;

		if (e->depth)
			continue;
		/* The running kernel's memory is never an image. */
		if (e->kind == IOMEM_RAM && overlaps(start, last, e->start, e->end)) {
			if (culprit)
				*culprit = e;
			return IOMEM_IS_SYSTEM_RAM;
		}
		/* A device claimed inside a Reserved range is not RAM; an nvdimm
		 * namespace is the image itself, exposed by nd_pmem (UEFI). */
		if (e->kind != IOMEM_RESERVED)
			continue;
		for (j = i + 1; j < m->n && m->e[j].depth > 0; j++) {
			if ((m->e[j].kind == IOMEM_NVDIMM || m->e[j].kind == IOMEM_PMEM) &&
			    m->e[j].start >= start && m->e[j].end <= last)
				continue;
			if (overlaps(start, last, m->e[j].start, m->e[j].end)) {
				if (culprit)
					*culprit = &m->e[j];
				return IOMEM_OVERLAPS_DEVICE;
			}
		}
	}

	/* Every byte must be in a top-level Reserved or pmem entry. */
	pos = start;
	do {
		progress = 0;
		for (i = 0; i < m->n; i++) {
			const struct iomem_entry *e = &m->e[i];

			if (e->depth || (e->kind != IOMEM_RESERVED && e->kind != IOMEM_PMEM))
				continue;
			if (e->start <= pos && pos <= e->end) {
				if (e->end >= last)
					return IOMEM_IN_RAM;
				pos = e->end + 1;
				progress = 1;
			}
		}
	} while (progress);

	for (i = 0; i < m->n; i++) {
		if (!m->e[i].depth && m->e[i].start <= pos && pos <= m->e[i].end) {
			if (culprit)
				*culprit = &m->e[i];
			break;
		}
	}
	return IOMEM_NOT_COVERED;
}
