/**
 * @file fmt.h
 *
 * The loaders' printf: a small formatter that hands each character to a
 * sink (the BIOS console, the UEFI console, a buffer). It knows %s %c %d
 * %u %x %%, a width with optional 0 padding, and the l and ll length
 * modifiers (l is 64-bit where long is, ll always is).
 */
#ifndef MEMBOOT_FMT_H
#define MEMBOOT_FMT_H

#include <stdarg.h>
#include <stddef.h>

/** Where the characters go. */
typedef void fmt_sink(char c, void *ctx);

/**
 * Format @p fmt with @p ap into @p sink.
 *
 * @return the number of characters produced
 */
size_t fmt_vformat(fmt_sink *sink, void *ctx, const char *fmt, va_list ap);

/** fmt_snprintf with a va_list. */
size_t fmt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);

/**
 * Format into @p buf of @p cap bytes (cap > 0), always NUL-terminated, cut
 * if it does not fit.
 *
 * @return the length the whole text would have
 */
size_t fmt_snprintf(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* MEMBOOT_FMT_H */
