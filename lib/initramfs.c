/**
 * @file initramfs.c
 *
 * Telling an initrd's family from its archive's names (initramfs.h).
 */
#include "initramfs.h"

#include "cpio.h"
#include "libc.h"

/** Stop after this many segments (a real initrd has 1-4). */
#define MAX_SEGMENTS 16

int initramfs_compression(const uint8_t *h, size_t n)
{
	static const struct {
		uint8_t len, magic[6], comp;
	} magics[] = {
		{ 5, { '0', '7', '0', '7', '0' }, INITRAMFS_COMP_NONE },
		{ 2, { 0x1f, 0x8b }, INITRAMFS_COMP_GZIP },
		{ 4, { 0x28, 0xb5, 0x2f, 0xfd }, INITRAMFS_COMP_ZSTD },
		{ 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, INITRAMFS_COMP_XZ },
		{ 3, { 0x5d, 0x00, 0x00 }, INITRAMFS_COMP_LZMA },
		{ 3, { 'B', 'Z', 'h' }, INITRAMFS_COMP_BZIP2 },
		{ 4, { 0x02, 0x21, 0x4c, 0x18 }, INITRAMFS_COMP_LZ4 },
		{ 4, { 0x89, 'L', 'Z', 'O' }, INITRAMFS_COMP_LZO },
	};
	size_t i;

	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (n >= magics[i].len && !memcmp(h, magics[i].magic, magics[i].len))
			return magics[i].comp;
	return INITRAMFS_COMP_UNKNOWN;
}

/** Does the name (@p n bytes) equal @p s, or start with @p s followed by '/'? */
static int is_path(const char *name, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && !memcmp(name, s, k) && (n == k || name[k] == '/');
}

static int has(const char *name, size_t n, const char *s)
{
	size_t k = strlen(s), i;

	for (i = 0; k <= n && i <= n - k; i++)
		if (!memcmp(name + i, s, k))
			return 1;
	return 0;
}

/** Look at one archive name: families seen go into @p *seen (bit 1 << family). */
static void look(struct initramfs_info *out, unsigned *seen, const char *name, size_t n)
{
	for (;;) {
		if (n >= 2 && name[0] == '.' && name[1] == '/') {
			name += 2;
			n -= 2;
		} else if (n && name[0] == '/') {
			name++;
			n--;
		} else {
			break;
		}
	}
	out->entries++;
	if (is_path(name, n, "conf/initramfs.conf") || is_path(name, n, "scripts/init-premount")) {
		*seen |= 1u << INITRAMFS_TOOLS;
	} else if (is_path(name, n, "usr/lib/dracut") || is_path(name, n, "lib/dracut") ||
		   is_path(name, n, "etc/cmdline.d")) {
		*seen |= 1u << INITRAMFS_DRACUT;
	} else if (is_path(name, n, "init_functions") || is_path(name, n, "hooks")) {
		*seen |= 1u << INITRAMFS_MKINITCPIO;
	}
	if (is_path(name, n, "scripts/init-premount/memboot") || is_path(name, n, "hooks/memboot") ||
	    has(name, n, "memdisk-attach") || has(name, n, "memboot-attach"))
		out->has_memboot = 1;
	if (is_path(name, n, "hooks/memdisk"))
		out->has_memdisk_hook = 1;
	if (out->flavour)
		return;
	if (is_path(name, n, "scripts/live"))
		out->flavour = "live-boot";
	else if (is_path(name, n, "scripts/casper"))
		out->flavour = "casper";
	else if (is_path(name, n, "hooks/archiso"))
		out->flavour = "archiso";
	else if (has(name, n, "dmsquash-live"))
		out->flavour = "dmsquash-live";
}

/**
 * Read the names of the archive at *@p off of @p p (@p len bytes): up to its
 * trailer (then *@p off is past it) or the end of the bytes.
 *
 * @return 0, or -1 on a damaged entry
 */
static int walk(struct initramfs_info *out, unsigned *seen, const uint8_t *p, size_t len,
		size_t *off)
{
	struct cpio_entry e;
	int rc;

	while ((rc = cpio_next(p, len, off, &e)) == 1)
		look(out, seen, e.name, e.name_len);
	return rc < 0 ? -1 : 0;
}

int initramfs_probe(const uint8_t *p, size_t len, uint8_t *scratch, size_t cap,
		    struct inflate_state *st, struct initramfs_info *out)
{
	unsigned seen = 0, f;
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	while (out->segments < MAX_SEGMENTS) {
		int comp, rc;

		while (off < len && !p[off])
			off++;
		if (off >= len)
			break;
		out->segments++;
		comp = initramfs_compression(p + off, len - off);
		out->comp = comp;
		if (comp == INITRAMFS_COMP_NONE) {
			size_t start = off;

			rc = walk(out, &seen, p, len, &off);
			if (rc < 0) {
				out->damaged = 1;
				break;
			}
			if (off <= start)
				break;
			continue;
		}
		if (comp == INITRAMFS_COMP_GZIP && scratch && cap) {
			size_t got = 0, o = 0;

			rc = gunzip_ws(st, p + off, len - off, scratch, cap, &got, NULL, NULL);
			if (rc != INFLATE_OK && rc != INFLATE_OUTPUT_FULL)
				out->damaged = 1;
			/* The unpacked part: its last entry may be cut short. */
			if (walk(out, &seen, scratch, got, &o) < 0 && rc == INFLATE_OK)
				out->damaged = 1;
			/* Where the stream ends is not known here: stop. */
			break;
		}
		if (comp == INITRAMFS_COMP_UNKNOWN)
			out->damaged = 1;
		else
			out->opaque = 1;
		break;
	}
	seen &= ~1u;
	for (f = INITRAMFS_TOOLS; f <= INITRAMFS_MKINITCPIO; f++)
		if (seen == 1u << f)
			out->family = (int)f;
	if (seen && !out->family)
		out->family = INITRAMFS_MIXED;
	return out->family;
}

const char *initramfs_family_name(int family)
{
	switch (family) {
	case INITRAMFS_TOOLS:
		return "initramfs-tools";
	case INITRAMFS_DRACUT:
		return "dracut";
	case INITRAMFS_MKINITCPIO:
		return "mkinitcpio";
	case INITRAMFS_MIXED:
		return "several families";
	}
	return "no known family";
}

const char *initramfs_comp_name(int comp)
{
	static const char *const names[] = { "uncompressed", "gzip", "zstd", "xz", "lzma",
					     "bzip2", "lz4", "lzo", "unknown" };

	return comp >= 0 && comp <= INITRAMFS_COMP_UNKNOWN ? names[comp] : "unknown";
}
