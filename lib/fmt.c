/**
 * @file fmt.c
 *
 * The loaders' printf (see fmt.h).
 */
#include "fmt.h"

#include <stdint.h>

/** Emit @p v in base @p base, at least @p width digits padded with @p pad. */
static size_t put_num(fmt_sink *sink, void *ctx, uint64_t v, unsigned base, int width, char pad)
{
	char buf[24];
	size_t n = 0, out = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	for (; (int)n < width; width--, out++)
		sink(pad, ctx);
	out += n;
	while (n)
		sink(buf[--n], ctx);
	return out;
}

size_t fmt_vformat(fmt_sink *sink, void *ctx, const char *fmt, va_list ap)
{
	size_t out = 0;

	for (; *fmt; fmt++) {
		int width = 0, longs = 0;
		char pad = ' ';

		if (*fmt != '%') {
			sink(*fmt, ctx);
			out++;
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		/* l is 64-bit only where long is (x86_64 ELF); ll always. */
		int wide = longs >= 2 || (longs == 1 && sizeof(long) == 8);

		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			for (; *s; s++, out++)
				sink(*s, ctx);
			break;
		}
		case 'c':
			sink((char)va_arg(ap, int), ctx);
			out++;
			break;
		case 'd': {
			int64_t v = wide ? (int64_t)va_arg(ap, long long) : va_arg(ap, int);
			uint64_t mag = (uint64_t)v;

			if (v < 0) {
				sink('-', ctx);
				out++;
				mag = 0 - mag;
			}
			out += put_num(sink, ctx, mag, 10, width, pad);
			break;
		}
		case 'u':
		case 'x':
			out += put_num(sink, ctx,
				       wide ? (uint64_t)va_arg(ap, unsigned long long)
					    : va_arg(ap, unsigned),
				       *fmt == 'u' ? 10 : 16, width, pad);
			break;
		case '%':
			sink('%', ctx);
			out++;
			break;
		case '\0':
			return out;
		default:
			sink('%', ctx);
			sink(*fmt, ctx);
			out += 2;
			break;
		}
	}
	return out;
}

/** A buffer being filled by fmt_snprintf. */
struct fmt_buf {
	char *p;
	size_t cap, len;
};

static void buf_sink(char c, void *ctx)
{
	struct fmt_buf *b = ctx;

	if (b->len + 1 < b->cap)
		b->p[b->len] = c;
	b->len++;
}

size_t fmt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct fmt_buf b = { buf, cap, 0 };

	fmt_vformat(buf_sink, &b, fmt, ap);
	if (cap)
		buf[b.len < cap ? b.len : cap - 1] = '\0';
	return b.len;
}

size_t fmt_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}
