/*
 * sbat.S - what shim wants of memdisk.efi. First its SBAT metadata: a
 * ".sbat" section holding CSV lines (component, generation, vendor,
 * package, version, URL), which shim 15.3
 * and later read from every image it verifies and compare with its
 * revocation list; an image without it is refused under Secure Boot. The
 * first line is the format's own; the second names memboot, generation 1
 * (raised when a security fix must revoke older memdisk.efi builds).
 */
#include "version.h"

	.section .sbat,"dr"
	.ascii "sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\n"
	.ascii "memboot,1,memboot,memboot,", MEMBOOT_VERSION, ",docs/uefi.md\n"

/*
 * shim's PE loader also refuses a section that holds initialized data but
 * no bytes of the file ("Section 2 is inside image headers"): lld-link
 * merges the zero-initialized .bss into .data, which then has a file offset
 * of 0. One initialized word gives .data its bytes in the file.
 */
	.section .data,"dw"
	.balign 8
	.globl shim_data_word
shim_data_word:
	.quad 0x6d656d626f6f74  /* "memboot" */
