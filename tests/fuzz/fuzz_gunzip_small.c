/**
 * @file fuzz_gunzip_small.c
 *
 * libFuzzer target for memdisk's small gzip decoder (lib/gunzip_small.c),
 * which unpacks the loader's own body: arbitrary bytes as a gzip member
 * into a 256 KiB heap buffer. Nothing may be read or written out of
 * bounds, and the fast decoder (lib/inflate.c) is the oracle: whatever the
 * small one accepts, the fast one must accept too, with the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gunzip_small.h"
#include "inflate.h"

#define OUT_CAP ((size_t)256 << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gunzip_small_ws ws;
	uint8_t *in = malloc(size ? size : 1), *out = malloc(OUT_CAP), *out2 = malloc(OUT_CAP);
	size_t got = 0, got2 = 0;
	int rc;

	memcpy(in, data, size);
	rc = gunzip_small(&ws, in, size, out, OUT_CAP, &got);
	if (got > OUT_CAP)
		abort();
	if (rc == GUNZIP_SMALL_OK) {
		if (gunzip(in, size, out2, OUT_CAP, &got2, NULL, NULL) != INFLATE_OK || got2 != got ||
		    memcmp(out, out2, got))
			abort();
	}
	free(in);
	free(out);
	free(out2);
	return 0;
}
