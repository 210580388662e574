/**
 * @file fuzz_diskplan.c
 *
 * libFuzzer target for the disk an image becomes. The input is a command
 * line (up to the first NUL, at most 256 bytes), then the image; an image
 * of 2 KiB or more gets 17 zero sectors in front so that small inputs
 * reach an El Torito boot record. The image is an exact-size heap buffer so
 * ASan sees any read past its end. Whatever is accepted must lie inside
 * the image and obey the kind's rules.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diskplan.h"

#define PREFIX (17u * 2048u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct options o;
	struct diskplan p;
	char cl[257];
	size_t n = 0, pre, len;
	uint8_t *img;

	while (n < size && n < 256 && data[n])
		n++;
	memcpy(cl, data, n);
	cl[n] = '\0';
	if (n < size)
		n++;  /* the NUL */
	data += n;
	size -= n;
	pre = size >= 2048 ? PREFIX : 0;
	len = pre + size;
	img = malloc(len ? len : 1);
	memset(img, 0, pre);
	memcpy(img + pre, data, size);
	options_parse(cl, &o);
	if (diskplan_make(img, len, &o, &p) == DISKPLAN_OK) {
		if (p.disk_offset > len || p.disk_bytes > len - p.disk_offset ||
		    p.boot_offset > len || p.boot_bytes > len - p.boot_offset ||
		    !p.boot_bytes || !p.boot_segment ||
		    (p.sector_shift != 9 && p.sector_shift != 11) ||
		    p.cylinders < 1 || p.cylinders > 1024 || p.heads < 1 || p.heads > 256 ||
		    p.sectors < 1 || p.sectors > 63 || p.eltorito != !!o.iso ||
		    (p.kind == DISKPLAN_CDROM &&
		     (!p.edd || !p.read_only || p.drive != 0xe0 || p.sector_shift != 11)) ||
		    (p.kind == DISKPLAN_FLOPPY && p.edd != (o.edd == OPTIONS_TRI_ON)) ||
		    (p.kind == DISKPLAN_HARDDISK && p.edd != (o.edd != OPTIONS_TRI_OFF)) ||
		    (p.kind != DISKPLAN_CDROM && p.disk_bytes % 512))
			abort();
	}
	free(img);
	return 0;
}
