/**
 * @file main.c
 *
 * Runs every unit-test suite and prints the closing count.
 */
#include "test.h"

int t_pass, t_fail;

int main(void)
{
	test_options();
	test_geometry();
	test_eltorito();
	test_diskplan();
	test_bios();
	test_e820();
	test_inflate();
	test_iomem();
	test_mbft_scan();
	test_describe();
	test_nbd_wire();
	test_nbd_genl();
	test_util();
	test_fmt();
	test_efiopt();
	test_uefiboot();
	test_nfit();
	test_efimem();
	test_iso9660();
	test_cpio();
	test_initramfs();
	test_inject();
	test_sha256();
	printf("%d passed, %d failed\n", t_pass, t_fail);
	return t_fail ? 1 : 0;
}
