/**
 * @file fuzz_eltorito.c
 *
 * libFuzzer target for El Torito parsing. The input is an ISO image from
 * sector 17 on (sectors 0-16 are zeros, so that small inputs reach the boot
 * record); the whole image is an exact-size heap buffer so ASan sees any
 * read past its end. An accepted entry must lie inside the image.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eltorito.h"

#define PREFIX (17u * 2048u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eltorito_boot b;
	uint8_t pkt[19];
	size_t len = PREFIX + size;
	uint8_t *iso = malloc(len);
	int r;

	memset(iso, 0, PREFIX);
	memcpy(iso + PREFIX, data, size);
	r = eltorito_parse(iso, len, &b);
	if (!eltorito_strerror(r))
		abort();
	if (r == ELTORITO_OK) {
		if (b.media > ELTORITO_MEDIA_HARDDISK || b.platform != 0 ||
		    b.image_offset != (uint64_t)b.load_rba * ELTORITO_CD_SECTOR ||
		    b.image_offset > len || b.image_size > len - b.image_offset ||
		    !b.image_size || !b.load_segment ||
		    (b.media == ELTORITO_MEDIA_NOEMU &&
		     (!b.sector_count || b.image_size != b.sector_count * 512ull)) ||
		    (b.media != ELTORITO_MEDIA_NOEMU && (!b.cylinders || !b.heads || b.heads > 256 ||
						   !b.sectors || b.sectors > 63)))
			abort();
		eltorito_spec_packet(&b, 0xe0, pkt);
		if (pkt[0] != 0x13 || pkt[1] != b.media || pkt[2] != 0xe0 ||
		    (uint32_t)(pkt[4] | pkt[5] << 8 | pkt[6] << 16 | (uint32_t)pkt[7] << 24) != b.load_rba ||
		    (pkt[14] | pkt[15] << 8) != b.sector_count)
			abort();
	}
	free(iso);
	return 0;
}
