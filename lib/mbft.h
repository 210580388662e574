/**
 * @file mbft.h
 *
 * Building the MEMDISK tables (mBFT with its checksum, safe hook) and the
 * checksum rule. Used by the loader to publish them, by the finder to check
 * them, and by the tests to make tables to find.
 */
#ifndef MEMBOOT_MBFT_BUILD_H
#define MEMBOOT_MBFT_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "memdisk_abi.h"

/**
 * Fill in an mBFT around @p mdi and set its checksum.
 *
 * @param t          table to fill (sizeof(struct mbft) bytes)
 * @param safe_hook  physical address of the safe hook
 * @param mdi        the MDI; its bytes field is set to MDI_BYTES
 */
void mbft_build(struct mbft *t, uint32_t safe_hook, const struct mdi *mdi);

/**
 * Fill in an mBFT with memboot's 64-bit extension (struct mbft64) for an
 * image at @p base of @p size bytes; the MDI's diskbuf and disksize are
 * set to 0 (see struct mbft_ext).
 */
void mbft_build64(struct mbft64 *t, uint32_t safe_hook, const struct mdi *mdi, uint64_t base,
		  uint64_t size);

/**
 * Build memboot's ACPI copy of an mBFT (see MBFT_ACPI_SIGNATURE): the
 * @p mbft_len bytes at @p mbft, then @p cmdline (cut to
 * MBFT_ACPI_CMDLINE_MAX bytes) and its NUL, with the signature, length and
 * checksum set. @p out must hold sizeof(struct mbft64) +
 * MBFT_ACPI_CMDLINE_MAX + 1 bytes.
 * @return the copy's length in bytes
 */
uint32_t mbft_build_acpi(uint8_t *out, const void *mbft, uint32_t mbft_len, const char *cmdline);

/** Recompute the checksum of a table of @p length bytes at @p t. */
void mbft_set_checksum(void *t, uint32_t length);

/** Sum of bytes, modulo 256 (zero for a table with a good checksum). */
uint8_t mbft_byte_sum(const uint8_t *p, size_t n);

/**
 * Fill in a safe hook (the jump is left to the caller's code layout).
 *
 * @param sh         the hook
 * @param old_int13  previous INT 13h vector (seg:off as u32)
 * @param mbft_addr  physical address of the mBFT
 */
void mbft_build_safe_hook(struct safe_hook *sh, uint32_t old_int13, uint32_t mbft_addr);

#endif /* MEMBOOT_MBFT_BUILD_H */
