/**
 * @file test_inflate.c
 *
 * The loader's own inflate (lib/inflate.c) against real gzip output: data
 * sets of every kind compressed with gzip at several levels and unpacked
 * again, PKZIP archives made with Python's zipfile and by hand, and damaged
 * or hand-made streams (bad CRC, ISIZE, header, NLEN, code sets, distances,
 * truncation at every point, short output) that must fail with the right code.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gunzip_small.h"
#include "inflate.h"
#include "test.h"

void test_inflate(void);

/** A small fixed-seed PRNG (xorshift32), so every run sees the same data. */
static uint32_t rng_state;

/** Next pseudo-random 32-bit value. */
static uint32_t rng(void)
{
	uint32_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
}

/** A byte buffer with its length. */
struct buf {
	uint8_t *p;
	size_t n;
};

/** Working directory for the files handed to gzip and python3. */
static char tmpdir[64];

/** Path of a file called name in tmpdir (static storage, two in rotation). */
static const char *tpath(const char *name)
{
	static char path[2][128];
	static int which;

	which ^= 1;
	snprintf(path[which], sizeof(path[which]), "%s/%s", tmpdir, name);
	return path[which];
}

/** Write n bytes to path. */
static int write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return 0;
	ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

/** Read a whole file (NULL p on failure). */
static struct buf read_file(const char *path)
{
	struct buf b = { NULL, 0 };
	FILE *f = fopen(path, "rb");
	long sz;

	if (!f)
		return b;
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	b.p = malloc(sz > 0 ? (size_t)sz : 1);
	if (b.p && fread(b.p, 1, (size_t)sz, f) == (size_t)sz)
		b.n = (size_t)sz;
	else {
		free(b.p);
		b.p = NULL;
	}
	fclose(f);
	return b;
}

/** Compress data with `gzip -c -N -<level>`; the file is named name. */
static struct buf gzip_data(const uint8_t *data, size_t n, int level, const char *name)
{
	char cmd[512];
	struct buf none = { NULL, 0 };

	if (!write_file(tpath(name), data, n))
		return none;
	snprintf(cmd, sizeof(cmd), "gzip -c -N -%d '%s' > '%s/out.gz'", level, tpath(name), tmpdir);
	if (system(cmd) != 0)
		return none;
	return read_file(tpath("out.gz"));
}

/** An exact-size heap copy of n bytes, so ASan catches reads past the end. */
static uint8_t *dup_exact(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);

	if (n)
		memcpy(q, p, n);
	return q;
}

/** Offset of the deflate data in a gzip member (header parsed here). */
static size_t gz_data_offset(const struct buf *gz)
{
	size_t p = 10;
	uint8_t flg = gz->p[3];

	if (flg & 4)
		p += 2 + (size_t)(gz->p[p] | gz->p[p + 1] << 8);
	if (flg & 8)
		p += strlen((const char *)gz->p + p) + 1;
	if (flg & 16)
		p += strlen((const char *)gz->p + p) + 1;
	if (flg & 2)
		p += 2;
	return p;
}

/** Progress callback bookkeeping. */
struct prog {
	int calls, monotonic;
	size_t last, total;
};

/** Progress callback: count calls, check that done only grows. */
static void on_progress(size_t done, size_t total, void *ctx)
{
	struct prog *pr = ctx;

	if (pr->calls && done < pr->last)
		pr->monotonic = 0;
	pr->calls++;
	pr->last = done;
	pr->total = total;
}

/* ---- data sets ---------------------------------------------------------- */

/** English-like text of about n bytes from a small vocabulary. */
static uint8_t *make_text(size_t n)
{
	static const char *words[] = {
		"the", "memory", "disk", "loader", "boot", "sector", "table", "of", "and",
		"a", "kernel", "image", "compressed", "BIOS", "INT 13h", "drive", "geometry",
		"syslinux", "is", "to", "in", "data", "block", "Huffman", "window", "\n",
	};
	uint8_t *p = malloc(n);
	size_t i = 0;

	while (i < n) {
		const char *w = words[rng() % (sizeof(words) / sizeof(words[0]))];
		size_t l = strlen(w);

		while (*w && i < n)
			p[i++] = (uint8_t)*w++;
		if (i < n && l)
			p[i++] = ' ';
	}
	return p;
}

/** n random bytes. */
static uint8_t *make_random(size_t n)
{
	uint8_t *p = malloc(n ? n : 1);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(rng() >> 24);
	return p;
}

/** A random 32 KiB block repeated: matches at exactly the largest distance. */
static uint8_t *make_far_repeat(size_t n)
{
	uint8_t *p = make_random(n);
	size_t i;

	for (i = 32768; i < n; i++)
		p[i] = p[i - 32768];
	return p;
}

/** Runs of short periods (1..9), runs of zeros, and random stretches. */
static uint8_t *make_periods(size_t n)
{
	uint8_t *p = malloc(n);
	size_t i = 0;

	while (i < n) {
		unsigned kind = rng() % 4, period = 1 + rng() % 9, k;
		size_t run = 1 + rng() % 700;
		uint8_t pat[9];

		for (k = 0; k < period; k++)
			pat[k] = (uint8_t)rng();
		for (k = 0; run-- && i < n; k++, i++)
			p[i] = kind == 0 ? (uint8_t)rng() : kind == 1 ? 0 : pat[k % period];
	}
	return p;
}

/** Something like a disk image: sectors of zeros, text, code-ish bytes, random. */
static uint8_t *make_mix(size_t n)
{
	uint8_t *p = malloc(n), *t = make_text(4096), *q = make_periods(8192);
	size_t i = 0;

	while (i < n) {
		size_t run = 512 * (1 + rng() % 16), k;
		unsigned kind = rng() % 5;

		for (k = 0; k < run && i < n; k++, i++)
			p[i] = kind == 0 ? 0 : kind == 1 ? t[(i + k) % 4096] :
			       kind == 2 ? q[k % 8192] : kind == 3 ? (uint8_t)(rng() >> 24) :
			       (uint8_t)(k * 7 + (k >> 5));
	}
	free(t);
	free(q);
	return p;
}

/* ---- round trips --------------------------------------------------------- */

/** BTYPE of the first deflate block of a gzip member. */
static unsigned first_btype(const struct buf *gz)
{
	return (gz->p[gz_data_offset(gz)] >> 1) & 3;
}

/**
 * Compress data with gzip -level, then check gunzip, gunzip_ws, inflate_raw,
 * a too-small output buffer, and (if cuts) truncation at every byte of the
 * first and last 64 and every cuts bytes in between.
 * Returns the first block's type, or -1 if gzip failed.
 */
static int roundtrip(const char *what, const uint8_t *data, size_t n, int level, size_t cuts)
{
	struct buf gz = gzip_data(data, n, level, "in.dat");
	static struct inflate_state st;
	static struct gunzip_small_ws sws;
	uint8_t *in, *out = malloc(n ? n : 1), *plain;
	size_t got = 12345, used = 0, off, i, plain_n;
	uint32_t isize = 0;
	struct prog pr = { 0, 1, 0, 0 };
	int rc, btype;

	if (!gz.p) {
		CHECK(!"gzip failed");
		free(out);
		return -1;
	}
	in = dup_exact(gz.p, gz.n);
	CHECK(gzip_detect(in, gz.n));
	CHECK_EQ(gzip_isize(in, gz.n, &isize), INFLATE_OK);
	CHECK_EQ(isize, (uint32_t)n);

	rc = gunzip(in, gz.n, out, n, &got, on_progress, &pr);
	if (rc != INFLATE_OK)
		fprintf(stderr, "  %s -%d: %s\n", what, level, inflate_strerror(rc));
	CHECK_EQ(rc, INFLATE_OK);
	CHECK_EQ(got, n);
	CHECK(n == 0 || !memcmp(out, data, n));
	CHECK(pr.calls == (int)(n >> 20) + 1 && pr.monotonic && pr.last == n && pr.total == n);

	memset(out, 0, n);
	CHECK_EQ(gunzip_ws(&st, in, gz.n, out, n, NULL, NULL, NULL), INFLATE_OK);
	CHECK(n == 0 || !memcmp(out, data, n));

	/* memdisk's small decoder (gunzip_small.c) on the same data, in a
	 * member without the file name (what pack-memdisk.sh writes): exactly
	 * sized, one byte short, and cut anywhere. */
	off = gz_data_offset(&gz);
	plain_n = 10 + gz.n - off;
	plain = malloc(plain_n);
	memcpy(plain, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
	memcpy(plain + 10, gz.p + off, gz.n - off);
	CHECK_EQ(gunzip_small(&sws, in, gz.n, out, n, &got), GUNZIP_SMALL_BAD_HEADER);
	memset(out, 0, n);
	got = 12345;
	CHECK_EQ(gunzip_small(&sws, plain, plain_n, out, n, &got), GUNZIP_SMALL_OK);
	CHECK_EQ(got, n);
	CHECK(n == 0 || !memcmp(out, data, n));
	if (n)
		CHECK_EQ(gunzip_small(&sws, plain, plain_n, out, n - 1, &got),
			 GUNZIP_SMALL_OUTPUT_FULL);

	/* The bare deflate stream, exactly sized. */
	off = gz_data_offset(&gz);
	free(in);
	in = dup_exact(gz.p + off, gz.n - off - 8);
	memset(out, 0, n);
	rc = inflate_raw(&st, in, gz.n - off - 8, &used, out, n, &got, NULL, NULL);
	CHECK_EQ(rc, INFLATE_OK);
	CHECK_EQ(used, gz.n - off - 8);
	CHECK_EQ(got, n);
	CHECK(n == 0 || !memcmp(out, data, n));
	free(in);

	in = dup_exact(gz.p, gz.n);
	if (n) {
		/* One byte short, and much shorter: an exact-size heap buffer. */
		uint8_t *small = malloc(n - 1 ? n - 1 : 1);

		CHECK_EQ(gunzip(in, gz.n, small, n - 1, &got, NULL, NULL), INFLATE_OUTPUT_FULL);
		CHECK(got <= n - 1);
		CHECK_EQ(gunzip(in, gz.n, small, (n - 1) / 3, &got, NULL, NULL), INFLATE_OUTPUT_FULL);
		free(small);
	}
	/* A bigger buffer is fine. */
	{
		uint8_t *big = malloc(n + 1000);

		CHECK_EQ(gunzip(in, gz.n, big, n + 1000, &got, NULL, NULL), INFLATE_OK);
		CHECK_EQ(got, n);
		free(big);
	}
	if (cuts) {
		int all = 1;

		/* Every byte near both ends, every cuts bytes in between. */
		for (i = 0; i < gz.n; i += i < 64 || gz.n - i <= 64 ? 1 : cuts) {
			uint8_t *cut = dup_exact(gz.p, i);

			rc = gunzip(cut, i, out, n, &got, NULL, NULL);
			if (rc != (i < 3 ? INFLATE_BAD_HEADER : INFLATE_TRUNCATED)) {
				fprintf(stderr, "  %s -%d cut at %zu/%zu: %s\n", what, level, i, gz.n,
					inflate_strerror(rc));
				all = 0;
			}
			if (i < plain_n) {
				uint8_t *pcut = dup_exact(plain, i);

				rc = gunzip_small(&sws, pcut, i, out, n, &got);
				if (rc == GUNZIP_SMALL_OK || got > n) {
					fprintf(stderr, "  %s -%d cut at %zu/%zu: gunzip_small %d\n",
						what, level, i, plain_n, rc);
					all = 0;
				}
				free(pcut);
			}
			free(cut);
		}
		CHECK(all);
	}
	btype = (int)first_btype(&gz);
	free(plain);
	free(in);
	free(gz.p);
	free(out);
	return btype;
}

/** Every data set through gzip at several levels. */
static void test_roundtrips(void)
{
	static const int levels[] = { 1, 6, 9 };
	uint8_t one = 'x';
	uint8_t *d;
	unsigned l;
	int bt;

	rng_state = 0x12345678;
	for (l = 0; l < 3; l++) {
		roundtrip("empty", (const uint8_t *)"", 0, levels[l], 1);
		roundtrip("one byte", &one, 1, levels[l], 1);
	}

	/* Short text: gzip uses the fixed code. */
	d = (uint8_t *)"hello, hello, hello world! hello world, hello memdisk.\n";
	bt = roundtrip("short text", d, strlen((char *)d), 9, 1);
	CHECK_EQ(bt, 1);

	d = make_text(200000);
	for (l = 0; l < 3; l++) {
		bt = roundtrip("text", d, 200000, levels[l], l == 1 ? 97 : 0);
		CHECK_EQ(bt, 2);
	}
	free(d);

	/* Random bytes: stored blocks. */
	d = make_random(100000);
	bt = roundtrip("random", d, 100000, 1, 0);
	CHECK_EQ(bt, 0);
	roundtrip("random", d, 100000, 9, 0);
	roundtrip("random small", d, 3000, 6, 1);
	free(d);

	d = calloc(1, 1 << 20);
	for (l = 0; l < 3; l++)
		roundtrip("zeros", d, 1 << 20, levels[l], l == 0 ? 101 : 0);
	free(d);

	d = make_far_repeat(200000);
	for (l = 0; l < 3; l++)
		roundtrip("far repeat", d, 200000, levels[l], 0);
	free(d);

	d = make_periods(300000);
	for (l = 0; l < 3; l++)
		roundtrip("periods", d, 300000, levels[l], l == 2 ? 331 : 0);
	free(d);

	/* Several MiB, many dynamic blocks, progress calls. */
	d = make_mix(3u << 20 | 777);
	roundtrip("mix", d, 3u << 20 | 777, 6, 0);
	roundtrip("mix", d, 3u << 20 | 777, 1, 0);
	free(d);
}

/* ---- hand-made streams --------------------------------------------------- */

/** A little bit writer, LSB first as DEFLATE packs them. */
struct bw {
	uint8_t b[1 << 16];
	size_t n;
	unsigned bit;
};

/** Append the low n bits of v, LSB first (header fields, extra bits). */
static void put_bits(struct bw *w, unsigned v, unsigned n)
{
	while (n--) {
		if (!w->bit)
			w->b[w->n++] = 0;
		w->b[w->n - 1] |= (uint8_t)((v & 1) << w->bit);
		w->bit = (w->bit + 1) & 7;
		v >>= 1;
	}
}

/** Append a Huffman code of len bits, MSB first. */
static void put_code(struct bw *w, unsigned code, unsigned len)
{
	while (len--)
		put_bits(w, (code >> len) & 1, 1);
}

/** Fixed-code literal/length symbol sym (RFC 1951 3.2.6). */
static void put_fixed(struct bw *w, unsigned sym)
{
	if (sym < 144)
		put_code(w, 0x30 + sym, 8);
	else if (sym < 256)
		put_code(w, 0x190 + sym - 144, 9);
	else if (sym < 280)
		put_code(w, sym - 256, 7);
	else
		put_code(w, 0xc0 + sym - 280, 8);
}

/** Raw-inflate n bytes of a hand-made stream into a 64 KiB buffer. */
static int raw(const uint8_t *p, size_t n, size_t *out_len, uint8_t *out)
{
	static struct inflate_state st;
	uint8_t *in = dup_exact(p, n);
	int rc = inflate_raw(&st, in, n, NULL, out, 65536, out_len, NULL, NULL);

	free(in);
	return rc;
}

/** raw(), then again with 64 zero bytes after the stream (the fast path). */
static int raw_padded(const uint8_t *p, size_t n, size_t *out_len, uint8_t *out)
{
	uint8_t *q = calloc(1, n + 64);
	int rc;

	memcpy(q, p, n);
	rc = raw(q, n + 64, out_len, out);
	free(q);
	return rc;
}

/** Canonical codes for code lengths lens[0..n) (RFC 1951 3.2.2). */
static void canon_codes(const uint8_t *lens, unsigned n, unsigned *codes)
{
	unsigned count[16] = { 0 }, next[16], code = 0, b, i;

	for (i = 0; i < n; i++)
		count[lens[i]]++;
	count[0] = 0;
	for (b = 1; b < 16; b++) {
		code = (code + count[b - 1]) << 1;
		next[b] = code;
	}
	for (i = 0; i < n; i++)
		codes[i] = lens[i] ? next[lens[i]]++ : 0;
}

/**
 * A dynamic block header sending the given code lengths, with a code length
 * code of sixteen 4-bit codes (so each length is its own 4-bit code).
 */
static void put_dyn_header(struct bw *w, const uint8_t *ll, unsigned hlit, const uint8_t *dl,
			   unsigned hdist)
{
	static const uint8_t order[19] = { 16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
					   11, 4,  12, 3, 13, 2, 14, 1, 15 };
	unsigned i;

	put_bits(w, 1, 1);
	put_bits(w, 2, 2);
	put_bits(w, hlit - 257, 5);
	put_bits(w, hdist - 1, 5);
	put_bits(w, 19 - 4, 4);
	for (i = 0; i < 19; i++)
		put_bits(w, order[i] < 16 ? 4 : 0, 3);
	for (i = 0; i < hlit; i++)
		put_code(w, ll[i], 4);
	for (i = 0; i < hdist; i++)
		put_code(w, dl[i], 4);
}

/** Wrap a raw deflate stream in a minimal gzip member. */
static size_t wrap_gzip(uint8_t *dst, const uint8_t *d, size_t n, uint32_t crc, uint32_t isize)
{
	static const uint8_t hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	unsigned i;

	memcpy(dst, hdr, 10);
	memcpy(dst + 10, d, n);
	for (i = 0; i < 4; i++) {
		dst[10 + n + i] = (uint8_t)(crc >> (8 * i));
		dst[14 + n + i] = (uint8_t)(isize >> (8 * i));
	}
	return n + 18;
}

/** Stored, fixed and dynamic blocks made by hand, good and bad. */
static void test_handmade(void)
{
	static uint8_t out[65536];
	uint8_t gz[1200];
	static struct bw w;
	size_t got, gn, i;

	/* A stored block "hello", then the same with a bad NLEN. */
	{
		uint8_t s[] = { 0x01, 5, 0, 0xfa, 0xff, 'h', 'e', 'l', 'l', 'o' };

		CHECK_EQ(raw(s, sizeof(s), &got, out), INFLATE_OK);
		CHECK_EQ(got, 5);
		CHECK(!memcmp(out, "hello", 5));
		gn = wrap_gzip(gz, s, sizeof(s), crc32_update(0, (const uint8_t *)"hello", 5), 5);
		CHECK_EQ(gunzip(gz, gn, out, sizeof(out), &got, NULL, NULL), INFLATE_OK);
		s[3] = 0xfb;
		CHECK_EQ(raw(s, sizeof(s), &got, out), INFLATE_BAD_DATA);
		gn = wrap_gzip(gz, s, sizeof(s), crc32_update(0, (const uint8_t *)"hello", 5), 5);
		CHECK_EQ(gunzip(gz, gn, out, sizeof(out), &got, NULL, NULL), INFLATE_BAD_DATA);
		s[3] = 0xfa;
		CHECK_EQ(raw(s, sizeof(s) - 1, &got, out), INFLATE_TRUNCATED);
		CHECK_EQ(raw(s, 3, &got, out), INFLATE_TRUNCATED);
		/* Stored data that does not fit. */
		CHECK_EQ(inflate_raw(&(struct inflate_state){ 0 }, s, sizeof(s), NULL, out, 4, &got,
				     NULL, NULL),
			 INFLATE_OUTPUT_FULL);
	}
	/* A non-final empty stored block, then a final one. */
	{
		const uint8_t s[] = { 0x00, 0, 0, 0xff, 0xff, 0x01, 0, 0, 0xff, 0xff };

		CHECK_EQ(raw(s, sizeof(s), &got, out), INFLATE_OK);
		CHECK_EQ(got, 0);
	}
	/* Block type 3. */
	{
		const uint8_t s[] = { 0x07, 0, 0, 0 };

		CHECK_EQ(raw(s, sizeof(s), &got, out), INFLATE_BAD_DATA);
	}
	/* Fixed code: 'a', match length 3 distance 1, EOB: "aaaa". */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed(&w, 'a');
	put_fixed(&w, 257);
	put_code(&w, 0, 5);
	put_fixed(&w, 256);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_OK);
	CHECK_EQ(got, 4);
	CHECK(!memcmp(out, "aaaa", 4));
	/* A fixed-code match of length 258 at distance 1, repeated: long runs. */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed(&w, 'z');
	for (i = 0; i < 200; i++) {
		put_fixed(&w, 285);
		put_code(&w, 0, 5);
	}
	put_fixed(&w, 256);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_OK);
	CHECK_EQ(got, 1 + 200 * 258);
	{
		int all = 1;

		for (i = 0; i < got; i++)
			all &= out[i] == 'z';
		CHECK(all);
	}
	/* A match before anything was written. */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed(&w, 257);
	put_code(&w, 0, 5);
	put_fixed(&w, 256);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	/* Distance 2 with one byte written. */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed(&w, 'q');
	put_fixed(&w, 257);
	put_code(&w, 1, 5);
	put_fixed(&w, 256);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	/* Distance symbol 30 and length symbol 286 exist only in the fixed code. */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed(&w, 'q');
	put_fixed(&w, 257);
	put_code(&w, 30, 5);
	put_fixed(&w, 256);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	CHECK_EQ(raw_padded(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed(&w, 'q');
	put_fixed(&w, 286);
	put_code(&w, 0, 5);
	put_fixed(&w, 256);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	/* The same stream padded to go through the fast path, ... */
	{
		uint8_t pad[300];

		memset(pad, 0, sizeof(pad));
		memcpy(pad, w.b, w.n);
		CHECK_EQ(raw(pad, sizeof(pad), &got, out), INFLATE_BAD_DATA);
	}
	/* ... and a far match with 270 literals before it (fast path too). */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	for (i = 0; i < 270; i++)
		put_fixed(&w, 'k');
	put_fixed(&w, 257);
	put_code(&w, 16, 5); /* distance 257..384 */
	put_bits(&w, 127, 7); /* 384 */
	put_fixed(&w, 256);
	for (i = 0; i < 64; i++)
		put_bits(&w, 0, 8);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_BAD_DATA);

	/* Dynamic blocks.  Code length code: 18 -> "0", 0 -> "10", 8 -> "11". */
#define DYN_START(hlit, hdist)                                                       \
	do {                                                                         \
		memset(&w, 0, sizeof(w));                                            \
		put_bits(&w, 1, 1);                                                  \
		put_bits(&w, 2, 2);                                                  \
		put_bits(&w, (hlit) - 257, 5);                                       \
		put_bits(&w, (hdist) - 1, 5);                                        \
		put_bits(&w, 5 - 4, 4);                                              \
		put_bits(&w, 0, 3); /* 16 */                                         \
		put_bits(&w, 0, 3); /* 17 */                                         \
		put_bits(&w, 1, 3); /* 18 */                                         \
		put_bits(&w, 2, 3); /* 0 */                                          \
		put_bits(&w, 2, 3); /* 8 */                                          \
	} while (0)
	/* 286 literal/length codes of 8 bits: over-subscribed. */
	DYN_START(286, 1);
	for (i = 0; i < 286; i++)
		put_code(&w, 3, 2);
	put_code(&w, 2, 2);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	/* Only EOB has a code (8 bits): incomplete literal/length code. */
	DYN_START(257, 1);
	put_code(&w, 0, 1);
	put_bits(&w, 138 - 11, 7);
	put_code(&w, 0, 1);
	put_bits(&w, 118 - 11, 7);
	put_code(&w, 3, 2);
	put_code(&w, 2, 2);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	/* 256 literals of 8 bits but no EOB code. */
	DYN_START(257, 1);
	for (i = 0; i < 256; i++)
		put_code(&w, 3, 2);
	put_code(&w, 2, 2);
	put_code(&w, 2, 2);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	/* A repeat running past HLIT + HDIST. */
	DYN_START(257, 1);
	put_code(&w, 0, 1);
	put_bits(&w, 138 - 11, 7);
	put_code(&w, 0, 1);
	put_bits(&w, 127, 7);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	/* Over-subscribed code length code: three 1-bit codes. */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 2, 2);
	put_bits(&w, 0, 5);
	put_bits(&w, 0, 5);
	put_bits(&w, 0, 4);
	put_bits(&w, 1, 3);
	put_bits(&w, 1, 3);
	put_bits(&w, 1, 3);
	put_bits(&w, 0, 3);
	for (i = 0; i < 8; i++)
		put_bits(&w, 0, 8);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	/* HLIT 287 is not allowed. */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 2, 2);
	put_bits(&w, 30, 5);
	for (i = 0; i < 8; i++)
		put_bits(&w, 0, 8);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	/*
	 * A dynamic block with literals 0..254 of 8 bits, 255 and EOB of 9 bits
	 * and no distance codes (one zero length); first with a code length
	 * code of three 2-bit codes (incomplete: refused), then four.
	 */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 2, 2);
	put_bits(&w, 0, 5);      /* HLIT 257 */
	put_bits(&w, 0, 5);      /* HDIST 1 */
	put_bits(&w, 15 - 4, 4); /* HCLEN 15 */
	{
		/* order: 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 */
		static const uint8_t cl[15] = { 0, 0, 0, 2, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0 };

		for (i = 0; i < 15; i++)
			put_bits(&w, cl[i], 3);
	}
	/* Canonical 2-bit codes in symbol order: 0 -> 00, 8 -> 01, 9 -> 10. */
	for (i = 0; i < 255; i++)
		put_code(&w, 1, 2);
	put_code(&w, 2, 2);
	put_code(&w, 2, 2);
	put_code(&w, 0, 2);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_BAD_DATA);

	/* Now the same with a complete code length code: 0, 8, 9, 18 -> 2 bits. */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 1, 1);
	put_bits(&w, 2, 2);
	put_bits(&w, 0, 5);
	put_bits(&w, 0, 5);
	put_bits(&w, 15 - 4, 4);
	{
		static const uint8_t cl[15] = { 0, 0, 2, 2, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0 };

		for (i = 0; i < 15; i++)
			put_bits(&w, cl[i], 3);
	}
	/* Codes: 0 -> 00, 8 -> 01, 9 -> 10, 18 -> 11. */
	for (i = 0; i < 255; i++)
		put_code(&w, 1, 2);
	put_code(&w, 2, 2);
	put_code(&w, 2, 2);
	put_code(&w, 0, 2);
	/* Literal/length code: 0..254 8 bits (codes 0..254), 255 and 256 9 bits
	 * (codes 510, 511).  Write "Hi" and EOB. */
	put_code(&w, 'H', 8);
	put_code(&w, 'i', 8);
	put_code(&w, 511, 9);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_OK);
	CHECK_EQ(got, 2);
	CHECK(!memcmp(out, "Hi", 2));
}

/**
 * Codes up to 15 bits long (beyond the lookup tables), the single 1-bit
 * distance code, an empty distance code, a lone end-of-block code.
 */
static void test_long_codes(void)
{
	static const unsigned lsyms[4] = { 256, 257, 265, 283 };
	static const unsigned dsyms[4] = { 13, 14, 15, 29 };
	static struct bw w;
	uint8_t ll[286] = { 0 }, dl[30] = { 0 }, *ref, *out;
	unsigned lc[286], dc[30], k, i;
	size_t n = 0, got = 0, cap = 1 << 20;
	int rc;

	/* 'A'..'M' 1..13 bits; four 15-bit literal/length codes; distances
	 * 0..12 1..13 bits, four 15-bit ones. */
	for (k = 0; k < 13; k++) {
		ll['A' + k] = (uint8_t)(k + 1);
		dl[k] = (uint8_t)(k + 1);
	}
	for (k = 0; k < 4; k++) {
		ll[lsyms[k]] = 15;
		dl[dsyms[k]] = 15;
	}
	canon_codes(ll, 286, lc);
	canon_codes(dl, 30, dc);
	ref = malloc(cap);
	out = malloc(cap);
	rng_state = 31337;
	memset(&w, 0, sizeof(w));
	put_dyn_header(&w, ll, 286, dl, 30);
	for (i = 0; i < 36000; i++) {
		unsigned r = rng();

		if (i < 33000 || r % 10 < 6) {
			/* A literal, long codes included. */
			unsigned sym = 'A' + (r >> 8) % 13;

			put_code(&w, lc[sym], ll[sym]);
			ref[n++] = (uint8_t)sym;
		} else {
			static const unsigned lbase[4] = { 0, 3, 11, 195 }, lext[4] = { 0, 0, 1, 5 };
			static const unsigned dbase[16] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25,
							   33, 49, 65, 97, 129, 193 };
			static const unsigned dext[16] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6 };
			unsigned li = 1 + (r >> 8) % 3, x = rng(), dsym, len, dist, e, j;

			put_code(&w, lc[lsyms[li]], 15);
			e = x & ((1u << lext[li]) - 1);
			put_bits(&w, e, lext[li]);
			len = lbase[li] + e;
			dsym = (x >> 8) % 17;
			if (dsym == 16) {
				dsym = 29;
				e = (x >> 13) & 8191;
				dist = 24577 + e;
				put_code(&w, dc[dsym], dl[dsym]);
				put_bits(&w, e, 13);
			} else {
				e = (x >> 13) & ((1u << dext[dsym]) - 1);
				dist = dbase[dsym] + e;
				put_code(&w, dc[dsym], dl[dsym]);
				put_bits(&w, e, dext[dsym]);
			}
			for (j = 0; j < len; j++, n++)
				ref[n] = ref[n - dist];
		}
	}
	put_code(&w, lc[256], 15);
	{
		static struct inflate_state st;
		uint8_t *in = dup_exact(w.b, w.n);
		size_t used = 0;

		rc = inflate_raw(&st, in, w.n, &used, out, n, &got, NULL, NULL);
		CHECK_EQ(rc, INFLATE_OK);
		CHECK_EQ(got, n);
		CHECK_EQ(used, w.n);
		CHECK(!memcmp(out, ref, n));
		free(in);
	}

	/* The single 1-bit distance code: "0" is distance 1, "1" is nothing. */
	memset(dl, 0, sizeof(dl));
	dl[0] = 1;
	memset(&w, 0, sizeof(w));
	put_dyn_header(&w, ll, 286, dl, 1);
	put_code(&w, lc['B'], ll['B']);
	put_code(&w, lc[257], 15);
	put_bits(&w, 0, 1);
	put_code(&w, lc[256], 15);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_OK);
	CHECK_EQ(got, 4);
	CHECK(!memcmp(out, "BBBB", 4));
	CHECK_EQ(raw_padded(w.b, w.n, &got, out), INFLATE_OK);
	memset(&w, 0, sizeof(w));
	put_dyn_header(&w, ll, 286, dl, 1);
	put_code(&w, lc['B'], ll['B']);
	put_code(&w, lc[257], 15);
	put_bits(&w, 1, 1);
	put_code(&w, lc[256], 15);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	CHECK_EQ(raw_padded(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	/* No distance codes at all: literals are fine, a match is not. */
	dl[0] = 0;
	memset(&w, 0, sizeof(w));
	put_dyn_header(&w, ll, 286, dl, 1);
	put_code(&w, lc['C'], ll['C']);
	put_code(&w, lc[256], 15);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_OK);
	CHECK_EQ(got, 1);
	memset(&w, 0, sizeof(w));
	put_dyn_header(&w, ll, 286, dl, 1);
	put_code(&w, lc['C'], ll['C']);
	put_code(&w, lc[257], 15);
	put_bits(&w, 0, 8);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	CHECK_EQ(raw_padded(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	/* A literal/length code of just EOB, 1 bit (allowed, as for distances):
	 * "0" ends the block, "1" is no code. */
	memset(ll, 0, sizeof(ll));
	ll[256] = 1;
	memset(&w, 0, sizeof(w));
	put_dyn_header(&w, ll, 257, dl, 1);
	put_bits(&w, 0, 1);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_OK);
	CHECK_EQ(got, 0);
	memset(&w, 0, sizeof(w));
	put_dyn_header(&w, ll, 257, dl, 1);
	put_bits(&w, 1, 1);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	CHECK_EQ(raw_padded(w.b, w.n, &got, out), INFLATE_BAD_DATA);
	/* Two fixed blocks in a row (the fixed tables are reused). */
	memset(&w, 0, sizeof(w));
	put_bits(&w, 0, 1);
	put_bits(&w, 1, 2);
	put_fixed(&w, 'x');
	put_fixed(&w, 256);
	put_bits(&w, 1, 1);
	put_bits(&w, 1, 2);
	put_fixed(&w, 'y');
	put_fixed(&w, 256);
	CHECK_EQ(raw(w.b, w.n, &got, out), INFLATE_OK);
	CHECK(got == 2 && !memcmp(out, "xy", 2));
	free(ref);
	free(out);
}

/* ---- gzip headers and trailers ------------------------------------------- */

/** Header flags, a damaged CRC or ISIZE, trailing data, other magic. */
static void test_gzip_wrapper(void)
{
	const char *msg = "A gzip member with every optional header field.\n";
	size_t n = strlen(msg), got, off, hn;
	struct buf gz = gzip_data((const uint8_t *)msg, n, 9, "hdr.txt");
	uint8_t out[256], *h, *in;
	uint32_t isize, crc;

	if (!gz.p) {
		CHECK(!"gzip failed");
		return;
	}
	/* gzip -N stored the name: FNAME. */
	CHECK(gz.p[3] & 8);
	off = gz_data_offset(&gz);

	/* Rebuild with FTEXT|FHCRC|FEXTRA|FNAME|FCOMMENT. */
	h = malloc(gz.n + 64);
	memcpy(h, gz.p, 10);
	h[3] = 1 | 2 | 4 | 8 | 16;
	hn = 10;
	h[hn++] = 5;
	h[hn++] = 0;
	memcpy(h + hn, "AB\1\0z", 5);
	hn += 5;
	memcpy(h + hn, "name.img", 9);
	hn += 9;
	memcpy(h + hn, "a comment", 10);
	hn += 10;
	crc = crc32_update(0, h, hn);
	h[hn++] = (uint8_t)crc;
	h[hn++] = (uint8_t)(crc >> 8);
	memcpy(h + hn, gz.p + off, gz.n - off);
	hn += gz.n - off;
	in = dup_exact(h, hn);
	CHECK_EQ(gunzip(in, hn, out, sizeof(out), &got, NULL, NULL), INFLATE_OK);
	CHECK_EQ(got, n);
	CHECK(!memcmp(out, msg, n));
	/* Every truncation of it. */
	{
		size_t i;
		int all = 1;

		for (i = 3; i < hn; i++)
			all &= gunzip(in, i, out, sizeof(out), &got, NULL, NULL) == INFLATE_TRUNCATED;
		CHECK(all);
	}
	/* Wrong header CRC. */
	in[10 + 2 + 5 + 9 + 10] ^= 1;
	CHECK_EQ(gunzip(in, hn, out, sizeof(out), &got, NULL, NULL), INFLATE_BAD_HEADER);
	in[10 + 2 + 5 + 9 + 10] ^= 1;
	/* Reserved flag. */
	in[3] |= 0x20;
	CHECK_EQ(gunzip(in, hn, out, sizeof(out), &got, NULL, NULL), INFLATE_BAD_HEADER);
	free(in);
	free(h);

	/* Damaged trailer, damaged data, trailing bytes. */
	in = dup_exact(gz.p, gz.n);
	in[gz.n - 8] ^= 0x40;
	CHECK_EQ(gunzip(in, gz.n, out, sizeof(out), &got, NULL, NULL), INFLATE_BAD_CRC);
	CHECK_EQ(got, n);
	in[gz.n - 8] ^= 0x40;
	in[gz.n - 4] ^= 1;
	CHECK_EQ(gunzip(in, gz.n, out, sizeof(out), &got, NULL, NULL), INFLATE_BAD_LENGTH);
	CHECK_EQ(gzip_isize(in, gz.n, &isize), INFLATE_OK);
	CHECK_EQ(isize, n ^ 1);
	in[gz.n - 4] ^= 1;
	in[gz.n - 1] ^= 0x80;
	CHECK_EQ(gunzip(in, gz.n, out, sizeof(out), &got, NULL, NULL), INFLATE_BAD_LENGTH);
	in[gz.n - 1] ^= 0x80;
	CHECK_EQ(gunzip(in, gz.n, out, sizeof(out), &got, NULL, NULL), INFLATE_OK);
	free(in);
	h = malloc(gz.n + 512);
	memcpy(h, gz.p, gz.n);
	memset(h + gz.n, 0, 512);
	CHECK_EQ(gunzip(h, gz.n + 512, out, sizeof(out), &got, NULL, NULL), INFLATE_OK);
	CHECK_EQ(got, n);
	/* Other method, other magic. */
	h[2] = 7;
	CHECK(!gzip_detect(h, gz.n));
	CHECK_EQ(gunzip(h, gz.n, out, sizeof(out), &got, NULL, NULL), INFLATE_BAD_HEADER);
	CHECK_EQ(gzip_isize(h, gz.n, &isize), INFLATE_BAD_HEADER);
	h[2] = 8;
	h[1] = 0x8c;
	CHECK_EQ(gunzip(h, gz.n, out, sizeof(out), &got, NULL, NULL), INFLATE_BAD_HEADER);
	CHECK(!gzip_detect(h, 2));
	CHECK(!gzip_detect(NULL, 0));
	CHECK_EQ(gunzip(NULL, 0, out, sizeof(out), &got, NULL, NULL), INFLATE_BAD_HEADER);
	free(h);
	free(gz.p);
}

/* ---- damage ---------------------------------------------------------------- */

/** Random damage to real members: any result but a crash, and OK means right. */
static void test_damage(void)
{
	uint8_t *d = make_mix(60000), *out = malloc(60000);
	struct buf gz = gzip_data(d, 60000, 6, "dmg.dat");
	int i, ok = 1, bad = 0;

	if (!gz.p) {
		CHECK(!"gzip failed");
		free(d);
		free(out);
		return;
	}
	rng_state = 4242;
	for (i = 0; i < 3000; i++) {
		uint8_t *in = dup_exact(gz.p, gz.n);
		unsigned k, flips = 1 + rng() % 4;
		size_t got;
		int rc;

		for (k = 0; k < flips; k++)
			in[10 + rng() % (gz.n - 10)] ^= (uint8_t)(1u << (rng() % 8));
		rc = gunzip(in, gz.n, out, 60000, &got, NULL, NULL);
		if (rc == INFLATE_OK)
			ok &= got == 60000 && !memcmp(out, d, 60000);
		else
			bad++;
		ok &= rc >= INFLATE_OK && rc <= INFLATE_OUTPUT_FULL;
		free(in);
	}
	CHECK(ok);
	CHECK(bad > 2900);
	free(gz.p);
	free(d);
	free(out);
}

/* ---- PKZIP --------------------------------------------------------------- */

/** Append a 16- or 32-bit little-endian value. */
static void le(uint8_t **p, uint32_t v, int bytes)
{
	while (bytes--) {
		*(*p)++ = (uint8_t)v;
		v >>= 8;
	}
}

/**
 * Make a one-entry zip from data by hand: method 8 from gzip's deflate data,
 * or 0 stored; with a data descriptor if dd.  Returns its length.
 */
static size_t make_zip(uint8_t *z, const uint8_t *data, size_t n, int method, int dd)
{
	struct buf gz = { NULL, 0 };
	const uint8_t *body = data;
	size_t bn = n, cd;
	uint32_t crc = crc32_update(0, data, n);
	uint8_t *p = z;

	if (method == 8) {
		size_t off;

		gz = gzip_data(data, n, 9, "zip.dat");
		off = gz_data_offset(&gz);
		body = gz.p + off;
		bn = gz.n - off - 8;
	}
	le(&p, 0x04034b50, 4);
	le(&p, 20, 2);
	le(&p, dd ? 8 : 0, 2);
	le(&p, (uint32_t)method, 2);
	le(&p, 0, 4);
	le(&p, dd ? 0 : crc, 4);
	le(&p, dd ? 0 : (uint32_t)bn, 4);
	le(&p, dd ? 0 : (uint32_t)n, 4);
	le(&p, 5, 2);
	le(&p, 4, 2);
	memcpy(p, "x.img", 5);
	p += 5;
	le(&p, 0xcafe, 2);
	le(&p, 0, 2);
	memcpy(p, body, bn);
	p += bn;
	if (dd) {
		le(&p, 0x08074b50, 4);
		le(&p, crc, 4);
		le(&p, (uint32_t)bn, 4);
		le(&p, (uint32_t)n, 4);
	}
	cd = (size_t)(p - z);
	le(&p, 0x02014b50, 4);
	le(&p, 20, 2);
	le(&p, 20, 2);
	le(&p, dd ? 8 : 0, 2);
	le(&p, (uint32_t)method, 2);
	le(&p, 0, 4);
	le(&p, crc, 4);
	le(&p, (uint32_t)bn, 4);
	le(&p, (uint32_t)n, 4);
	le(&p, 5, 2);
	le(&p, 0, 2);
	le(&p, 0, 2);
	le(&p, 0, 2);
	le(&p, 0, 2);
	le(&p, 0, 4);
	le(&p, 0, 4);
	memcpy(p, "x.img", 5);
	p += 5;
	le(&p, 0x06054b50, 4);
	le(&p, 0, 2);
	le(&p, 0, 2);
	le(&p, 1, 2);
	le(&p, 1, 2);
	le(&p, (uint32_t)(p - z - cd - 12), 4);
	le(&p, (uint32_t)cd, 4);
	le(&p, 0, 2);
	free(gz.p);
	return (size_t)(p - z);
}

/** Check unzip_first on a zip: OK with the data, short output, truncation. */
static void check_zip(const char *what, const uint8_t *z, size_t zn, const uint8_t *data, size_t n)
{
	uint8_t *in = dup_exact(z, zn), *out = malloc(n + 16);
	size_t got = 0, i, cd, end;
	uint32_t usize = 0;
	int rc, all = 1;
	struct prog pr = { 0, 1, 0, 0 };

	CHECK(zip_detect(in, zn));
	CHECK(!gzip_detect(in, zn));
	CHECK_EQ(zip_usize(in, zn, &usize), INFLATE_OK);
	CHECK_EQ(usize, n);
	rc = unzip_first(in, zn, out, n, &got, on_progress, &pr);
	if (rc)
		fprintf(stderr, "  %s: %s\n", what, inflate_strerror(rc));
	CHECK_EQ(rc, INFLATE_OK);
	CHECK_EQ(got, n);
	CHECK(!memcmp(out, data, n));
	CHECK(pr.calls >= 1 && pr.last == n && pr.total == n && pr.monotonic);
	CHECK_EQ(unzip_first(in, zn, out, n - 1, &got, NULL, NULL), INFLATE_OUTPUT_FULL);
	/* Cut anywhere before the end of the entry's data: some error (which
	 * depends on what the cut removed), never a crash.  The entry's data
	 * ends csize (from the central directory: no comment, so the end
	 * record is the last 22 bytes) after the local header. */
	cd = z[zn - 6] | z[zn - 5] << 8 | z[zn - 4] << 16 | (size_t)z[zn - 3] << 24;
	end = 30 + (size_t)(z[26] | z[27] << 8) + (size_t)(z[28] | z[29] << 8) +
	      (z[cd + 20] | z[cd + 21] << 8 | z[cd + 22] << 16 | (size_t)z[cd + 23] << 24);
	CHECK(end <= zn);
	for (i = 0; i < end; i += 1 + end / 300) {
		uint8_t *cut = dup_exact(z, i);

		rc = unzip_first(cut, i, out, n, &got, NULL, NULL);
		all &= rc != INFLATE_OK;
		free(cut);
	}
	CHECK(all);
	free(in);
	free(out);
}

/** PKZIP archives: by hand (all variants) and by Python's zipfile. */
static void test_zip(void)
{
	size_t n = 150000, zn;
	uint8_t *d, *z;
	char cmd[2048];
	struct buf b;

	rng_state = 777;
	d = make_mix(n);
	z = malloc(2 * n + 1000);
	zn = make_zip(z, d, n, 8, 0);
	check_zip("zip deflate", z, zn, d, n);
	zn = make_zip(z, d, n, 8, 1);
	check_zip("zip deflate+descriptor", z, zn, d, n);
	zn = make_zip(z, d, n, 0, 0);
	check_zip("zip stored", z, zn, d, n);
	zn = make_zip(z, d, n, 0, 1);
	check_zip("zip stored+descriptor", z, zn, d, n);
	/* Bad CRC in the local header, encrypted, unknown method, not a zip. */
	zn = make_zip(z, d, n, 8, 0);
	z[14] ^= 1;
	{
		uint8_t *out = malloc(n);
		size_t got;
		uint32_t us;

		CHECK_EQ(unzip_first(z, zn, out, n, &got, NULL, NULL), INFLATE_BAD_CRC);
		z[14] ^= 1;
		z[22] ^= 1;
		CHECK_EQ(unzip_first(z, zn, out, n, &got, NULL, NULL), INFLATE_BAD_LENGTH);
		z[22] ^= 1;
		z[6] |= 1;
		CHECK(!zip_detect(z, zn));
		CHECK_EQ(unzip_first(z, zn, out, n, &got, NULL, NULL), INFLATE_BAD_HEADER);
		z[6] &= ~1;
		z[8] = 12;
		CHECK(!zip_detect(z, zn));
		CHECK_EQ(unzip_first(z, zn, out, n, &got, NULL, NULL), INFLATE_BAD_HEADER);
		CHECK_EQ(zip_usize(z, zn, &us), INFLATE_BAD_HEADER);
		z[8] = 8;
		CHECK_EQ(unzip_first(z, zn, out, n, &got, NULL, NULL), INFLATE_OK);
		z[0] = 'Q';
		CHECK_EQ(unzip_first(z, zn, out, n, &got, NULL, NULL), INFLATE_BAD_HEADER);
		CHECK(!zip_detect(NULL, 0));
		free(out);
	}

	/* Real archives from Python's zipfile: seekable (sizes in the local
	 * header) and streamed to something that cannot seek (data descriptor). */
	if (system("command -v python3 >/dev/null 2>&1") == 0 &&
	    write_file(tpath("z.img"), d, n)) {
		snprintf(cmd, sizeof(cmd),
			 "cd '%s' && python3 -c 'import zipfile\n"
			 "with zipfile.ZipFile(\"a.zip\", \"w\", zipfile.ZIP_DEFLATED) as z:\n"
			 " z.write(\"z.img\")\n"
			 " z.write(\"z.img\", \"second\")\n"
			 "class Pipe:\n"
			 " def __init__(self, f): self.f = f\n"
			 " def write(self, b): return self.f.write(b)\n"
			 " def flush(self): self.f.flush()\n"
			 "with open(\"b.zip\", \"wb\") as f:\n"
			 " with zipfile.ZipFile(Pipe(f), \"w\", zipfile.ZIP_DEFLATED) as z:\n"
			 "  z.write(\"z.img\")\n'",
			 tmpdir);
		if (system(cmd) == 0) {
			b = read_file(tpath("a.zip"));
			if (b.p) {
				check_zip("python zip", b.p, b.n, d, n);
				free(b.p);
			}
			b = read_file(tpath("b.zip"));
			if (b.p) {
				CHECK(b.p[6] & 8);
				check_zip("python zip streamed", b.p, b.n, d, n);
				free(b.p);
			}
		} else {
			fprintf(stderr, "  note: python3 zipfile failed, skipped\n");
		}
	}
	free(z);
	free(d);
}

/* ---- CRC-32, messages ------------------------------------------------------ */

/** Bit-at-a-time reference CRC-32. */
static uint32_t crc_ref(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	int k;

	while (n--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

/** Known values, chaining, every alignment and length. */
static void test_crc(void)
{
	uint8_t *d;
	size_t a, l;
	int all = 1;

	CHECK_EQ(crc32_update(0, (const uint8_t *)"123456789", 9), 0xcbf43926u);
	CHECK_EQ(crc32_update(0, NULL, 0), 0);
	CHECK_EQ(crc32_update(0, (const uint8_t *)"a", 1), 0xe8b7be43u);
	CHECK_EQ(crc32_update(crc32_update(0, (const uint8_t *)"1234", 4), (const uint8_t *)"56789", 5),
		 0xcbf43926u);
	rng_state = 99;
	d = make_random(4096);
	for (a = 0; a < 8; a++)
		for (l = 0; l + a < 200; l++)
			all &= crc32_update(0, d + a, l) == crc_ref(d + a, l);
	all &= crc32_update(0, d, 4096) == crc_ref(d, 4096);
	all &= crc32_update(crc32_update(0, d, 1001), d + 1001, 3095) == crc_ref(d, 4096);
	CHECK(all);
	free(d);
}

/** Every status has its own message. */
static void test_strerror(void)
{
	int i, j, all = 1;

	CHECK_STR(inflate_strerror(INFLATE_OK), "ok");
	CHECK_STR(inflate_strerror(-1), "unknown error");
	for (i = INFLATE_OK; i <= INFLATE_OUTPUT_FULL; i++)
		for (j = INFLATE_OK; j < i; j++)
			all &= strcmp(inflate_strerror(i), inflate_strerror(j)) != 0;
	CHECK(all);
}

/** The stated-size judgement: the example, the edges of each rule. */
static void test_size_check(void)
{
	const uint64_t MiB = 1 << 20;

	/* 100 MB cut to 50 MB, the "trailer" says 2402 MiB, a 512 MiB machine. */
	CHECK_EQ(inflate_size_check(2402 * MiB, 50 * MiB, 512 * MiB), INFLATE_SIZE_OVER_RAM);
	/* The same on a 4 GiB machine: possible, so "not enough memory" stays the caller's. */
	CHECK_EQ(inflate_size_check(2402 * MiB, 50 * MiB, 4096 * MiB), INFLATE_SIZE_OK);
	/* A small cut file stating 4 GiB - 1: more than deflate can give. */
	CHECK_EQ(inflate_size_check(0xffffffffu, 1 * MiB, 0), INFLATE_SIZE_IMPOSSIBLE);
	CHECK_EQ(inflate_size_check(1032 * 1000ull, 1000, 0), INFLATE_SIZE_OK);
	CHECK_EQ(inflate_size_check(1032 * 1000ull + 1, 1000, 0), INFLATE_SIZE_IMPOSSIBLE);
	CHECK_EQ(inflate_size_check(0, 1000, 0), INFLATE_SIZE_EMPTY);
	/* RAM unknown (0): only the ratio applies; at exactly the RAM: fine. */
	CHECK_EQ(inflate_size_check(600 * MiB, 1 * MiB, 0), INFLATE_SIZE_OK);
	CHECK_EQ(inflate_size_check(600 * MiB, 1 * MiB, 600 * MiB), INFLATE_SIZE_OK);
	CHECK_EQ(inflate_size_check(600 * MiB, 1 * MiB, 512 * MiB), INFLATE_SIZE_OVER_RAM);
}

/** gunzip_small refuses incomplete codes as gunzip does (a fuzzer's find:
 * a dynamic block whose code lengths leave codes unused, then an empty
 * output with a matching trailer, once accepted by gunzip_small alone). */
static void test_small_incomplete(void)
{
	static const uint8_t in[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x03, 0x7d, 0x56, 0x5d, 0x6f,
		0xdb, 0x38, 0x10, 0x7c, 0xb6, 0x7f, 0xc5, 0xa2, 0x07, 0x5c, 0xfd, 0x21, 0x7f, 0x48,
		0x8e, 0x1d, 0xbb, 0x76, 0x82, 0xeb, 0xe5, 0xda, 0xa7, 0x3e, 0x15, 0x7d, 0x82, 0x0b,
		0x9b, 0x28, 0x40, 0x96, 0xa8, 0x4c, 0x05, 0xa2, 0x94, 0x34, 0xed, 0xf5, 0xbf, 0xdf,
		0x0c, 0x29, 0xcb, 0x4e, 0x5a, 0x5c, 0xa0, 0x24, 0x12, 0x77, 0x77, 0x38, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x3b, 0xbb, 0x5c, 0x69, 0x32, 0x18, 0x74, 0x65, 0x28, 0x08
	};
	static struct gunzip_small_ws sws;
	uint8_t out[64];
	size_t got = 99;

	CHECK_EQ(gunzip(in, sizeof(in), out, sizeof(out), &got, NULL, NULL), INFLATE_BAD_DATA);
	CHECK_EQ(gunzip_small(&sws, in, sizeof(in), out, sizeof(out), &got), GUNZIP_SMALL_BAD_DATA);
}

void test_inflate(void)
{
	char cmd[128];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/memboot-inflate-%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", tmpdir);
	if (system(cmd) != 0) {
		CHECK(!"mkdir tmpdir");
		return;
	}
	CHECK(sizeof(struct inflate_state) < 5000);
	test_crc();
	test_strerror();
	test_handmade();
	test_long_codes();
	test_gzip_wrapper();
	test_roundtrips();
	test_damage();
	test_zip();
	test_size_check();
	test_small_incomplete();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		CHECK(!"rm tmpdir");
}
