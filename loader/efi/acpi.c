/**
 * @file acpi.c
 *
 * Describing the disk to the operating system: exactly one NFIT System
 * Physical Address range for the image, and one NVDIMM root device
 * (ACPI0012) for Linux's nfit driver to bind, whoever publishes them.
 *
 * After the disk is registered, the NFIT of the ACPI tables (found through
 * the XSDT) is read: when the firmware's RAM disk driver published a range
 * for the image, nothing is added. Otherwise memdisk.efi installs an NFIT
 * with one range and an SSDT with the root device through the ACPI table
 * protocol; if the firmware already has an NFIT (for real NVDIMMs), it is
 * replaced by a copy with the range appended, as EDK2's RAM disk driver
 * does, and no second root device is declared.
 */
#include "bytes.h"
#include "libc.h"
#include "loader.h"
#include "nfit.h"

static uint8_t nfit_buf[NFIT_ONE_RANGE_BYTES];
static uint8_t ssdt_buf[NFIT_SSDT_BYTES];
/** The firmware's NFIT when memdisk.efi replaced it (to put it back). */
static uint8_t *saved_nfit;
static uint32_t saved_len;

/** The ACPI table with signature @p sig from the XSDT, or NULL. */
static const uint8_t *find_table(const char *sig)
{
	const uint8_t *rsdp = NULL, *xsdt;
	uint64_t i, xlen;

	for (i = 0; i < ST->n_tables; i++)
		if (!memcmp(&ST->tables[i].guid, &acpi20_table_guid, sizeof(efi_guid)))
			rsdp = ST->tables[i].table;
	if (!rsdp || memcmp(rsdp, "RSD PTR ", 8) || rsdp[15] < 2)
		return NULL;
	{
		uint64_t x;

		memcpy(&x, rsdp + 24, 8);
		xsdt = (const uint8_t *)x;
	}
	if (!xsdt || memcmp(xsdt, "XSDT", 4))
		return NULL;
	xlen = le32(xsdt + 4);
	if (xlen < ACPI_HEADER_BYTES || xlen > (1u << 20))
		return NULL;
	for (i = ACPI_HEADER_BYTES; i + 8 <= xlen; i += 8) {
		uint64_t t;

		memcpy(&t, xsdt + i, 8);
		if (t && !memcmp((const void *)t, sig, 4))
			return (const uint8_t *)t;
	}
	return NULL;
}

/** The type GUID's 16 bytes for the disk. */
static const uint8_t *type_bytes(const struct image *img)
{
	return (const uint8_t *)(img->kind.cd ? &virtual_cd_guid : &virtual_disk_guid);
}

/** Replace the firmware's NFIT by a copy with our range appended. */
static efi_status append(efi_acpi_table *at, const uint8_t *old, const struct image *img,
			 struct acpi *a)
{
	uint32_t len = le32(old + 4);
	efi_acpi_sdt *sdt;
	uint64_t i, key = 0;
	uint8_t *copy;
	efi_status s;
	int found = 0;

	s = BS->locate_protocol(&acpi_sdt_guid, NULL, (void **)&sdt);
	if (EFI_IS_ERROR(s)) {
		error("the firmware has an NFIT but no ACPI SDT protocol to replace it (%s)\n",
		      efi_strerror(s));
		return s;
	}
	for (i = 0; !found; i++) {
		void *t;
		uint32_t ver;

		if (EFI_IS_ERROR(sdt->get_acpi_table(i, &t, &ver, &key)))
			break;
		found = !memcmp(t, "NFIT", 4);
	}
	if (!found) {
		error("the firmware's NFIT is not among its installable tables\n");
		return EFI_NOT_FOUND;
	}
	s = BS->allocate_pool(EfiLoaderData, 2 * len + NFIT_SPA_BYTES, (void **)&copy);
	if (EFI_IS_ERROR(s))
		return s;
	if (nfit_append(old, len, copy + len, img->base, img->pages * EFI_PAGE_SIZE,
			type_bytes(img))) {
		error("the firmware's NFIT is malformed\n");
		BS->free_pool(copy);
		return EFI_VOLUME_CORRUPTED;
	}
	memcpy(copy, old, len);
	s = at->install(at, copy + len, len + NFIT_SPA_BYTES, &a->nfit_key);
	if (EFI_IS_ERROR(s)) {
		BS->free_pool(copy);
		return s;
	}
	s = at->uninstall(at, key);
	if (EFI_IS_ERROR(s)) {
		error("the firmware's NFIT could not be replaced (%s)\n", efi_strerror(s));
		at->uninstall(at, a->nfit_key);
		BS->free_pool(copy);
		return s;
	}
	saved_nfit = copy;
	saved_len = len;
	a->installed = 1;
	info("appended the image's range to the firmware's NFIT\n");
	return EFI_SUCCESS;
}

efi_status acpi_describe(const struct image *img, const struct disk *d, struct acpi *a)
{
	uint64_t bytes = img->pages * EFI_PAGE_SIZE;
	const uint8_t *nfit = find_table("NFIT");
	efi_acpi_table *at;
	efi_status s;
	int n = 0, exact = 0;

	memset(a, 0, sizeof(*a));
	if (nfit) {
		n = nfit_count_overlaps(nfit, le32(nfit + 4), img->base, bytes, &exact);
		if (n < 0) {
			error("the firmware's NFIT is malformed: the image cannot be described to "
			      "the OS\n");
			return EFI_VOLUME_CORRUPTED;
		}
		if (n == 1 && exact) {
			info("the NFIT has one range for the image (published by the %s)\n",
			     d->firmware ? "firmware's RAM disk driver" : "firmware");
			return EFI_SUCCESS;
		}
		if (n != 0) {
			error("the firmware's NFIT already has %d range(s) over the image's memory\n",
			      n);
			return EFI_INVALID_PARAMETER;
		}
	}
	s = BS->locate_protocol(&acpi_table_guid, NULL, (void **)&at);
	if (EFI_IS_ERROR(s)) {
		error("no ACPI table protocol: the OS will not see the image as a disk (%s)\n",
		      efi_strerror(s));
		return EFI_SUCCESS;     /* the boot itself can go on */
	}
	if (nfit)
		return append(at, nfit, img, a);
	nfit_build(nfit_buf, img->base, bytes, type_bytes(img));
	s = at->install(at, nfit_buf, sizeof(nfit_buf), &a->nfit_key);
	if (EFI_IS_ERROR(s)) {
		error("installing the NFIT failed (%s)\n", efi_strerror(s));
		return s;
	}
	a->installed = 1;
	nfit_build_ssdt(ssdt_buf);
	s = at->install(at, ssdt_buf, sizeof(ssdt_buf), &a->ssdt_key);
	if (EFI_IS_ERROR(s)) {
		error("installing the SSDT with the NVDIMM root device failed (%s)\n",
		      efi_strerror(s));
		at->uninstall(at, a->nfit_key);
		a->installed = 0;
		return s;
	}
	a->have_ssdt = 1;
	info("installed an NFIT with one range for the image and an SSDT with the NVDIMM "
	     "root device\n");
	return EFI_SUCCESS;
}

efi_status acpi_remove(struct acpi *a)
{
	efi_acpi_table *at;
	efi_status s, worst = EFI_SUCCESS;

	if (!a->installed)
		return EFI_SUCCESS;
	s = BS->locate_protocol(&acpi_table_guid, NULL, (void **)&at);
	if (EFI_IS_ERROR(s))
		goto out;
	if (a->have_ssdt && EFI_IS_ERROR(s = at->uninstall(at, a->ssdt_key)))
		worst = s;
	if (EFI_IS_ERROR(s = at->uninstall(at, a->nfit_key)))
		worst = s;
	if (saved_nfit) {
		uint64_t key;

		if (EFI_IS_ERROR(s = at->install(at, saved_nfit, saved_len, &key)))
			worst = s;
		BS->free_pool(saved_nfit);
		saved_nfit = NULL;
	}
	s = worst;
out:
	if (EFI_IS_ERROR(s))
		error("the NFIT memdisk.efi installed could not be removed (%s): the image's "
		      "memory stays reserved\n", efi_strerror(s));
	a->installed = a->have_ssdt = 0;
	return s;
}
