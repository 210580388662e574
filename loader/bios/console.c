/**
 * @file console.c
 *
 * The loader's console: every character goes to the screen through the
 * BIOS (INT 10h teletype) and to the first serial port, if the BIOS found
 * one, so that both people and test harnesses see the messages.
 */
#include <stdarg.h>

#include "libc.h"
#include "io.h"
#include "loader.h"

static uint16_t com_port;

void con_init(void)
{
	com_port = *(volatile uint16_t *)lin(BDA_COM1);
}

void con_putc(char c)
{
	struct rm_regs r;
	int i;

	if (c == '\n')
		con_putc('\r');
	if (com_port) {
		for (i = 0; i < 100000 && !(inb(com_port + 5) & 0x20); i++)
			;
		outb(com_port, (uint8_t)c);
	}
	memset(&r, 0, sizeof(r));
	r.eax = 0x0e00 | (uint8_t)c;
	r.ebx = 0x0007;
	rm_call(0x10, &r);
}

void con_puts(const char *s)
{
	while (*s)
		con_putc(*s++);
}

/** Print @p v in base @p base, at least @p width digits, padded with @p pad. */
static void put_num(uint64_t v, unsigned base, int width, char pad)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width--)
		con_putc(pad);
	while (n)
		con_putc(buf[--n]);
}

/** printf with %s %c %d %u %x %llu %llx %% (and widths like %08x). */
static void vprint(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int width = 0, ll = 0;
		char pad = ' ';

		if (*fmt != '%') {
			con_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			ll++;
			fmt++;
		}
		switch (*fmt) {
		case 's':
			con_puts(va_arg(ap, const char *));
			break;
		case 'c':
			con_putc((char)va_arg(ap, int));
			break;
		case 'd': {
			long long v = ll >= 2 ? va_arg(ap, long long) : va_arg(ap, int);

			if (v < 0) {
				con_putc('-');
				v = -v;
			}
			put_num((uint64_t)v, 10, width, pad);
			break;
		}
		case 'u':
			put_num(ll >= 2 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned),
				10, width, pad);
			break;
		case 'x':
			put_num(ll >= 2 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned),
				16, width, pad);
			break;
		case '%':
			con_putc('%');
			break;
		default:
			con_putc('%');
			con_putc(*fmt);
			break;
		}
	}
}

void con_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
}

void wait_key(void)
{
	struct rm_regs r;

	memset(&r, 0, sizeof(r));
	rm_call(0x16, &r);
}

void die(const char *fmt, ...)
{
	struct rm_regs r;
	va_list ap;
	int i;

	con_puts("memdisk: error: ");
	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
	con_puts("\nmemdisk: giving the machine back to the BIOS (INT 18h)\n");
	/* About 3 s for a person to read it (INT 15h AH=86h waits in us). */
	for (i = 0; i < 3; i++) {
		memset(&r, 0, sizeof(r));
		r.eax = 0x8600;
		r.ecx = 0x000f;
		r.edx = 0x4240;
		rm_call(0x15, &r);
	}
	memset(&r, 0, sizeof(r));
	rm_call(0x18, &r);
	for (;;)
		__asm__ volatile("hlt");
}
