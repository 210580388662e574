/**
 * @file fuzz_geometry.c
 *
 * libFuzzer target for the geometry decision. Input: image size (u64 LE,
 * its top bits cleared to keep sizes plausible half the time), a command
 * line length byte, that many bytes of command line, then the first bytes
 * of the image (copied to an exact-size buffer so ASan sees overreads).
 * Any accepted geometry must be within the BIOS limits and consistent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geometry.h"
#include "options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct options o;
	struct geometry g;
	uint64_t img_size = 0;
	size_t n, i;
	char *line;
	uint8_t *head;
	uint32_t h, s;

	if (size < 9)
		return 0;
	for (i = 0; i < 8; i++)
		img_size |= (uint64_t)data[i] << (8 * i);
	if (img_size & 1)
		img_size &= 0xffffffffffull;    /* mostly below 1 TiB */
	n = data[8];
	data += 9;
	size -= 9;
	if (n > size)
		n = size;
	line = malloc(n + 1);
	memcpy(line, data, n);
	line[n] = '\0';
	options_parse(line, &o);
	free(line);
	data += n;
	size -= n;
	head = malloc(size ? size : 1);
	memcpy(head, data, size);

	if (geometry_guess(head, size, img_size, &o, &g) == GEOMETRY_OK) {
		if (g.heads < 1 || g.heads > 256 || g.sectors < 1 || g.sectors > 63 ||
		    g.cylinders < 1 || g.bios_cylinders < 1 ||
		    g.bios_cylinders > GEOMETRY_BIOS_MAX_CYL || g.bios_cylinders > g.cylinders ||
		    g.data_offset > img_size || g.total_sectors < 1 ||
		    g.total_sectors != (img_size - g.data_offset) / GEOMETRY_SECTOR_SIZE ||
		    (g.type != GEOMETRY_FLOPPY && g.type != GEOMETRY_HARDDISK) ||
		    (g.type == GEOMETRY_HARDDISK && g.drive < 0x80) ||
		    (g.type == GEOMETRY_FLOPPY && g.drive >= 0x80) ||
		    !geometry_source_str(g.source))
			abort();
		if (o.force == OPTIONS_FORCE_FLOPPY && g.type != GEOMETRY_FLOPPY)
			abort();
		if (o.force == OPTIONS_FORCE_HARDDISK && g.type != GEOMETRY_HARDDISK)
			abort();
		if ((o.chs_given & OPTIONS_CHS_H) && g.heads != o.h)
			abort();
		if ((o.chs_given & OPTIONS_CHS_S) && g.sectors != o.s)
			abort();
		if ((o.chs_given & OPTIONS_CHS_C) && g.cylinders != o.c)
			abort();
	}
	if (geometry_from_mbr(head, size, &h, &s) == GEOMETRY_OK &&
	    (h < 1 || h > 256 || s < 1 || s > 63))
		abort();
	free(head);
	return 0;
}
