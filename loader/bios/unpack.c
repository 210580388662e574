/**
 * @file unpack.c
 *
 * The first C that runs. memdisk carries its 32-bit body (main.c and all
 * the rest but the head, loader.lds.S) as one gzip member after the head;
 * this unpacks it to BODY_BASE, where it is linked, with the small decoder
 * of lib/gunzip_small.c. The head is only what that needs: the 32-bit entry
 * and the real-mode gateway (start32.S), this file, the decoder and
 * DEFLATE's tables, memcpy and memset, and the console's output with
 * give_back (console.c). scripts/pack-memdisk.sh writes the file: setup,
 * head, the member, and syssize covering them. A damaged file (a cut
 * download) is said on the screen and the serial line before INT 18h, as
 * every other refusal of memdisk's.
 */
#include "gunzip_small.h"
#include "layout.h"
#include "libc.h"
#include "loader.h"

/* From the linker script: the member follows the head; the body is linked
 * from _body_start to _pm_file_end (the driver's bytes included). */
extern const uint8_t _blob[];
extern uint8_t _body_start[], _pm_file_end[];
/* setup.S's header: syssize, the protected-mode part in 16-byte units. */
extern char hdr_syssize[];

static struct gunzip_small_ws unpack_ws;

void unpack_body(void);

void unpack_body(void)
{
	static const char *const why[] = {
		"", "no gzip header", "bad data", "more data than it should hold",
		"checksum mismatch",
	};
	uint32_t pm_bytes = *SETUP_VAR(uint32_t, hdr_syssize) * 16u;
	uint32_t head = (uint32_t)(_blob - (const uint8_t *)PM_BASE);
	size_t want = (size_t)(_pm_file_end - _body_start), got = 0;
	int rc = GUNZIP_SMALL_BAD_DATA;

	if (pm_bytes > head)
		rc = gunzip_small(&unpack_ws, _blob, pm_bytes - head, _body_start, want, &got);
	if (rc == GUNZIP_SMALL_OK && got == want)
		return;
	con_init();
	con_puts("memdisk: error: memdisk's own file is cut or corrupt (its packed part: ");
	con_puts(rc == GUNZIP_SMALL_OK ? "less data than it should hold" : why[rc]);
	con_puts("): fetch memdisk again\n");
	give_back();
}
