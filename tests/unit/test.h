/**
 * @file test.h
 *
 * The unit tests' tiny harness: CHECK counts a pass or prints the failing
 * expression; main() runs every suite and ends with "N passed, N failed".
 */
#ifndef MEMBOOT_TEST_H
#define MEMBOOT_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

extern int t_pass, t_fail;

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (cond) {                                                      \
			t_pass++;                                                \
		} else {                                                         \
			t_fail++;                                                \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                \
	} while (0)

#define CHECK_EQ(a, b)                                                           \
	do {                                                                     \
		unsigned long long _a = (unsigned long long)(a);                 \
		unsigned long long _b = (unsigned long long)(b);                 \
		if (_a == _b) {                                                  \
			t_pass++;                                                \
		} else {                                                         \
			t_fail++;                                                \
			fprintf(stderr, "FAIL %s:%d: %s == %s (%#llx != %#llx)\n", \
				__FILE__, __LINE__, #a, #b, _a, _b);             \
		}                                                                \
	} while (0)

#define CHECK_STR(a, b)                                                          \
	do {                                                                     \
		const char *_a = (a), *_b = (b);                                 \
		if (_a && _b && !strcmp(_a, _b)) {                               \
			t_pass++;                                                \
		} else {                                                         \
			t_fail++;                                                \
			fprintf(stderr, "FAIL %s:%d: %s == \"%s\" (got \"%s\")\n", \
				__FILE__, __LINE__, #a, _b ? _b : "(null)",     \
				_a ? _a : "(null)");                             \
		}                                                                \
	} while (0)

/**
 * An ISO of @p len bytes (calloc'd: free it) with the El Torito boot record
 * and catalog of a real xorriso ISO: its boot entry (sector 34, catalog at
 * 33) for ELTORITO_MEDIA_NOEMU (4 sectors), ELTORITO_MEDIA_FLOPPY_1440 or
 * ELTORITO_MEDIA_HARDDISK (a 1 MiB disk, its MBR included). test_eltorito.c.
 */
uint8_t *test_make_iso(size_t len, int media);

/* lib/ */
void test_options(void);
void test_geometry(void);
void test_eltorito(void);
void test_diskplan(void);
void test_bios(void);
void test_e820(void);
void test_inflate(void);
/* tools/ */
void test_iomem(void);
void test_mbft_scan(void);
void test_describe(void);
void test_nbd_wire(void);
void test_nbd_genl(void);
void test_util(void);
void test_fmt(void);
void test_efiopt(void);
void test_uefiboot(void);
void test_nfit(void);
void test_efimem(void);
void test_iso9660(void);
void test_cpio(void);
void test_initramfs(void);
void test_inject(void);
void test_sha256(void);

#endif /* MEMBOOT_TEST_H */
