/**
 * @file inflate.c
 *
 * DEFLATE decoder (RFC 1951), gzip member (RFC 1952) and PKZIP first-entry
 * wrappers, and a table-driven CRC-32, for decompressing disk images in the
 * BIOS loader.  See inflate.h for the interface.
 *
 * How it works:
 *  - The whole input is in memory.  Bits are read LSB first into a word-sized
 *    buffer.  Away from the end of the input, a refill loads a whole unaligned
 *    word at once; within IN_MARGIN bytes of the end it goes byte by byte and,
 *    past the end, appends zero bits while counting them in `overrun`: if a
 *    decode ever consumes one of those, the input was truncated.
 *  - A Huffman code is decoded with one lookup in a table indexed by the next
 *    INFLATE_LIT_BITS (or INFLATE_DIST_BITS) bits; each entry holds the symbol
 *    and its code length.  Codes longer than that (rare: they are the rare
 *    symbols) have a zero entry and are decoded canonically, bit by bit, from
 *    the per-length counts and the symbols sorted by code length.
 *  - The output buffer is the window.  While there are at least OUT_MARGIN
 *    bytes of room, matches are copied 8 bytes at a time (writing up to 7
 *    bytes past the match, later overwritten); near the end of the output,
 *    and near the end of the input, a careful one-symbol-at-a-time path runs.
 *  - Output is handed to an optional callback in ~64 KiB spans while still in
 *    the cache; gzip and zip compute their CRC-32 there (slice-by-8) and call
 *    the progress callback every 1 MiB.
 */
#include <stddef.h>
#include <stdint.h>

#include "libc.h"
#include "inflate.h"

#include "deflate_tables.h"

/** Width of the bit buffer: 64 bits on x86-64, 32 on i386 (see inflate.h). */
#define BB_BITS ((unsigned)(8 * sizeof(inflate_bitbuf_t)))
/** Input bytes that must remain for the fast loop: three word refills. */
#define IN_MARGIN (4 * sizeof(inflate_bitbuf_t))
/** Output room the fast loop needs: a longest match plus copy overshoot. */
#define OUT_MARGIN (258 + 16)
/** Output is passed to the chunk callback in spans of about this size. */
#define CHUNK_SIZE ((size_t)64 << 10)
/** The progress callback is called each time this much more output is done. */
#define PROGRESS_STEP ((size_t)1 << 20)

#define LIT_MASK ((1u << INFLATE_LIT_BITS) - 1)
#define DIST_MASK ((1u << INFLATE_DIST_BITS) - 1)

/*
 * The hot paths (decoding a block, copying matches, the CRC) are built -O2
 * by GCC even where the file is built -Os (the BIOS loader, where size
 * counts): under QEMU's TCG, -Os there inflated 17% slower (60 MB of
 * compressible data: 1363 ms against 1168, medians of 5). Clang builds
 * (memdisk.efi) take the file's own -O2.
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE_SIZE__)
#define INFLATE_HOT_O2 1
#else
#define INFLATE_HOT_O2 0
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define INFLATE_LE 1
#else
#define INFLATE_LE 0
#endif

#define len_base deflate_len_base
#define len_extra deflate_len_extra
#define dist_base deflate_dist_base
#define dist_extra deflate_dist_extra
#define cl_order deflate_cl_order

/* ---- CRC-32 ------------------------------------------------------------- */

/**
 * CRC-32 (reflected polynomial 0xedb88320) slice-by-8 tables, built on the
 * first call (8 KiB of BSS instead of 8 KiB in the loaders' files):
 * crc_table[0] is the bytewise table, crc_table[k][i] the CRC of byte i
 * followed by k zero bytes.
 */
static uint32_t crc_table[8][256];
static int crc_table_ready;

static void crc_table_build(void)
{
	unsigned i, k;

	for (i = 0; i < 256; i++) {
		uint32_t c = i;

		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
		crc_table[0][i] = c;
	}
	for (k = 1; k < 8; k++)
		for (i = 0; i < 256; i++)
			crc_table[k][i] = (crc_table[k - 1][i] >> 8) ^
					  crc_table[0][crc_table[k - 1][i] & 0xff];
	crc_table_ready = 1;
}

/** Little-endian 32-bit load from a possibly unaligned address. */
static inline uint32_t load_le32(const uint8_t *p)
{
#if INFLATE_LE
	uint32_t v;

	__builtin_memcpy(&v, p, 4);
	return v;
#else
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
#endif
}

/** Little-endian 16-bit load. */
static inline unsigned load_le16(const uint8_t *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

#if INFLATE_HOT_O2
#pragma GCC push_options
#pragma GCC optimize("O2")
#endif
/** CRC-32 of p[0..n) continuing from crc (0 to start): slice-by-8. */
uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	if (!crc_table_ready)
		crc_table_build();
	crc = ~crc;
	while (n && ((uintptr_t)p & 3)) {
		crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xff];
		n--;
	}
#if INFLATE_LE
	while (n >= 8) {
		uint32_t a = load_le32(p) ^ crc, b = load_le32(p + 4);

		crc = crc_table[7][a & 0xff] ^ crc_table[6][(a >> 8) & 0xff] ^
		      crc_table[5][(a >> 16) & 0xff] ^ crc_table[4][a >> 24] ^
		      crc_table[3][b & 0xff] ^ crc_table[2][(b >> 8) & 0xff] ^
		      crc_table[1][(b >> 16) & 0xff] ^ crc_table[0][b >> 24];
		p += 8;
		n -= 8;
	}
#endif
	while (n--)
		crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

#if INFLATE_HOT_O2
#pragma GCC pop_options
#endif

/** A short English description of an inflate_rc value. */
const char *inflate_strerror(int rc)
{
	switch (rc) {
	case INFLATE_OK:
		return "ok";
	case INFLATE_TRUNCATED:
		return "compressed data truncated";
	case INFLATE_BAD_HEADER:
		return "unsupported or invalid header";
	case INFLATE_BAD_DATA:
		return "invalid compressed data";
	case INFLATE_BAD_CRC:
		return "CRC-32 mismatch";
	case INFLATE_BAD_LENGTH:
		return "uncompressed length mismatch";
	case INFLATE_OUTPUT_FULL:
		return "output buffer too small";
	default:
		return "unknown error";
	}
}

/* ---- Bit reader ---------------------------------------------------------- */

/** A whole bit-buffer word from a possibly unaligned address, little-endian. */
static inline inflate_bitbuf_t load_word(const uint8_t *p)
{
#if INFLATE_LE
	inflate_bitbuf_t w;

	__builtin_memcpy(&w, p, sizeof(w));
	return w;
#else
	inflate_bitbuf_t w = 0;
	unsigned i;

	for (i = 0; i < sizeof(w); i++)
		w |= (inflate_bitbuf_t)p[i] << (8 * i);
	return w;
#endif
}

/**
 * Fill the bit buffer to more than BB_BITS - 8 bits, byte by byte, appending
 * zero bits (counted in overrun) once the input is exhausted.  Bits above
 * nbits are either zero or (after a word refill) the very stream bits that
 * belong there, so OR-ing bytes in at nbits is always right.
 */
static void refill_slow(struct inflate_state *s)
{
	while (s->nbits <= BB_BITS - 8) {
		if (s->in < s->in_end)
			s->bits |= (inflate_bitbuf_t)*s->in++ << s->nbits;
		else
			s->overrun += 8;
		s->nbits += 8;
	}
}

/**
 * Read n (<= 16) bits.  Returns INFLATE_TRUNCATED if they go past the input.
 */
static int getbits(struct inflate_state *s, unsigned n, unsigned *v)
{
	if (s->nbits < n)
		refill_slow(s);
	*v = (unsigned)(s->bits & ((1u << n) - 1));
	s->bits >>= n;
	s->nbits -= n;
	return s->nbits < s->overrun ? INFLATE_TRUNCATED : INFLATE_OK;
}

/* ---- Huffman tables ------------------------------------------------------ */

/** The low len bits of code, reversed (DEFLATE sends codes MSB first). */
static unsigned reverse_bits(unsigned code, unsigned len)
{
	unsigned r = 0;

	while (len--) {
		r = (r << 1) | (code & 1);
		code >>= 1;
	}
	return r;
}

/**
 * Build the decoding table tab (2^rbits entries) and the canonical
 * description (count[1..15] per length, count[0] in all, symbols sorted by
 * length) of the code with
 * code lengths lens[0..n).  Refuses over-subscribed codes, and incomplete
 * ones unless allow_partial and the code is a single 1-bit code or empty
 * (the cases RFC 1951 allows for distance codes).
 */
static int build_code(uint16_t *tab, unsigned rbits, uint16_t *count, uint16_t *sorted,
		      const uint8_t *lens, unsigned n, int allow_partial)
{
	uint16_t offs[16];
	unsigned len, sym, code, idx, used;
	int left;

	for (len = 0; len < 16; len++)
		count[len] = 0;
	for (sym = 0; sym < n; sym++)
		count[lens[sym]]++;
	used = n - count[0];
	count[0] = (uint16_t)used; /* for decode_long: the number of codes */
	left = 1;
	for (len = 1; len < 16; len++) {
		left <<= 1;
		left -= count[len];
		if (left < 0)
			return INFLATE_BAD_DATA; /* over-subscribed */
	}
	if (left > 0 && !(allow_partial && (used == 0 || (used == 1 && count[1] == 1))))
		return INFLATE_BAD_DATA; /* incomplete */
	offs[1] = 0;
	for (len = 1; len < 15; len++)
		offs[len + 1] = (uint16_t)(offs[len] + count[len]);
	for (sym = 0; sym < n; sym++)
		if (lens[sym])
			sorted[offs[lens[sym]]++] = (uint16_t)sym;

	memset(tab, 0, sizeof(*tab) << rbits);
	code = 0;
	idx = 0;
	for (len = 1; len <= rbits && len < 16; len++) {
		unsigned k;

		for (k = 0; k < count[len]; k++, code++) {
			uint16_t e = (uint16_t)(sorted[idx++] << 4 | len);
			unsigned i;

			for (i = reverse_bits(code, len); i < (1u << rbits); i += 1u << len)
				tab[i] = e;
		}
		code <<= 1;
	}
	return INFLATE_OK;
}

/**
 * Decode canonically from the next 15 bits of bits, for codes the table does
 * not resolve.  Returns symbol << 4 | length, or 0 if no code matches, with
 * *fail_len the number of bits that showed it.
 */
static unsigned decode_long(inflate_bitbuf_t bits, const uint16_t *count, const uint16_t *sorted,
			    unsigned *fail_len)
{
	unsigned len, code = 0, first = 0, index = 0;

	for (len = 1; len < 16; len++) {
		code |= (unsigned)bits & 1;
		bits >>= 1;
		if (code - first < count[len])
			return (unsigned)sorted[index + code - first] << 4 | len;
		index += count[len];
		if (index == count[0])
			break; /* no longer codes */
		first = (first + count[len]) << 1;
		code <<= 1;
	}
	*fail_len = len;
	return 0;
}

/** Build the fixed Huffman codes' tables (RFC 1951 3.2.6), unless built. */
static void build_fixed(struct inflate_state *s)
{
	unsigned i;

	if (s->fixed_ready)
		return;
	for (i = 0; i < 144; i++)
		s->lens[i] = 8;
	for (; i < 256; i++)
		s->lens[i] = 9;
	for (; i < 280; i++)
		s->lens[i] = 7;
	for (; i < 288; i++)
		s->lens[i] = 8;
	for (i = 0; i < 32; i++)
		s->lens[288 + i] = 5;
	/* Both are complete codes: these cannot fail. */
	build_code(s->lit_tab, INFLATE_LIT_BITS, s->lit_count, s->lit_sym, s->lens, 288, 0);
	build_code(s->dist_tab, INFLATE_DIST_BITS, s->dist_count, s->dist_sym, s->lens + 288, 32, 0);
	s->fixed_ready = 1;
}

/**
 * Decode one symbol with the slow reader: table entry tab (2^rbits) or the
 * canonical fallback.  Returns symbol << 4 | length (not yet consumed) or 0
 * with *rc set.
 */
static unsigned decode_slow(struct inflate_state *s, const uint16_t *tab, unsigned mask,
			    const uint16_t *count, const uint16_t *sorted, int *rc)
{
	unsigned e, fail_len;

	refill_slow(s);
	e = tab[s->bits & mask];
	if (!(e & 15))
		e = decode_long(s->bits, count, sorted, &fail_len);
	if (!e) {
		/* No code matched: bad data, unless made-up bits were involved. */
		*rc = fail_len + s->overrun > s->nbits ? INFLATE_TRUNCATED : INFLATE_BAD_DATA;
		return 0;
	}
	if ((e & 15) + s->overrun > s->nbits) {
		*rc = INFLATE_TRUNCATED;
		return 0;
	}
	return e;
}

/** Read a dynamic block's code descriptions and build its tables. */
static int read_dynamic(struct inflate_state *s)
{
	uint8_t cl_lens[19];
	unsigned hlit, hdist, hclen, i, v, total;
	int rc;

	if ((rc = getbits(s, 5, &hlit)) || (rc = getbits(s, 5, &hdist)) ||
	    (rc = getbits(s, 4, &hclen)))
		return rc;
	hlit += 257;
	hdist += 1;
	hclen += 4;
	if (hlit > 286 || hdist > 30)
		return INFLATE_BAD_DATA;
	s->fixed_ready = 0;
	memset(cl_lens, 0, sizeof(cl_lens));
	for (i = 0; i < hclen; i++) {
		if ((rc = getbits(s, 3, &v)))
			return rc;
		cl_lens[cl_order[i]] = (uint8_t)v;
	}
	/* The code length code goes in lit_tab for now. */
	if (build_code(s->lit_tab, 7, s->lit_count, s->lit_sym, cl_lens, 19, 0))
		return INFLATE_BAD_DATA;

	total = hlit + hdist;
	i = 0;
	while (i < total) {
		unsigned e, sym, rep, val;

		e = decode_slow(s, s->lit_tab, 127, s->lit_count, s->lit_sym, &rc);
		if (!e)
			return rc;
		s->bits >>= e & 15;
		s->nbits -= e & 15;
		sym = e >> 4;
		if (sym < 16) {
			s->lens[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (!i)
				return INFLATE_BAD_DATA;
			val = s->lens[i - 1];
			rc = getbits(s, 2, &rep);
			rep += 3;
		} else if (sym == 17) {
			val = 0;
			rc = getbits(s, 3, &rep);
			rep += 3;
		} else {
			val = 0;
			rc = getbits(s, 7, &rep);
			rep += 11;
		}
		if (rc)
			return rc;
		if (rep > total - i)
			return INFLATE_BAD_DATA;
		memset(s->lens + i, (int)val, rep);
		i += rep;
	}
	if (!s->lens[256])
		return INFLATE_BAD_DATA; /* no end-of-block code */
	if (build_code(s->lit_tab, INFLATE_LIT_BITS, s->lit_count, s->lit_sym, s->lens, hlit, 1) ||
	    build_code(s->dist_tab, INFLATE_DIST_BITS, s->dist_count, s->dist_sym, s->lens + hlit,
		       hdist, 1))
		return INFLATE_BAD_DATA;
	return INFLATE_OK;
}

#if INFLATE_HOT_O2
#pragma GCC push_options
#pragma GCC optimize("O2")
#endif
/* ---- Output ------------------------------------------------------------- */

/** Pass the output produced since the last flush to the chunk callback. */
static void flush(struct inflate_state *s)
{
	if (s->chunk && s->out > s->flushed)
		s->chunk(s->chunk_ctx, s->flushed, (size_t)(s->out - s->flushed));
	s->flushed = s->out;
	if (s->chunk && (size_t)(s->out_end - s->out) > CHUNK_SIZE)
		s->mark = s->out + CHUNK_SIZE;
	else
		s->mark = s->out_end;
}

/** Copy 8 bytes that do not overlap. */
static inline void copy8(uint8_t *d, const uint8_t *src)
{
	uint64_t v;

	__builtin_memcpy(&v, src, 8);
	__builtin_memcpy(d, &v, 8);
}

/**
 * Copy a match of len bytes from dist back (1 <= dist <= bytes written),
 * 8 bytes at a time: may write up to 7 bytes past out + len, which must be
 * inside the buffer.  Returns out + len.
 */
static inline uint8_t *copy_match(uint8_t *out, size_t dist, unsigned len)
{
	uint8_t *end = out + len;
	const uint8_t *src = out - dist;

	if (dist < 8) {
		/* The match repeats with period dist, hence also with period
		 * step (a multiple of dist, >= 8), once step - dist bytes are
		 * in place: copy those one by one, then 8 at a time. */
		size_t step = dist, pre;

		while (step < 8)
			step += dist;
		pre = step - dist;
		if (pre > len)
			pre = len;
		while (pre--)
			*out++ = *src++;
		src = out - step;
	}
	while (out < end) {
		copy8(out, src);
		out += 8;
		src += 8;
	}
	return end;
}

/* ---- Decoding ----------------------------------------------------------- */

/** Read bits from the fast loop's local buffer. */
#define FAST_REFILL()                                                  \
	do {                                                           \
		bits |= load_word(in) << nbits;                        \
		in += (BB_BITS - 1 - nbits) >> 3;                      \
		nbits |= BB_BITS - 8;                                  \
	} while (0)

/**
 * Decode Huffman-coded symbols while at least IN_MARGIN bytes of input and
 * OUT_MARGIN bytes of room remain and out has not passed lim.  Returns
 * INFLATE_OK with *eob set at the end of the block, INFLATE_OK with *eob
 * clear when a margin or lim is reached, or an error.
 */
static int decode_fast(struct inflate_state *s, uint8_t *lim, int *eob)
{
	const uint8_t *in = s->in;
	const uint8_t *const in_last = s->in_end - IN_MARGIN;
	inflate_bitbuf_t bits = s->bits;
	unsigned nbits = s->nbits;
	uint8_t *out = s->out;
	uint8_t *const out_start = s->out_start;
	const uint16_t *const lt = s->lit_tab, *const dt = s->dist_tab;
	int rc = INFLATE_OK;
	unsigned fail_len;

	while (out <= lim && in <= in_last) {
		unsigned e, n, sym, len, dist;

		FAST_REFILL();
		e = lt[bits & LIT_MASK];
		if (!(e & 15)) {
			e = decode_long(bits, s->lit_count, s->lit_sym, &fail_len);
			if (!e) {
				rc = INFLATE_BAD_DATA;
				break;
			}
		}
		n = e & 15;
		bits >>= n;
		nbits -= n;
		sym = e >> 4;
		if (sym < 256) {
			*out++ = (uint8_t)sym;
			/* More literals while the buffer still holds a table
			 * lookup's worth of bits (at most BB_BITS bytes past
			 * lim, well inside OUT_MARGIN). */
			while (nbits >= INFLATE_LIT_BITS) {
				e = lt[bits & LIT_MASK];
				if (!(e & 15) || e >> 4 >= 256)
					break;
				n = e & 15;
				bits >>= n;
				nbits -= n;
				*out++ = (uint8_t)(e >> 4);
			}
			continue;
		}
		if (sym == 256) {
			*eob = 1;
			break;
		}
		sym -= 257;
		if (sym >= 29) {
			rc = INFLATE_BAD_DATA;
			break;
		}
		n = len_extra[sym];
		len = len_base[sym] + (unsigned)(bits & ((1u << n) - 1));
		bits >>= n;
		nbits -= n;
		if (BB_BITS < 64)
			FAST_REFILL();
		e = dt[bits & DIST_MASK];
		if (!(e & 15)) {
			e = decode_long(bits, s->dist_count, s->dist_sym, &fail_len);
			if (!e) {
				rc = INFLATE_BAD_DATA;
				break;
			}
		}
		n = e & 15;
		bits >>= n;
		nbits -= n;
		sym = e >> 4;
		if (sym >= 30) {
			rc = INFLATE_BAD_DATA;
			break;
		}
		if (BB_BITS < 64)
			FAST_REFILL();
		n = dist_extra[sym];
		dist = dist_base[sym] + (unsigned)(bits & ((1u << n) - 1));
		bits >>= n;
		nbits -= n;
		if (dist > (size_t)(out - out_start)) {
			rc = INFLATE_BAD_DATA;
			break;
		}
		out = copy_match(out, dist, len);
	}
	s->in = in;
	s->bits = bits;
	s->nbits = nbits;
	s->out = out;
	return rc;
}

/**
 * Decode one symbol, and its match if any, with every check: used near the
 * ends of the input and output.  Sets *eob at the end of the block.
 */
static int decode_one(struct inflate_state *s, int *eob)
{
	unsigned e, sym, len, dist, v;
	int rc;

	e = decode_slow(s, s->lit_tab, LIT_MASK, s->lit_count, s->lit_sym, &rc);
	if (!e)
		return rc;
	s->bits >>= e & 15;
	s->nbits -= e & 15;
	sym = e >> 4;
	if (sym < 256) {
		if (s->out == s->out_end)
			return INFLATE_OUTPUT_FULL;
		*s->out++ = (uint8_t)sym;
		return INFLATE_OK;
	}
	if (sym == 256) {
		*eob = 1;
		return INFLATE_OK;
	}
	sym -= 257;
	if (sym >= 29)
		return INFLATE_BAD_DATA;
	if ((rc = getbits(s, len_extra[sym], &v)))
		return rc;
	len = len_base[sym] + v;
	e = decode_slow(s, s->dist_tab, DIST_MASK, s->dist_count, s->dist_sym, &rc);
	if (!e)
		return rc;
	s->bits >>= e & 15;
	s->nbits -= e & 15;
	sym = e >> 4;
	if (sym >= 30)
		return INFLATE_BAD_DATA;
	if ((rc = getbits(s, dist_extra[sym], &v)))
		return rc;
	dist = dist_base[sym] + v;
	if (dist > (size_t)(s->out - s->out_start))
		return INFLATE_BAD_DATA;
	if (len > (size_t)(s->out_end - s->out))
		return INFLATE_OUTPUT_FULL;
	while (len--) {
		*s->out = s->out[-(ptrdiff_t)dist];
		s->out++;
	}
	return INFLATE_OK;
}

/** Decode a Huffman-coded block's data with the current tables. */
static int decode_block(struct inflate_state *s)
{
	int eob = 0, rc;

	for (;;) {
		if (s->out >= s->mark)
			flush(s);
		if ((size_t)(s->in_end - s->in) >= IN_MARGIN &&
		    (size_t)(s->out_end - s->out) >= OUT_MARGIN) {
			uint8_t *lim = s->out_end - OUT_MARGIN;

			if (lim > s->mark)
				lim = s->mark;
			rc = decode_fast(s, lim, &eob);
		} else {
			rc = decode_one(s, &eob);
		}
		if (rc || eob)
			return rc;
	}
}

#if INFLATE_HOT_O2
#pragma GCC pop_options
#endif

/** Copy a stored block, from the byte boundary after its header bits. */
static int stored_block(struct inflate_state *s)
{
	unsigned len, nlen;
	size_t real;

	s->bits >>= s->nbits & 7;
	s->nbits &= ~7u;
	if (s->nbits < s->overrun)
		return INFLATE_TRUNCATED;
	/* Give back the whole bytes still in the bit buffer. */
	real = (s->nbits - s->overrun) >> 3;
	s->in -= real;
	s->bits = 0;
	s->nbits = 0;
	s->overrun = 0;
	if (s->in_end - s->in < 4)
		return INFLATE_TRUNCATED;
	len = load_le16(s->in);
	nlen = load_le16(s->in + 2);
	if (len != (~nlen & 0xffff))
		return INFLATE_BAD_DATA;
	s->in += 4;
	if (len > (size_t)(s->in_end - s->in))
		return INFLATE_TRUNCATED;
	if (len > (size_t)(s->out_end - s->out))
		return INFLATE_OUTPUT_FULL;
	memcpy(s->out, s->in, len);
	s->out += len;
	s->in += len;
	return INFLATE_OK;
}

/** Decompress a raw DEFLATE stream: set up s, run the blocks, flush. */
int inflate_raw(struct inflate_state *s, const uint8_t *in, size_t in_len, size_t *in_used,
		uint8_t *out, size_t out_cap, size_t *out_len, inflate_chunk_fn *chunk,
		void *chunk_ctx)
{
	static uint8_t no_output;
	static const uint8_t no_input;
	unsigned final = 0, type;
	int rc = INFLATE_OK;

	if (!in)
		in = &no_input, in_len = 0;
	if (!out)
		out = &no_output, out_cap = 0;
	s->in = in;
	s->in_end = in + in_len;
	s->bits = 0;
	s->nbits = 0;
	s->overrun = 0;
	s->out_start = s->out = s->flushed = out;
	s->out_end = out + out_cap;
	s->chunk = chunk;
	s->chunk_ctx = chunk_ctx;
	s->fixed_ready = 0;
	flush(s);

	while (!final) {
		if ((rc = getbits(s, 1, &final)) || (rc = getbits(s, 2, &type)))
			break;
		if (type == 0) {
			rc = stored_block(s);
		} else if (type == 1) {
			build_fixed(s);
			rc = decode_block(s);
		} else if (type == 2) {
			rc = read_dynamic(s);
			if (!rc)
				rc = decode_block(s);
		} else {
			rc = INFLATE_BAD_DATA;
		}
		if (rc)
			break;
	}
	if (!rc) {
		flush(s);
		/* Give back the unused whole bytes in the bit buffer. */
		s->in -= (s->nbits - s->overrun) >> 3;
	}
	if (in_used)
		*in_used = (size_t)(s->in - in);
	if (out_len)
		*out_len = (size_t)(s->out - out);
	return rc;
}

/* ---- gzip and PKZIP ---------------------------------------------------- */

/** What the gzip/zip chunk callback keeps: running CRC and progress. */
struct wrap_ctx {
	uint32_t crc;
	size_t done, next, total;
	inflate_progress_fn *progress;
	void *ctx;
};

/** Chunk callback: update the CRC, and report progress every 1 MiB. */
static void wrap_chunk(void *ctx, const uint8_t *p, size_t n)
{
	struct wrap_ctx *w = ctx;

	w->crc = crc32_update(w->crc, p, n);
	w->done += n;
	if (w->progress && w->done >= w->next) {
		w->progress(w->done, w->total, w->ctx);
		w->next = w->done - w->done % PROGRESS_STEP + PROGRESS_STEP;
	}
}

/** Start a wrap_ctx for total expected bytes. */
static void wrap_init(struct wrap_ctx *w, size_t total, inflate_progress_fn *progress, void *ctx)
{
	w->crc = 0;
	w->done = 0;
	w->next = PROGRESS_STEP;
	w->total = total;
	w->progress = progress;
	w->ctx = ctx;
}

/** Inflate raw data with CRC and progress, then make the final progress call. */
static int wrap_inflate(struct inflate_state *st, struct wrap_ctx *w, const uint8_t *in,
			size_t in_len, size_t *in_used, uint8_t *out, size_t out_cap, size_t *out_len)
{
	int rc = inflate_raw(st, in, in_len, in_used, out, out_cap, out_len, wrap_chunk, w);

	if (!rc && w->progress)
		w->progress(w->done, w->total, w->ctx);
	return rc;
}

/** Is this a gzip member (magic 1f 8b, method 8)? */
int gzip_detect(const uint8_t *in, size_t in_len)
{
	return in && in_len >= 3 && in[0] == 0x1f && in[1] == 0x8b && in[2] == 8;
}

/** ISIZE from the last 4 bytes of a gzip file. */
int gzip_isize(const uint8_t *in, size_t in_len, uint32_t *isize)
{
	if (!gzip_detect(in, in_len))
		return INFLATE_BAD_HEADER;
	if (in_len < 18)
		return INFLATE_TRUNCATED;
	*isize = load_le32(in + in_len - 4);
	return INFLATE_OK;
}

/**
 * Parse a gzip member header (RFC 1952 2.3): *pos gets the offset of the
 * compressed data.
 */
static int gzip_header(const uint8_t *in, size_t in_len, size_t *pos)
{
	size_t p = 10;
	unsigned flg;

	if (!gzip_detect(in, in_len))
		return INFLATE_BAD_HEADER;
	if (in_len < 10)
		return INFLATE_TRUNCATED;
	flg = in[3];
	if (flg & 0xe0)
		return INFLATE_BAD_HEADER; /* reserved flag bits */
	if (flg & 4) { /* FEXTRA */
		size_t xlen;

		if (in_len - p < 2)
			return INFLATE_TRUNCATED;
		xlen = load_le16(in + p);
		p += 2;
		if (in_len - p < xlen)
			return INFLATE_TRUNCATED;
		p += xlen;
	}
	if (flg & 8) { /* FNAME */
		while (p < in_len && in[p])
			p++;
		if (p++ >= in_len)
			return INFLATE_TRUNCATED;
	}
	if (flg & 16) { /* FCOMMENT */
		while (p < in_len && in[p])
			p++;
		if (p++ >= in_len)
			return INFLATE_TRUNCATED;
	}
	if (flg & 2) { /* FHCRC: low 16 bits of the CRC-32 of the header */
		if (in_len - p < 2)
			return INFLATE_TRUNCATED;
		if (load_le16(in + p) != (crc32_update(0, in, p) & 0xffff))
			return INFLATE_BAD_HEADER;
		p += 2;
	}
	*pos = p;
	return INFLATE_OK;
}

/** Decompress one gzip member with working memory st; check CRC and ISIZE. */
int gunzip_ws(struct inflate_state *st, const uint8_t *in, size_t in_len, uint8_t *out,
	      size_t out_cap, size_t *out_len, inflate_progress_fn *progress, void *ctx)
{
	struct wrap_ctx w;
	size_t pos, used, n = 0;
	uint32_t isize = 0;
	int rc;

	if (out_len)
		*out_len = 0;
	if (!out)
		out_cap = 0;
	if ((rc = gzip_header(in, in_len, &pos)))
		return rc;
	gzip_isize(in, in_len, &isize);
	wrap_init(&w, isize, progress, ctx);
	rc = wrap_inflate(st, &w, in + pos, in_len - pos, &used, out, out_cap, &n);
	if (out_len)
		*out_len = n;
	if (rc)
		return rc;
	pos += used;
	if (in_len - pos < 8)
		return INFLATE_TRUNCATED;
	if (load_le32(in + pos) != w.crc)
		return INFLATE_BAD_CRC;
	if (load_le32(in + pos + 4) != (uint32_t)n)
		return INFLATE_BAD_LENGTH;
	return INFLATE_OK;
}

/** gunzip_ws() with its working memory on the stack. */
int gunzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len,
	   inflate_progress_fn *progress, void *ctx)
{
	struct inflate_state st;

	return gunzip_ws(&st, in, in_len, out, out_cap, out_len, progress, ctx);
}

/* PKZIP local file header (APPNOTE 4.3.7) fields, by offset. */
#define ZIP_LOCAL_SIZE 30
#define ZIP_FLAGS 6
#define ZIP_METHOD 8
#define ZIP_CRC 14
#define ZIP_CSIZE 18
#define ZIP_USIZE 22
#define ZIP_NAME_LEN 26
#define ZIP_EXTRA_LEN 28

/** A PKZIP local header, method 0 or 8, not encrypted? */
int zip_detect(const uint8_t *in, size_t in_len)
{
	unsigned method;

	if (!in || in_len < ZIP_LOCAL_SIZE || memcmp(in, "PK\3\4", 4))
		return 0;
	method = load_le16(in + ZIP_METHOD);
	return (method == 0 || method == 8) && !(load_le16(in + ZIP_FLAGS) & 1);
}

/**
 * The first central directory entry's CRC-32 and sizes, located through the
 * end of central directory record: for entries whose local header defers
 * them to a data descriptor.
 */
static int zip_central(const uint8_t *in, size_t in_len, uint32_t *crc, uint32_t *csize,
		       uint32_t *usize)
{
	size_t p, stop, cd;

	if (in_len < 22)
		return INFLATE_TRUNCATED;
	/* The record is 22 bytes plus a comment of up to 65535. */
	stop = in_len > 22 + 65535 ? in_len - 22 - 65535 : 0;
	for (p = in_len - 22;; p--) {
		if (!memcmp(in + p, "PK\5\6", 4) && p + 22 + load_le16(in + p + 20) == in_len)
			break;
		if (p == stop)
			return INFLATE_BAD_HEADER;
	}
	cd = load_le32(in + p + 16);
	if (cd > p || p - cd < 46 || memcmp(in + cd, "PK\1\2", 4))
		return INFLATE_BAD_HEADER;
	*crc = load_le32(in + cd + 16);
	*csize = load_le32(in + cd + 20);
	*usize = load_le32(in + cd + 24);
	return INFLATE_OK;
}

/** The first entry's uncompressed size (local header or central directory). */
int zip_usize(const uint8_t *in, size_t in_len, uint32_t *usize)
{
	uint32_t crc, csize;

	if (!zip_detect(in, in_len))
		return INFLATE_BAD_HEADER;
	if (load_le16(in + ZIP_FLAGS) & 8)
		return zip_central(in, in_len, &crc, &csize, usize);
	*usize = load_le32(in + ZIP_USIZE);
	return *usize == 0xffffffffu ? INFLATE_BAD_HEADER : INFLATE_OK;
}

/** Extract the first PKZIP entry with working memory st; check CRC and size. */
int unzip_first_ws(struct inflate_state *st, const uint8_t *in, size_t in_len, uint8_t *out,
		   size_t out_cap, size_t *out_len, inflate_progress_fn *progress, void *ctx)
{
	struct wrap_ctx w;
	size_t pos, used, n = 0;
	unsigned flags, method;
	uint32_t crc, csize, usize;
	int rc;

	if (out_len)
		*out_len = 0;
	if (!out)
		out_cap = 0;
	if (!zip_detect(in, in_len))
		return INFLATE_BAD_HEADER;
	flags = load_le16(in + ZIP_FLAGS);
	method = load_le16(in + ZIP_METHOD);
	crc = load_le32(in + ZIP_CRC);
	csize = load_le32(in + ZIP_CSIZE);
	usize = load_le32(in + ZIP_USIZE);
	pos = ZIP_LOCAL_SIZE + (size_t)load_le16(in + ZIP_NAME_LEN) + load_le16(in + ZIP_EXTRA_LEN);
	if (pos > in_len)
		return INFLATE_TRUNCATED;
	if (flags & 8) {
		/* Sizes and CRC follow the data; the central directory has them
		 * too, for the progress total (and stored entries). */
		uint32_t c2, cs2, us2;

		if (zip_central(in, in_len, &c2, &cs2, &us2) == INFLATE_OK) {
			crc = c2;
			csize = cs2;
			usize = us2;
		} else if (method == 0) {
			return INFLATE_BAD_HEADER;
		} else {
			usize = 0;
		}
	}
	if (csize == 0xffffffffu || usize == 0xffffffffu)
		return INFLATE_BAD_HEADER; /* ZIP64 */
	wrap_init(&w, usize, progress, ctx);

	if (method == 0) {
		if (csize != usize)
			return INFLATE_BAD_HEADER;
		if (csize > in_len - pos)
			return INFLATE_TRUNCATED;
		if (csize > out_cap)
			return INFLATE_OUTPUT_FULL;
		if (csize)
			memcpy(out, in + pos, csize);
		for (n = 0; n < csize; n += CHUNK_SIZE)
			wrap_chunk(&w, out + n, csize - n < CHUNK_SIZE ? csize - n : CHUNK_SIZE);
		n = csize;
		if (out_len)
			*out_len = n;
		if (progress)
			progress(n, usize, ctx);
	} else {
		rc = wrap_inflate(st, &w, in + pos, in_len - pos, &used, out, out_cap, &n);
		if (out_len)
			*out_len = n;
		if (rc)
			return rc;
		if (flags & 8) {
			/* Data descriptor: [signature] crc csize usize. */
			pos += used;
			if (in_len - pos >= 4 && !memcmp(in + pos, "PK\7\10", 4))
				pos += 4;
			if (in_len - pos < 12)
				return INFLATE_TRUNCATED;
			crc = load_le32(in + pos);
			usize = load_le32(in + pos + 8);
		}
	}
	if (w.crc != crc)
		return INFLATE_BAD_CRC;
	if ((uint32_t)n != usize)
		return INFLATE_BAD_LENGTH;
	return INFLATE_OK;
}

/** unzip_first_ws() with its working memory on the stack. */
int unzip_first(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len,
		inflate_progress_fn *progress, void *ctx)
{
	struct inflate_state st;

	return unzip_first_ws(&st, in, in_len, out, out_cap, out_len, progress, ctx);
}

enum inflate_size inflate_size_check(uint64_t stated, uint64_t in_len, uint64_t ram_bytes)
{
	if (!stated)
		return INFLATE_SIZE_EMPTY;
	if (stated > in_len * DEFLATE_MAX_RATIO)
		return INFLATE_SIZE_IMPOSSIBLE;
	if (ram_bytes && stated > ram_bytes)
		return INFLATE_SIZE_OVER_RAM;
	return INFLATE_SIZE_OK;
}
