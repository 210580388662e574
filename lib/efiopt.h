/**
 * @file efiopt.h
 *
 * memdisk.efi's command line and its configuration file.
 *
 * The words of the BIOS memdisk that mean something on UEFI (iso,
 * harddisk, floppy, ro, pause) are parsed by options_parse(); its
 * copy-mode, geometry and BIOS-table words (raw, c=, edd, dpt, mem=, ...)
 * are accepted and listed as ignored. memdisk.efi's own words:
 *
 *   image=PATH    the image file (on the volume memdisk.efi came from; a
 *                 path without a leading / or \ is relative to its folder)
 *   loader=PATH   the EFI loader to start inside the image
 *                 (default \EFI\BOOT\BOOTX64.EFI)
 *   place=auto|low|high   where the image goes: below 4 GiB when it fits
 *                 (auto), below 4 GiB only (low), above 4 GiB only (high)
 *   disk=auto|firmware|own   the firmware's RAM disk protocol when it has
 *                 one (auto), only it (firmware), or memdisk.efi's own
 *                 block device (own)
 *   quiet         only errors on the console
 *   bench         also time one memcpy of the image (for `make bench`:
 *                 memdisk.efi's own work is compared with it)
 *   inject, noinject   show an ISO's boot loader its initrds with memboot's
 *                 initramfs segment appended, so that an initramfs of a
 *                 known family attaches the image (the default, where it
 *                 applies: EFIOPT_INJECT_AUTO), or not (noinject); "inject"
 *                 insists (with disk=firmware it is then an error)
 *
 * The first word is the program's own name when it is not an option (the
 * UEFI shell, iPXE and some GRUB builds put it there): it is skipped.
 *
 * Pure logic: no allocation, no I/O.
 */
#ifndef MEMBOOT_EFIOPT_H
#define MEMBOOT_EFIOPT_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"

/** Longest path kept for image= and loader= (bytes, NUL excluded). */
#define EFIOPT_PATH_MAX 255
/** Ignored BIOS words kept (later ones are only counted). */
#define EFIOPT_MAX_IGNORED 8
/** Longest command line the BIOS words are gathered into. */
#define EFIOPT_BIOS_LINE 512
/** The loader started when loader= is not given. */
#define EFIOPT_DEFAULT_LOADER "\\EFI\\BOOT\\BOOTX64.EFI"
/** The configuration file read when the command line has no options. */
#define EFIOPT_CONFIG_NAME "memdisk.cfg"

enum efiopt_place { EFIOPT_PLACE_AUTO = 0, EFIOPT_PLACE_LOW, EFIOPT_PLACE_HIGH };
enum efiopt_disk { EFIOPT_DISK_AUTO = 0, EFIOPT_DISK_FIRMWARE, EFIOPT_DISK_OWN };

/** The parsed command line. */
enum efiopt_inject {
	EFIOPT_INJECT_OFF = 0,      /**< noinject */
	EFIOPT_INJECT_AUTO,         /**< the default: where it applies */
	EFIOPT_INJECT_ON,           /**< inject */
};

struct efiopt {
	struct options bios;        /**< iso, harddisk, floppy, ro, pause, unknown words */
	char image[EFIOPT_PATH_MAX + 1];   /**< image= ("" when not given) */
	char loader[EFIOPT_PATH_MAX + 1];  /**< loader= or the default */
	int place;                  /**< enum efiopt_place */
	int disk;                   /**< enum efiopt_disk */
	int quiet;                  /**< "quiet" */
	int bench;                  /**< "bench" */
	int inject;                 /**< enum efiopt_inject */
	unsigned n_words;           /**< option words seen (the skipped name excluded) */
	int skipped_name;           /**< the first word was taken for the program's name */
	unsigned n_ignored;         /**< BIOS-only words seen */
	char ignored[EFIOPT_MAX_IGNORED][OPTIONS_WORD_MAX + 1];
	unsigned n_bad;             /**< memdisk.efi words with a bad value (also in bios.errors) */
};

/**
 * Parse a command line.
 *
 * @param cmdline     NUL-terminated (NULL is empty)
 * @param skip_name   1: the first word may be the program's name (skipped
 *                    when it is not an option); 0: every word is an option
 * @param o           result, cleared first
 * @return OPTIONS_OK, or OPTIONS_E_INVALID when a value was malformed
 *         (bios.errors says which)
 */
int efiopt_parse(const char *cmdline, int skip_name, struct efiopt *o);

/**
 * Turn the text of a configuration file into one command line: lines are
 * joined with blanks, a # starts a comment to the end of its line, CR, tabs
 * and NULs count as blanks. Text that does not fit is cut at a word.
 *
 * @param text  the file's bytes
 * @param len   their number
 * @param out   the command line (NUL-terminated)
 * @param cap   its capacity (> 0)
 * @return the length of the command line
 */
size_t efiopt_config_line(const char *text, size_t len, char *out, size_t cap);

/** Is @p w (NUL-terminated) a word only the BIOS memdisk uses? */
int efiopt_bios_only(const char *w);

#endif /* MEMBOOT_EFIOPT_H */
