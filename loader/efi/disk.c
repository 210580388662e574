/**
 * @file disk.c
 *
 * Making the image a disk the firmware can boot from. Two ways:
 *
 * - the firmware's RAM disk protocol (EDK2's RamDiskDxe, in OVMF and most
 *   EDK2-based firmware): it installs a block device over the memory (with
 *   512-byte blocks, CDs included) and, when the memory is one
 *   EfiReservedMemoryType range, publishes the NFIT range itself;
 * - memdisk.efi's own block device (disk=own, or firmware without the
 *   protocol): BlockIo and a device path with a RAM-disk node, 2048-byte
 *   blocks for a CD (so the firmware's El Torito driver finds the EFI boot
 *   image, as on a real CD drive) and 512 for a disk. Its reads go through
 *   disk_read(), the one place that turns a byte range of the disk into
 *   memory: a later overlay (a few patched sectors and an extent after the
 *   image, shown only to the boot loader) plugs in there, which the
 *   firmware's protocol, reading memory directly, cannot offer.
 */
#include "iso9660.h"
#include "libc.h"
#include "loader.h"


/** memdisk.efi's own block device (one per run). */
static struct own {
	efi_block_io bio;
	efi_block_io_media media;
	struct {
		efi_ram_disk_node node;
		efi_device_path end;
	} __attribute__((packed)) path;
	uint8_t *base;
	uint64_t bytes;
	const struct inject *in;        /**< the patched view, when active */
	int installed;
} own;

/**
 * Copy @p n bytes of the disk at byte @p off into @p buf: the image, or
 * with an injection the patched view (replaced sectors, then the
 * extension after the image's last ISO block).
 */
static void disk_read(uint64_t off, void *buf, uint64_t n)
{
	if (own.in)
		inject_read_view(own.in, off, buf, n);
	else
		memcpy(buf, own.base + off, n);
}

/** Check a BlockIo request; EFI_SUCCESS when it may go ahead. */
static efi_status check(efi_block_io *self, uint32_t media_id, uint64_t lba, uint64_t size,
			void *buf)
{
	uint64_t bs = self->media->block_size, blocks = self->media->last_block + 1;

	if (media_id != self->media->media_id)
		return EFI_MEDIA_CHANGED;
	if (!buf)
		return EFI_INVALID_PARAMETER;
	if (size % bs)
		return EFI_BAD_BUFFER_SIZE;
	if (lba >= blocks || size / bs > blocks - lba)
		return EFI_INVALID_PARAMETER;
	return EFI_SUCCESS;
}

/** BlockIo.Reset: nothing to reset. */
static efi_status EFIAPI own_reset(efi_block_io *self, efi_bool extended)
{
	(void)self;
	(void)extended;
	return EFI_SUCCESS;
}

/** BlockIo.ReadBlocks: checked, then through disk_read(). */
static efi_status EFIAPI own_read(efi_block_io *self, uint32_t media_id, uint64_t lba,
				  uint64_t size, void *buf)
{
	efi_status s = check(self, media_id, lba, size, buf);

	if (!EFI_IS_ERROR(s) && size)
		disk_read(lba * self->media->block_size, buf, size);
	return s;
}

/** BlockIo.WriteBlocks: refused on a CD or with "ro", else into the image. */
static efi_status EFIAPI own_write(efi_block_io *self, uint32_t media_id, uint64_t lba,
				   uint64_t size, void *buf)
{
	efi_status s = check(self, media_id, lba, size, buf);

	if (EFI_IS_ERROR(s))
		return s;
	if (self->media->read_only)
		return EFI_WRITE_PROTECTED;
	memcpy(own.base + lba * self->media->block_size, buf, size);
	return EFI_SUCCESS;
}

/** BlockIo.FlushBlocks: memory needs no flushing. */
static efi_status EFIAPI own_flush(efi_block_io *self)
{
	(void)self;
	return EFI_SUCCESS;
}

/** Store a 64-bit value in the two unaligned words of a device-path node. */
static void put_u64(uint32_t w[2], uint64_t v)
{
	w[0] = (uint32_t)v;
	w[1] = (uint32_t)(v >> 32);
}

/** Install memdisk.efi's own block device over the image. */
static efi_status own_install(struct image *img, const struct efiopt *o, const struct inject *in,
			      struct disk *d)
{
	uint64_t bytes = img->pages * EFI_PAGE_SIZE;
	uint32_t bs = img->kind.cd ? 2048 : 512;
	efi_handle h = NULL;
	efi_status s;

	memset(&own, 0, sizeof(own));
	if (in && in->active) {
		/* The view: the ISO's blocks, then the extension. */
		own.in = in;
		bytes = inject_view_bytes(in);
	}
	own.base = (uint8_t *)img->base;
	own.bytes = bytes;
	own.media.media_id = 1;
	own.media.removable = (efi_bool)img->kind.cd;
	own.media.present = 1;
	own.media.read_only = (efi_bool)(img->kind.cd || o->bios.ro);
	own.media.block_size = bs;
	own.media.io_align = 0;
	own.media.last_block = bytes / bs - 1;
	own.media.logical_blocks_per_physical = 1;
	own.media.optimal_transfer_granularity = 1;
	own.bio.revision = EFI_BLOCK_IO_REVISION3;
	own.bio.media = &own.media;
	own.bio.reset = own_reset;
	own.bio.read_blocks = own_read;
	own.bio.write_blocks = own_write;
	own.bio.flush_blocks = own_flush;
	own.path.node.h.type = DP_TYPE_MEDIA;
	own.path.node.h.subtype = DP_SUB_RAM_DISK;
	own.path.node.h.length[0] = sizeof(own.path.node);
	put_u64(own.path.node.start, img->base);
	put_u64(own.path.node.end, img->base + bytes - 1);
	own.path.node.type = img->kind.cd ? virtual_cd_guid : virtual_disk_guid;
	own.path.end.type = DP_TYPE_END;
	own.path.end.subtype = DP_SUB_END_ENTIRE;
	own.path.end.length[0] = sizeof(own.path.end);
	s = BS->install_multiple_protocol_interfaces(&h, &block_io_guid, &own.bio,
						     &device_path_guid, &own.path, NULL);
	if (EFI_IS_ERROR(s)) {
		error("cannot install the block device (%s)\n", efi_strerror(s));
		return s;
	}
	own.installed = 1;
	d->firmware = 0;
	d->handle = h;
	d->path = &own.path.node.h;
	d->block_size = bs;
	return EFI_SUCCESS;
}

efi_status disk_register(struct image *img, const struct efiopt *o, const struct inject *in,
			 struct disk *d)
{
	efi_ram_disk *rd = NULL;
	efi_device_path *dp;
	uint64_t t0 = now_us();
	efi_status s;

	memset(d, 0, sizeof(*d));
	if (in && in->active) {
		if (o->disk == EFIOPT_DISK_FIRMWARE) {
			error("disk=firmware and inject: the firmware's RAM disk cannot show the "
			      "patched view\n");
			return EFI_INVALID_PARAMETER;
		}
		info("inject: memdisk.efi's own block device shows the patched view\n");
	} else if (o->disk != EFIOPT_DISK_OWN) {
		s = BS->locate_protocol(&ram_disk_guid, NULL, (void **)&rd);
		if (EFI_IS_ERROR(s)) {
			if (o->disk == EFIOPT_DISK_FIRMWARE) {
				error("disk=firmware: this firmware has no RAM disk protocol (%s)\n",
				      efi_strerror(s));
				return s;
			}
			rd = NULL;
		}
	}
	if (rd) {
		s = rd->register_(img->base, img->pages * EFI_PAGE_SIZE,
				  img->kind.cd ? &virtual_cd_guid : &virtual_disk_guid, NULL, &dp);
		if (EFI_IS_ERROR(s)) {
			if (o->disk == EFIOPT_DISK_FIRMWARE) {
				error("the firmware's RAM disk protocol refused the image (%s)\n",
				      efi_strerror(s));
				return s;
			}
			info("the firmware's RAM disk protocol refused the image (%s): using "
			     "memdisk.efi's own block device\n", efi_strerror(s));
		} else {
			efi_device_path *rest = dp;

			d->firmware = 1;
			d->path = dp;
			d->block_size = 512;
			s = BS->locate_device_path(&block_io_guid, &rest, &d->handle);
			if (EFI_IS_ERROR(s)) {
				error("the firmware registered the RAM disk but shows no block "
				      "device for it (%s)\n", efi_strerror(s));
				rd->unregister(dp);
				return s;
			}
			info("registered a virtual %s through the firmware's RAM disk protocol "
			     "(%u-byte blocks) in %u us\n", img->kind.cd ? "CD" : "disk",
			     (unsigned)d->block_size, (unsigned)(now_us() - t0));
			return EFI_SUCCESS;
		}
	}
	s = own_install(img, o, in, d);
	if (!EFI_IS_ERROR(s))
		info("installed memdisk.efi's own block device: a %s with %u-byte blocks%s in "
		     "%u us\n", img->kind.cd ? "CD" : "disk", (unsigned)d->block_size,
		     own.media.read_only ? ", read-only" : "", (unsigned)(now_us() - t0));
	return s;
}

efi_status disk_unregister(struct disk *d)
{
	efi_status s = EFI_SUCCESS;

	if (d->firmware && d->path) {
		efi_ram_disk *rd;

		s = BS->locate_protocol(&ram_disk_guid, NULL, (void **)&rd);
		if (!EFI_IS_ERROR(s))
			s = rd->unregister(d->path);
	} else if (own.installed) {
		int tries;

		for (tries = 0; tries < 2; tries++) {
			BS->disconnect_controller(d->handle, NULL, NULL);
			s = BS->uninstall_multiple_protocol_interfaces(d->handle, &block_io_guid,
								       &own.bio, &device_path_guid,
								       &own.path, NULL);
			if (!EFI_IS_ERROR(s))
				break;
		}
		if (EFI_IS_ERROR(s)) {
			/* Its code and data live in memdisk.efi's image, which the
			 * firmware frees when it returns: a device left behind would
			 * call into freed memory. Restart instead. */
			error("the block device could not be removed (%s); restarting the "
			      "machine in 10 seconds\n", efi_strerror(s));
			BS->stall(10 * 1000 * 1000);
			ST->runtime_services->reset_system(EfiResetCold, s, 0, NULL);
		}
		own.installed = 0;
	}
	if (EFI_IS_ERROR(s))
		error("the disk could not be unregistered (%s): its memory stays reserved\n",
		      efi_strerror(s));
	d->path = NULL;
	d->firmware = 0;
	return s;
}
