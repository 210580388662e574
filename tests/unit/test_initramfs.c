/**
 * @file test_initramfs.c
 *
 * Telling an initrd's family (lib/initramfs.c): each family's markers in
 * plain and gzip segments, a microcode segment before the main one, names
 * with "./", compressions that are named but not looked into, several
 * families, no family, damaged archives, a scratch buffer smaller than the
 * archive.
 */
#include <stdlib.h>

#include "cpio.h"
#include "initramfs.h"
#include "test.h"

static uint8_t arc[1 << 16];

/** A plain archive of the NULL-terminated @p names (files, "d:" folders). */
static size_t archive(uint8_t *buf, size_t cap, const char *const *names)
{
	struct cpio_writer w;

	cpio_init(&w, buf, cap, 0);
	for (; *names; names++) {
		if (!strncmp(*names, "d:", 2))
			cpio_add(&w, *names + 2, CPIO_S_IFDIR | 0755, NULL, 0);
		else
			cpio_add(&w, *names, CPIO_S_IFREG | 0644, "x\n", 2);
	}
	return cpio_finish(&w, 4);
}

/** @p n bytes of @p p through gzip(1) into @p out; the length. */
static size_t gzip_bytes(const uint8_t *p, size_t n, uint8_t *out, size_t cap)
{
	char in[] = "/tmp/memboot-test-irXXXXXX", cmd[128];
	FILE *f;
	size_t got;
	int fd = mkstemp(in);

	if (fd < 0 || (f = fdopen(fd, "wb")) == NULL)
		return 0;
	fwrite(p, 1, n, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "gzip -n -c %s", in);
	f = popen(cmd, "r");
	got = f ? fread(out, 1, cap, f) : 0;
	if (f)
		pclose(f);
	remove(in);
	return got;
}

static int probe(const uint8_t *p, size_t n, size_t cap, struct initramfs_info *in)
{
	static uint8_t scratch[1 << 16];
	static struct inflate_state st;

	return initramfs_probe(p, n, cap ? scratch : NULL, cap, &st, in);
}

void test_initramfs(void)
{
	static const char *const tools[] = { ".", "d:bin", "d:conf", "conf/arch.conf",
		"conf/initramfs.conf", "init", "d:scripts", "d:scripts/init-premount",
		"scripts/init-premount/ORDER", "d:scripts/live", "scripts/live/x", NULL };
	static const char *const casper[] = { "./conf/initramfs.conf", "./scripts/casper", NULL };
	static const char *const dracut[] = { "d:etc", "d:etc/cmdline.d", "d:usr/lib/dracut",
		"usr/lib/dracut/modules.txt", "usr/sbin/dmsquash-live-root", NULL };
	static const char *const mkinit[] = { "VERSION", "config", "d:hooks", "hooks/archiso",
		"hooks/memdisk", "hooks/udev", "init", "init_functions", NULL };
	static const char *const ours[] = { "conf/initramfs.conf", "scripts/init-premount/memboot",
		NULL };
	static const char *const ucode[] = { "d:kernel", "d:kernel/x86", "d:kernel/x86/microcode",
		"kernel/x86/microcode/GenuineIntel.bin", NULL };
	static const char *const none[] = { "init", "d:bin", "bin/busybox", NULL };
	static const char *const mixed[] = { "conf/initramfs.conf", "init_functions", NULL };
	static uint8_t buf[1 << 16], gz[1 << 16];
	struct initramfs_info in;
	size_t n, m, g;

	/* initramfs-tools + live-boot, plain and gzip. */
	n = archive(arc, sizeof(arc), tools);
	CHECK_EQ(probe(arc, n, 0, &in), INITRAMFS_TOOLS);
	CHECK(in.flavour && !strcmp(in.flavour, "live-boot"));
	CHECK_EQ(in.comp, INITRAMFS_COMP_NONE);
	CHECK_EQ(in.segments, 1);
	CHECK_EQ(in.entries, 11);
	CHECK(!in.opaque && !in.damaged);
	g = gzip_bytes(arc, n, gz, sizeof(gz));
	CHECK(g > 18);
	CHECK_EQ(probe(gz, g, 1 << 16, &in), INITRAMFS_TOOLS);
	CHECK_EQ(in.comp, INITRAMFS_COMP_GZIP);
	CHECK(in.flavour && !strcmp(in.flavour, "live-boot") && !in.damaged);
	/* Without scratch a gzip segment is opaque. */
	CHECK_EQ(probe(gz, g, 0, &in), INITRAMFS_UNKNOWN);
	CHECK(in.opaque && !in.damaged);
	/* Scratch smaller than the archive: the first names still count. */
	CHECK_EQ(probe(gz, g, 800, &in), INITRAMFS_TOOLS);
	CHECK(!in.damaged && in.entries < 11);
	/* A cut gzip stream: what was unpacked counts, and it is damaged. */
	CHECK_EQ(probe(gz, g - 12, 1 << 16, &in), INITRAMFS_TOOLS);
	CHECK(in.damaged);

	/* Names with "./" (casper). */
	n = archive(arc, sizeof(arc), casper);
	CHECK_EQ(probe(arc, n, 0, &in), INITRAMFS_TOOLS);
	CHECK(in.flavour && !strcmp(in.flavour, "casper"));

	/* A plain microcode segment, padding, then a gzip dracut one. */
	m = archive(arc, sizeof(arc), ucode);
	memset(arc + m, 0, 512);
	n = archive(buf, sizeof(buf), dracut);
	g = gzip_bytes(buf, n, gz, sizeof(gz));
	memcpy(arc + m + 512, gz, g);
	CHECK_EQ(probe(arc, m + 512 + g, 1 << 16, &in), INITRAMFS_DRACUT);
	CHECK_EQ(in.segments, 2);
	CHECK(in.flavour && !strcmp(in.flavour, "dmsquash-live"));
	/* The same with a zstd main segment: named, not looked into. */
	memcpy(arc + m + 512, "\x28\xb5\x2f\xfd\x00\x00", 6);
	CHECK_EQ(probe(arc, m + 518, 1 << 16, &in), INITRAMFS_UNKNOWN);
	CHECK(in.opaque && !in.damaged);
	CHECK_EQ(in.comp, INITRAMFS_COMP_ZSTD);
	CHECK(!strcmp(initramfs_comp_name(in.comp), "zstd"));

	/* mkinitcpio + archiso. */
	n = archive(arc, sizeof(arc), mkinit);
	CHECK_EQ(probe(arc, n, 0, &in), INITRAMFS_MKINITCPIO);
	CHECK(in.flavour && !strcmp(in.flavour, "archiso"));
	CHECK(in.has_memdisk_hook && !in.has_memboot);
	n = archive(arc, sizeof(arc), ours);
	CHECK_EQ(probe(arc, n, 0, &in), INITRAMFS_TOOLS);
	CHECK(in.has_memboot && !in.has_memdisk_hook);

	/* No family; several families. */
	n = archive(arc, sizeof(arc), none);
	CHECK_EQ(probe(arc, n, 0, &in), INITRAMFS_UNKNOWN);
	CHECK(!in.opaque && !in.damaged && !in.flavour);
	CHECK(!strcmp(initramfs_family_name(in.family), "no known family"));
	n = archive(arc, sizeof(arc), mixed);
	CHECK_EQ(probe(arc, n, 0, &in), INITRAMFS_MIXED);

	/* Damage: a header cut short, a bad hex digit, bytes of nothing known. */
	n = archive(arc, sizeof(arc), tools);
	CHECK_EQ(probe(arc, 200, 0, &in), INITRAMFS_UNKNOWN);    /* only "." read */
	CHECK_EQ(in.entries, 1);
	arc[6 + 8 * 6] = 'g';                                    /* first entry's size */
	probe(arc, n, 0, &in);
	CHECK(in.damaged);
	CHECK_EQ(in.entries, 0);
	memcpy(arc, "hello world", 11);
	CHECK_EQ(probe(arc, n, 0, &in), INITRAMFS_UNKNOWN);
	CHECK(in.damaged && !in.opaque);
	CHECK_EQ(probe(arc, 0, 0, &in), INITRAMFS_UNKNOWN);
	CHECK_EQ(in.segments, 0);

	/* Each compressor's magic. */
	CHECK_EQ(initramfs_compression((const uint8_t *)"\xfd" "7zXZ\0", 6), INITRAMFS_COMP_XZ);
	CHECK_EQ(initramfs_compression((const uint8_t *)"BZh9", 4), INITRAMFS_COMP_BZIP2);
	CHECK_EQ(initramfs_compression((const uint8_t *)"\x5d\0\0\x80", 4), INITRAMFS_COMP_LZMA);
	CHECK_EQ(initramfs_compression((const uint8_t *)"\x02\x21\x4c\x18", 4), INITRAMFS_COMP_LZ4);
	CHECK_EQ(initramfs_compression((const uint8_t *)"\x89LZO", 4), INITRAMFS_COMP_LZO);
	CHECK_EQ(initramfs_compression((const uint8_t *)"0707", 4), INITRAMFS_COMP_UNKNOWN);
}
