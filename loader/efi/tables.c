/**
 * @file tables.c
 *
 * The MEMDISK tables on a UEFI machine: the mBFT with its MDI, the safe
 * hook that points back at it, and the command line, in one
 * EfiReservedMemoryType page just below 0xA0000 with no RAM above it below
 * 640 KiB. SYSLINUX's memdiskfind (and so Debian live-boot's phram step
 * and Arch's memdisk hook) starts its scan at the end of the last System
 * RAM range below 0xA0000, or at the BIOS data area's base-memory word when
 * that is higher: the word is lowered to the page, as the BIOS memdisk
 * lowers it for its driver. There is no INT 13h on UEFI: the safe hook is
 * only the signature structure that names the mBFT.
 *
 * The same mBFT, with the command line after it, is also installed as an
 * ACPI table (MBFT_ACPI_SIGNATURE in memdisk_abi.h), even when no page below
 * 640 KiB is free: a kernel in lockdown (Secure Boot) closes /dev/mem, and
 * its finder then reads /sys/firmware/acpi/tables/MBFT instead.
 */
#include "efimem.h"
#include "libc.h"
#include "loader.h"
#include "mbft.h"

#define FOUR_GIB 0x100000000ull
#define HOOK_OFF 0x00
#define MBFT_OFF 0x40
#define CMDLINE_OFF 0x100

static uint8_t acpi_copy[sizeof(struct mbft64) + MBFT_ACPI_CMDLINE_MAX + 1];

/**
 * Publish memboot's copy of the mBFT, command line included, among the ACPI
 * tables (MBFT_ACPI_SIGNATURE): a kernel in lockdown reads it from
 * /sys/firmware/acpi/tables/MBFT without /dev/mem. Not being able to is
 * said, and the boot goes on.
 */
static void publish_acpi(const void *mbft, uint32_t mbft_len, const char *cmdline,
			 struct low_tables *t)
{
	efi_acpi_table *at;
	uint32_t len = mbft_build_acpi(acpi_copy, mbft, mbft_len, cmdline);
	efi_status s = BS->locate_protocol(&acpi_table_guid, NULL, (void **)&at);

	if (!EFI_IS_ERROR(s))
		s = at->install(at, acpi_copy, len, &t->acpi_key);
	if (EFI_IS_ERROR(s)) {
		info("the ACPI copy of the tables (MBFT) could not be installed (%s): under "
		     "kernel lockdown memdiskfind will not find the image\n", efi_strerror(s));
		return;
	}
	t->acpi_installed = 1;
}

efi_status tables_install(const struct image *img, const char *cmdline, struct low_tables *t)
{
	uint64_t map_size, desc_size, page = 0, bytes = img->pages * EFI_PAGE_SIZE;
	uint8_t *p;
	void *map;
	struct mdi mdi;
	struct mbft64 m;
	struct safe_hook *hook;
	size_t n = strlen(cmdline);
	efi_status s;
	int r;

	memset(t, 0, sizeof(*t));
	memset(&mdi, 0, sizeof(mdi));
	mdi.version_major = MDI_VERSION_MAJOR;
	mdi.version_minor = MDI_VERSION_MINOR;
	mdi.sector_shift = img->kind.cd ? 11 : 9;
	mdi.diskbuf = (uint32_t)img->base;
	mdi.disksize = (uint32_t)(bytes >> mdi.sector_shift);
	mdi.cmdline_off = CMDLINE_OFF;
	mdi.old_dosmem = *(volatile uint16_t *)(uintptr_t)BDA_BASEMEM_KIB;

	s = memory_map(&map, &map_size, &desc_size);
	if (EFI_IS_ERROR(s))
		return s;
	r = efimem_low_table_page(map, map_size, desc_size, &page);
	BS->free_pool(map);
	if (r) {
		info("no free page at the top of base memory: no MEMDISK tables there (memdiskfind "
		     "reads the ACPI copy; the NFIT still describes the image)\n");
		page = 0;
	} else if (EFI_IS_ERROR(s = BS->allocate_pages(AllocateAddress, EfiReservedMemoryType,
						       1, &page))) {
		info("the page for the MEMDISK tables was refused (%s): none in base memory\n",
		     efi_strerror(s));
		page = 0;
	}
	mdi.cmdline_seg = (uint16_t)(page >> 4);
	if (img->base + bytes <= FOUR_GIB)
		mbft_build(&m.classic, (uint32_t)(page + HOOK_OFF), &mdi);
	else
		mbft_build64(&m, (uint32_t)(page + HOOK_OFF), &mdi, img->base, bytes);
	publish_acpi(&m, m.classic.length, cmdline, t);
	if (!page)
		return EFI_SUCCESS;

	t->page = page;
	p = (uint8_t *)page;
	memset(p, 0, EFI_PAGE_SIZE);
	if (n > EFI_PAGE_SIZE - CMDLINE_OFF - 1)
		n = EFI_PAGE_SIZE - CMDLINE_OFF - 1;
	memcpy(p + CMDLINE_OFF, cmdline, n);
	hook = (struct safe_hook *)(p + HOOK_OFF);
	hook->jump[0] = 0xeb;           /* jmp short over the structure */
	hook->jump[1] = SAFE_HOOK_BYTES - 2;
	hook->jump[2] = 0x90;
	mbft_build_safe_hook(hook, 0, (uint32_t)(page + MBFT_OFF));
	memcpy(p + MBFT_OFF, &m, m.classic.length);

	/* The base-memory word: lowered to the page (0 on most UEFI machines). */
	t->old_basemem = mdi.old_dosmem;
	if (t->old_basemem == 0 || t->old_basemem > page / 1024) {
		*(volatile uint16_t *)(uintptr_t)BDA_BASEMEM_KIB = (uint16_t)(page / 1024);
		t->basemem_written = 1;
	}
	info("MEMDISK tables at %x (mBFT at %x%s; its ACPI copy %s), base memory word %u "
	     "KiB%s\n", (unsigned)page, (unsigned)(page + MBFT_OFF),
	     img->base + bytes > FOUR_GIB ? ", with the 64-bit extension" : "",
	     t->acpi_installed ? "MBFT" : "missing",
	     (unsigned)*(volatile uint16_t *)(uintptr_t)BDA_BASEMEM_KIB,
	     t->basemem_written ? "" : " (left as it was)");
	return EFI_SUCCESS;
}

void tables_remove(struct low_tables *t)
{
	efi_acpi_table *at;

	if (t->acpi_installed &&
	    !EFI_IS_ERROR(BS->locate_protocol(&acpi_table_guid, NULL, (void **)&at)))
		at->uninstall(at, t->acpi_key);
	t->acpi_installed = 0;
	if (!t->page)
		return;
	memset((void *)t->page, 0, EFI_PAGE_SIZE);
	if (t->basemem_written)
		*(volatile uint16_t *)(uintptr_t)BDA_BASEMEM_KIB = t->old_basemem;
	BS->free_pages(t->page, 1);
	t->page = 0;
}
