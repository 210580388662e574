/**
 * @file deflate_tables.h
 *
 * DEFLATE's fixed tables (RFC 1951 3.2.5 and 3.2.7), defined once for both
 * decoders: lib/inflate.c (the fast one) and lib/gunzip_small.c (memdisk's
 * head). In the BIOS memdisk they lie in the head, where both reach them.
 */
#ifndef MEMBOOT_DEFLATE_TABLES_H
#define MEMBOOT_DEFLATE_TABLES_H

#include <stdint.h>

/** Base match length of length symbols 257..285. */
extern const uint16_t deflate_len_base[29];
/** Extra bits of length symbols 257..285. */
extern const uint8_t deflate_len_extra[29];
/** Base distance of distance symbols 0..29. */
extern const uint16_t deflate_dist_base[30];
/** Extra bits of distance symbols 0..29. */
extern const uint8_t deflate_dist_extra[30];
/** Order in which the code length code's lengths are sent. */
extern const uint8_t deflate_cl_order[19];

#endif /* MEMBOOT_DEFLATE_TABLES_H */
