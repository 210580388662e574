/**
 * @file uefiboot.h
 *
 * What kind of disk an image is, whether a UEFI machine can boot it, and
 * whether it is whole: the checks memdisk.efi makes before it registers
 * the image as a disk.
 *
 * - An ISO 9660 image (CD001 at byte 32769) is a CD. It boots on UEFI when
 *   its El Torito catalog has an entry for platform EFh (the EFI system
 *   partition image), or when it is a hybrid whose GPT or MBR has an EFI
 *   system partition. It is truncated when its primary volume descriptor
 *   says it holds more blocks than the file has.
 * - Anything else is a disk: a GPT or MBR disk with an EFI system
 *   partition, or a FAT file system on the whole disk (a superfloppy). It is
 *   truncated when its GPT's backup header, a partition, or the FAT's
 *   sector count lies past the end.
 *
 * Pure logic over the image's bytes; every read is bounds-checked.
 */
#ifndef MEMBOOT_UEFIBOOT_H
#define MEMBOOT_UEFIBOOT_H

#include <stddef.h>
#include <stdint.h>

enum uefiboot_status {
	UEFIBOOT_OK = 0,
	UEFIBOOT_E_EMPTY = -1,      /**< smaller than one 512-byte sector */
	UEFIBOOT_E_TRUNCATED = -2,  /**< the image's own tables say it is longer */
	UEFIBOOT_E_BIOS_ONLY = -3,  /**< an ISO whose El Torito catalog has only BIOS entries */
	UEFIBOOT_E_NO_ESP = -4,     /**< a disk with no EFI system partition and no FAT */
	UEFIBOOT_E_NOT_ISO = -5,    /**< "iso" was forced and there is no ISO 9660 volume */
};

/** Where the UEFI boot files were found (bits of uefiboot.found). */
enum uefiboot_found {
	UEFIBOOT_ELTORITO_EFI = 1,  /**< an El Torito entry for platform EFh */
	UEFIBOOT_ELTORITO_BIOS = 2, /**< an El Torito entry for platform 0 */
	UEFIBOOT_GPT_ESP = 4,       /**< a GPT partition of the ESP type */
	UEFIBOOT_MBR_ESP = 8,       /**< an MBR partition of type EFh */
	UEFIBOOT_FAT = 16,          /**< a FAT file system on the whole image */
};

struct uefiboot {
	int cd;                 /**< an ISO 9660 image: register it as a CD */
	unsigned found;         /**< enum uefiboot_found bits */
	uint64_t needed;        /**< bytes the image's tables claim (0: unknown) */
};

/**
 * Probe an image.
 *
 * @param img       the whole image
 * @param len       its length
 * @param force_iso 1: the image must be an ISO ("iso" option)
 * @param out       result (filled as far as known, also on errors)
 * @return enum uefiboot_status
 */
int uefiboot_probe(const uint8_t *img, uint64_t len, int force_iso, struct uefiboot *out);

/** A short English sentence for a uefiboot_status. */
const char *uefiboot_strerror(int status);

#endif /* MEMBOOT_UEFIBOOT_H */
