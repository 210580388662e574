/**
 * @file fuzz_mbft_scan.c
 *
 * libFuzzer target for the finder's scan: the input is base memory from
 * 0x9f000 up (when its size is 4 more than a multiple of 16, its last 4 bytes
 * choose where the scan starts); the scan must never read outside it, and
 * whatever it accepts must satisfy every documented rule. The same bytes,
 * read as memboot's ACPI copy of the tables (mbft_parse_acpi), must be
 * refused or satisfy the same rules.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "find/describe.h"
#include "find/mbft_scan.h"
#include "mbft.h"

#define BASE 0x9f000u

static const char iomem[] =
	"00001000-0009f3ff : System RAM\n"
	"0009f400-0009ffff : Reserved\n"
	"00100000-1fa5bfff : System RAM\n"
	"1fa5c000-1fffffff : Reserved\n"
	"20000000-febfffff : PCI Bus 0000:00\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct iomem_map map;
	static struct mbft_scan_result r;
	static int init;
	uint8_t *copy;
	uint32_t start = BASE;
	size_t need;
	char *json;

	if (!init) {
		iomem_parse(iomem, &map);
		init = 1;
	}
	if (size % 16 == 4) {
		memcpy(&start, data + size - 4, 4);
		size -= 4;
	}
	if (size > 0xa0000 - BASE)
		size = 0xa0000 - BASE;
	/* An exact-size heap copy, so ASan sees any read past the end. */
	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	if (mbft_scan(copy, size, BASE, start, &map, &r)) {
		if (r.image_addr < 0x100000 || !r.image_len ||
		    r.image_addr + r.image_len > 0x20000000ull ||
		    r.table_addr < BASE || r.table_addr + r.table.length > BASE + size ||
		    mbft_byte_sum(copy + (r.table_addr - BASE), r.table.length))
			abort();
		need = describe_json(&r, NULL, 0);
		json = malloc(need + 1);
		if (describe_json(&r, json, need + 1) != need || strlen(json) != need)
			abort();
		free(json);
	}
	/* The same bytes as the ACPI copy: the length field must equal the
	 * file's; when a fuzzed length disagrees, use it if it fits. */
	if (size >= 8) {
		uint32_t l;

		memcpy(&l, copy + 4, 4);
		if (l <= size && mbft_parse_acpi(copy, l, &map, &r) == MBFT_SCAN_OK &&
		    (!r.found || !r.from_acpi || r.image_addr < 0x100000 || !r.image_len ||
		     r.image_addr + r.image_len > 0x20000000ull || mbft_byte_sum(copy, l) ||
		     strlen(r.cmdline) + 1 > l || strlen(r.cmdline) > MBFT_ACPI_CMDLINE_MAX))
			abort();
	}
	free(copy);
	return 0;
}
