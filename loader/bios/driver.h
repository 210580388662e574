/**
 * @file driver.h
 *
 * The resident driver's interface, shared by driver.S and the installer
 * (install.c): its flags and copy modes, and (in C) the offsets of the data
 * the installer fills in. The driver is linked at 0, so each drv_* symbol's
 * address is its offset inside the driver.
 */
#ifndef MEMBOOT_DRIVER_H
#define MEMBOOT_DRIVER_H

/* drv_flags */
#define DF_RO           0x01    /* writes are refused */
#define DF_EDD          0x02    /* AH=41h-48h are answered */
#define DF_CDROM        0x04    /* 2048-byte sectors, only the EDD calls */
#define DF_FLOPPY       0x08
#define DF_NOPASS       0x10    /* hide the BIOS's drives of our class */
#define DF_NOPASSANY    0x20    /* hide all of the BIOS's drives */
#define DF_ELTORITO     0x40    /* booted from an El Torito catalog: AX=4B01h answers */

/* drv_copy_mode: how the driver reaches the image above 1 MiB */
#define COPY_SAFEINT    0       /* the BIOS's own INT 15h AH=87h */
#define COPY_INT        1       /* INT 15h AH=87h through the current chain */
#define COPY_RAW        2       /* its own trip to protected mode */
#define COPY_BIGRAW     3       /* the same, leaving 4 GiB segment limits */

#ifndef __ASSEMBLY__
/* Offsets inside the driver (symbols of driver.S). */
extern char drv_int13[], drv_int15[], drv_old13[], drv_old15[], drv_image_base[],
	drv_sectors[], drv_cyl[], drv_heads[], drv_spt[], drv_sector_shift[], drv_drive[],
	drv_flags[], drv_ndrives[], drv_shift_limit[], drv_floppy_type[], drv_dpt_seg[], drv_dpt_off[],
	drv_e801_kib[], drv_e801_blocks[], drv_88_kib[], drv_e820_count[], drv_spec_packet[],
	drv_mbft[], drv_mdi[], drv_e820_map[], drv_ext[], drv_e820_off[], drv_dpt[], drv_gdt[], drv_gdtr[],
	drv_seg_patch[], drv_copy_mode[], drv_int15_target[], drv_use_sse[], drv_bda_status[],
	drv_edd_flags[], drv_map_n[], drv_map_off[], drv_boot[], drv_boot_src[], drv_boot_dst[],
	drv_boot_len[], drv_boot_target[], drv_boot_stack[];

/** One entry of the driver's sector map (rw_sectors, map_find). */
struct drv_map_entry {
	uint32_t first;         /**< first sector (the disk's sector size) */
	uint32_t count;         /**< sectors */
	uint32_t addr;          /**< linear address of the first one */
};
#endif

#endif /* MEMBOOT_DRIVER_H */
