/**
 * @file test_nfit.c
 *
 * The NFIT and SSDT memdisk.efi installs (lib/nfit.c): layout, checksums,
 * the AML of the root device, overlap counting and appending to an
 * existing NFIT, and malformed tables refused.
 */
#include "mbft.h"
#include "nfit.h"
#include "test.h"

static const uint8_t cd_type[16] = { 0x30, 0xbd, 0x5a, 0x3d, 0x75, 0x41, 0xce, 0x87,
				     0x6d, 0x64, 0xd2, 0xad, 0xe5, 0x23, 0xc4, 0xbb };

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void test_build(void)
{
	uint8_t t[NFIT_ONE_RANGE_BYTES], s[NFIT_SSDT_BYTES];
	int exact = 0;

	nfit_build(t, 0x40000000, 0x1000000, cd_type);
	CHECK(!memcmp(t, "NFIT", 4));
	CHECK_EQ(t[4] | t[5] << 8, NFIT_ONE_RANGE_BYTES);
	CHECK_EQ(t[8], 1);
	CHECK_EQ(mbft_byte_sum(t, sizeof(t)), 0);
	CHECK_EQ(t[40], 0);                 /* SPA range structure */
	CHECK_EQ(t[42], NFIT_SPA_BYTES);    /* exactly 56: Linux refuses other sizes */
	CHECK(!memcmp(t + 40 + 16, cd_type, 16));
	CHECK_EQ(get64(t + 40 + 32), 0x40000000);
	CHECK_EQ(get64(t + 40 + 40), 0x1000000);
	CHECK_EQ(nfit_count_overlaps(t, sizeof(t), 0x40000000, 0x1000000, &exact), 1);
	CHECK(exact);
	CHECK_EQ(nfit_count_overlaps(t, sizeof(t), 0x40fff000, 0x2000, &exact), 1);
	CHECK(!exact);
	CHECK_EQ(nfit_count_overlaps(t, sizeof(t), 0x41000000, 0x1000, NULL), 0);
	CHECK_EQ(nfit_count_overlaps(t, sizeof(t), 0x3ffff000, 0x1000, NULL), 0);

	nfit_build_ssdt(s);
	CHECK(!memcmp(s, "SSDT", 4));
	CHECK_EQ(mbft_byte_sum(s, sizeof(s)), 0);
	CHECK_EQ(s[36], 0x10);              /* ScopeOp */
	CHECK_EQ(s[37], sizeof(s) - 37);    /* its package length covers the rest */
	CHECK(!memcmp(s + 38, "\\_SB_", 5));
	CHECK(!memcmp(s + sizeof(s) - 9, "ACPI0012", 9));
}

static void test_append_and_bad(void)
{
	uint8_t a[NFIT_ONE_RANGE_BYTES], b[NFIT_ONE_RANGE_BYTES + NFIT_SPA_BYTES];

	nfit_build(a, 0x100000000ull, 0x200000, cd_type);
	CHECK_EQ(nfit_append(a, sizeof(a), b, 0x80000000, 0x400000, cd_type), 0);
	CHECK_EQ(mbft_byte_sum(b, sizeof(b)), 0);
	CHECK_EQ(b[4] | b[5] << 8, sizeof(b));
	CHECK_EQ(b[40 + 56 + 4], 2);        /* the next range index */
	CHECK_EQ(nfit_count_overlaps(b, sizeof(b), 0, UINT64_MAX, NULL), 2);

	/* Malformed: wrong signature, length beyond the buffer, a zero-length structure. */
	a[0] = 'X';
	CHECK_EQ(nfit_count_overlaps(a, sizeof(a), 0, 1, NULL), -1);
	a[0] = 'N';
	CHECK_EQ(nfit_count_overlaps(a, sizeof(a) - 1, 0, 1, NULL), -1);
	a[42] = 0;
	CHECK_EQ(nfit_count_overlaps(a, sizeof(a), 0, 1, NULL), -1);
	a[42] = 40;                         /* an SPA structure too short */
	CHECK_EQ(nfit_count_overlaps(a, sizeof(a), 0, 1, NULL), -1);
	CHECK_EQ(nfit_append(a, sizeof(a), b, 0, 1, cd_type), -1);
}

void test_nfit(void)
{
	test_build();
	test_append_and_bad();
}
