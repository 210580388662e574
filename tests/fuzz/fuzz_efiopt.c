/**
 * @file fuzz_efiopt.c
 *
 * libFuzzer target for memdisk.efi's command line and configuration file:
 * the input is a configuration file; its command line and the input itself
 * (as a command line) are parsed. The results' strings must be terminated
 * and within their bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "efiopt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct efiopt o;
	char line[EFIOPT_BIOS_LINE];
	char *text = malloc(size + 1);
	size_t n;

	memcpy(text, data, size);
	text[size] = '\0';
	n = efiopt_config_line(text, size, line, sizeof(line));
	if (n >= sizeof(line) || strlen(line) != n)
		abort();
	efiopt_parse(line, 0, &o);
	if (strlen(o.image) > EFIOPT_PATH_MAX || strlen(o.loader) > EFIOPT_PATH_MAX)
		abort();
	efiopt_parse(text, 1, &o);
	if (strlen(o.image) > EFIOPT_PATH_MAX || o.place > EFIOPT_PLACE_HIGH ||
	    o.disk > EFIOPT_DISK_OWN)
		abort();
	free(text);
	return 0;
}
