/**
 * @file test_util.c
 *
 * Number parsing and file helpers of the tools.
 */
#include <stdlib.h>
#include <unistd.h>

#include "test.h"
#include "util.h"

void test_util(void)
{
	uint64_t v;
	char path[] = "/tmp/memboot-unit-XXXXXX";
	int fd;
	char *s;
	size_t len;

	CHECK(parse_u64("0x1fa5c000", &v) == 0 && v == 0x1fa5c000);
	CHECK(parse_u64("  42\n", &v) == 0 && v == 42);
	CHECK(parse_u64("", &v) != 0);
	CHECK(parse_u64("-1", &v) != 0);
	CHECK(parse_u64("12abc", &v) != 0);
	CHECK(parse_u64("99999999999999999999999", &v) != 0);

	fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	CHECK(write_file(path, "0x200000\n") == 0);
	CHECK(read_u64_file(path, &v) == 0 && v == 0x200000);
	s = read_file(path, 4, &len);  /* capped */
	CHECK(s && len == 4 && !strcmp(s, "0x20"));
	free(s);
	unlink(path);
	CHECK(read_file(path, 100, NULL) == NULL);
	CHECK(read_u64_file(path, &v) != 0);
}
