/*
 * loader.lds.S - memboot memdisk's layout (preprocessed with layout.h, which
 * gives SETUP_BYTES and PM_BASE). The file is a Linux/x86 boot
 * protocol image: the real-mode setup part (linked at 0: offsets in the
 * setup segment) followed by the protected-mode part (linked at 1 MiB,
 * where boot loaders put it). The resident driver is carried inside the
 * protected-mode part but linked at 0, since it runs at offset 0 of the
 * segment it is copied to.
 */
#include "layout.h"

/* The objects of the head, by file name (loader/bios/ and lib/ objects). */
#define HEAD_INPUT(secs) \
	*start32.o(secs) *unpack.o(secs) *gunzip_small.o(secs) *deflate_tables.o(secs) \
	*string.o(secs) *libc.o(secs)

OUTPUT_FORMAT("elf32-i386")
OUTPUT_ARCH(i386)
ENTRY(_start16)

SECTIONS
{
	.setup 0 : AT(0) {
		KEEP(*(.setup))
		. = SETUP_BYTES;
	}
	_setup_end = .;

	/* The head: what runs before the body is unpacked (unpack.c), and
	 * what both need. It is carried as linked; the body after it, packed. */
	.head PM_BASE : AT(SETUP_BYTES) {
		_pm_start = .;
		KEEP(*(.text.start32))
		HEAD_INPUT(.text .text.* .rodata .rodata.* .data .data.*)
		/* the console's output, which unpack.c and die() share */
		*console.o(.text.con_init .text.con_putc .text.con_puts .text.give_back)
		/* The injection payload (payload.S): gzip data already, so it
		 * is carried as it is, not packed again. */
		. = ALIGN(16);
		KEEP(*(.payload))
		. = ALIGN(16);
		_blob = .;
	}

	/* The body, linked where unpack.c puts it; the file carries it gzipped
	 * after the head (scripts/pack-memdisk.sh), the driver's bytes with it. */
	.text BODY_BASE : AT(SETUP_BYTES + (_blob - PM_BASE)) {
		_body_start = .;
		*(.text .text.*)
		*(.rodata .rodata.*)
		*(.data .data.*)
		. = ALIGN(16);
		_driver_pm = .;
	}

	.driver 0 : AT(SETUP_BYTES + (_blob - PM_BASE) + (_driver_pm - BODY_BASE)) {
		_driver_start = .;
		KEEP(*(.driver))
		. = ALIGN(16);
		_driver_end = .;
	}
	_driver_size = _driver_end - _driver_start;

	.bss (_driver_pm + _driver_size) (NOLOAD) : {
		_pm_file_end = .;
		__bss_start = .;
		*(.bss .bss.* COMMON)
		. = ALIGN(16);
		_end = .;
	}

	_syssize = 0;	/* scripts/pack-memdisk.sh writes it */
	_init_size = _end - PM_BASE;

	/DISCARD/ : { *(.note*) *(.comment) *(.eh_frame) *(.note.gnu.property) }
}

ASSERT(_setup_end == SETUP_BYTES, "setup part larger than SETUP_SECTS")
ASSERT(_blob - PM_BASE <= BODY_BASE - PM_BASE - 0x8000, "the head leaves under 32 KiB for the packed body")
ASSERT(_driver_size < 0x4000, "resident driver too large")
ASSERT(_end < 0x200000, "loader larger than 1 MiB")
