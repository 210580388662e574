/**
 * @file gunzip_small.h
 *
 * A small gzip decoder for memdisk's head (gunzip_small.c): it unpacks the
 * loader's own body, which scripts/pack-memdisk.sh packed with gzip -n or
 * zopfli (one member, no header flags). Small rather than fast; the
 * loaders unpack images with lib/inflate.h.
 */
#ifndef MEMBOOT_GUNZIP_SMALL_H
#define MEMBOOT_GUNZIP_SMALL_H

#include <stddef.h>
#include <stdint.h>

/** Results of gunzip_small(). */
enum gunzip_small_rc {
	GUNZIP_SMALL_OK = 0,
	GUNZIP_SMALL_BAD_HEADER,   /**< not a gzip member without header flags */
	GUNZIP_SMALL_BAD_DATA,     /**< invalid or cut DEFLATE data */
	GUNZIP_SMALL_OUTPUT_FULL,  /**< more output than out_cap */
	GUNZIP_SMALL_BAD_CHECK,    /**< trailer missing, or its CRC-32 or size differs */
};

/** A canonical Huffman code: codes of each length, symbols in code order. */
struct gunzip_small_huff {
	uint16_t count[16];
	uint16_t symbol[288];
};

/** Working memory (2.2 KiB); the decoder also uses about 1 KiB of stack. */
struct gunzip_small_ws {
	struct gunzip_small_huff lit, dist;
	uint32_t crc[256];
};

/**
 * Unpack the gzip member in[0..in_len) to out (at most out_cap bytes),
 * checking the trailer's CRC-32 and size; bytes after the trailer are
 * ignored. *out_len (may be NULL) gets the bytes written, also on failure.
 */
int gunzip_small(struct gunzip_small_ws *ws, const uint8_t *in, size_t in_len, uint8_t *out,
		 size_t out_cap, size_t *out_len);

#endif /* MEMBOOT_GUNZIP_SMALL_H */
