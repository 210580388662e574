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
 */
#include "efimem.h"
#include "libc.h"
#include "loader.h"
#include "mbft.h"

#define FOUR_GIB 0x100000000ull
#define HOOK_OFF 0x00
#define MBFT_OFF 0x40
#define CMDLINE_OFF 0x100

efi_status tables_install(const struct image *img, const char *cmdline, struct low_tables *t)
{
	uint64_t map_size, desc_size, page, bytes = img->pages * EFI_PAGE_SIZE;
	uint8_t *p;
	void *map;
	struct mdi mdi;
	struct safe_hook *hook;
	size_t n = strlen(cmdline);
	efi_status s;
	int r;

	memset(t, 0, sizeof(*t));
	s = memory_map(&map, &map_size, &desc_size);
	if (EFI_IS_ERROR(s))
		return s;
	r = efimem_low_table_page(map, map_size, desc_size, &page);
	BS->free_pool(map);
	if (r) {
		info("no free page at the top of base memory: no MEMDISK tables (memdiskfind "
		     "will not find the image; the NFIT still describes it)\n");
		return EFI_SUCCESS;
	}
	s = BS->allocate_pages(AllocateAddress, EfiReservedMemoryType, 1, &page);
	if (EFI_IS_ERROR(s)) {
		info("the page for the MEMDISK tables was refused (%s): no tables\n",
		     efi_strerror(s));
		return EFI_SUCCESS;
	}
	t->page = page;
	p = (uint8_t *)page;
	memset(p, 0, EFI_PAGE_SIZE);

	if (n > EFI_PAGE_SIZE - CMDLINE_OFF - 1)
		n = EFI_PAGE_SIZE - CMDLINE_OFF - 1;
	memcpy(p + CMDLINE_OFF, cmdline, n);

	memset(&mdi, 0, sizeof(mdi));
	mdi.version_major = MDI_VERSION_MAJOR;
	mdi.version_minor = MDI_VERSION_MINOR;
	mdi.sector_shift = img->kind.cd ? 11 : 9;
	mdi.diskbuf = (uint32_t)img->base;
	mdi.disksize = (uint32_t)(bytes >> mdi.sector_shift);
	mdi.cmdline_seg = (uint16_t)(page >> 4);
	mdi.cmdline_off = CMDLINE_OFF;
	mdi.old_dosmem = *(volatile uint16_t *)(uintptr_t)BDA_BASEMEM_KIB;

	hook = (struct safe_hook *)(p + HOOK_OFF);
	hook->jump[0] = 0xeb;           /* jmp short over the structure */
	hook->jump[1] = SAFE_HOOK_BYTES - 2;
	hook->jump[2] = 0x90;
	mbft_build_safe_hook(hook, 0, (uint32_t)(page + MBFT_OFF));
	if (img->base + bytes <= FOUR_GIB)
		mbft_build((struct mbft *)(p + MBFT_OFF), (uint32_t)(page + HOOK_OFF), &mdi);
	else
		mbft_build64((struct mbft64 *)(p + MBFT_OFF), (uint32_t)(page + HOOK_OFF), &mdi,
			     img->base, bytes);

	/* The base-memory word: lowered to the page (0 on most UEFI machines). */
	t->old_basemem = mdi.old_dosmem;
	if (t->old_basemem == 0 || t->old_basemem > page / 1024) {
		*(volatile uint16_t *)(uintptr_t)BDA_BASEMEM_KIB = (uint16_t)(page / 1024);
		t->basemem_written = 1;
	}
	info("MEMDISK tables at %x (mBFT at %x%s), base memory word %u KiB%s\n",
	     (unsigned)page, (unsigned)(page + MBFT_OFF),
	     img->base + bytes > FOUR_GIB ? ", with the 64-bit extension" : "",
	     (unsigned)*(volatile uint16_t *)(uintptr_t)BDA_BASEMEM_KIB,
	     t->basemem_written ? "" : " (left as it was)");
	return EFI_SUCCESS;
}

void tables_remove(struct low_tables *t)
{
	if (!t->page)
		return;
	memset((void *)t->page, 0, EFI_PAGE_SIZE);
	if (t->basemem_written)
		*(volatile uint16_t *)(uintptr_t)BDA_BASEMEM_KIB = t->old_basemem;
	BS->free_pages(t->page, 1);
	t->page = 0;
}
