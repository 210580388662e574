/**
 * @file options.h
 *
 * The memdisk command line: the options SYSLINUX MEMDISK takes (iso,
 * offset=, c= h= s=, floppy[=N], harddisk[=N], edd/noedd and their aliases,
 * ro, the high-memory access mode, mem=, nopass, nopassany, dpt/nodpt, pause,
 * stack=) plus memboot's own "pmem", "inject" and "noinject". Words a boot loader adds on its own
 * (initrd=, BOOT_IMAGE=, ...) and the words for memboot's Linux side
 * (memboot.NAME[=VALUE], read by memdisk-attach from the tables' copy of
 * the command line) are ignored; other unknown words and malformed
 * values are recorded in the result so the loader can report them.
 *
 * Pure logic: no allocation, no I/O, no global state.
 */
#ifndef MEMBOOT_OPTIONS_H
#define MEMBOOT_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

/** Unknown words kept (later ones are only counted). */
#define OPTIONS_MAX_UNKNOWN 8
/** Malformed words kept (later ones are only counted). */
#define OPTIONS_MAX_ERRORS 8
/** Characters kept of a recorded word (longer words are cut). */
#define OPTIONS_WORD_MAX 32
/** a20=: the one A20 method to use (BIOS memdisk; a diagnostic). */
enum options_a20 { OPTIONS_A20_AUTO = 0, OPTIONS_A20_BIOS, OPTIONS_A20_KBC, OPTIONS_A20_FAST };

/** Largest stack= accepted, in bytes (the stack lives in a 16-bit segment
 *  together with the resident driver). */
#define OPTIONS_STACK_MAX (60u * 1024u)

/** Return codes of options_parse(). */
enum options_status {
	OPTIONS_OK = 0,
	OPTIONS_E_ARG = -1,      /**< @p o was NULL */
	OPTIONS_E_INVALID = -2,  /**< at least one malformed value (see errors[]) */
};

/** Why a word was rejected (options_error.reason). */
enum options_reason {
	OPTIONS_R_NONE = 0,
	OPTIONS_R_MISSING,       /**< "c=" : the option needs a value */
	OPTIONS_R_NUMBER,        /**< not a number ("c=abc", "c=0x") */
	OPTIONS_R_SUFFIX,        /**< unknown size suffix ("mem=12X") */
	OPTIONS_R_RANGE,         /**< does not fit, or outside the allowed range */
	OPTIONS_R_NOVALUE,       /**< a flag given a value ("iso=1") */
	OPTIONS_R_A20,           /**< a20= other than bios, kbc or fast */
};

/** Tri-state switches (edd, dpt). */
enum options_tristate {
	OPTIONS_TRI_DEFAULT = 0,     /**< not given: the loader decides */
	OPTIONS_TRI_ON,
	OPTIONS_TRI_OFF,
};

/** Disk type forced by floppy / harddisk. */
enum options_force {
	OPTIONS_FORCE_NONE = 0,
	OPTIONS_FORCE_FLOPPY,
	OPTIONS_FORCE_HARDDISK,
};

/** High-memory access mode (the last one given wins). */
enum options_himem {
	OPTIONS_HIMEM_DEFAULT = 0,   /**< not given: memboot's default, raw (SYSLINUX's is safeint) */
	OPTIONS_HIMEM_SAFEINT,       /**< the original INT 15h AH=87h */
	OPTIONS_HIMEM_INT,           /**< the current INT 15h chain */
	OPTIONS_HIMEM_RAW,           /**< own protected-mode switch */
	OPTIONS_HIMEM_BIGRAW,        /**< raw, leaving 4 GiB segment limits */
};

/** Bits of options.chs_given. */
enum options_chs_bits {
	OPTIONS_CHS_C = 1,
	OPTIONS_CHS_H = 2,
	OPTIONS_CHS_S = 4,
};

/** One rejected word. */
struct options_error {
	char word[OPTIONS_WORD_MAX + 1];  /**< the word as given (cut, NUL-terminated) */
	int reason;                      /**< enum options_reason */
};

/** The parsed command line. Everything is 0 when not given. */
struct options {
	int iso;                /**< "iso": the image is an El Torito CD */
	uint64_t offset;        /**< "offset=": bytes to skip at the image start */
	uint32_t c, h, s;       /**< "c=", "h=", "s=" (valid when chs_given says so) */
	unsigned chs_given;     /**< OPTIONS_CHS_* bits: which of c, h, s were given */
	int force;              /**< enum options_force (the last of floppy/harddisk) */
	int drive_given;        /**< floppy=N / harddisk=N carried a number */
	uint8_t drive;          /**< that N (0-255) */
	int edd;                /**< enum options_tristate: edd/ebios on, noedd/noebios/cbios off */
	int ro;                 /**< "ro": refuse writes */
	int himem;              /**< enum options_himem */
	int mem_given;          /**< "mem=" was given */
	uint64_t mem;           /**< its value in bytes (K/M/G suffixes applied) */
	int nopass;             /**< "nopass" */
	int nopassany;          /**< "nopassany" */
	int dpt;                /**< enum options_tristate: dpt / nodpt */
	int pause;              /**< "pause" */
	uint32_t stack;         /**< "stack=" in bytes; 0 = default */
	int a20;                /**< memboot: "a20=bios|kbc|fast" (enum options_a20) */
	int pmem;               /**< memboot: report the image as E820 type 12 */
	int inject;             /**< memboot: enum options_tristate: inject / noinject (an
				     ISO's initrds get memboot's initramfs segment; default on) */

	unsigned n_unknown;     /**< unknown words seen (may exceed OPTIONS_MAX_UNKNOWN) */
	char unknown[OPTIONS_MAX_UNKNOWN][OPTIONS_WORD_MAX + 1];
	unsigned n_errors;      /**< malformed words seen (may exceed OPTIONS_MAX_ERRORS) */
	struct options_error errors[OPTIONS_MAX_ERRORS];
};

/**
 * Parse a memdisk command line. Words are separated by blanks (space, tab,
 * CR, LF); a double-quoted part of a word may contain blanks. Option names
 * are case-sensitive. Numbers are decimal or 0x-prefixed hexadecimal (a
 * leading 0 does not mean octal). mem= and offset= take an optional K, M or
 * G suffix (either case, powers of 1024), stack= an optional K.
 *
 * On a malformed value the option keeps its previous setting and the word
 * is recorded in @p o->errors; parsing continues with the next word.
 *
 * @param cmdline  NUL-terminated command line (NULL is treated as empty)
 * @param o        result, cleared first
 * @return OPTIONS_OK, OPTIONS_E_INVALID when any word was malformed, or
 *         OPTIONS_E_ARG when @p o is NULL
 */
int options_parse(const char *cmdline, struct options *o);

/**
 * A short English text for an enum options_reason.
 *
 * @param reason  enum options_reason value
 * @return a static string (never NULL)
 */
const char *options_reason_str(int reason);

#endif /* MEMBOOT_OPTIONS_H */
