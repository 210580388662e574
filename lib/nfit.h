/**
 * @file nfit.h
 *
 * The ACPI tables that make a RAM disk visible to an operating system: an
 * NFIT (NVDIMM Firmware Interface Table, ACPI 6) with one System Physical
 * Address range of the UEFI "virtual disk" or "virtual CD" type, and an SSDT
 * that declares the NVDIMM root device (_HID "ACPI0012") that Linux's nfit
 * driver binds. Also the reading side: how many SPA ranges of an NFIT
 * overlap a given range (so that exactly one describes the image).
 *
 * Pure logic: tables are built into and read from caller buffers. The
 * checksum rule is ACPI's, the same as the mBFT's (mbft_set_checksum).
 */
#ifndef MEMBOOT_NFIT_H
#define MEMBOOT_NFIT_H

#include <stddef.h>
#include <stdint.h>

/** Size of an ACPI table header. */
#define ACPI_HEADER_BYTES 36
/** NFIT: header, 4 reserved bytes, then structures. */
#define NFIT_FIRST_STRUCTURE 40
/** The SPA range structure (type 0) as ACPI 6.0 defines it. */
#define NFIT_SPA_BYTES 56
/** An NFIT with one SPA range. */
#define NFIT_ONE_RANGE_BYTES (NFIT_FIRST_STRUCTURE + NFIT_SPA_BYTES)
/** The SSDT that nfit_build_ssdt() writes. */
#define NFIT_SSDT_BYTES (ACPI_HEADER_BYTES + 29)
/** The attribute the range is mapped with (EFI_MEMORY_WB). */
#define NFIT_MAPPING_WB 0x8ull

/**
 * Write an NFIT with one SPA range.
 *
 * @param out   NFIT_ONE_RANGE_BYTES bytes
 * @param base  physical start of the range
 * @param size  its length in bytes
 * @param type  the range type GUID, 16 bytes as stored (virtual disk / CD)
 */
void nfit_build(uint8_t *out, uint64_t base, uint64_t size, const uint8_t type[16]);

/**
 * Append an SPA range to a copy of an existing NFIT: @p out receives the
 * old table, then the new range with the next free range index, with the
 * length and checksum fixed.
 *
 * @param old      the existing NFIT
 * @param old_len  its length (its header's)
 * @param out      room for old_len + NFIT_SPA_BYTES
 * @return 0, or -1 when @p old is not a well-formed NFIT
 */
int nfit_append(const uint8_t *old, size_t old_len, uint8_t *out, uint64_t base, uint64_t size,
		const uint8_t type[16]);

/** Write the SSDT (NFIT_SSDT_BYTES) with the ACPI0012 root device. */
void nfit_build_ssdt(uint8_t *out);

/**
 * Count the SPA ranges of an NFIT that overlap [base, base + size).
 *
 * @param nfit  the table (its signature, length and structures are checked)
 * @param len   the bytes available at @p nfit
 * @param base  start of the range asked about
 * @param size  its length
 * @param exact set to 1 when one of them is exactly that range (may be NULL)
 * @return the number of overlapping ranges, or -1 when the table is malformed
 */
int nfit_count_overlaps(const uint8_t *nfit, size_t len, uint64_t base, uint64_t size,
			int *exact);

#endif /* MEMBOOT_NFIT_H */
