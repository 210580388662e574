/**
 * @file mbft_scan.c
 *
 * The finder's scan of base memory for the mBFT. The acceptance rules are
 * SYSLINUX memdiskfind's (signature, length, MDI length, checksum), so that
 * every table it finds is found here too; on top of them memboot checks the
 * pointers and the image range, so that a forged or stale table is never
 * trusted.
 */
#include "mbft_scan.h"

#include <string.h>

#include "mbft.h"

const char *mbft_scan_reject_str(enum mbft_scan_reject why)
{
	switch (why) {
	case MBFT_SCAN_OK:
		return "valid";
	case MBFT_SCAN_BAD_LENGTH:
		return "length too small or past the end of base memory";
	case MBFT_SCAN_BAD_MDI_LENGTH:
		return "length does not match the MDI size";
	case MBFT_SCAN_BAD_CHECKSUM:
		return "bad checksum";
	case MBFT_SCAN_BAD_SAFE_HOOK:
		return "safe hook missing or not pointing back at the table";
	case MBFT_SCAN_BAD_CMDLINE:
		return "command line outside the scanned range or not terminated";
	case MBFT_SCAN_BAD_SECTOR_SHIFT:
		return "impossible sector size";
	case MBFT_SCAN_BAD_IMAGE_RANGE:
		return "image address or length impossible (empty, below 1 MiB or past 4 GiB)";
	case MBFT_SCAN_IMAGE_NOT_IN_RAM:
		return "image is not in memory the loader reserved (System RAM, a device, or no memory)";
	}
	return "unknown";
}

int mbft_scan_start(uint16_t basemem_kib, uint32_t scan_base, uint32_t *start)
{
	uint32_t fbm = (uint32_t)basemem_kib << 10;

	if (fbm < scan_base)
		fbm = scan_base;
	*start = fbm;
	if (fbm < BASEMEM_MIN || fbm >= BASEMEM_MAX)
		return 1;
	return 0;
}

/** A scanned window: the bytes [lo, hi) of physical memory. */
struct window {
	const uint8_t *mem;
	uint32_t base;          /* physical address of mem[0] */
	uint32_t lo, hi;        /* the scanned range, physical */
};

/** Is [addr, addr+n) inside the window? */
static int in_window(const struct window *w, uint64_t addr, uint64_t n)
{
	return addr >= w->lo && addr + n <= w->hi && addr + n >= addr;
}

/** Pointer to physical address @p addr, which must be in the window. */
static const uint8_t *at(const struct window *w, uint32_t addr)
{
	return w->mem + (addr - w->base);
}

/** Check the safe hook the table points at. */
static int safe_hook_ok(const struct window *w, const struct mbft *t,
			uint32_t table_addr)
{
	struct safe_hook sh;

	if (!in_window(w, t->safe_hook, sizeof(sh)))
		return 0;
	memcpy(&sh, at(w, t->safe_hook), sizeof(sh));
	return !memcmp(sh.signature, SAFE_HOOK_SIGNATURE, 8) &&
	       sh.mbft == table_addr;
}

/** Copy the command line out of the window; 0 if it is not inside. */
static int read_cmdline(const struct window *w, const struct mdi *mdi,
			struct mbft_scan_result *res)
{
	uint32_t addr = ((uint32_t)mdi->cmdline_seg << 4) + mdi->cmdline_off;
	size_t i;

	for (i = 0; i < MBFT_SCAN_CMDLINE_MAX; i++) {
		if (!in_window(w, (uint64_t)addr + i, 1))
			return 0;
		res->cmdline[i] = (char)*at(w, addr + (uint32_t)i);
		if (!res->cmdline[i])
			return 1;
	}
	return 0;
}

/**
 * The rules on what a table says about the image (sector shift, a possible
 * range, reserved memory); on success the image's fields of @p res are set
 * from @p t and the extension @p ext (NULL when none).
 */
static enum mbft_scan_reject check_image(const struct mbft *t, const uint8_t *ext,
					 const struct iomem_map *ram,
					 struct mbft_scan_result *res)
{
	unsigned shift = t->mdi.sector_shift ? t->mdi.sector_shift : 9;
	uint64_t img_addr = t->mdi.diskbuf, img_len, limit = 0x100000000ull;

	if (shift < 9 || shift > 12)
		return MBFT_SCAN_BAD_SECTOR_SHIFT;
	img_len = (uint64_t)t->mdi.disksize << shift;
	if (ext) {
		struct mbft_ext e;

		memcpy(&e, ext, sizeof(e));
		if (e.bytes != MBFT_EXT_BYTES)
			return MBFT_SCAN_BAD_MDI_LENGTH;
		img_addr = e.base;
		img_len = e.size;
		limit = 1ull << 52;     /* x86-64's physical address limit */
	}
	if (!img_len || img_addr < 0x100000u || img_len > limit || img_addr > limit - img_len)
		return MBFT_SCAN_BAD_IMAGE_RANGE;
	if (ram && iomem_check_image(ram, img_addr, img_len, NULL) != IOMEM_IN_RAM)
		return MBFT_SCAN_IMAGE_NOT_IN_RAM;
	res->table = *t;
	res->image_addr = img_addr;
	res->ext64 = ext != NULL;
	res->image_len = img_len;
	res->sector_shift = shift;
	return MBFT_SCAN_OK;
}

/** Apply every rule to the candidate at @p addr; fill @p res if valid. */
static enum mbft_scan_reject check_candidate(const struct window *w, uint32_t addr,
					const struct iomem_map *ram,
					struct mbft_scan_result *res)
{
	struct mbft t;
	uint32_t length, mdi_bytes;
	const uint8_t *ext = NULL;
	enum mbft_scan_reject why;

	/* SYSLINUX's rules: length, MDI length, checksum. */
	if (!in_window(w, addr, MBFT_MIN_BYTES))
		return MBFT_SCAN_BAD_LENGTH;
	memcpy(&length, at(w, addr + 4), 4);
	if (length < MBFT_MIN_BYTES || !in_window(w, addr, length))
		return MBFT_SCAN_BAD_LENGTH;
	mdi_bytes = (uint32_t)at(w, addr + 40)[0] | (uint32_t)at(w, addr + 41)[0] << 8;
	/* memboot's 64-bit extension (memdisk.efi, an image above 4 GiB):
	 * struct mbft_ext right after the MDI. SYSLINUX's finder refuses the
	 * length; memboot's reads the extension. */
	if (length == mdi_bytes + MBFT_HEADER_BYTES + MBFT_EXT_BYTES &&
	    !memcmp(at(w, addr + MBFT_HEADER_BYTES + mdi_bytes), MBFT_EXT_SIGNATURE, 4))
		ext = at(w, addr + MBFT_HEADER_BYTES + mdi_bytes);
	else if (length != mdi_bytes + MBFT_HEADER_BYTES)
		return MBFT_SCAN_BAD_MDI_LENGTH;
	if (mbft_byte_sum(at(w, addr), length))
		return MBFT_SCAN_BAD_CHECKSUM;

	/* memboot's rules: pointers inside the driver, a possible image. */
	memset(&t, 0, sizeof(t));
	memcpy(&t, at(w, addr), length < sizeof(t) ? length : sizeof(t));
	if (!safe_hook_ok(w, &t, addr))
		return MBFT_SCAN_BAD_SAFE_HOOK;
	why = check_image(&t, ext, ram, res);
	if (why != MBFT_SCAN_OK)
		return why;
	if (!read_cmdline(w, &t.mdi, res))
		return MBFT_SCAN_BAD_CMDLINE;
	res->has_cmdline = 1;
	res->table_addr = addr;
	res->mdi_bytes = mdi_bytes;
	return MBFT_SCAN_OK;
}

int mbft_scan(const uint8_t *mem, size_t len, uint32_t base, uint32_t start,
	      const struct iomem_map *ram, struct mbft_scan_result *res)
{
	struct window w;
	uint64_t end = (uint64_t)base + len, lo = start;
	uint32_t addr;

	memset(res, 0, sizeof(*res));
	if (end > BASEMEM_TOP)
		end = BASEMEM_TOP;
	if (lo < base)
		lo = base;
	lo = (lo + MBFT_ALIGN - 1) & ~(uint64_t)(MBFT_ALIGN - 1);
	if (lo > end)
		lo = end;
	/* Both now lie in [base, 0xA0000]: no wrap-around below. */
	w.mem = mem;
	w.base = base;
	w.lo = (uint32_t)lo;
	w.hi = (uint32_t)end;
	res->scan_start = w.lo;
	res->scan_end = w.hi;
	if (end <= base)
		return 0;

	for (addr = w.lo; (uint64_t)addr + 4 <= w.hi; addr += MBFT_ALIGN) {
		enum mbft_scan_reject why;

		if (memcmp(at(&w, addr), MBFT_SIGNATURE, 4))
			continue;
		why = check_candidate(&w, addr, ram, res);
		if (why == MBFT_SCAN_OK) {
			res->found = 1;
			return 1;
		}
		res->has_cmdline = 0;
		if (res->n_candidates < MBFT_SCAN_MAX_CANDIDATES) {
			res->candidates[res->n_candidates].addr = addr;
			res->candidates[res->n_candidates].why = why;
		}
		res->n_candidates++;
	}
	return 0;
}

enum mbft_scan_reject mbft_parse_acpi(const uint8_t *p, size_t len, const struct iomem_map *ram,
				      struct mbft_scan_result *res)
{
	struct mbft t;
	uint32_t length, mdi_bytes, body;
	const uint8_t *ext = NULL;
	enum mbft_scan_reject why;
	size_t i;

	memset(res, 0, sizeof(*res));
	if (len < MBFT_MIN_BYTES + 1 || memcmp(p, MBFT_ACPI_SIGNATURE, 4))
		return MBFT_SCAN_BAD_LENGTH;
	memcpy(&length, p + 4, 4);
	if (length != len)
		return MBFT_SCAN_BAD_LENGTH;
	if (mbft_byte_sum(p, length))
		return MBFT_SCAN_BAD_CHECKSUM;
	mdi_bytes = (uint32_t)p[40] | (uint32_t)p[41] << 8;
	if (mdi_bytes < MDI_MIN_BYTES || MBFT_HEADER_BYTES + mdi_bytes >= length)
		return MBFT_SCAN_BAD_MDI_LENGTH;
	body = MBFT_HEADER_BYTES + mdi_bytes;
	if (body + MBFT_EXT_BYTES < length && !memcmp(p + body, MBFT_EXT_SIGNATURE, 4) &&
	    p[body + 4] == MBFT_EXT_BYTES && !p[body + 5] && !p[body + 6] && !p[body + 7]) {
		ext = p + body;         /* (not a command line that starts with "MB64") */
		body += MBFT_EXT_BYTES;
	}
	/* The command line: everything after the table, one NUL at its end. */
	if (length - body - 1 > MBFT_ACPI_CMDLINE_MAX || p[length - 1])
		return MBFT_SCAN_BAD_CMDLINE;
	for (i = body; i + 1 < length; i++)
		if (!p[i])
			return MBFT_SCAN_BAD_CMDLINE;
	/* The header and the MDI's own bytes only: the rest is the command line. */
	memset(&t, 0, sizeof(t));
	memcpy(&t, p, MBFT_HEADER_BYTES + mdi_bytes < sizeof(t) ? MBFT_HEADER_BYTES + mdi_bytes
								   : sizeof(t));
	why = check_image(&t, ext, ram, res);
	if (why != MBFT_SCAN_OK)
		return why;
	memcpy(res->cmdline, p + body, length - body);
	res->has_cmdline = 1;
	res->mdi_bytes = mdi_bytes;
	res->from_acpi = 1;
	res->found = 1;
	return MBFT_SCAN_OK;
}
