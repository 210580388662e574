/**
 * @file test_fmt.c
 *
 * The loaders' printf (lib/fmt.c).
 */
#include "fmt.h"
#include "test.h"

/* Odd formats on purpose: what the formatter does with them is tested. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"

void test_fmt(void)
{
	char b[64];

	CHECK_EQ(fmt_snprintf(b, sizeof(b), "%s=%d %u %x %05u|%3x|%c%%", "a", -12, 34u, 0xbeefu,
			      42u, 5u, 'z'), strlen("a=-12 34 beef 00042|  5|z%"));
	CHECK_STR(b, "a=-12 34 beef 00042|  5|z%");
	CHECK_EQ(fmt_snprintf(b, sizeof(b), "%llx %llu %lld", 0x123456789abcull,
			      18446744073709551615ull, -9223372036854775807ll - 1),
		 strlen("123456789abc 18446744073709551615 -9223372036854775808"));
	CHECK_STR(b, "123456789abc 18446744073709551615 -9223372036854775808");
	/* Cut to the buffer, the full length returned. */
	CHECK_EQ(fmt_snprintf(b, 4, "abcdef"), 6);
	CHECK_STR(b, "abc");
	CHECK_EQ(fmt_snprintf(b, sizeof(b), "%s|%q", (const char *)NULL), strlen("(null)|%q"));
	CHECK_STR(b, "(null)|%q");
	CHECK_EQ(fmt_snprintf(b, sizeof(b), "end%"), 3);
	CHECK_STR(b, "end");
}
