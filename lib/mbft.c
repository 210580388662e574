/**
 * @file mbft.c
 *
 * Building the mBFT and the safe hook; the checksum rule.
 */
#include "mbft.h"

#include "libc.h"

uint8_t mbft_byte_sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

void mbft_set_checksum(void *t, uint32_t length)
{
	uint8_t *p = t;

	p[9] = 0;
	p[9] = (uint8_t)-mbft_byte_sum(p, length);
}

void mbft_build(struct mbft *t, uint32_t safe_hook, const struct mdi *mdi)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->signature, MBFT_SIGNATURE, 4);
	t->length = sizeof(*t);
	t->revision = MBFT_REVISION;
	memcpy(t->oem_id, MBFT_OEM_ID, 6);
	memcpy(t->oem_table_id, MBFT_OEM_TABLE_ID, 8);
	t->safe_hook = safe_hook;
	t->mdi = *mdi;
	t->mdi.bytes = MDI_BYTES;
	mbft_set_checksum(t, t->length);
}

void mbft_build64(struct mbft64 *t, uint32_t safe_hook, const struct mdi *mdi, uint64_t base,
		  uint64_t size)
{
	mbft_build(&t->classic, safe_hook, mdi);
	t->classic.mdi.diskbuf = 0;
	t->classic.mdi.disksize = 0;
	t->classic.length = sizeof(*t);
	memcpy(t->ext.signature, MBFT_EXT_SIGNATURE, 4);
	t->ext.bytes = MBFT_EXT_BYTES;
	t->ext.base = base;
	t->ext.size = size;
	mbft_set_checksum(t, t->classic.length);
}

void mbft_build_safe_hook(struct safe_hook *sh, uint32_t old_int13, uint32_t mbft_addr)
{
	memset(sh->signature, 0, sizeof(*sh) - sizeof(sh->jump));
	memcpy(sh->signature, SAFE_HOOK_SIGNATURE, 8);
	memcpy(sh->vendor, SAFE_HOOK_VENDOR, 8);
	sh->old_int13 = old_int13;
	sh->flags = 0;
	sh->mbft = mbft_addr;
}

uint32_t mbft_build_acpi(uint8_t *out, const void *mbft, uint32_t mbft_len, const char *cmdline)
{
	size_t n = strlen(cmdline);
	uint32_t len;

	if (n > MBFT_ACPI_CMDLINE_MAX)
		n = MBFT_ACPI_CMDLINE_MAX;
	if (mbft_len > sizeof(struct mbft64))
		mbft_len = sizeof(struct mbft64);
	memcpy(out, mbft, mbft_len);
	memcpy(out + mbft_len, cmdline, n);
	out[mbft_len + n] = 0;
	len = mbft_len + (uint32_t)n + 1;
	memcpy(out, MBFT_ACPI_SIGNATURE, 4);
	memcpy(out + 4, &len, 4);
	mbft_set_checksum(out, len);
	return len;
}
