/**
 * @file mbft_build.c
 *
 * Building the mBFT and the safe hook.
 */
#include "mbft_build.h"

#include "libc.h"

void mbft_fix_checksum(void *t, uint32_t length)
{
	uint8_t *p = t, sum = 0;
	uint32_t i;

	p[9] = 0;
	for (i = 0; i < length; i++)
		sum = (uint8_t)(sum + p[i]);
	p[9] = (uint8_t)-sum;
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
	mbft_fix_checksum(t, t->length);
}

void safe_hook_build(struct safe_hook *sh, uint32_t old_int13, uint32_t mbft_addr)
{
	memset(sh->signature, 0, sizeof(*sh) - sizeof(sh->jump));
	memcpy(sh->signature, SAFE_HOOK_SIGNATURE, 8);
	memcpy(sh->vendor, SAFE_HOOK_VENDOR, 8);
	sh->old_int13 = old_int13;
	sh->flags = 0;
	sh->mbft = mbft_addr;
}
