/**
 * @file volume.c
 *
 * The volume memdisk.efi was started from, where the image and memdisk.cfg
 * are: the device handle of its LoadedImage. Two kinds:
 *
 * - a file system the firmware reads (SimpleFileSystem): iPXE's file
 *   system of downloaded images, a FAT ESP or USB stick, GRUB's partition;
 * - an ISO 9660 volume read through DiskIo with lib/iso9660: GRUB running
 *   from a CD chainloads memdisk.efi with the CD as its device, and UEFI
 *   firmware has no ISO 9660 driver.
 *
 * Paths: "/x.iso" or "\x.iso" from the volume's root, others from
 * memdisk.efi's own folder.
 */
#include "iso9660.h"
#include "libc.h"
#include "loader.h"


/** The ISO 9660 reader's state (one volume per run). */
static struct iso9660 iso;

/** Bounce buffer for BlockIo reads that are not whole blocks or not aligned
 *  as the device asks (Media->IoAlign; 4096 covers every device seen). */
static uint8_t bounce[64 * 1024] __attribute__((aligned(4096)));

/** Read through BlockIo: whole blocks straight into @p buf, the rest bounced. */
static int block_read(struct volume *v, uint64_t off, uint8_t *buf, uint64_t n)
{
	uint64_t bs = v->bio->media->block_size, align = v->bio->media->io_align;

	while (n) {
		uint64_t lba = off / bs, skip = off % bs, take;

		if (!skip && n >= bs && (align <= 1 || !((uintptr_t)buf % align))) {
			take = n - n % bs;
			if (take > (64ull << 20))
				take = 64ull << 20;
			if (EFI_IS_ERROR(v->bio->read_blocks(v->bio, v->media_id, lba, take, buf)))
				return -1;
		} else {
			uint64_t span = skip + n > sizeof(bounce) ? sizeof(bounce) : skip + n;

			span = (span + bs - 1) / bs * bs;
			if (span > sizeof(bounce))
				span -= bs;
			take = span - skip < n ? span - skip : n;
			if (EFI_IS_ERROR(v->bio->read_blocks(v->bio, v->media_id, lba, span, bounce)))
				return -1;
			memcpy(buf, bounce + skip, take);
		}
		off += take;
		buf += take;
		n -= take;
	}
	return 0;
}

/** lib/iso9660's read function: DiskIo on the volume's device, else BlockIo. */
static int iso_read(void *ctx, uint64_t off, void *buf, uint32_t n)
{
	struct volume *v = ctx;

	if (v->dio)
		return EFI_IS_ERROR(v->dio->read_disk(v->dio, v->media_id, off, n, buf)) ? -1 : 0;
	return block_read(v, off, buf, n);
}

/** Open the device as an ISO 9660 volume (no file system the firmware reads). */
static efi_status open_iso(efi_handle dev, struct volume *v, efi_status fs_status)
{
	int rc;

	/* GRUB hands over a CD's whole-disk handle: bind DiskIo if nobody has. */
	BS->connect_controller(dev, NULL, NULL, 0);
	if (EFI_IS_ERROR(BS->handle_protocol(dev, &block_io_guid, (void **)&v->bio))) {
		error("the device memdisk.efi was started from has no file system to read the "
		      "image from (%s), and is no disk either\n", efi_strerror(fs_status));
		return fs_status;
	}
	if (v->bio->media->block_size == 0 || v->bio->media->block_size > sizeof(bounce) ||
	    v->bio->media->io_align > 4096 || !v->bio->media->present) {
		error("the disk memdisk.efi was started from has no medium or an odd block size "
		      "(%u)\n", (unsigned)v->bio->media->block_size);
		return EFI_NO_MEDIA;
	}
	if (EFI_IS_ERROR(BS->handle_protocol(dev, &disk_io_guid, (void **)&v->dio)))
		v->dio = NULL;
	v->media_id = v->bio->media->media_id;
	rc = iso9660_open(&iso, iso_read, v);
	if (rc) {
		error("the device memdisk.efi was started from has no file system the firmware "
		      "reads, and no ISO 9660 volume (%s)\n", iso9660_strerror(rc));
		return EFI_UNSUPPORTED;
	}
	v->iso = &iso;
	info("reading the image from the ISO 9660 volume memdisk.efi was started from "
	     "(through %s)\n", v->dio ? "DiskIo" : "BlockIo");
	return EFI_SUCCESS;
}

efi_status volume_open(efi_loaded_image *li, struct volume *v)
{
	efi_simple_fs *fs;
	efi_device_path *n;
	char16 path[EFIOPT_PATH_MAX + 1];
	uint64_t len = 0, i, cut = 0;
	efi_status s;

	memset(v, 0, sizeof(*v));
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
				path[len++] = t[k] == '/' ? '\\' : t[k];
		}
		n = (efi_device_path *)((uint8_t *)n + nlen);
	}
	path[len] = 0;
	for (i = 0; i < len; i++)
		if (path[i] == '\\')
			cut = i + 1;
	/* The folder always starts at the root: "\", or "\EFI\BOOT\". */
	v->folder[0] = '\\';
	i = path[0] == '\\' ? 0 : 1;
	if (cut > 0 && cut + i <= EFIOPT_PATH_MAX)
		memcpy(v->folder + i, path, cut * 2);
	else
		cut = 0, i = 1;
	v->folder[cut + i] = 0;
	memcpy(v->self, path + cut, (len - cut + 1) * 2);

	s = BS->handle_protocol(li->device, &simple_fs_guid, (void **)&fs);
	if (EFI_IS_ERROR(s))
		return open_iso(li->device, v, s);
	s = fs->open_volume(fs, &v->root);
	if (EFI_IS_ERROR(s)) {
		error("cannot open the volume memdisk.efi was started from (%s)\n",
		      efi_strerror(s));
		v->root = NULL;
	}
	return s;
}

void volume_close(struct volume *v)
{
	if (v->root)
		v->root->close(v->root);
	v->root = NULL;
	v->iso = NULL;
}

/** @p folder followed by @p name, or @p name alone if it starts at the root. */
static void join(char16 *out, uint64_t cap, const char16 *folder, const char *name)
{
	uint64_t n = 0;

	if (name[0] != '/' && name[0] != '\\') {
		for (; folder[n] && n + 1 < cap; n++)
			out[n] = folder[n];
	}
	to_ucs2_path(out + n, cap - n, name);
}

efi_status vfile_open(struct volume *v, const char *name, struct vfile *f)
{
	char16 path[EFIOPT_PATH_MAX + 1];
	efi_status s;

	memset(f, 0, sizeof(*f));
	join(path, EFIOPT_PATH_MAX + 1, v->folder, name);
	if (v->iso) {
		char a[EFIOPT_PATH_MAX + 1];
		int rc;

		to_ascii(a, sizeof(a), path, EFIOPT_PATH_MAX);
		rc = iso9660_lookup(v->iso, a, &f->iso);
		if (rc == ISO9660_OK && f->iso.dir)
			rc = ISO9660_E_NOT_FOUND;
		if (rc)
			return rc == ISO9660_E_NOT_FOUND ? EFI_NOT_FOUND
			       : rc == ISO9660_E_IO      ? EFI_DEVICE_ERROR
							 : EFI_VOLUME_CORRUPTED;
		f->size = f->iso.size;
		return EFI_SUCCESS;
	}
	if (!v->root)
		return EFI_NOT_FOUND;
	s = v->root->open(v->root, &f->f, path, EFI_FILE_MODE_READ, 0);
	if (EFI_IS_ERROR(s)) {
		f->f = NULL;
		return s;
	}
	{
		union {
			efi_file_info fi;
			uint8_t raw[1024];
		} u;
		uint64_t n = sizeof(u);

		s = f->f->get_info(f->f, &file_info_guid, &n, &u);
		if (!EFI_IS_ERROR(s) && (u.fi.attribute & EFI_FILE_DIRECTORY))
			s = EFI_NOT_FOUND;      /* a folder is not an image */
		if (EFI_IS_ERROR(s)) {
			vfile_close(v, f);
			return s;
		}
		f->size = u.fi.file_size;
	}
	return EFI_SUCCESS;
}

efi_status vfile_read(struct volume *v, struct vfile *f, uint64_t off, void *buf, uint64_t *n)
{
	efi_status s;

	if (off >= f->size) {
		*n = 0;
		return EFI_SUCCESS;
	}
	if (*n > f->size - off)
		*n = f->size - off;
	if (v->iso) {
		int rc = iso9660_read(v->iso, &f->iso, off, buf, *n);

		return rc ? EFI_DEVICE_ERROR : EFI_SUCCESS;
	}
	s = f->f->set_position(f->f, off);
	if (EFI_IS_ERROR(s))
		return s;
	return f->f->read(f->f, n, buf);
}

void vfile_close(struct volume *v, struct vfile *f)
{
	(void)v;
	if (f->f)
		f->f->close(f->f);
	f->f = NULL;
}

efi_status volume_config(struct volume *v, char *line, uint64_t cap)
{
	char text[4096];
	uint64_t n = sizeof(text);
	struct vfile f;
	efi_status s;

	line[0] = '\0';
	s = vfile_open(v, EFIOPT_CONFIG_NAME, &f);
	if (EFI_IS_ERROR(s))
		return s;
	s = vfile_read(v, &f, 0, text, &n);
	vfile_close(v, &f);
	if (EFI_IS_ERROR(s)) {
		error("cannot read %s (%s)\n", EFIOPT_CONFIG_NAME, efi_strerror(s));
		return s;
	}
	efiopt_config_line(text, n, line, cap);
	return EFI_SUCCESS;
}

/** Does @p name end in @p ext (ASCII, case-insensitive)? */
static int ends_with(const char *name, const char *ext)
{
	uint64_t n = strlen(name), e = strlen(ext), i;

	if (n < e)
		return 0;
	for (i = 0; i < e; i++) {
		char c = name[n - e + i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != ext[i])
			return 0;
	}
	return 1;
}

/** Candidates for the image found in a folder. */
struct candidates {
	const char *self;
	char names[8][EFIOPT_PATH_MAX + 1];
	unsigned n;
};

/** Count @p name as a candidate unless it cannot be the image. */
static void consider(struct candidates *c, const char *name, int dir)
{
	uint64_t i, k = strlen(name);

	if (dir || ends_with(name, ".efi") || ends_with(name, ".cfg") ||
	    ends_with(name, "initrd.magic"))
		return;
	if (k == strlen(c->self)) {
		for (i = 0; i < k; i++) {
			char x = name[i], y = c->self[i];

			if ((x | 32) != (y | 32))
				break;
		}
		if (i == k)
			return;
	}
	if (c->n < 8) {
		if (k > EFIOPT_PATH_MAX)
			k = EFIOPT_PATH_MAX;
		memcpy(c->names[c->n], name, k);
		c->names[c->n][k] = '\0';
	}
	c->n++;
}

/** lib/iso9660's listing callback: consider each entry. */
static int iso_entry(void *ctx, const char *name, const struct iso9660_file *f)
{
	consider(ctx, name, f->dir);
	return 0;
}

efi_status volume_find_single(struct volume *v, char *name, uint64_t cap)
{
	static struct candidates c;
	char self[EFIOPT_PATH_MAX + 1];
	unsigned i;
	efi_status s = EFI_SUCCESS;

	memset(&c, 0, sizeof(c));
	to_ascii(self, sizeof(self), v->self, EFIOPT_PATH_MAX);
	c.self = self;
	if (v->iso) {
		char folder[EFIOPT_PATH_MAX + 1];
		struct iso9660_file dir;

		to_ascii(folder, sizeof(folder), v->folder, EFIOPT_PATH_MAX);
		if (iso9660_lookup(v->iso, folder, &dir) ||
		    iso9660_list(v->iso, &dir, iso_entry, &c))
			s = EFI_NOT_FOUND;
	} else if (v->root) {
		union {
			efi_file_info fi;
			uint8_t raw[1024];
		} u;
		efi_file *dir;

		s = v->root->open(v->root, &dir, v->folder, EFI_FILE_MODE_READ, 0);
		if (!EFI_IS_ERROR(s)) {
			for (;;) {
				uint64_t n = sizeof(u) - 2;
				char a[EFIOPT_PATH_MAX + 1];

				if (EFI_IS_ERROR(dir->read(dir, &n, &u)) || n == 0)
					break;
				u.raw[n] = u.raw[n + 1] = 0;
				to_ascii(a, sizeof(a), u.fi.file_name, EFIOPT_PATH_MAX);
				consider(&c, a, (u.fi.attribute & EFI_FILE_DIRECTORY) != 0);
			}
			dir->close(dir);
		}
	}
	if (EFI_IS_ERROR(s)) {
		error("no image= given, and the folder memdisk.efi is in cannot be listed (%s)\n",
		      efi_strerror(s));
		return s;
	}
	if (c.n == 1) {
		uint64_t k = strlen(c.names[0]);

		if (k + 1 > cap)
			k = cap - 1;
		memcpy(name, c.names[0], k);
		name[k] = '\0';
		return EFI_SUCCESS;
	}
	if (c.n == 0) {
		error("no image: give one with image=NAME (iPXE: initrd URL before boot; "
		      "GRUB: image=/path/x.iso), or put it beside memdisk.efi\n");
		return EFI_NOT_FOUND;
	}
	error("%u files could be the image; choose one with image=NAME:\n", c.n);
	for (i = 0; i < c.n && i < 8; i++)
		say("  %s\n", c.names[i]);
	return EFI_INVALID_PARAMETER;
}
