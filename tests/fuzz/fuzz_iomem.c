/**
 * @file fuzz_iomem.c
 *
 * libFuzzer target for /proc/iomem parsing and the questions asked of it:
 * the first 16 bytes choose an image range, the rest is the map's text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "find/iomem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct iomem_map m;
	uint64_t start = 0, len = 0;
	const struct iomem_entry *bad;
	char *text;
	uint32_t base;

	if (size >= 16) {
		memcpy(&start, data, 8);
		memcpy(&len, data + 8, 8);
		data += 16;
		size -= 16;
	}
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	iomem_parse(text, &m);
	base = iomem_scan_base(&m, 4096);
	if (base > 0xa0000 || (base & 4095))
		abort();
	if (iomem_check_image(&m, start, len, &bad) == IOMEM_IN_RAM && (!len || start + len < start))
		abort();
	free(text);
	return 0;
}
