/**
 * @file options.h
 *
 * The memdisk command line: the options SYSLINUX MEMDISK takes (iso,
 * offset=, c= h= s=, floppy[=N], harddisk[=N], edd/noedd and their aliases,
 * ro, the high-memory access mode, mem=, nopass, nopassany, dpt/nodpt, pause,
 * stack=) plus memboot's own "pmem". Words a boot loader adds on its own
 * (initrd=, BOOT_IMAGE=, ...) are ignored; other unknown words and malformed
 * values are recorded in the result so the loader can report them.
 *
 * Pure logic: no allocation, no I/O, no global state.
 */
#ifndef MEMBOOT_OPTIONS_H
#define MEMBOOT_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

/** Unknown words kept (later ones are only counted). */
#define MD_OPT_MAX_UNKNOWN 8
/** Malformed words kept (later ones are only counted). */
#define MD_OPT_MAX_ERRORS 8
/** Characters kept of a recorded word (longer words are cut). */
#define MD_OPT_WORD_MAX 32
/** Largest stack= accepted, in bytes (the stack lives in a 16-bit segment
 *  together with the resident driver). */
#define MD_OPT_STACK_MAX (60u * 1024u)

/** Return codes of md_options_parse(). */
enum md_opt_status {
	MD_OPT_OK = 0,
	MD_OPT_E_ARG = -1,      /**< @p o was NULL */
	MD_OPT_E_INVALID = -2,  /**< at least one malformed value (see errors[]) */
};

/** Why a word was rejected (md_opt_error.reason). */
enum md_opt_reason {
	MD_OPT_R_NONE = 0,
	MD_OPT_R_MISSING,       /**< "c=" : the option needs a value */
	MD_OPT_R_NUMBER,        /**< not a number ("c=abc", "c=0x") */
	MD_OPT_R_SUFFIX,        /**< unknown size suffix ("mem=12X") */
	MD_OPT_R_RANGE,         /**< does not fit, or outside the allowed range */
	MD_OPT_R_NOVALUE,       /**< a flag given a value ("iso=1") */
};

/** Tri-state switches (edd, dpt). */
enum md_tristate {
	MD_TRI_DEFAULT = 0,     /**< not given: the loader decides */
	MD_TRI_ON,
	MD_TRI_OFF,
};

/** Disk type forced by floppy / harddisk. */
enum md_disk_force {
	MD_FORCE_NONE = 0,
	MD_FORCE_FLOPPY,
	MD_FORCE_HARDDISK,
};

/** High-memory access mode (the last one given wins). */
enum md_himem {
	MD_HIMEM_DEFAULT = 0,   /**< not given: memboot's default, raw (SYSLINUX's is safeint) */
	MD_HIMEM_SAFEINT,       /**< the original INT 15h AH=87h */
	MD_HIMEM_INT,           /**< the current INT 15h chain */
	MD_HIMEM_RAW,           /**< own protected-mode switch */
	MD_HIMEM_BIGRAW,        /**< raw, leaving 4 GiB segment limits */
};

/** Bits of md_options.chs_given. */
enum md_chs_bits {
	MD_CHS_C = 1,
	MD_CHS_H = 2,
	MD_CHS_S = 4,
};

/** One rejected word. */
struct md_opt_error {
	char word[MD_OPT_WORD_MAX + 1];  /**< the word as given (cut, NUL-terminated) */
	int reason;                      /**< enum md_opt_reason */
};

/** The parsed command line. Everything is 0 when not given. */
struct md_options {
	int iso;                /**< "iso": the image is an El Torito CD */
	uint64_t offset;        /**< "offset=": bytes to skip at the image start */
	uint32_t c, h, s;       /**< "c=", "h=", "s=" (valid when chs_given says so) */
	unsigned chs_given;     /**< MD_CHS_* bits: which of c, h, s were given */
	int force;              /**< enum md_disk_force (the last of floppy/harddisk) */
	int drive_given;        /**< floppy=N / harddisk=N carried a number */
	uint8_t drive;          /**< that N (0-255) */
	int edd;                /**< enum md_tristate: edd/ebios on, noedd/noebios/cbios off */
	int ro;                 /**< "ro": refuse writes */
	int himem;              /**< enum md_himem */
	int mem_given;          /**< "mem=" was given */
	uint64_t mem;           /**< its value in bytes (K/M/G suffixes applied) */
	int nopass;             /**< "nopass" */
	int nopassany;          /**< "nopassany" */
	int dpt;                /**< enum md_tristate: dpt / nodpt */
	int pause;              /**< "pause" */
	uint32_t stack;         /**< "stack=" in bytes; 0 = default */
	int pmem;               /**< memboot: report the image as E820 type 12 */

	unsigned n_unknown;     /**< unknown words seen (may exceed MD_OPT_MAX_UNKNOWN) */
	char unknown[MD_OPT_MAX_UNKNOWN][MD_OPT_WORD_MAX + 1];
	unsigned n_errors;      /**< malformed words seen (may exceed MD_OPT_MAX_ERRORS) */
	struct md_opt_error errors[MD_OPT_MAX_ERRORS];
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
 * @return MD_OPT_OK, MD_OPT_E_INVALID when any word was malformed, or
 *         MD_OPT_E_ARG when @p o is NULL
 */
int md_options_parse(const char *cmdline, struct md_options *o);

/**
 * A short English text for an enum md_opt_reason.
 *
 * @param reason  enum md_opt_reason value
 * @return a static string (never NULL)
 */
const char *md_opt_reason_str(int reason);

#endif /* MEMBOOT_OPTIONS_H */
