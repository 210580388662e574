/**
 * @file image.c
 *
 * Putting the image in memory. The image is a file on the volume
 * memdisk.efi was started from (volume.c: the file system iPXE gives the
 * images it downloaded, the partition or CD GRUB chainloaded from, the USB
 * stick). It goes into EfiReservedMemoryType pages, 2 MiB aligned (Linux maps a
 * pmem device in 2 MiB sections), zero-padded to a whole page, below 4 GiB
 * when it fits; a gzip or zip file is inflated straight into them.
 */
#include "efimem.h"
#include "inflate.h"
#include "libc.h"
#include "loader.h"

#define MIB (1024ull * 1024ull)
#define ALIGN (2 * MIB)
#define FOUR_GIB 0x100000000ull
/** The lowest address an image may start at. */
#define LOW_LIMIT (1 * MIB)
/** Bytes per Read() call: large enough to be fast, small enough for progress. */
#define CHUNK (16 * MIB)
efi_status memory_map(void **map, uint64_t *size, uint64_t *desc_size)
{
	uint64_t key, n = 0;
	uint32_t ver;
	efi_status s;

	*map = NULL;
	s = BS->get_memory_map(&n, NULL, &key, desc_size, &ver);
	if (s != EFI_BUFFER_TOO_SMALL)
		return EFI_IS_ERROR(s) ? s : EFI_DEVICE_ERROR;
	n += 8 * *desc_size;
	s = BS->allocate_pool(EfiLoaderData, n, map);
	if (EFI_IS_ERROR(s))
		return s;
	s = BS->get_memory_map(&n, *map, &key, desc_size, &ver);
	if (EFI_IS_ERROR(s)) {
		BS->free_pool(*map);
		*map = NULL;
		return s;
	}
	*size = n;
	return EFI_SUCCESS;
}

/**
 * Reserve @p pages pages, 2 MiB aligned: below 4 GiB when they fit there
 * (or only there: place=low), above 4 GiB with place=high.
 */
static efi_status reserve(uint64_t pages, int place, uint64_t *base)
{
	uint64_t bytes = pages * EFI_PAGE_SIZE, map_size, desc_size, addr;
	void *map;
	efi_status s = EFI_OUT_OF_RESOURCES;
	int tries;

	for (tries = 0; tries < 4; tries++) {
		/* Never below 1 MiB: Linux keeps the first MiB for itself, and
		 * the finders refuse an image there. */
		uint64_t lo = place == EFIOPT_PLACE_HIGH ? FOUR_GIB : LOW_LIMIT;
		uint64_t hi = place == EFIOPT_PLACE_HIGH ? UINT64_MAX : FOUR_GIB;
		int r;

		s = memory_map(&map, &map_size, &desc_size);
		if (EFI_IS_ERROR(s))
			return s;
		r = efimem_pick(map, map_size, desc_size, bytes, ALIGN, lo, hi, &addr);
		if (r && place == EFIOPT_PLACE_AUTO)
			r = efimem_pick(map, map_size, desc_size, bytes, ALIGN, LOW_LIMIT, UINT64_MAX,
					&addr);
		if (r) {
			uint64_t largest = efimem_largest_free(map, map_size, desc_size, ALIGN, lo,
							       place == EFIOPT_PLACE_LOW ? FOUR_GIB
											 : UINT64_MAX);

			error("not enough memory: the image needs %u MiB in one free range%s, and the "
			      "largest free 2 MiB-aligned range is %u MiB\n",
			      (unsigned)((bytes + MIB - 1) / MIB),
			      place == EFIOPT_PLACE_LOW ? " below 4 GiB" :
			      place == EFIOPT_PLACE_HIGH ? " above 4 GiB" : "",
			      (unsigned)(largest / MIB));
			BS->free_pool(map);
			return EFI_OUT_OF_RESOURCES;
		}
		BS->free_pool(map);
		s = BS->allocate_pages(AllocateAddress, EfiReservedMemoryType, pages, &addr);
		if (!EFI_IS_ERROR(s)) {
			*base = addr;
			return EFI_SUCCESS;
		}
	}
	error("the firmware refused the pages it listed as free (%s)\n", efi_strerror(s));
	return s;
}

/** Read the whole file @p f into @p buf, in chunks, with progress. */
static efi_status read_all(struct volume *v, struct vfile *f, uint8_t *buf, const char *label)
{
	uint64_t done = 0, size = f->size;

	while (done < size) {
		uint64_t n = size - done < CHUNK ? size - done : CHUNK;
		efi_status s = vfile_read(v, f, done, buf + done, &n);

		if (EFI_IS_ERROR(s)) {
			progress_end();
			error("reading %s failed after %u of %u KiB (%s)\n", label,
			      (unsigned)(done >> 10), (unsigned)(size >> 10), efi_strerror(s));
			return s;
		}
		if (n == 0) {
			progress_end();
			error("%s ended after %u of the %u KiB its size says: the file is "
			      "truncated\n", label, (unsigned)(done >> 10), (unsigned)(size >> 10));
			return EFI_END_OF_FILE_STATUS;
		}
		done += n;
		if (size >= 64 * MIB)
			progress("reading", done, size);
	}
	progress_end();
	return EFI_SUCCESS;
}

/** The inflater's progress callback: a progress line for large images. */
static void inflate_progress(size_t done, size_t total, void *ctx)
{
	(void)ctx;
	if (total >= 64 * MIB)
		progress("inflating", done, total);
}

/** All the RAM of the machine, from the memory map (0 when it cannot be read). */
static uint64_t os_ram_bytes(void)
{
	uint64_t map_size, desc_size, sum;
	void *map;

	if (EFI_IS_ERROR(memory_map(&map, &map_size, &desc_size)))
		return 0;
	sum = efimem_os_ram_bytes(map, map_size, desc_size);
	BS->free_pool(map);
	return sum;
}

/** Inflate the gzip or zip file in @p in into freshly reserved pages. */
static efi_status inflate_into(const uint8_t *in, uint64_t in_len, int place, struct image *img)
{
	static struct inflate_state st;
	uint32_t out_len32 = 0;
	uint64_t ram;
	size_t out_len = 0;
	int zip = !gzip_detect(in, in_len), rc;
	efi_status s;

	rc = zip ? zip_usize(in, in_len, &out_len32) : gzip_isize(in, in_len, &out_len32);
	if (rc != INFLATE_OK) {
		error("%s: %s\n", img->name, inflate_strerror(rc));
		return EFI_VOLUME_CORRUPTED;
	}
	ram = os_ram_bytes();
	switch (inflate_size_check(out_len32, in_len, ram)) {
	case INFLATE_SIZE_OK:
		break;
	case INFLATE_SIZE_EMPTY:
		error("%s says it inflates to 0 bytes: nothing to boot\n", img->name);
		return EFI_VOLUME_CORRUPTED;
	case INFLATE_SIZE_IMPOSSIBLE:
		error("%s looks truncated or corrupt: its %s says %u bytes inflated, which %llu "
		      "compressed bytes cannot hold; fetch it again\n", img->name,
		      zip ? "header" : "trailer", (unsigned)out_len32, (unsigned long long)in_len);
		return EFI_VOLUME_CORRUPTED;
	case INFLATE_SIZE_OVER_RAM:
		error("%s looks truncated or corrupt: its %s says %u MiB inflated, from %u MiB "
		      "compressed, more than all of this machine's RAM (%u MiB); fetch it again "
		      "(unless the image is really that big)\n", img->name,
		      zip ? "header" : "trailer", (unsigned)(out_len32 >> 20),
		      (unsigned)(in_len >> 20), (unsigned)(ram >> 20));
		return EFI_VOLUME_CORRUPTED;
	}
	img->size = out_len32;
	img->pages = (img->size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE;
	s = reserve(img->pages, place, &img->base);
	if (EFI_IS_ERROR(s))
		return s;
	rc = zip ? unzip_first_ws(&st, in, in_len, (uint8_t *)img->base, img->size, &out_len,
				  inflate_progress, NULL)
		 : gunzip_ws(&st, in, in_len, (uint8_t *)img->base, img->size, &out_len,
			     inflate_progress, NULL);
	progress_end();
	if (rc != INFLATE_OK) {
		error("inflating %s failed after %u KiB: %s%s\n", img->name, (unsigned)(out_len >> 10),
		      inflate_strerror(rc),
		      rc == INFLATE_TRUNCATED ? " (the file looks truncated: fetch it again)" : "");
		BS->free_pages(img->base, img->pages);
		img->base = 0;
		return rc == INFLATE_BAD_CRC ? EFI_CRC_ERROR : EFI_VOLUME_CORRUPTED;
	}
	img->compressed = 1;
	return EFI_SUCCESS;
}

efi_status image_load(struct volume *v, const struct efiopt *o, struct image *img)
{
	uint8_t head[4];
	uint64_t n = sizeof(head), size, t0 = now_us(), us;
	struct vfile f;
	efi_status s;

	memset(img, 0, sizeof(*img));
	if (o->image[0]) {
		memcpy(img->name, o->image, strlen(o->image) + 1);
	} else {
		s = volume_find_single(v, img->name, sizeof(img->name));
		if (EFI_IS_ERROR(s))
			return s;
	}
	s = vfile_open(v, img->name, &f);
	if (EFI_IS_ERROR(s)) {
		error("cannot open the image %s (%s)\n", img->name, efi_strerror(s));
		return s;
	}
	size = f.size;
	if (size < 512) {
		error("%s is %u bytes: too small to be a disk or CD image\n", img->name,
		      (unsigned)size);
		s = EFI_VOLUME_CORRUPTED;
		goto out;
	}
	s = vfile_read(v, &f, 0, head, &n);
	if (EFI_IS_ERROR(s) || n != sizeof(head)) {
		error("cannot read %s (%s)\n", img->name, efi_strerror(s));
		s = EFI_IS_ERROR(s) ? s : EFI_VOLUME_CORRUPTED;
		goto out;
	}
	if (gzip_detect(head, sizeof(head)) || (head[0] == 'P' && head[1] == 'K' &&
						head[2] == 3 && head[3] == 4)) {
		/* Compressed: read it into loader memory, inflate into reserved. */
		uint64_t in_pages = (size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE, in = 0;

		s = BS->allocate_pages(AllocateAnyPages, EfiLoaderData, in_pages, &in);
		if (EFI_IS_ERROR(s)) {
			error("not enough memory to read the compressed image (%u MiB)\n",
			      (unsigned)(size >> 20));
			goto out;
		}
		s = read_all(v, &f, (uint8_t *)in, img->name);
		if (!EFI_IS_ERROR(s)) {
			us = now_us() - t0;
			info("read %s: %u KiB compressed in %u ms\n", img->name,
			     (unsigned)(size >> 10), (unsigned)(us / 1000));
			t0 = now_us();
			s = inflate_into((const uint8_t *)in, size, o->place, img);
		}
		BS->free_pages(in, in_pages);
		if (EFI_IS_ERROR(s))
			goto out;
		us = now_us() - t0;
		info("inflated %s: %u KiB at %llx in %u ms (%u MB/s)\n", img->name,
		     (unsigned)(img->size >> 10), (unsigned long long)img->base,
		     (unsigned)(us / 1000), (unsigned)(us ? img->size / us : 0));
	} else {
		img->size = size;
		img->pages = (size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE;
		s = reserve(img->pages, o->place, &img->base);
		if (EFI_IS_ERROR(s))
			goto out;
		s = read_all(v, &f, (uint8_t *)img->base, img->name);
		if (EFI_IS_ERROR(s)) {
			BS->free_pages(img->base, img->pages);
			img->base = 0;
			goto out;
		}
		us = now_us() - t0;
		info("read %s: %u KiB at %llx%s in %u ms (%u MB/s)\n", img->name,
		     (unsigned)(size >> 10), (unsigned long long)img->base,
		     img->base >= FOUR_GIB ? " (above 4 GiB)" : "", (unsigned)(us / 1000),
		     (unsigned)(us ? size / us : 0));
	}
	/* The tail of the last page reads as zeros. */
	memset((uint8_t *)img->base + img->size, 0, img->pages * EFI_PAGE_SIZE - img->size);
out:
	vfile_close(v, &f);
	return s;
}

void image_free(struct image *img)
{
	if (img->base)
		BS->free_pages(img->base, img->pages);
	img->base = 0;
}
