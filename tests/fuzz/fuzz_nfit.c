/**
 * @file fuzz_nfit.c
 *
 * libFuzzer target for NFIT reading and appending: the input is a table
 * (an exact-size heap buffer for ASan); an accepted table must also be
 * appendable, and the result must be a well-formed NFIT with one more
 * overlapping range and a good checksum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mbft.h"
#include "nfit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t type[16] = { 1 };
	uint8_t *t = malloc(size ? size : 1), *out;
	uint32_t len;
	int n, m;

	memcpy(t, data, size);
	n = nfit_count_overlaps(t, size, 0, UINT64_MAX, NULL);
	if (n >= 0) {
		memcpy(&len, t + 4, 4);
		out = malloc(len + NFIT_SPA_BYTES);
		if (nfit_append(t, size, out, 0x1000, 0x1000, type))
			abort();
		m = nfit_count_overlaps(out, len + NFIT_SPA_BYTES, 0, UINT64_MAX, NULL);
		if (m != n + 1 || mbft_byte_sum(out, len + NFIT_SPA_BYTES))
			abort();
		free(out);
	}
	free(t);
	return 0;
}
