/**
 * @file util.h
 *
 * Small helpers shared by the Linux tools: messages prefixed with the
 * program name, whole-file reads and writes, numbers from sysfs, sleeping.
 */
#ifndef MEMBOOT_UTIL_H
#define MEMBOOT_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/** Program name used as the prefix of every message. */
extern const char *prog_name;
/** Non-zero when --verbose was given. */
extern int verbose;

/** Print "prog: message" on stderr. */
void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Like msg(), only when verbose. */
void vmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * Read a whole file into a NUL-terminated heap buffer.
 *
 * @param path  file to read
 * @param max   read at most this many bytes
 * @param len   out, optional: bytes read
 * @return the buffer (free it), or NULL with errno set
 */
char *read_file(const char *path, size_t max, size_t *len);

/** Write a string to a (sysfs) file. 0 on success, -1 with errno set. */
int write_file(const char *path, const char *s);

/** Read an unsigned number (decimal or 0x hex) from a sysfs file. */
int read_u64_file(const char *path, uint64_t *out);

/** Parse an unsigned number with strtoull rules (0x, 0 prefixes). 0 on success. */
int parse_u64(const char *s, uint64_t *out);

/** Sleep @p ms milliseconds. */
void sleep_ms(unsigned ms);

#endif /* MEMBOOT_UTIL_H */
