/**
 * @file loader.h
 *
 * memdisk.efi's parts and what they share. main.c runs the steps; each
 * other file is one room of the work:
 *
 *   console.c  messages (the firmware's console, which OVMF mirrors on the
 *              serial port), step timing, progress, the pause key
 *   volume.c   the volume it was started from (a firmware file system, or
 *              an ISO 9660 volume read through DiskIo), memdisk.cfg, the files
 *   image.c    reading (or inflating) the image into reserved, 2 MiB-aligned
 *              pages
 *   disk.c     making those pages a disk: the firmware's RAM disk protocol
 *              or memdisk.efi's own block device
 *   acpi.c     the NFIT (and SSDT) that describe the disk to the OS
 *   tables.c   the MEMDISK tables (mBFT, MDI, safe hook) below 640 KiB
 *   boot.c     connecting the disk and starting the loader inside it
 *   string.c   the C library functions the compiler and lib/ call
 *
 * Every step returns an efi_status; main.c undoes, in reverse order, the
 * steps that succeeded when a later one fails or the loader returns.
 */
#ifndef MEMBOOT_EFI_LOADER_H
#define MEMBOOT_EFI_LOADER_H

#include <stdarg.h>
#include <stdint.h>

#include "efi.h"
#include "efiopt.h"
#include "inject.h"
#include "iso9660.h"
#include "isopatch.h"
#include "uefiboot.h"

extern efi_system_table *ST;
extern efi_boot_services *BS;
extern efi_handle self_image;

/* ---- console.c -------------------------------------------------------- */

/** Set up the console and the clock (calibrates the TSC against Stall). */
void con_init(int quiet);
/** A line of information (not shown with "quiet"), prefixed "memdisk.efi: ". */
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** An error line, always shown, prefixed "memdisk.efi: error: ". */
void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Text without a prefix (not shown with "quiet"). */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Microseconds since con_init. */
uint64_t now_us(void);
/** Wait for a key press (the "pause" option). */
void wait_key(void);
/** A short name for an EFI status. */
const char *efi_strerror(efi_status s);
/** Show progress of a long step: "LABEL: done/total MiB", at most every 0.5 s. */
void progress(const char *label, uint64_t done, uint64_t total);
/** End a progress line. */
void progress_end(void);

/* ---- the image -------------------------------------------------------- */

/** The image in memory. */
struct image {
	char name[EFIOPT_PATH_MAX + 1]; /**< the file's name as opened */
	uint64_t base;          /**< physical address (2 MiB aligned) */
	uint64_t size;          /**< bytes of image */
	uint64_t pages;         /**< 4 KiB pages reserved (the tail zeroed) */
	int compressed;         /**< it was inflated from gzip or zip */
	struct uefiboot kind;   /**< CD or disk, where its UEFI boot files are */
};

/** The volume memdisk.efi was started from, and its own folder there (volume.c). */
struct volume {
	efi_file *root;                       /**< a file system the firmware reads, or */
	struct iso9660 *iso;                  /**< an ISO 9660 volume read through DiskIo */
	struct efi_disk_io *dio;              /**< its DiskIo, if bound, */
	efi_block_io *bio;                    /**< else its BlockIo */
	uint32_t media_id;
	char16 folder[EFIOPT_PATH_MAX + 1];   /**< "\" or "\EFI\BOOT\" */
	char16 self[EFIOPT_PATH_MAX + 1];     /**< memdisk.efi's own file name */
};

/** An open file of the volume. */
struct vfile {
	efi_file *f;                          /**< on a firmware file system */
	struct iso9660_file iso;              /**< on an ISO 9660 volume */
	uint64_t size;
};

/* volume.c */
/** Open the volume memdisk.efi was started from (@p li's device) and learn its folder. */
efi_status volume_open(efi_loaded_image *li, struct volume *v);
/** Close what volume_open opened. */
void volume_close(struct volume *v);
/** Read the configuration file beside memdisk.efi into @p line (empty if none). */
efi_status volume_config(struct volume *v, char *line, uint64_t cap);
/** With no image=: the one file beside memdisk.efi that can be the image. */
efi_status volume_find_single(struct volume *v, char *name, uint64_t cap);
/** Open @p name (from the root if it starts with / or \, else from our folder). */
efi_status vfile_open(struct volume *v, const char *name, struct vfile *f);
/** Read up to *@p n bytes at @p off; *@p n becomes what was read (0 at the end). */
efi_status vfile_read(struct volume *v, struct vfile *f, uint64_t off, void *buf, uint64_t *n);
/** Close a file vfile_open opened. */
void vfile_close(struct volume *v, struct vfile *f);

/* image.c */
/** Find the image (image= or the one file beside memdisk.efi) and read or inflate it. */
efi_status image_load(struct volume *v, const struct efiopt *o, struct image *img);
/** Free the image's pages. */
void image_free(struct image *img);
/** The firmware's memory map, in pool memory the caller frees. */
efi_status memory_map(void **map, uint64_t *size, uint64_t *desc_size);

/* inject.c */
/**
 * Plan the patched view that grows the ISO's initrds (lib/inject): never
 * fails the boot, it says why not.
 *
 * @return the view, or NULL when the image is shown as it is
 */
const struct inject *inject_plan(const struct image *img);

/* disk.c */
struct disk {
	int firmware;           /**< registered through the firmware's RAM disk protocol */
	efi_device_path *path;  /**< the disk's device path */
	efi_handle handle;      /**< its handle */
	uint32_t block_size;
};
/** Make the image a disk: the firmware's RAM disk protocol or the own BlockIo. */
efi_status disk_register(struct image *img, const struct efiopt *o, const struct inject *in,
			 struct disk *d);
/** Undo disk_register; an error means the memory must stay reserved. */
efi_status disk_unregister(struct disk *d);

/* acpi.c */
struct acpi {
	int installed;          /**< memdisk.efi installed tables */
	uint64_t nfit_key, ssdt_key;
	int have_ssdt;
};
/** Make sure exactly one NFIT range (and one ACPI0012 device) describes the image. */
efi_status acpi_describe(const struct image *img, const struct disk *d, struct acpi *a);
/** Remove what acpi_describe installed; an error means the image must stay reserved. */
efi_status acpi_remove(struct acpi *a);

/* tables.c */
struct low_tables {
	uint64_t page;          /**< the reserved page, 0 when none */
	uint16_t old_basemem;   /**< the BIOS data area's word before */
	int basemem_written;
	int acpi_installed;     /**< the ACPI copy (MBFT) is installed */
	uint64_t acpi_key;
};
/** Leave the mBFT, MDI, safe hook and @p cmdline in a reserved page below 640 KiB. */
efi_status tables_install(const struct image *img, const char *cmdline, struct low_tables *t);
/** Take them away again, and restore the base-memory word. */
void tables_remove(struct low_tables *t);

/* boot.c */
/** Start the loader; @p t_read is when the image was in memory (for the timing line). */
efi_status boot_image(const struct disk *d, const struct efiopt *o, uint64_t t_read);

/* ---- helpers (console.c) ---------------------------------------------- */

/** Copy ASCII @p s into UCS-2 @p out (cap characters), '/' becoming '\'. */
void to_ucs2_path(char16 *out, uint64_t cap, const char *s);
/** Copy UCS-2 @p s into ASCII @p out (cap bytes); other characters become '?'. */
void to_ascii(char *out, uint64_t cap, const char16 *s, uint64_t max_chars);

#endif /* MEMBOOT_EFI_LOADER_H */
