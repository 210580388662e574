/**
 * @file inflate.h
 *
 * memboot's own decompressor for gzip- and PKZIP-compressed disk images: a
 * DEFLATE (RFC 1951) decoder with the gzip (RFC 1952) and PKZIP first-entry
 * wrappers around it, and the CRC-32 they check.  Written for the BIOS loader
 * (freestanding, 32-bit, no malloc): the whole input and a whole output buffer
 * are in memory, nothing is allocated, and the only working memory is a
 * struct inflate_state (about 4.1 KiB) that gunzip() and unzip_first() keep
 * on their stack, or that the caller passes to the _ws variants.
 *
 * Whatever the input, nothing is read outside [in, in + in_len) and nothing
 * is written outside [out, out + out_cap); bytes of out beyond the reported
 * length may have been scribbled on.
 */
#ifndef MEMBOOT_INFLATE_H
#define MEMBOOT_INFLATE_H

#include <stddef.h>
#include <stdint.h>

/** Results of every function here that returns an int status. */
enum inflate_rc {
	INFLATE_OK = 0,       /**< done; output complete and checked */
	INFLATE_TRUNCATED,    /**< input ended before the stream or trailer did */
	INFLATE_BAD_HEADER,   /**< not gzip/zip, or a header we do not handle */
	INFLATE_BAD_DATA,     /**< invalid DEFLATE data */
	INFLATE_BAD_CRC,      /**< CRC-32 of the output differs from the trailer's */
	INFLATE_BAD_LENGTH,   /**< output length differs from the trailer's */
	INFLATE_OUTPUT_FULL,  /**< output would exceed out_cap */
};

/** Bits of the literal/length code resolved by one table lookup. */
#define INFLATE_LIT_BITS 10
/** Bits of the distance code resolved by one table lookup. */
#define INFLATE_DIST_BITS 9

/**
 * The bit buffer: the native word by default (32 bits on i386, 64 on x86-64);
 * -DINFLATE_BITBUF_BITS=32 or 64 chooses (for tests and benchmarks; the
 * library and its callers must agree).
 */
#if defined(INFLATE_BITBUF_BITS) && INFLATE_BITBUF_BITS == 32
typedef uint32_t inflate_bitbuf_t;
#elif defined(INFLATE_BITBUF_BITS) && INFLATE_BITBUF_BITS == 64
typedef uint64_t inflate_bitbuf_t;
#else
typedef size_t inflate_bitbuf_t;
#endif

/** Progress callback: done bytes of about total expected (total may be 0). */
typedef void inflate_progress_fn(size_t done, size_t total, void *ctx);

/** Callback receiving each newly produced span of output (used for CRCs). */
typedef void inflate_chunk_fn(void *ctx, const uint8_t *p, size_t n);

/**
 * Working memory for one decompression.  Its fields are private; it needs no
 * initialisation and may live anywhere (stack, .bss, a scratch page).
 * sizeof(struct inflate_state) is 4148 bytes on i386, 4192 on x86-64.
 */
struct inflate_state {
	/* Bit reader.  bits holds nbits unread bits, LSB first; overrun counts
	 * the zero bits appended after the input ran out (always the top ones). */
	const uint8_t *in, *in_end;
	inflate_bitbuf_t bits;
	unsigned nbits, overrun;
	/* Output: out_start <= flushed <= out <= out_end. */
	uint8_t *out_start, *out, *out_end;
	uint8_t *flushed, *mark;
	inflate_chunk_fn *chunk;
	void *chunk_ctx;
	int fixed_ready;
	/* Decoding tables: entry = symbol << 4 | code length, 0 = look further. */
	uint16_t lit_tab[1 << INFLATE_LIT_BITS];
	uint16_t dist_tab[1 << INFLATE_DIST_BITS];
	/* Canonical code description for codes longer than the tables. */
	uint16_t lit_count[16], dist_count[16];
	uint16_t lit_sym[288], dist_sym[32];
	uint8_t lens[288 + 32];
};

/** Is this a gzip member (magic 1f 8b, method 8)? */
int gzip_detect(const uint8_t *in, size_t in_len);

/**
 * The uncompressed size from the gzip trailer (ISIZE, mod 2^32), read from the
 * last 4 bytes of in: for sizing the output before inflating.  INFLATE_OK,
 * INFLATE_BAD_HEADER if in is not gzip, INFLATE_TRUNCATED if too short.
 */
int gzip_isize(const uint8_t *in, size_t in_len, uint32_t *isize);

/**
 * Decompress one gzip member from in into out (capacity out_cap).  Checks the
 * header (FTEXT/FHCRC/FEXTRA/FNAME/FCOMMENT handled; reserved flags refused),
 * the CRC-32 and ISIZE; bytes after the member's trailer are ignored (so of
 * a multi-member file only the first member is unpacked).
 * *out_len (may be NULL) gets the bytes written, also on failure.  progress
 * (may be NULL) is called each time another 1 MiB of output is done, and once
 * at the end, with (done, ISIZE, ctx).  Needs about 4.7 KiB of stack, the
 * working memory included (gunzip_ws() under 0.5 KiB, plus the callback's).
 */
int gunzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len,
	   inflate_progress_fn *progress, void *ctx);

/** gunzip() with caller-provided working memory st (nothing big on the stack). */
int gunzip_ws(struct inflate_state *st, const uint8_t *in, size_t in_len, uint8_t *out,
	      size_t out_cap, size_t *out_len, inflate_progress_fn *progress, void *ctx);

/** Deflate's largest ratio of output to input bytes (258 bytes from about 2 bits). */
#define DEFLATE_MAX_RATIO 1032u

/** What a compressed image's stated size says about the file (inflate_size_check). */
enum inflate_size {
	INFLATE_SIZE_OK = 0,
	INFLATE_SIZE_EMPTY,       /**< 0 bytes */
	INFLATE_SIZE_IMPOSSIBLE,  /**< more than DEFLATE_MAX_RATIO times the compressed bytes */
	INFLATE_SIZE_OVER_RAM,    /**< more than all of the machine's RAM */
};

/**
 * Judge the size a gzip trailer or zip header states before reserving
 * memory for it: a cut download's "trailer" is four bytes of the middle of
 * the stream, which usually states a size no deflate stream of @p in_len
 * bytes can produce, or more than the machine's RAM (@p ram_bytes, 0 when
 * unknown). Only the first is certain; the second can also be a real image
 * too big for the machine, and the message says both.
 */
enum inflate_size inflate_size_check(uint64_t stated, uint64_t in_len, uint64_t ram_bytes);

/** Is this a PKZIP archive whose first entry unzip_first() can extract? */
int zip_detect(const uint8_t *in, size_t in_len);

/**
 * The uncompressed size of the first PKZIP entry: from its local header, or
 * when that defers it (flag bit 3) from the central directory.
 */
int zip_usize(const uint8_t *in, size_t in_len, uint32_t *usize);

/**
 * Extract the first entry of a PKZIP archive (method 0 stored or 8 deflate;
 * not encrypted, not ZIP64), checking its CRC-32 and size; same conventions
 * as gunzip().  The rest of the archive is ignored.
 */
int unzip_first(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len,
		inflate_progress_fn *progress, void *ctx);

/** unzip_first() with caller-provided working memory st. */
int unzip_first_ws(struct inflate_state *st, const uint8_t *in, size_t in_len, uint8_t *out,
		   size_t out_cap, size_t *out_len, inflate_progress_fn *progress, void *ctx);

/**
 * Decompress a raw DEFLATE stream (no wrapper, no checks beyond the stream's
 * own).  *in_used (may be NULL) gets the bytes consumed, up to the end of the
 * byte holding the final block's last bit; *out_len (may be NULL) the bytes
 * written, also on failure.  chunk (may be NULL) receives the output as it is
 * produced, in order, in spans of about 64 KiB.
 */
int inflate_raw(struct inflate_state *st, const uint8_t *in, size_t in_len, size_t *in_used,
		uint8_t *out, size_t out_cap, size_t *out_len, inflate_chunk_fn *chunk,
		void *chunk_ctx);

/**
 * The standard (gzip, PKZIP, zlib crc32()) CRC-32 of p[0..n), continuing from
 * crc: start with 0, and crc32_update(crc32_update(0, a, m), b, n) is the CRC
 * of a followed by b.  crc32_update(0, "123456789", 9) == 0xcbf43926.
 */
uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n);

/** A short English description of an inflate_rc value. */
const char *inflate_strerror(int rc);

#endif /* MEMBOOT_INFLATE_H */
