/**
 * @file test_cpio.c
 *
 * newc cpio writing and reading (lib/cpio.c): the header layout the kernel
 * reads, padding, the trailer, a round trip, overflow, and malformed
 * entries refused.
 */
#include "cpio.h"
#include "test.h"

void test_cpio(void)
{
	static uint8_t buf[4096];
	struct cpio_writer w;
	struct cpio_entry e;
	size_t off = 0, len;

	cpio_init(&w, buf, sizeof(buf), 0x5f000000);
	CHECK_EQ(cpio_add(&w, "scripts", CPIO_S_IFDIR | 0755, NULL, 0), 0);
	CHECK_EQ(cpio_add(&w, "scripts/x", CPIO_S_IFREG | 0755, "#!/bin/sh\n", 10), 0);
	CHECK_EQ(cpio_add(&w, "bin/sh", CPIO_S_IFLNK | 0777, "busybox", 7), 0);
	len = cpio_finish(&w, 512);
	CHECK_EQ(len % 512, 0);
	/* The first header, field by field: magic, ino 1, mode 41ed, nlink 2, mtime, namesize 8. */
	CHECK(!memcmp(buf, "070701" "00000001" "000041ED" "00000000" "00000000" "00000002"
			   "5F000000" "00000000", 6 + 8 * 7));
	CHECK(!memcmp(buf + 6 + 8 * 11, "00000008", 8));
	CHECK(!memcmp(buf + 110, "scripts\0", 8));
	/* Round trip. */
	CHECK_EQ(cpio_next(buf, len, &off, &e), 1);
	CHECK_EQ(e.name_len, 7);
	CHECK_EQ(e.mode, CPIO_S_IFDIR | 0755);
	CHECK_EQ(off % 4, 0);
	CHECK_EQ(cpio_next(buf, len, &off, &e), 1);
	CHECK(e.size == 10 && !memcmp(e.data, "#!/bin/sh\n", 10));
	CHECK_EQ(cpio_next(buf, len, &off, &e), 1);
	CHECK(e.mode == (CPIO_S_IFLNK | 0777) && e.size == 7);
	CHECK_EQ(cpio_next(buf, len, &off, &e), 0);     /* the trailer */
	/* A second archive after zero padding is read on. */
	off = 0;
	{
		static uint8_t two[8192];
		size_t n = 0, k = 0;
		int rc;

		memcpy(two, buf, len);
		memcpy(two + len, buf, len);
		while ((rc = cpio_next(two, 2 * len, &off, &e)) >= 0 && off < 2 * len) {
			n += rc == 1;
			if (++k > 20)
				break;
		}
		CHECK_EQ(n, 6);
	}
	/* Overflow: nothing half-written counts. */
	cpio_init(&w, buf, 200, 0);
	CHECK_EQ(cpio_add(&w, "a", CPIO_S_IFREG | 0644, buf + 1000, 100), -1);
	CHECK(w.overflow);
	CHECK_EQ(cpio_finish(&w, 4), 0);
	/* Malformed: bad magic, bad hex, a name or size past the end. */
	cpio_init(&w, buf, sizeof(buf), 0);
	cpio_add(&w, "file", CPIO_S_IFREG | 0644, "data", 4);
	len = cpio_finish(&w, 4);
	off = 0;
	buf[0] = 'x';
	CHECK_EQ(cpio_next(buf, len, &off, &e), -1);
	buf[0] = '0';
	buf[20] = 'g';
	CHECK_EQ(cpio_next(buf, len, &off, &e), -1);
	buf[20] = '0';
	memcpy(buf + 6 + 8 * 6, "FFFFFFFF", 8);
	CHECK_EQ(cpio_next(buf, len, &off, &e), -1);
	memcpy(buf + 6 + 8 * 6, "00000004", 8);
	memcpy(buf + 6 + 8 * 11, "FFFFFFF0", 8);
	CHECK_EQ(cpio_next(buf, len, &off, &e), -1);
}
