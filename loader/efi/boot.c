/**
 * @file boot.c
 *
 * Starting the loader inside the image: connect the disk (so the firmware's
 * partition, El Torito and FAT drivers bind), find the file systems whose
 * device path starts with the disk's, and LoadImage the loader by its full
 * device path on the first of them that has it. LoadImage by path lets the
 * firmware read the file, apply Secure Boot, and set the started loader's
 * DeviceHandle to the volume inside the image (where GRUB and shim look for
 * their files).
 *
 * When shim started memdisk.efi (Secure Boot with a distribution's shim and
 * a MOK or vendor key), shim's lock protocol is there: the loader's file is
 * first given to shim's Verify, so that a loader shim refuses is refused
 * with that reason, as GRUB does for the kernels it starts. shim 16 also
 * takes over LoadImage while its second stage runs and verifies with its
 * own keys there; an older shim leaves LoadImage to the firmware, whose db
 * must then trust the loader.
 */
#include "libc.h"
#include "loader.h"


/** The length of a device-path node. */
static uint16_t node_len(const efi_device_path *n)
{
	return (uint16_t)(n->length[0] | n->length[1] << 8);
}

/** Bytes of a device path before its end node (0 for a malformed one). */
static uint64_t path_bytes(const efi_device_path *p)
{
	uint64_t n = 0;

	while (p->type != DP_TYPE_END) {
		uint16_t l = node_len(p);

		if (l < 4 || n > 4096)
			return 0;
		n += l;
		p = (const efi_device_path *)((const uint8_t *)p + l);
	}
	return n;
}

/** @p fs_path followed by a file-path node for @p file and an end node (pool memory). */
static efi_device_path *file_path(const efi_device_path *fs_path, const char *file)
{
	uint64_t head = path_bytes(fs_path), chars = strlen(file) + 1;
	uint64_t node = 4 + chars * 2;
	efi_device_path *p, *f, *end;
	uint8_t *b;

	if (BS->allocate_pool(EfiLoaderData, head + node + 4, (void **)&b))
		return NULL;
	memcpy(b, fs_path, head);
	f = (efi_device_path *)(b + head);
	f->type = DP_TYPE_MEDIA;
	f->subtype = DP_SUB_FILE_PATH;
	f->length[0] = (uint8_t)node;
	f->length[1] = (uint8_t)(node >> 8);
	to_ucs2_path((char16 *)(f + 1), chars, file);
	end = (efi_device_path *)(b + head + node);
	end->type = DP_TYPE_END;
	end->subtype = DP_SUB_END_ENTIRE;
	end->length[0] = 4;
	end->length[1] = 0;
	p = (efi_device_path *)b;
	return p;
}

/**
 * With shim's lock protocol present, have shim verify @p file on the file
 * system @p fs. EFI_NOT_FOUND when the file is not there (the caller tries
 * the next file system); EFI_SUCCESS when there is no shim, or shim accepts.
 */
static efi_status shim_check(efi_handle fs, const char *file, const char *name, int *said)
{
	char16 path[EFIOPT_PATH_MAX + 1];
	union {
		efi_file_info fi;
		uint8_t raw[1024];
	} u;
	uint64_t n = sizeof(u), size;
	efi_simple_fs *sfs;
	efi_file *root, *f;
	shim_lock *shim;
	void *buf = NULL;
	efi_status s;

	if (EFI_IS_ERROR(BS->locate_protocol(&shim_lock_guid, NULL, (void **)&shim)) || !shim ||
	    !shim->verify)
		return EFI_SUCCESS;
	if (EFI_IS_ERROR(BS->handle_protocol(fs, &simple_fs_guid, (void **)&sfs)) ||
	    EFI_IS_ERROR(sfs->open_volume(sfs, &root)))
		return EFI_NOT_FOUND;
	to_ucs2_path(path, EFIOPT_PATH_MAX + 1, file);
	s = root->open(root, &f, path, EFI_FILE_MODE_READ, 0);
	root->close(root);
	if (EFI_IS_ERROR(s))
		return EFI_NOT_FOUND;
	s = f->get_info(f, &file_info_guid, &n, &u);
	size = u.fi.file_size;
	if (!EFI_IS_ERROR(s) && (size == 0 || size > 0xffffffffu))
		s = EFI_BAD_BUFFER_SIZE;
	if (!EFI_IS_ERROR(s))
		s = BS->allocate_pool(EfiLoaderData, size, &buf);
	if (!EFI_IS_ERROR(s)) {
		n = size;
		s = f->read(f, &n, buf);
		if (!EFI_IS_ERROR(s) && n != size)
			s = EFI_DEVICE_ERROR;
	}
	f->close(f);
	if (EFI_IS_ERROR(s)) {
		error("reading %s for shim to verify: %s\n", name, efi_strerror(s));
		if (buf)
			BS->free_pool(buf);
		return s;
	}
	s = shim->verify(buf, (uint32_t)size);
	BS->free_pool(buf);
	*said = 1;
	if (EFI_IS_ERROR(s)) {
		error("shim refuses %s (%s): it is signed by no key in db, MOK or shim's "
		      "vendor certificate, or it is revoked (dbx, SBAT)\n", name, efi_strerror(s));
		return EFI_SECURITY_VIOLATION;
	}
	info("shim verified %s (%u KiB)\n", name, (unsigned)(size >> 10));
	return EFI_SUCCESS;
}

efi_status boot_image(const struct disk *d, const struct efiopt *o, uint64_t t_read)
{
	uint64_t prefix = path_bytes(d->path), count = 0, i, t0 = now_us();
	efi_handle *handles = NULL, child = NULL;
	efi_status s, last = EFI_NOT_FOUND;
	unsigned tried = 0;
	int shim_said = 0;

	s = BS->connect_controller(d->handle, NULL, NULL, 1);
	if (EFI_IS_ERROR(s) && s != EFI_NOT_FOUND)
		info("connecting the disk: %s\n", efi_strerror(s));
	s = BS->locate_handle_buffer(ByProtocol, &simple_fs_guid, NULL, &count, &handles);
	if (EFI_IS_ERROR(s))
		count = 0;
	for (i = 0; i < count && !child; i++) {
		efi_device_path *fp, *full;

		if (EFI_IS_ERROR(BS->handle_protocol(handles[i], &device_path_guid, (void **)&fp)))
			continue;
		if (path_bytes(fp) < prefix || memcmp(fp, d->path, prefix))
			continue;
		tried++;
		s = shim_check(handles[i], o->loader, o->loader, &shim_said);
		if (s == EFI_NOT_FOUND) {
			last = s;
			continue;
		}
		if (EFI_IS_ERROR(s)) {
			last = EFI_ACCESS_DENIED;       /* said; no "not in the image" */
			break;
		}
		full = file_path(fp, o->loader);
		if (!full)
			break;
		child = NULL;
		s = BS->load_image(0, self_image, full, NULL, 0, &child);
		BS->free_pool(full);
		if (EFI_IS_ERROR(s)) {
			/* A Secure Boot refusal comes with a loaded image (UEFI 2.10,
			 * LoadImage): unload it, or its pages stay allocated. */
			if (s == EFI_SECURITY_VIOLATION && child)
				BS->unload_image(child);
			child = NULL;
			last = s;
			if ((s == EFI_SECURITY_VIOLATION || s == EFI_ACCESS_DENIED) && shim_said) {
				error("shim verified %s, but the firmware refused to load it (%s): "
				      "a shim older than 16 leaves LoadImage to the firmware, whose db "
				      "must then trust the loader\n", o->loader, efi_strerror(s));
				break;
			}
			if (s == EFI_SECURITY_VIOLATION || s == EFI_ACCESS_DENIED) {
				error("the firmware refused to start %s from the image (%s): with "
				      "Secure Boot on, the loader must be signed by a key in db, or "
				      "started through shim\n", o->loader, efi_strerror(s));
				break;
			}
		}
	}
	if (handles)
		BS->free_pool(handles);
	if (!child) {
		if (last != EFI_SECURITY_VIOLATION && last != EFI_ACCESS_DENIED) {
			if (!tried)
				error("the firmware found no file system in the image (no EFI system "
				      "partition, El Torito EFI image or FAT volume it can read)\n");
			else
				error("%s is not in the image's %u file system(s) (%s); give the "
				      "loader's path with loader=\n", o->loader, tried,
				      efi_strerror(last));
		}
		return last;
	}
	info("starting %s from the image (found in %u ms; memdisk.efi's work after reading "
	     "the image: %u us)\n", o->loader, (unsigned)((now_us() - t0) / 1000),
	     (unsigned)(now_us() - t_read));
	/* An application that returns is unloaded by the firmware. */
	s = BS->start_image(child, NULL, NULL);
	error("the image's loader returned: %s\n", efi_strerror(s));
	return EFI_IS_ERROR(s) ? s : EFI_ABORTED;
}
