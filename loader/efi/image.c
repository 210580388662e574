/**
 * @file image.c
 *
 * Finding the image and putting it in memory. The image is a file on the
 * volume memdisk.efi was started from: the file system iPXE gives the
 * images it downloaded, the partition GRUB chainloaded from, the USB stick.
 * It goes into EfiReservedMemoryType pages, 2 MiB aligned (Linux maps a
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
/** The largest ratio DEFLATE reaches (258 bytes from about 2 bits), with room. */
#define DEFLATE_MAX_RATIO 1032ull

static const efi_guid simple_fs_guid = EFI_SIMPLE_FS_GUID;
static const efi_guid file_info_guid = EFI_FILE_INFO_GUID;

efi_status volume_open(efi_loaded_image *li, struct volume *v)
{
	efi_simple_fs *fs;
	efi_device_path *n;
	char16 path[EFIOPT_PATH_MAX + 1];
	uint64_t len = 0, i, cut = 0;
	efi_status s;

	memset(v, 0, sizeof(*v));
	s = BS->handle_protocol(li->device, &simple_fs_guid, (void **)&fs);
	if (EFI_IS_ERROR(s)) {
		error("the device memdisk.efi was started from has no file system to read the "
		      "image from (%s)\n", efi_strerror(s));
		return s;
	}
	s = fs->open_volume(fs, &v->root);
	if (EFI_IS_ERROR(s)) {
		error("cannot open the volume memdisk.efi was started from (%s)\n",
		      efi_strerror(s));
		return s;
	}
	/* Our own path: the file-path nodes of FilePath, joined. */
	for (n = li->file_path; n && n->type != DP_TYPE_END;) {
		uint16_t nlen = (uint16_t)(n->length[0] | n->length[1] << 8);

		if (nlen < 4)
			break;
		if (n->type == DP_TYPE_MEDIA && n->subtype == DP_SUB_FILE_PATH) {
			const char16 *t = (const char16 *)(n + 1);
			uint64_t k, chars = (nlen - 4) / 2;

			if (len && path[len - 1] != '\\' && len + 1 < EFIOPT_PATH_MAX)
				path[len++] = '\\';
			for (k = 0; k < chars && t[k] && len < EFIOPT_PATH_MAX; k++)
				path[len++] = t[k];
		}
		n = (efi_device_path *)((uint8_t *)n + nlen);
	}
	path[len] = 0;
	for (i = 0; i < len; i++)
		if (path[i] == '\\' || path[i] == '/')
			cut = i + 1;
	/* The folder always starts at the root: "\\", or "\\EFI\\BOOT\\". */
	v->folder[0] = '\\';
	i = path[0] == '\\' ? 0 : 1;
	if (cut > 0 && cut + i <= EFIOPT_PATH_MAX)
		memcpy(v->folder + i, path, cut * 2);
	else
		cut = 0, i = 1;
	v->folder[cut + i] = 0;
	memcpy(v->self, path + cut, (len - cut + 1) * 2);
	return EFI_SUCCESS;
}

void volume_close(struct volume *v)
{
	if (v->root)
		v->root->close(v->root);
	v->root = NULL;
}

/** @p folder followed by @p name (ASCII, '/' becoming '\'), or @p name alone if absolute. */
static void join(char16 *out, uint64_t cap, const char16 *folder, const char *name)
{
	uint64_t n = 0;

	if (name[0] != '/' && name[0] != '\\') {
		for (; folder[n] && n + 1 < cap; n++)
			out[n] = folder[n];
	}
	to_ucs2_path(out + n, cap - n, name);
}

efi_status volume_config(struct volume *v, char *line, uint64_t cap)
{
	char16 path[EFIOPT_PATH_MAX + 1];
	char text[4096];
	uint64_t n = sizeof(text);
	efi_file *f;
	efi_status s;

	line[0] = '\0';
	join(path, EFIOPT_PATH_MAX + 1, v->folder, EFIOPT_CONFIG_NAME);
	s = v->root->open(v->root, &f, path, EFI_FILE_MODE_READ, 0);
	if (EFI_IS_ERROR(s))
		return s;
	s = f->read(f, &n, text);
	f->close(f);
	if (EFI_IS_ERROR(s)) {
		error("cannot read %s (%s)\n", EFIOPT_CONFIG_NAME, efi_strerror(s));
		return s;
	}
	efiopt_config_line(text, n, line, cap);
	return EFI_SUCCESS;
}

/** Does @p name end in @p ext (ASCII, case-insensitive)? */
static int ends_with(const char16 *name, const char *ext)
{
	uint64_t n = ucs2_len(name), e = strlen(ext), i;

	if (n < e)
		return 0;
	for (i = 0; i < e; i++) {
		char16 c = name[n - e + i];

		if (c >= 'A' && c <= 'Z')
			c = (char16)(c - 'A' + 'a');
		if (c != (char16)ext[i])
			return 0;
	}
	return 1;
}

static int same_name(const char16 *a, const char16 *b)
{
	for (;; a++, b++) {
		char16 x = *a >= 'A' && *a <= 'Z' ? (char16)(*a + 32) : *a;
		char16 y = *b >= 'A' && *b <= 'Z' ? (char16)(*b + 32) : *b;

		if (x != y)
			return 0;
		if (!x)
			return 1;
	}
}

/**
 * With no image= option: the one file in memdisk.efi's folder that can be
 * an image (not a folder, not memdisk.efi, no .efi or .cfg name, not iPXE's
 * initrd.magic). None or several: say so, listing the names.
 */
static efi_status find_single(struct volume *v, char *name, uint64_t cap)
{
	union {
		efi_file_info fi;
		uint8_t raw[1024];
	} u;
	char names[8][64];
	unsigned found = 0, i;
	efi_file *dir;
	efi_status s;

	s = v->root->open(v->root, &dir, v->folder, EFI_FILE_MODE_READ, 0);
	if (EFI_IS_ERROR(s)) {
		error("no image= given, and the folder memdisk.efi is in cannot be listed (%s)\n",
		      efi_strerror(s));
		return s;
	}
	for (;;) {
		uint64_t n = sizeof(u) - 2;

		s = dir->read(dir, &n, &u);
		if (EFI_IS_ERROR(s) || n == 0)
			break;
		u.raw[n] = u.raw[n + 1] = 0;
		if ((u.fi.attribute & EFI_FILE_DIRECTORY) || same_name(u.fi.file_name, v->self) ||
		    ends_with(u.fi.file_name, ".efi") || ends_with(u.fi.file_name, ".cfg") ||
		    ends_with(u.fi.file_name, "initrd.magic"))
			continue;
		if (found < 8)
			to_ascii(names[found], sizeof(names[0]), u.fi.file_name, 63);
		found++;
	}
	dir->close(dir);
	if (found == 1) {
		uint64_t k = strlen(names[0]);

		if (k + 1 > cap)
			k = cap - 1;
		memcpy(name, names[0], k);
		name[k] = '\0';
		return EFI_SUCCESS;
	}
	if (found == 0) {
		error("no image: give one with image=NAME (iPXE: initrd URL before boot; "
		      "GRUB: image=/path/x.iso), or put it beside memdisk.efi\n");
		return EFI_NOT_FOUND;
	}
	error("%u files could be the image; choose one with image=NAME:\n", found);
	for (i = 0; i < found && i < 8; i++)
		say("  %s\n", names[i]);
	return EFI_INVALID_PARAMETER;
}

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
			uint64_t largest = efimem_largest_free(map, map_size, desc_size,
							       place == EFIOPT_PLACE_LOW ? FOUR_GIB
											 : UINT64_MAX);

			error("not enough memory: the image needs %u MiB in one free range%s, and the "
			      "largest free range is %u MiB\n",
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

/** Read @p size bytes of @p f into @p buf, in chunks, with progress. */
static efi_status read_all(efi_file *f, uint8_t *buf, uint64_t size, const char *label)
{
	uint64_t done = 0;

	while (done < size) {
		uint64_t n = size - done < CHUNK ? size - done : CHUNK;
		efi_status s = f->read(f, &n, buf + done);

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

static void inflate_progress(size_t done, size_t total, void *ctx)
{
	(void)ctx;
	if (total >= 64 * MIB)
		progress("inflating", done, total);
}

/** Inflate the gzip or zip file in @p in into freshly reserved pages. */
static efi_status inflate_into(const uint8_t *in, uint64_t in_len, int place, struct image *img)
{
	static struct inflate_state st;
	uint32_t out_len32 = 0;
	size_t out_len = 0;
	int zip = !gzip_detect(in, in_len), rc;
	efi_status s;

	rc = zip ? zip_usize(in, in_len, &out_len32) : gzip_isize(in, in_len, &out_len32);
	if (rc != INFLATE_OK) {
		error("%s: %s\n", img->name, inflate_strerror(rc));
		return EFI_VOLUME_CORRUPTED;
	}
	if (out_len32 == 0 || out_len32 > in_len * DEFLATE_MAX_RATIO) {
		error("%s looks truncated or corrupt: its trailer says %u bytes inflated, which %u "
		      "compressed bytes cannot hold; fetch it again\n", img->name,
		      (unsigned)out_len32, (unsigned)in_len);
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
	union {
		efi_file_info fi;
		uint8_t raw[1024];
	} u;
	char16 path[EFIOPT_PATH_MAX + 1];
	uint8_t head[4];
	uint64_t n = sizeof(u), size, t0 = now_us(), us;
	efi_file *f;
	efi_status s;

	memset(img, 0, sizeof(*img));
	if (o->image[0]) {
		uint64_t k = strlen(o->image);

		memcpy(img->name, o->image, k + 1);
	} else {
		s = find_single(v, img->name, sizeof(img->name));
		if (EFI_IS_ERROR(s))
			return s;
	}
	join(path, EFIOPT_PATH_MAX + 1, v->folder, img->name);
	s = v->root->open(v->root, &f, path, EFI_FILE_MODE_READ, 0);
	if (EFI_IS_ERROR(s)) {
		error("cannot open the image %s (%s)\n", img->name, efi_strerror(s));
		return s;
	}
	s = f->get_info(f, &file_info_guid, &n, &u);
	if (EFI_IS_ERROR(s)) {
		error("cannot get the size of %s (%s)\n", img->name, efi_strerror(s));
		goto out;
	}
	size = u.fi.file_size;
	if (size < 512) {
		error("%s is %u bytes: too small to be a disk or CD image\n", img->name,
		      (unsigned)size);
		s = EFI_VOLUME_CORRUPTED;
		goto out;
	}
	n = sizeof(head);
	s = f->read(f, &n, head);
	if (!EFI_IS_ERROR(s))
		s = f->set_position(f, 0);
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
		s = read_all(f, (uint8_t *)in, size, img->name);
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
		     (unsigned)(img->size >> 10), (unsigned long long)img->base, (unsigned)(us / 1000),
		     (unsigned)(us ? img->size / us : 0));
	} else {
		img->size = size;
		img->pages = (size + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE;
		s = reserve(img->pages, o->place, &img->base);
		if (EFI_IS_ERROR(s))
			goto out;
		s = read_all(f, (uint8_t *)img->base, size, img->name);
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
	f->close(f);
	return s;
}

void image_free(struct image *img)
{
	if (img->base)
		BS->free_pages(img->base, img->pages);
	img->base = 0;
}
