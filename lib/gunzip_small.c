/**
 * @file gunzip_small.c
 *
 * A small, plain gzip/DEFLATE decoder (RFC 1952, RFC 1951) for memdisk's
 * head: it unpacks the loader's own packed body before anything else runs
 * (loader/bios/unpack.c), so it must be small more than fast. Codes are
 * decoded a bit at a time from canonical counts (no lookup tables), the
 * CRC-32 a byte at a time from a table built in the working memory. lib/inflate.c is the fast decoder the
 * body uses for images; this one is about a quarter of its size.
 *
 * Every input is checked: a damaged or cut stream ends with an error code,
 * never a read past the input or a write past the output.
 */
#include "gunzip_small.h"

#include "deflate_tables.h"

#include "libc.h"

/** The decoder's state: input, bit buffer, output. */
struct gz {
	const uint8_t *in;
	size_t in_len, pos;
	uint32_t bitbuf;
	unsigned bitcnt;
	int short_input;      /* set once a read ran past the input */
	uint8_t *out;
	size_t cap, len;
};

#define huff gunzip_small_huff

/** n bits (n <= 16), least significant first; 0 past the input's end. */
static unsigned bits(struct gz *g, unsigned n)
{
	unsigned v;

	while (g->bitcnt < n) {
		if (g->pos >= g->in_len) {
			g->short_input = 1;
			return 0;
		}
		g->bitbuf |= (uint32_t)g->in[g->pos++] << g->bitcnt;
		g->bitcnt += 8;
	}
	v = g->bitbuf & ((1u << n) - 1);
	g->bitbuf >>= n;
	g->bitcnt -= n;
	return v;
}

/* build()'s rules for incomplete codes, those of lib/inflate.c's build_code
 * (and zlib's): the code-length code must be complete; a literal/length or
 * distance code may be empty or a single code of length 1; the fixed codes
 * are taken as they are. */
#define CODE_COMPLETE 0
#define CODE_DYNAMIC 1
#define CODE_FIXED 2

/** Build h from n code lengths; 0 if the lengths are a usable code. */
static int build(struct huff *h, const uint8_t *lens, unsigned n, int rule)
{
	uint16_t offs[16];
	unsigned i, used;
	int left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (i = 0; i < n; i++)
		h->count[lens[i]]++;
	used = n - h->count[0];
	for (i = 1; i < 16; i++) {
		left = 2 * left - h->count[i];
		if (left < 0)
			return -1;              /* more codes than bits allow */
	}
	if (left > 0 && rule != CODE_FIXED &&
	    !(rule == CODE_DYNAMIC && (used == 0 || (used == 1 && h->count[1] == 1))))
		return -1;                      /* incomplete */
	offs[1] = 0;
	for (i = 1; i < 15; i++)
		offs[i + 1] = (uint16_t)(offs[i] + h->count[i]);
	for (i = 0; i < n; i++)
		if (lens[i])
			h->symbol[offs[lens[i]]++] = (uint16_t)i;
	return 0;
}

/** The next symbol of code h, or -1. */
static int decode(struct gz *g, const struct huff *h)
{
	int code = 0, first = 0, index = 0;
	unsigned len;

	for (len = 1; len < 16; len++) {
		int count = h->count[len];

		code |= (int)bits(g, 1);
		if (g->short_input)
			return -1;
		if (code - first < count)
			return h->symbol[index + code - first];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	return -1;
}

/** One block's compressed data with codes lit and dist. */
static int codes(struct gz *g, const struct huff *lit, const struct huff *dist)
{
	for (;;) {
		int sym = decode(g, lit);
		unsigned n, d;

		if (sym < 0)
			return GUNZIP_SMALL_BAD_DATA;
		if (sym < 256) {
			if (g->len >= g->cap)
				return GUNZIP_SMALL_OUTPUT_FULL;
			g->out[g->len++] = (uint8_t)sym;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29)
			return GUNZIP_SMALL_BAD_DATA;
		n = deflate_len_base[sym] + bits(g, deflate_len_extra[sym]);
		sym = decode(g, dist);
		if (sym < 0 || sym >= 30)
			return GUNZIP_SMALL_BAD_DATA;
		d = deflate_dist_base[sym] + bits(g, deflate_dist_extra[sym]);
		if (g->short_input)
			return GUNZIP_SMALL_BAD_DATA;
		if (d > g->len)
			return GUNZIP_SMALL_BAD_DATA;   /* before the start of the output */
		if (n > g->cap - g->len)
			return GUNZIP_SMALL_OUTPUT_FULL;
		while (n--) {
			g->out[g->len] = g->out[g->len - d];
			g->len++;
		}
	}
}

/** A stored block. */
static int stored(struct gz *g)
{
	unsigned n;

	g->bitbuf = 0;                          /* to the byte boundary */
	g->bitcnt = 0;
	if (g->in_len - g->pos < 4)
		return GUNZIP_SMALL_BAD_DATA;
	n = g->in[g->pos] | (unsigned)g->in[g->pos + 1] << 8;
	if ((n ^ 0xffffu) != (g->in[g->pos + 2] | (unsigned)g->in[g->pos + 3] << 8))
		return GUNZIP_SMALL_BAD_DATA;
	g->pos += 4;
	if (n > g->in_len - g->pos)
		return GUNZIP_SMALL_BAD_DATA;
	if (n > g->cap - g->len)
		return GUNZIP_SMALL_OUTPUT_FULL;
	memcpy(g->out + g->len, g->in + g->pos, n);
	g->pos += n;
	g->len += n;
	return 0;
}

/** Read a dynamic block's codes into lit and dist (fixed: the fixed ones). */
static int tables(struct gz *g, struct huff *lit, struct huff *dist, int fixed)
{
	uint8_t lens[320];
	unsigned nlit, ndist, i;

	if (fixed) {
		for (i = 0; i < 288; i++)
			lens[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
		for (; i < 318; i++)
			lens[i] = 5;
		nlit = 288;
		ndist = 30;
	} else {
		struct huff cl;
		unsigned ncl;

		nlit = bits(g, 5) + 257;
		ndist = bits(g, 5) + 1;
		ncl = bits(g, 4) + 4;
		if (nlit > 286 || ndist > 30)
			return GUNZIP_SMALL_BAD_DATA;
		memset(lens, 0, 19);
		for (i = 0; i < ncl; i++)
			lens[deflate_cl_order[i]] = (uint8_t)bits(g, 3);
		if (g->short_input || build(&cl, lens, 19, CODE_COMPLETE))
			return GUNZIP_SMALL_BAD_DATA;
		for (i = 0; i < nlit + ndist;) {
			int sym = decode(g, &cl);
			unsigned rep;
			uint8_t v = 0;

			if (sym < 0)
				return GUNZIP_SMALL_BAD_DATA;
			if (sym < 16) {
				lens[i++] = (uint8_t)sym;
				continue;
			}
			if (sym == 16) {
				if (i == 0)
					return GUNZIP_SMALL_BAD_DATA;
				v = lens[i - 1];
				rep = 3 + bits(g, 2);
			} else if (sym == 17) {
				rep = 3 + bits(g, 3);
			} else {
				rep = 11 + bits(g, 7);
			}
			if (g->short_input || rep > nlit + ndist - i)
				return GUNZIP_SMALL_BAD_DATA;
			while (rep--)
				lens[i++] = v;
		}
		if (lens[256] == 0)
			return GUNZIP_SMALL_BAD_DATA;   /* no end-of-block code */
	}
	if (build(lit, lens, nlit, fixed ? CODE_FIXED : CODE_DYNAMIC) ||
	    build(dist, lens + nlit, ndist, fixed ? CODE_FIXED : CODE_DYNAMIC))
		return GUNZIP_SMALL_BAD_DATA;
	return 0;
}

/** CRC-32 (polynomial 0xedb88320), a byte at a time with a table built here. */
static uint32_t crc32_small(uint32_t table[256], const uint8_t *p, size_t n)
{
	uint32_t c;
	unsigned i, k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
		table[i] = c;
	}
	c = 0xffffffffu;
	while (n--)
		c = (c >> 8) ^ table[(c ^ *p++) & 0xff];
	return ~c;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int gunzip_small(struct gunzip_small_ws *ws, const uint8_t *in, size_t in_len, uint8_t *out,
		 size_t out_cap, size_t *out_len)
{
	struct gz g;
	int last, rc = 0;

	memset(&g, 0, sizeof(g));
	g.in = in;
	g.in_len = in_len;
	g.out = out;
	g.cap = out_cap;
	/* A plain member: ID1 ID2, CM 8, no flags (what gzip -n and zopfli write). */
	if (in_len < 18 || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8 || in[3] != 0)
		rc = GUNZIP_SMALL_BAD_HEADER;
	g.pos = 10;
	do {
		unsigned type;

		if (rc)
			break;
		last = (int)bits(&g, 1);
		type = bits(&g, 2);
		if (g.short_input)
			rc = GUNZIP_SMALL_BAD_DATA;
		else if (type == 0)
			rc = stored(&g);
		else if (type == 3)
			rc = GUNZIP_SMALL_BAD_DATA;
		else if (!(rc = tables(&g, &ws->lit, &ws->dist, type == 1)))
			rc = codes(&g, &ws->lit, &ws->dist);
	} while (!last);
	if (!rc && (g.in_len - g.pos < 8 ||
		    le32(in + g.pos) != crc32_small(ws->crc, out, g.len) ||
		    le32(in + g.pos + 4) != (uint32_t)g.len))
		rc = GUNZIP_SMALL_BAD_CHECK;
	if (out_len)
		*out_len = g.len;
	return rc;
}
