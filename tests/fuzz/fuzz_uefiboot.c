/**
 * @file fuzz_uefiboot.c
 *
 * libFuzzer target for the UEFI bootability probe. The input is placed at
 * byte 0 and, for a second probe, at the ISO's volume descriptors (byte
 * 32768, after zeros), so both the disk tables and the El Torito walk see
 * fuzzed bytes; each image is an exact-size heap buffer for ASan.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uefiboot.h"

#define ISO_VD (16u * 2048u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct uefiboot u;
	uint8_t *img = malloc(size ? size : 1);
	uint8_t *iso = malloc(ISO_VD + size);
	int r;

	memcpy(img, data, size);
	r = uefiboot_probe(img, size, size & 1, &u);
	if (!uefiboot_strerror(r) || (r == UEFIBOOT_OK && u.needed > size))
		abort();
	memset(iso, 0, ISO_VD);
	memcpy(iso + ISO_VD, data, size);
	r = uefiboot_probe(iso, ISO_VD + size, 0, &u);
	if (r == UEFIBOOT_OK && u.needed > ISO_VD + size)
		abort();
	free(img);
	free(iso);
	return 0;
}
