/**
 * @file console.c
 *
 * memdisk.efi's messages, clock and small text helpers. Messages go to the
 * firmware's console (ConOut), which OVMF and most server firmware mirror on
 * the serial port. The clock is the TSC, calibrated once against the
 * firmware's Stall().
 */
#include "fmt.h"
#include "libc.h"
#include "loader.h"

static int quiet;
static uint64_t tsc0, tsc_per_ms;

/** A line being built for OutputString (UCS-2, \n as \r\n). */
struct line {
	char16 buf[256];
	unsigned n;
};

/** Hand the line built so far to the firmware's console. */
static void flush(struct line *l)
{
	if (!l->n)
		return;
	l->buf[l->n] = 0;
	ST->con_out->output_string(ST->con_out, l->buf);
	l->n = 0;
}

/** fmt_vformat's sink: UCS-2 into the line, \n as \r\n. */
static void sink(char c, void *ctx)
{
	struct line *l = ctx;

	if (l->n + 3 >= sizeof(l->buf) / sizeof(l->buf[0]))
		flush(l);
	if (c == '\n')
		l->buf[l->n++] = '\r';
	l->buf[l->n++] = (char16)(unsigned char)c;
}

/** One message: @p prefix, then the formatted text. */
static void out(const char *prefix, const char *fmt, va_list ap)
{
	struct line l;

	l.n = 0;
	while (*prefix)
		sink(*prefix++, &l);
	fmt_vformat(sink, &l, fmt, ap);
	flush(&l);
}

/** The time-stamp counter. */
static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

void con_init(int q)
{
	uint64_t t;

	quiet = q;
	if (tsc_per_ms)
		return;         /* calibrated already: only "quiet" changes */
	tsc0 = rdtsc();
	BS->stall(10000);
	t = rdtsc() - tsc0;
	tsc_per_ms = t / 10 ? t / 10 : 1;
}

uint64_t now_us(void)
{
	return (rdtsc() - tsc0) * 1000 / tsc_per_ms;
}

void info(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	out("memdisk.efi: ", fmt, ap);
	va_end(ap);
}

void say(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	out("", fmt, ap);
	va_end(ap);
}

void error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out("memdisk.efi: error: ", fmt, ap);
	va_end(ap);
}

static uint64_t last_progress;
static int progress_shown;

void progress(const char *label, uint64_t done, uint64_t total)
{
	uint64_t t = now_us();

	if (quiet || (progress_shown && t - last_progress < 500000 && done < total))
		return;
	last_progress = t;
	progress_shown = 1;
	say("\rmemdisk.efi: %s: %u/%u MiB", label, (unsigned)(done >> 20), (unsigned)(total >> 20));
}

void progress_end(void)
{
	if (progress_shown)
		say("\n");
	progress_shown = 0;
}

void wait_key(void)
{
	efi_input_key key;
	uint64_t index;

	ST->con_in->reset(ST->con_in, 0);
	while (ST->con_in->read_key(ST->con_in, &key) == EFI_NOT_READY)
		BS->wait_for_event(1, &ST->con_in->wait_for_key, &index);
}

const char *efi_strerror(efi_status s)
{
	static const char *const names[] = {
		"success", "load error", "invalid parameter", "unsupported", "bad buffer size",
		"buffer too small", "not ready", "device error", "write protected",
		"out of resources", "volume corrupted", "volume full", "no media",
		"media changed", "not found", "access denied", "no response", "no mapping",
		"timeout", "not started", "already started", "aborted", "ICMP error",
		"TFTP error", "protocol error", "incompatible version", "security violation",
		"CRC error", "end of media", "?", "?", "end of file", "invalid language",
		"compromised data",
	};
	uint64_t n = s & ~0x8000000000000000ull;

	if (n < sizeof(names) / sizeof(names[0]) && (n == 0 || EFI_IS_ERROR(s)))
		return names[n];
	return "unknown status";
}

void to_ucs2_path(char16 *out, uint64_t cap, const char *s)
{
	uint64_t i = 0;

	for (; *s && i + 1 < cap; s++)
		out[i++] = *s == '/' ? '\\' : (char16)(unsigned char)*s;
	out[i] = 0;
}

void to_ascii(char *out, uint64_t cap, const char16 *s, uint64_t max_chars)
{
	uint64_t i = 0;

	for (; i < max_chars && s[i] && i + 1 < cap; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	out[i] = '\0';
}
