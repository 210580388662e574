/**
 * @file main.c
 *
 * memdisk.efi: boot an ISO or disk image from RAM on a UEFI machine, and
 * leave it where the operating system finds it.
 *
 * The steps, each undone in reverse order if a later one fails or the
 * image's loader returns: read the options; find and read the image into
 * reserved memory; check that it is whole and bootable on UEFI; make it a
 * disk; describe it in the NFIT; leave the MEMDISK tables below 640 KiB;
 * start the loader inside it. The caller (iPXE, GRUB, the shell) gets an
 * EFI error back and can go on.
 */
#include "libc.h"
#include "loader.h"
#include "version.h"

efi_system_table *ST;
efi_boot_services *BS;
efi_handle self_image;


/** The command line as ASCII (LoadOptions are UCS-2). */
static void command_line(efi_loaded_image *li, char *out, uint64_t cap)
{
	uint64_t chars = li->load_options ? li->load_options_size / 2 : 0;

	to_ascii(out, cap, li->load_options ? li->load_options : (const char16 *)L"", chars);
}

/** Report what the options parser kept aside. */
static void report_options(const struct efiopt *o)
{
	unsigned i;

	for (i = 0; i < o->bios.n_unknown && i < OPTIONS_MAX_UNKNOWN; i++)
		info("unknown option \"%s\" ignored\n", o->bios.unknown[i]);
	for (i = 0; i < o->bios.n_errors && i < OPTIONS_MAX_ERRORS; i++)
		info("option \"%s\" ignored: %s\n", o->bios.errors[i].word,
		     options_reason_str(o->bios.errors[i].reason));
	for (i = 0; i < o->n_ignored && i < EFIOPT_MAX_IGNORED; i++)
		info("option \"%s\" is for the BIOS memdisk: ignored on UEFI\n", o->ignored[i]);
}

/** Read the options: the command line, or the configuration file when it has none. */
static efi_status read_options(efi_loaded_image *li, struct volume *v, struct efiopt *o,
			       char *line, uint64_t cap)
{
	command_line(li, line, cap);
	efiopt_parse(line, 1, o);
	if (o->n_words == 0 && (v->root || v->iso) &&
	    !EFI_IS_ERROR(volume_config(v, line, cap))) {
		efiopt_parse(line, 0, o);
		info("options from %s: %s\n", EFIOPT_CONFIG_NAME, line);
	}
	return EFI_SUCCESS;
}

/** Check the image: whole, and something UEFI can boot. */
static efi_status check_image(struct image *img, const struct efiopt *o)
{
	int force_iso = o->bios.iso && o->bios.force != OPTIONS_FORCE_HARDDISK &&
			o->bios.force != OPTIONS_FORCE_FLOPPY;
	int rc = uefiboot_probe((const uint8_t *)img->base, img->size, force_iso, &img->kind);

	if (o->bios.force == OPTIONS_FORCE_HARDDISK || o->bios.force == OPTIONS_FORCE_FLOPPY)
		img->kind.cd = 0;
	if (rc == UEFIBOOT_E_TRUNCATED) {
		error("%s: %s (%llu KiB of %llu KiB)\n", img->name, uefiboot_strerror(rc),
		      (unsigned long long)(img->size >> 10),
		      (unsigned long long)(img->kind.needed >> 10));
		return EFI_VOLUME_CORRUPTED;
	}
	if (rc) {
		error("%s: %s\n", img->name, uefiboot_strerror(rc));
		return EFI_UNSUPPORTED;
	}
	info("%s is %s (UEFI boot files: %s%s%s%s%s%s%s)\n", img->name,
	     img->kind.cd ? "a CD image" : "a disk image",
	     img->kind.found & UEFIBOOT_ELTORITO_EFI ? "El Torito EFI image" : "",
	     (img->kind.found & UEFIBOOT_ELTORITO_EFI) &&
	     (img->kind.found & (UEFIBOOT_GPT_ESP | UEFIBOOT_MBR_ESP | UEFIBOOT_FAT)) ? ", " : "",
	     img->kind.found & UEFIBOOT_GPT_ESP ? "GPT ESP" : "",
	     (img->kind.found & UEFIBOOT_GPT_ESP) &&
	     (img->kind.found & (UEFIBOOT_MBR_ESP | UEFIBOOT_FAT)) ? ", " : "",
	     img->kind.found & UEFIBOOT_MBR_ESP ? "MBR ESP" : "",
	     (img->kind.found & UEFIBOOT_MBR_ESP) && (img->kind.found & UEFIBOOT_FAT) ? ", " : "",
	     img->kind.found & UEFIBOOT_FAT ? "FAT volume" : "");
	return EFI_SUCCESS;
}

/** "bench": time one memcpy of the image, the yardstick for memdisk.efi's own work. */
static void time_memcpy(const struct image *img)
{
	uint64_t buf = 0, t0, us;

	if (EFI_IS_ERROR(BS->allocate_pages(AllocateAnyPages, EfiLoaderData, img->pages, &buf))) {
		info("bench: no room for a copy of the image\n");
		return;
	}
	t0 = now_us();
	memcpy((void *)buf, (const void *)img->base, img->pages * EFI_PAGE_SIZE);
	us = now_us() - t0;
	BS->free_pages(buf, img->pages);
	info("bench: one memcpy of the image takes %u us (%u MB/s)\n", (unsigned)us,
	     (unsigned)(us ? img->pages * EFI_PAGE_SIZE / us : 0));
}

/**
 * The entry point: the steps in order, undone in reverse when one fails or
 * the image's loader returns.
 *
 * @param image  memdisk.efi's own image handle
 * @param st     the system table
 * @return the status of the step that failed (memdisk.efi returns only then)
 */
efi_status EFIAPI efi_main(efi_handle image, efi_system_table *st)
{
	static char line[EFIOPT_BIOS_LINE];
	static struct efiopt opt;
	struct volume vol;
	struct image img;
	struct disk disk;
	struct acpi acpi;
	struct low_tables low;
	const struct inject *inj = NULL;
	efi_loaded_image *li;
	uint64_t t_read;
	int kept = 0;
	efi_status s;

	ST = st;
	BS = st->boot_services;
	self_image = image;
	memset(&vol, 0, sizeof(vol));
	memset(&img, 0, sizeof(img));
	BS->set_watchdog_timer(0, 0, 0, NULL);

	s = BS->handle_protocol(image, &loaded_image_guid, (void **)&li);
	if (EFI_IS_ERROR(s))
		return s;
	con_init(0);
	s = volume_open(li, &vol);
	read_options(li, &vol, &opt, line, sizeof(line));
	con_init(opt.quiet);
	info("memboot %s (UEFI), command line: %s\n", MEMBOOT_VERSION, line[0] ? line : "(none)");
	report_options(&opt);
	if (EFI_IS_ERROR(s))
		goto err_volume;

	s = image_load(&vol, &opt, &img);
	if (EFI_IS_ERROR(s))
		goto err_volume;
	if (opt.bench)
		time_memcpy(&img);
	t_read = now_us();
	s = check_image(&img, &opt);
	if (EFI_IS_ERROR(s))
		goto err_image;
	if (opt.inject == EFIOPT_INJECT_AUTO && opt.disk == EFIOPT_DISK_FIRMWARE)
		info("inject: not with disk=firmware (the firmware's RAM disk shows the image as "
		     "it is): booting unchanged\n");
	else if (opt.inject != EFIOPT_INJECT_OFF)
		inj = inject_plan(&img);
	s = disk_register(&img, &opt, inj, &disk);
	if (EFI_IS_ERROR(s))
		goto err_image;
	s = acpi_describe(&img, &disk, &acpi);
	if (EFI_IS_ERROR(s))
		goto err_disk;
	s = tables_install(&img, line, &low);
	if (EFI_IS_ERROR(s))
		goto err_acpi;
	volume_close(&vol);
	if (opt.bios.pause) {
		say("memdisk.efi: press a key to boot\n");
		wait_key();
	}
	info("the disk is ready %u us after the image was read\n", (unsigned)(now_us() - t_read));
	s = boot_image(&disk, &opt, t_read);

	tables_remove(&low);
err_acpi:
	kept = EFI_IS_ERROR(acpi_remove(&acpi));
err_disk:
	kept |= EFI_IS_ERROR(disk_unregister(&disk));
err_image:
	if (!kept)
		image_free(&img);
err_volume:
	volume_close(&vol);
	if (kept)
		error("returning to the firmware or boot loader (%s)\n", efi_strerror(s));
	else
		error("nothing is left reserved or registered; returning to the firmware or "
		      "boot loader (%s)\n", efi_strerror(s));
	return s;
}
