/**
 * @file console.c
 *
 * The loader's console: every character goes to the screen through the
 * BIOS (INT 10h teletype) and to the first serial port, if the BIOS found
 * one, so that both people and test harnesses see the messages.
 * con_init, con_putc, con_puts and give_back are in memdisk's head
 * (loader.lds.S), so that unpack.c can say a damaged file before the body
 * (die, con_printf) is unpacked.
 */
#include <stdarg.h>

#include "fmt.h"
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

/** fmt_vformat's sink: the console. */
static void con_sink(char c, void *ctx)
{
	(void)ctx;
	con_putc(c);
}

static void vprint(const char *fmt, va_list ap)
{
	fmt_vformat(con_sink, NULL, fmt, ap);
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

void give_back(void)
{
	struct rm_regs r;
	int i;

	con_puts("memdisk: giving the machine back to the BIOS (INT 18h)\n");
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

void die(const char *fmt, ...)
{
	va_list ap;

	con_puts("memdisk: error: ");
	va_start(ap, fmt);
	vprint(fmt, ap);
	va_end(ap);
	con_putc('\n');
	give_back();
}
