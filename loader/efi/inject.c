/**
 * @file inject.c
 *
 * Unmodified live ISOs finding their medium, on UEFI: memdisk.efi's own
 * block device shows the ISO's boot loader the patched view lib/inject
 * plans (each initrd of a known initramfs family with memboot's segment
 * appended: payload.S embeds it), so that the distribution's initramfs
 * attaches the image before it looks for its medium. The image itself is
 * never written; Linux sees the pristine image through the NFIT and the
 * mBFT. On by default where it applies; "noinject" turns it off.
 */
#include "libc.h"
#include "loader.h"

extern const uint8_t payload_start[], payload_end[];

static struct inject inj;
/** Where the first part of a gzip initrd is unpacked to tell its family. */
static uint8_t scratch[INJECT_SCRATCH_BYTES];

static void say_line(void *ctx, const char *line)
{
	(void)ctx;
	info("%s\n", line);
}

const struct inject *inject_plan(const struct image *img)
{
	uint64_t t0 = now_us();

	if (!img->kind.cd) {
		info("inject: only ISO images are extended: booting unchanged\n");
		return NULL;
	}
	if (!inject_make(&inj, (const uint8_t *)img->base, img->size, payload_start,
			 (uint64_t)(payload_end - payload_start), scratch, sizeof(scratch), say_line,
			 NULL))
		return NULL;
	info("inject: %u initrd(s) extended, %u directory sector(s) patched, in %u us; the image "
	     "stays as it is. In Linux, memdisk-attach exposes it: /dev/pmem0 where the "
	     "initramfs has nd_pmem, else nbd over /dev/mem, else a copy on a loop device\n",
	     inj.plan.n_files, inj.plan.n_sectors, (unsigned)(now_us() - t0));
	return &inj;
}
