/**
 * @file fuzz_inflate.c
 *
 * libFuzzer target for the loader's inflate: arbitrary bytes as a gzip
 * member, as a PKZIP archive, and as raw DEFLATE (from the start and from
 * offset 10, where a gzip member's data usually begins), each into a 1 MiB
 * heap buffer.  Nothing may be read or written out of
 * bounds, and a success must be reproducible: the same output again with
 * out_cap exactly the output length (so the careful end-of-buffer path
 * does the work the fast path did), OUTPUT_FULL with one byte less, and the
 * same result from exactly the input bytes that were consumed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inflate.h"

#define OUT_CAP ((size_t)1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Raw-inflate in[0..n) and cross-check a success; abort() on a discrepancy. */
static void check_raw(struct inflate_state *st, const uint8_t *in, size_t n, uint8_t *out,
		      uint8_t *out2)
{
	size_t used = 0, got = 0, used2 = 0, got2 = 0;
	uint8_t *tight, *in2;
	int rc;

	rc = inflate_raw(st, in, n, &used, out, OUT_CAP, &got, NULL, NULL);
	if (used > n || got > OUT_CAP)
		abort();
	if (rc != INFLATE_OK)
		return;
	/* Exactly the consumed input, into exactly the output size. */
	in2 = malloc(used ? used : 1);
	memcpy(in2, in, used);
	tight = out2 + (OUT_CAP - got);
	rc = inflate_raw(st, in2, used, &used2, tight, got, &got2, NULL, NULL);
	if (rc != INFLATE_OK || used2 != used || got2 != got || memcmp(tight, out, got))
		abort();
	if (got) {
		rc = inflate_raw(st, in2, used, NULL, tight + 1, got - 1, &got2, NULL, NULL);
		if (rc != INFLATE_OUTPUT_FULL || got2 > got - 1)
			abort();
	}
	free(in2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct inflate_state st;
	static uint8_t *out, *out2;
	uint8_t *in;
	size_t got = 0, got2 = 0;
	uint32_t isize;
	int rc;

	/* An exact-size heap copy, so ASan sees any read past the end. */
	in = malloc(size ? size : 1);
	memcpy(in, data, size);
	if (!out) {
		/* Allocated once: the tests place exact-size output at the end. */
		out = malloc(OUT_CAP);
		out2 = malloc(OUT_CAP);
	}

	gzip_detect(in, size);
	gzip_isize(in, size, &isize);
	rc = gunzip_ws(&st, in, size, out, OUT_CAP, &got, NULL, NULL);
	if (got > OUT_CAP || rc < INFLATE_OK || rc > INFLATE_OUTPUT_FULL)
		abort();
	if (rc == INFLATE_OK) {
		/* The same through gunzip(), into the last got bytes of out2. */
		rc = gunzip(in, size, out2 + (OUT_CAP - got), got, &got2, NULL, NULL);
		if (rc != INFLATE_OK || got2 != got || memcmp(out2 + (OUT_CAP - got), out, got))
			abort();
	}

	zip_detect(in, size);
	zip_usize(in, size, &isize);
	rc = unzip_first_ws(&st, in, size, out, OUT_CAP, &got, NULL, NULL);
	if (got > OUT_CAP || rc < INFLATE_OK || rc > INFLATE_OUTPUT_FULL)
		abort();

	check_raw(&st, in, size, out, out2);
	if (size > 10)
		check_raw(&st, in + 10, size - 10, out, out2);

	free(in);
	return 0;
}
