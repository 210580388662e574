/**
 * @file fuzz_initramfs.c
 *
 * libFuzzer target for telling an initrd's family (lib/initramfs.c): the
 * input is an initrd (an exact-size heap buffer) of plain or gzip
 * segments; the probe must end, with a family in range and a flavour that
 * is one of its constants.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "initramfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t scratch[1 << 16];
	static struct inflate_state st;
	uint8_t *p = malloc(size ? size : 1);
	struct initramfs_info in;
	int f;

	memcpy(p, data, size);
	f = initramfs_probe(p, size, scratch, sizeof(scratch), &st, &in);
	if (f < INITRAMFS_UNKNOWN || f > INITRAMFS_MIXED || f != in.family)
		abort();
	if (in.comp < INITRAMFS_COMP_NONE || in.comp > INITRAMFS_COMP_UNKNOWN)
		abort();
	if (in.flavour && strcmp(in.flavour, "live-boot") && strcmp(in.flavour, "casper") &&
	    strcmp(in.flavour, "dmsquash-live") && strcmp(in.flavour, "archiso"))
		abort();
	if (in.segments > 16)
		abort();
	free(p);
	return 0;
}
