/**
 * @file options.c
 *
 * Parser for the memdisk command line (see options.h). Each word is looked
 * up by its name (the part before '='); values are parsed with explicit
 * overflow checks.
 */
#include "options.h"

#include "libc.h"

/** Which size suffixes a value may carry. */
enum suffixes {
	SUF_NONE = 0,           /**< a plain number */
	SUF_K = 1,              /**< K only */
	SUF_KMG = 2,            /**< K, M or G */
};

/**
 * Is @p c a word separator?
 *
 * @param c  character
 * @return 1 for space, tab, CR, LF; 0 otherwise
 */
static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/**
 * The value of a digit in a base.
 *
 * @param c     character
 * @param base  10 or 16
 * @return 0..base-1, or -1 when @p c is not a digit of @p base
 */
static int digit_value(char c, unsigned base)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return (unsigned)d < base ? d : -1;
}

/**
 * Is @p c an ASCII letter?
 *
 * @param c  character
 * @return 1 or 0
 */
static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/**
 * Parse an unsigned number with an optional size suffix.
 *
 * @param p         first character (not NUL-terminated)
 * @param n         number of characters
 * @param suffixes  enum suffixes: which suffixes are allowed
 * @param out       the value (bytes when a suffix was applied)
 * @return OPTIONS_R_NONE on success, else an enum options_reason
 */
static int parse_number(const char *p, size_t n, int suffixes, uint64_t *out)
{
	uint64_t v = 0, mul = 1;
	unsigned base = 10;
	size_t i = 0, digits = 0;
	int overflow = 0;
	char c;

	if (n == 0)
		return OPTIONS_R_MISSING;
	if (n >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (; i < n; i++) {
		int d = digit_value(p[i], base);

		if (d < 0)
			break;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			overflow = 1;
		else
			v = v * base + (uint64_t)d;
		digits++;
	}
	if (!digits)
		return OPTIONS_R_NUMBER;
	if (i < n) {
		c = p[i];
		if (!is_alpha(c))
			return OPTIONS_R_NUMBER;
		if (i + 1 != n || suffixes == SUF_NONE)
			return OPTIONS_R_SUFFIX;
		if (c == 'k' || c == 'K')
			mul = 1024u;
		else if (suffixes == SUF_KMG && (c == 'm' || c == 'M'))
			mul = 1024u * 1024u;
		else if (suffixes == SUF_KMG && (c == 'g' || c == 'G'))
			mul = 1024u * 1024u * 1024u;
		else
			return OPTIONS_R_SUFFIX;
	}
	if (overflow || v > UINT64_MAX / mul)
		return OPTIONS_R_RANGE;
	*out = v * mul;
	return OPTIONS_R_NONE;
}

/**
 * Copy a word into a fixed buffer, cut to OPTIONS_WORD_MAX characters.
 *
 * @param dst  OPTIONS_WORD_MAX + 1 bytes
 * @param w    the word
 * @param n    its length
 */
static void copy_word(char *dst, const char *w, size_t n)
{
	if (n > OPTIONS_WORD_MAX)
		n = OPTIONS_WORD_MAX;
	memcpy(dst, w, n);
	dst[n] = '\0';
}

/**
 * Record a malformed word.
 *
 * @param o       options being filled
 * @param w       the word
 * @param n       its length
 * @param reason  enum options_reason
 */
static void add_error(struct options *o, const char *w, size_t n, int reason)
{
	if (o->n_errors < OPTIONS_MAX_ERRORS) {
		copy_word(o->errors[o->n_errors].word, w, n);
		o->errors[o->n_errors].reason = reason;
	}
	if (o->n_errors < 0xffffffffu)
		o->n_errors++;
}

/**
 * Record an unknown word.
 *
 * @param o  options being filled
 * @param w  the word
 * @param n  its length
 */
static void add_unknown(struct options *o, const char *w, size_t n)
{
	if (o->n_unknown < OPTIONS_MAX_UNKNOWN)
		copy_word(o->unknown[o->n_unknown], w, n);
	if (o->n_unknown < 0xffffffffu)
		o->n_unknown++;
}

/**
 * Does the name (the part of a word before '=') equal @p s?
 *
 * @param name  the name
 * @param n     its length
 * @param s     NUL-terminated option name
 * @return 1 or 0
 */
static int name_is(const char *name, size_t n, const char *s)
{
	return strlen(s) == n && !memcmp(name, s, n);
}

/**
 * Parse a value and check it against a maximum; on error record the word.
 *
 * @param o         options being filled
 * @param w         the whole word (for the record)
 * @param wn        its length
 * @param v         the value part
 * @param vn        its length
 * @param suffixes  enum suffixes
 * @param max       largest value accepted
 * @param out       the value
 * @return 0 on success, -1 when the word was recorded as an error
 */
static int value(struct options *o, const char *w, size_t wn, const char *v,
		 size_t vn, int suffixes, uint64_t max, uint64_t *out)
{
	uint64_t x = 0;
	int r = parse_number(v, vn, suffixes, &x);

	if (r == OPTIONS_R_NONE && x > max)
		r = OPTIONS_R_RANGE;
	if (r != OPTIONS_R_NONE) {
		add_error(o, w, wn, r);
		return -1;
	}
	*out = x;
	return 0;
}

/**
 * Apply one word of the command line.
 *
 * @param o  options being filled
 * @param w  the word (not NUL-terminated)
 * @param n  its length (at least 1)
 */
static void apply_word(struct options *o, const char *w, size_t n)
{
	size_t nl = 0;
	const char *v = NULL;
	size_t vn = 0;
	int has_value;
	uint64_t x;

	while (nl < n && w[nl] != '=')
		nl++;
	has_value = nl < n;
	if (has_value) {
		v = w + nl + 1;
		vn = n - nl - 1;
	}

	/* Words boot loaders add on their own: ignored silently. So are the
	 * words for memboot's Linux side (memboot.sha256, memboot.backend=...):
	 * memdisk-attach reads them from the command line the tables carry. */
	if (name_is(w, nl, "initrd") || name_is(w, nl, "BOOT_IMAGE") ||
	    name_is(w, nl, "vga") || name_is(w, nl, "keeppxe") ||
	    (nl > 8 && !memcmp(w, "memboot.", 8)))
		return;

	/* a20=bios|kbc|fast (setup.S reads the same word to pick the method). */
	if (name_is(w, nl, "a20")) {
		if (!has_value || vn == 0)
			add_error(o, w, n, OPTIONS_R_MISSING);
		else if (vn == 4 && !memcmp(v, "bios", 4))
			o->a20 = OPTIONS_A20_BIOS;
		else if (vn == 3 && !memcmp(v, "kbc", 3))
			o->a20 = OPTIONS_A20_KBC;
		else if (vn == 4 && !memcmp(v, "fast", 4))
			o->a20 = OPTIONS_A20_FAST;
		else
			add_error(o, w, n, OPTIONS_R_A20);
		return;
	}

	/* Options with a value. */
	if (name_is(w, nl, "offset") || name_is(w, nl, "mem") ||
	    name_is(w, nl, "c") || name_is(w, nl, "h") || name_is(w, nl, "s") ||
	    name_is(w, nl, "stack")) {
		if (!has_value || vn == 0) {
			add_error(o, w, n, OPTIONS_R_MISSING);
			return;
		}
		if (name_is(w, nl, "offset")) {
			if (!value(o, w, n, v, vn, SUF_KMG, UINT64_MAX, &x))
				o->offset = x;
		} else if (name_is(w, nl, "mem")) {
			if (!value(o, w, n, v, vn, SUF_KMG, UINT64_MAX, &x)) {
				if (x == 0) {
					add_error(o, w, n, OPTIONS_R_RANGE);
				} else {
					o->mem = x;
					o->mem_given = 1;
				}
			}
		} else if (name_is(w, nl, "stack")) {
			if (!value(o, w, n, v, vn, SUF_K, OPTIONS_STACK_MAX, &x))
				o->stack = (uint32_t)x;
		} else if (!value(o, w, n, v, vn, SUF_NONE, 0xffffffffu, &x)) {
			if (w[0] == 'c') {
				o->c = (uint32_t)x;
				o->chs_given |= OPTIONS_CHS_C;
			} else if (w[0] == 'h') {
				o->h = (uint32_t)x;
				o->chs_given |= OPTIONS_CHS_H;
			} else {
				o->s = (uint32_t)x;
				o->chs_given |= OPTIONS_CHS_S;
			}
		}
		return;
	}

	/* floppy[=N], harddisk[=N] */
	if (name_is(w, nl, "floppy") || name_is(w, nl, "harddisk")) {
		int force = w[0] == 'f' ? OPTIONS_FORCE_FLOPPY : OPTIONS_FORCE_HARDDISK;

		if (has_value) {
			if (vn == 0) {
				add_error(o, w, n, OPTIONS_R_MISSING);
				return;
			}
			if (value(o, w, n, v, vn, SUF_NONE, 0xff, &x))
				return;
			o->drive = (uint8_t)x;
			o->drive_given = 1;
		} else {
			o->drive = 0;
			o->drive_given = 0;
		}
		o->force = force;
		return;
	}

	/* Flags: each sets one int field of the result to a value. */
	{
		static const struct {
			const char *name;
			unsigned short field;   /* offsetof(struct options, ...) */
			unsigned char val;
		} flags[] = {
			{ "iso", offsetof(struct options, iso), 1 },
			{ "ro", offsetof(struct options, ro), 1 },
			{ "nopass", offsetof(struct options, nopass), 1 },
			{ "nopassany", offsetof(struct options, nopassany), 1 },
			{ "pause", offsetof(struct options, pause), 1 },
			{ "pmem", offsetof(struct options, pmem), 1 },
			{ "inject", offsetof(struct options, inject), OPTIONS_TRI_ON },
			{ "noinject", offsetof(struct options, inject), OPTIONS_TRI_OFF },
			{ "edd", offsetof(struct options, edd), OPTIONS_TRI_ON },
			{ "ebios", offsetof(struct options, edd), OPTIONS_TRI_ON },
			{ "noedd", offsetof(struct options, edd), OPTIONS_TRI_OFF },
			{ "noebios", offsetof(struct options, edd), OPTIONS_TRI_OFF },
			{ "cbios", offsetof(struct options, edd), OPTIONS_TRI_OFF },
			{ "dpt", offsetof(struct options, dpt), OPTIONS_TRI_ON },
			{ "nodpt", offsetof(struct options, dpt), OPTIONS_TRI_OFF },
			{ "safeint", offsetof(struct options, himem), OPTIONS_HIMEM_SAFEINT },
			{ "int", offsetof(struct options, himem), OPTIONS_HIMEM_INT },
			{ "raw", offsetof(struct options, himem), OPTIONS_HIMEM_RAW },
			{ "bigraw", offsetof(struct options, himem), OPTIONS_HIMEM_BIGRAW },
		};
		size_t i;

		for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
			if (!name_is(w, nl, flags[i].name))
				continue;
			if (has_value)
				add_error(o, w, n, OPTIONS_R_NOVALUE);
			else
				*(int *)(void *)((char *)o + flags[i].field) = flags[i].val;
			return;
		}
	}

	add_unknown(o, w, n);
}

int options_parse(const char *cmdline, struct options *o)
{
	const char *p = cmdline;

	if (!o)
		return OPTIONS_E_ARG;
	memset(o, 0, sizeof(*o));
	if (!p)
		return OPTIONS_OK;
	for (;;) {
		const char *start;
		int quoted = 0;

		while (*p && is_blank(*p))
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && (quoted || !is_blank(*p))) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		apply_word(o, start, (size_t)(p - start));
	}
	return o->n_errors ? OPTIONS_E_INVALID : OPTIONS_OK;
}

const char *options_reason_str(int reason)
{
	switch (reason) {
	case OPTIONS_R_NONE: return "no error";
	case OPTIONS_R_MISSING: return "value missing";
	case OPTIONS_R_NUMBER: return "not a number";
	case OPTIONS_R_SUFFIX: return "unknown size suffix";
	case OPTIONS_R_RANGE: return "value out of range";
	case OPTIONS_R_NOVALUE: return "takes no value";
	case OPTIONS_R_A20: return "not bios, kbc or fast";
	default: return "unknown error";
	}
}
