/**
 * @file fuzz_cpio.c
 *
 * libFuzzer target for the newc cpio reader: the input is an archive (an
 * exact-size heap buffer); every entry found must lie inside it, and the
 * walk must end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);
	struct cpio_entry e;
	size_t off = 0, last;
	int rc;

	memcpy(p, data, size);
	do {
		last = off;
		rc = cpio_next(p, size, &off, &e);
		if (rc == 1 && (e.data < p || e.data + e.size > p + size ||
				(const uint8_t *)e.name + e.name_len > p + size))
			abort();
		if (rc >= 0 && off <= last && off < size)
			abort();        /* no progress: the walk would not end */
	} while (rc >= 0 && off < size);
	free(p);
	return 0;
}
