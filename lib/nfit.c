/**
 * @file nfit.c
 *
 * NFIT and SSDT building and NFIT reading (see nfit.h).
 */
#include "nfit.h"

#include "bytes.h"
#include "libc.h"
#include "mbft.h"

#define NFIT_TYPE_SPA 0

/** An ACPI header: signature, length, revision, OEM fields; checksum left 0. */
static void header(uint8_t *t, const char sig[4], uint32_t length, uint8_t revision)
{
	memset(t, 0, ACPI_HEADER_BYTES);
	memcpy(t, sig, 4);
	put_le32(t + 4, length);
	t[8] = revision;
	memcpy(t + 10, "MEMBOT", 6);         /* OEM ID */
	memcpy(t + 16, "MEMDISK ", 8);       /* OEM table ID */
	put_le32(t + 24, 1);                    /* OEM revision */
	memcpy(t + 28, "MBOT", 4);           /* creator ID */
	put_le32(t + 32, 1);                    /* creator revision */
}

/** One SPA range structure with index @p index. */
static void spa(uint8_t *s, uint16_t index, uint64_t base, uint64_t size, const uint8_t type[16])
{
	memset(s, 0, NFIT_SPA_BYTES);
	put_le16(s, NFIT_TYPE_SPA);
	put_le16(s + 2, NFIT_SPA_BYTES);
	put_le16(s + 4, index);
	/* flags 0, proximity domain 0 (not valid) */
	memcpy(s + 16, type, 16);
	put_le64(s + 32, base);
	put_le64(s + 40, size);
	put_le64(s + 48, NFIT_MAPPING_WB);
}

void nfit_build(uint8_t *out, uint64_t base, uint64_t size, const uint8_t type[16])
{
	header(out, "NFIT", NFIT_ONE_RANGE_BYTES, 1);
	memset(out + ACPI_HEADER_BYTES, 0, 4);
	spa(out + NFIT_FIRST_STRUCTURE, 1, base, size, type);
	mbft_set_checksum(out, NFIT_ONE_RANGE_BYTES);
}

/**
 * Walk the structures of an NFIT: call @p fn for each SPA range.
 *
 * @return 0, or -1 when malformed
 */
static int walk(const uint8_t *nfit, size_t len,
		void (*fn)(const uint8_t *s, void *ctx), void *ctx)
{
	uint32_t tlen, off;

	if (!nfit || len < NFIT_FIRST_STRUCTURE || memcmp(nfit, "NFIT", 4) != 0)
		return -1;
	tlen = le32(nfit + 4);
	if (tlen < NFIT_FIRST_STRUCTURE || tlen > len)
		return -1;
	for (off = NFIT_FIRST_STRUCTURE; off < tlen;) {
		uint16_t type, slen;

		if (tlen - off < 4)
			return -1;
		type = le16(nfit + off);
		slen = le16(nfit + off + 2);
		if (slen < 4 || slen > tlen - off)
			return -1;
		if (type == NFIT_TYPE_SPA) {
			if (slen < NFIT_SPA_BYTES)
				return -1;
			if (fn)
				fn(nfit + off, ctx);
		}
		off += slen;
	}
	return 0;
}

struct overlap_ctx {
	uint64_t base, size;
	int count, exact;
	uint16_t max_index;
};

static void overlap_fn(const uint8_t *s, void *ctx)
{
	struct overlap_ctx *c = ctx;
	uint64_t b = le64(s + 32), n = le64(s + 40);
	uint16_t index = le16(s + 4);

	if (index > c->max_index)
		c->max_index = index;
	if (!n || !c->size)
		return;
	/* [b, b+n) and [base, base+size) overlap (written to avoid overflow) */
	if (b <= c->base + (c->size - 1) && c->base <= b + (n - 1)) {
		c->count++;
		if (b == c->base && n == c->size)
			c->exact = 1;
	}
}

int nfit_count_overlaps(const uint8_t *nfit, size_t len, uint64_t base, uint64_t size,
			int *exact)
{
	struct overlap_ctx c = { base, size, 0, 0, 0 };

	if (walk(nfit, len, overlap_fn, &c))
		return -1;
	if (exact)
		*exact = c.exact;
	return c.count;
}

int nfit_append(const uint8_t *old, size_t old_len, uint8_t *out, uint64_t base, uint64_t size,
		const uint8_t type[16])
{
	struct overlap_ctx c = { 0, 0, 0, 0, 0 };
	uint32_t tlen;

	if (walk(old, old_len, overlap_fn, &c))
		return -1;
	tlen = le32(old + 4);
	memcpy(out, old, tlen);
	spa(out + tlen, (uint16_t)(c.max_index + 1), base, size, type);
	put_le32(out + 4, tlen + NFIT_SPA_BYTES);
	mbft_set_checksum(out, tlen + NFIT_SPA_BYTES);
	return 0;
}

void nfit_build_ssdt(uint8_t *out)
{
	/* Scope (\_SB) { Device (NVDR) { Name (_HID, "ACPI0012") } } in AML.
	 * Package lengths are one byte (under 64) and count themselves. */
	static const uint8_t aml[29] = {
		0x10, 28, '\\', '_', 'S', 'B', '_',         /* ScopeOp, PkgLength, \_SB_ */
		0x5b, 0x82, 20, 'N', 'V', 'D', 'R',         /* DeviceOp, PkgLength, NVDR */
		0x08, '_', 'H', 'I', 'D',                   /* NameOp _HID */
		0x0d, 'A', 'C', 'P', 'I', '0', '0', '1', '2', 0x00, /* String "ACPI0012" */
	};

	header(out, "SSDT", NFIT_SSDT_BYTES, 2);
	memcpy(out + ACPI_HEADER_BYTES, aml, sizeof(aml));
	mbft_set_checksum(out, NFIT_SSDT_BYTES);
}
