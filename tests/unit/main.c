/**
 * @file main.c
 *
 * Runs every unit-test suite and prints the closing count.
 */
#include "test.h"

int t_pass, t_fail;

int main(void)
{
	test_memmap();
	test_mbft_scan();
	test_mdinfo();
	test_nbd();
	test_nbd_netlink();
	test_util();
	test_options();
	test_geometry();
	test_eltorito();
	test_e820();
	test_inflate();
	printf("%d passed, %d failed\n", t_pass, t_fail);
	return t_fail ? 1 : 0;
}
