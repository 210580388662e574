/**
 * @file pmem.c
 *
 * The pmem backend: the kernel already made the image's range a /dev/pmemN
 * (an E820 type-12 range turned into a namespace by nd_e820 and nd_pmem);
 * find it by physical address. When the image starts inside the namespace,
 * a loop device with an offset shows exactly the image.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "blockdev.h"
#include "loop.h"
#include "kmod.h"
#include "util.h"

/** Physical start of the namespace behind /sys/block/NAME. */
static int pmem_start(const char *name, uint64_t *start)
{
	char p[160];

	snprintf(p, sizeof(p), "/sys/block/%s/device/resource", name);
	if (read_u64_file(p, start) == 0)
		return 0;
	snprintf(p, sizeof(p), "/sys/block/%s/device/../resource", name);
	return read_u64_file(p, start);
}

/** State of pmem_find's walk. */
struct pmem_query {
	const struct image *im;
	char *name;
	size_t n;
	uint64_t off;
};

/** pmem_find's per-device test. */
static int pmem_match(const char *name, void *ctx)
{
	struct pmem_query *q = ctx;
	uint64_t start, size;

	if (strchr(name + 4, 's') || pmem_start(name, &start) || blockdev_size(name, &size))
		return 0;  /* sector-mode (BTT) namespaces are not ours */
	vmsg("pmem: /dev/%s covers %#llx-%#llx", name, (unsigned long long)start,
	     (unsigned long long)(start + size));
	if (q->im->addr < start || q->im->addr + q->im->len > start + size)
		return 0;
	snprintf(q->name, q->n, "%s", name);
	q->off = q->im->addr - start;
	return 1;
}

/** Find the /dev/pmemN whose range holds the image; its offset in *off. */
static int pmem_find(const struct image *im, char *name, size_t n, uint64_t *off)
{
	struct pmem_query q = { im, name, n, 0 };

	if (!blockdev_for_each("pmem", pmem_match, &q))
		return 0;
	*off = q.off;
	return 1;
}

/** An existing pmem device (or loop over it) for the image. */
static int pmem_existing(const struct image *im, char *dev, size_t n)
{
	char name[64], backing[80];
	uint64_t off;

	if (!pmem_find(im, name, sizeof(name), &off))
		return 0;
	if (!off) {
		snprintf(dev, n, "/dev/%s", name);
		return 1;
	}
	snprintf(backing, sizeof(backing), "/dev/%s", name);
	return loop_find(backing, off, dev, n);
}

/** Find the kernel's device, loading nd_e820 and nd_pmem if needed. */
static enum attach_rc pmem_attach(const struct image *im, char *dev, size_t n, char *why,
				  size_t wn)
{
	const int e820 = access("/sys/bus/platform/devices/e820_pmem", F_OK) == 0;
	/* A UEFI RAM disk (memdisk.efi's, or the firmware's) is an NFIT range
	 * under the ACPI NVDIMM root device; nfit makes it an nvdimm region. */
	const int nfit = access("/sys/bus/acpi/devices/ACPI0012:00", F_OK) == 0;
	char name[64], backing[80];
	int i, tries = 1;
	uint64_t off = 0;

	if (e820) {
		vmsg("pmem: the firmware's E820 map has legacy persistent memory (type 12)");
		kmod_load((const char *const[]){ "nd_e820", NULL });
	}
	if (nfit) {
		vmsg("pmem: the ACPI NFIT describes persistent memory (NVDIMM root device ACPI0012)");
		kmod_load((const char *const[]){ "nfit", NULL });
	}
	if (e820 || nfit) {
		kmod_load((const char *const[]){ "nd_pmem", NULL });
		tries = 30;  /* give the nvdimm bus time to probe */
	}
	for (i = 0; i < tries && !pmem_find(im, name, sizeof(name), &off); i++)
		if (i + 1 < tries)
			sleep_ms(100);
	if (i == tries) {
		if (!e820 && !nfit)
			snprintf(why, wn, "the kernel sees no persistent memory (no e820_pmem "
				 "platform device and no ACPI NVDIMM root device: the image is in "
				 "neither an E820 type-12 range nor an NFIT range)");
		else
			snprintf(why, wn, "no /dev/pmem* holds %#llx-%#llx (are %s, nd_pmem "
				 "and libnvdimm available?)", (unsigned long long)im->addr,
				 (unsigned long long)(im->addr + im->len),
				 e820 && nfit ? "nd_e820, nfit" : e820 ? "nd_e820" : "nfit");
		return ATTACH_UNAVAILABLE;
	}
	if (blockdev_ensure_node(name, backing, sizeof(backing))) {
		snprintf(why, wn, "no device node for %s", name);
		return ATTACH_FAILED;
	}
	if (!off) {
		if (blockdev_set_ro(backing, !im->rw)) {
			snprintf(why, wn, "cannot make %s %s: %s", backing,
				 im->rw ? "writable" : "read-only", strerror(errno));
			return ATTACH_FAILED;
		}
		snprintf(dev, n, "%s", backing);
		return ATTACH_OK;
	}
	vmsg("pmem: image at offset %#llx in %s: a loop device shows just the image",
	     (unsigned long long)off, backing);
	if (loop_attach(backing, off, im->len, im->rw, dev, n)) {
		snprintf(why, wn, "cannot put a loop device over %s", backing);
		return ATTACH_FAILED;
	}
	return ATTACH_OK;
}

/** Undo a loop device over pmem; pmem itself belongs to the kernel. */
static int pmem_detach(const char *name)
{
	if (!strncmp(name, "loop", 4))
		return loop_detach(name);
	msg("/dev/%s belongs to the kernel (legacy persistent memory): nothing to detach", name);
	return 0;
}

/** A pmem device (only the no-op detach applies), or a loop device over one. */
static int pmem_owns(const char *name)
{
	char *bf;
	int ours;

	if (!strncmp(name, "pmem", 4))
		return 1;
	bf = blockdev_attr(name, "loop/backing_file");
	ours = bf && !strncmp(bf, "/dev/pmem", 9);
	free(bf);
	return ours;
}

const struct backend backend_pmem = {
	.name = "pmem",
	.ro_switchable = 1,
	.existing = pmem_existing,
	.attach = pmem_attach,
	.owns = pmem_owns,
	.detach = pmem_detach,
};
