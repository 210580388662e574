/**
 * @file cpio.c
 *
 * newc cpio archives (see cpio.h).
 */
#include "cpio.h"

#include "libc.h"

#define MAGIC "070701"

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/** Write @p v as eight hex digits. */
static void hex8(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 4)
		p[i] = (uint8_t)"0123456789ABCDEF"[v & 15];
}

void cpio_init(struct cpio_writer *w, uint8_t *buf, size_t cap, uint32_t mtime)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->ino = 1;
	w->mtime = mtime;
	w->overflow = 0;
}

int cpio_add(struct cpio_writer *w, const char *path, uint32_t mode, const void *data,
	     size_t size)
{
	size_t nl = strlen(path) + 1, head = pad4(CPIO_HEADER_BYTES + nl), need;
	uint32_t f[13];
	uint8_t *p;
	int i, trailer;

	if (w->overflow || size > 0xffffffffu || nl > 0xffffffffu)
		goto full;
	need = head + pad4(size);
	if (need < head || w->cap - w->len < need)
		goto full;
	p = w->buf + w->len;
	trailer = nl == sizeof(CPIO_TRAILER) && !memcmp(path, CPIO_TRAILER, nl);
	f[0] = trailer ? 0 : w->ino++;
	f[1] = mode;
	f[2] = f[3] = 0;                                /* uid, gid: root */
	f[4] = (mode & 0170000u) == CPIO_S_IFDIR ? 2 : 1;
	f[5] = w->mtime;
	f[6] = (uint32_t)size;
	f[7] = f[8] = f[9] = f[10] = 0;                 /* devices */
	f[11] = (uint32_t)nl;
	f[12] = 0;                                      /* check */
	memcpy(p, MAGIC, 6);
	for (i = 0; i < 13; i++)
		hex8(p + 6 + 8 * i, f[i]);
	memcpy(p + CPIO_HEADER_BYTES, path, nl);
	memset(p + CPIO_HEADER_BYTES + nl, 0, head - CPIO_HEADER_BYTES - nl);
	if (size)
		memcpy(p + head, data, size);
	memset(p + head + size, 0, pad4(size) - size);
	w->len += need;
	return 0;
full:
	w->overflow = 1;
	return -1;
}

size_t cpio_finish(struct cpio_writer *w, size_t align)
{
	size_t end;

	if (align < 4 || (align & (align - 1)))
		align = 4;
	if (cpio_add(w, CPIO_TRAILER, 0, NULL, 0))
		return 0;
	end = (w->len + align - 1) & ~(align - 1);
	if (end > w->cap) {
		w->overflow = 1;
		return 0;
	}
	memset(w->buf + w->len, 0, end - w->len);
	w->len = end;
	return w->len;
}

/** Parse eight hex digits; -1 if they are not. */
static int unhex8(const uint8_t *p, uint32_t *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 8; i++) {
		uint8_t c = p[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

int cpio_next(const uint8_t *p, size_t len, size_t *off, struct cpio_entry *e)
{
	uint32_t f[13];
	size_t o = *off, head;
	int i;

	/* Zeros between archives (padding) are skipped, 4 bytes at a time. */
	while (o + 4 <= len && !p[o] && !p[o + 1] && !p[o + 2] && !p[o + 3])
		o += 4;
	if (o >= len || len - o < CPIO_HEADER_BYTES) {
		*off = len;
		return 0;
	}
	if (memcmp(p + o, MAGIC, 6) && memcmp(p + o, "070702", 6))
		return -1;
	for (i = 0; i < 13; i++)
		if (unhex8(p + o + 6 + 8 * i, &f[i]))
			return -1;
	if (f[11] == 0 || f[11] > len - o - CPIO_HEADER_BYTES)
		return -1;
	head = pad4(CPIO_HEADER_BYTES + f[11]);
	if (head > len - o || f[6] > len - o - head)
		return -1;
	e->name = (const char *)p + o + CPIO_HEADER_BYTES;
	e->name_len = f[11] - 1;
	e->mode = f[1];
	e->data = p + o + head;
	e->size = f[6];
	o += head + f[6];
	*off = o + ((4 - (o & 3)) & 3) > len ? len : o + ((4 - (o & 3)) & 3);
	if (e->name_len == sizeof(CPIO_TRAILER) - 1 && !memcmp(e->name, CPIO_TRAILER, e->name_len))
		return 0;
	return 1;
}
