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

	.text PM_BASE : AT(SETUP_BYTES) {
		_pm_start = .;
		KEEP(*(.text.start32))
		*(.text .text.*)
		*(.rodata .rodata.*)
		*(.data .data.*)
		. = ALIGN(16);
		_driver_pm = .;
	}

	.driver 0 : AT(SETUP_BYTES + _driver_pm - PM_BASE) {
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

	_syssize = (_pm_file_end - PM_BASE + 15) / 16;
	_init_size = _end - PM_BASE;

	/DISCARD/ : { *(.note*) *(.comment) *(.eh_frame) *(.note.gnu.property) }
}

ASSERT(_setup_end == SETUP_BYTES, "setup part larger than SETUP_SECTS")
ASSERT(_driver_size < 0x4000, "resident driver too large")
ASSERT(_end < 0x200000, "loader larger than 1 MiB")
