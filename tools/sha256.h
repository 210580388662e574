/**
 * @file sha256.h
 *
 * SHA-256 (FIPS 180-4), for memdisk-attach's check of the image it
 * exposes (memboot.sha256): the digest of what the device reads, to set
 * beside the distribution's published checksum.
 */
#ifndef MEMBOOT_SHA256_H
#define MEMBOOT_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	uint8_t block[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *p, size_t n);
/** The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(struct sha256 *s, char out[65]);

#endif /* MEMBOOT_SHA256_H */
