/**
 * @file test_inject.c
 *
 * The injection both loaders make (lib/inject.c), over ISOs xorriso makes
 * here (Rock Ridge and Joliet, as live ISOs are): an initramfs-tools
 * initrd and its hard link are grown and the view reads back as the
 * image with the grown file; an initrd of no known family is left as it
 * is; a zstd one is grown with every hook; something not ISO 9660 is
 * shown unchanged.
 */
#include <stdlib.h>
#include <sys/stat.h>

#include "cpio.h"
#include "inject.h"
#include "test.h"

static uint8_t scratch[INJECT_SCRATCH_BYTES];
static struct inject inj;
static char said[2048];

static void say_fn(void *ctx, const char *line)
{
	(void)ctx;
	strncat(said, line, sizeof(said) - strlen(said) - 2);
	strcat(said, "\n");
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f) {
		fwrite(p, 1, n, f);
		fclose(f);
	}
}

/** An ISO of the folder @p dir, read into memory; its length in *@p n. */
static uint8_t *make_iso(const char *dir, size_t *n)
{
	char cmd[512], iso[300];
	uint8_t *p = NULL;
	FILE *f;
	long len;

	snprintf(iso, sizeof(iso), "%s.iso", dir);
	snprintf(cmd, sizeof(cmd), "xorriso -as mkisofs -quiet -R -J --hardlinks -V INJ -o %s %s "
		 ">/dev/null 2>&1", iso, dir);
	if (system(cmd) || (f = fopen(iso, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)len);
	if (p && fread(p, 1, (size_t)len, f) != (size_t)len) {
		free(p);
		p = NULL;
	}
	fclose(f);
	remove(iso);
	*n = (size_t)len;
	return p;
}

/** lib/iso9660 over the view. */
static int view_rd(void *ctx, uint64_t off, void *buf, uint32_t n)
{
	const struct inject *in = ctx;

	if (off + n > inject_view_bytes(in))
		return -1;
	inject_read_view(in, off, buf, n);
	return 0;
}

static size_t initrd(uint8_t *buf, size_t cap, const char *marker)
{
	struct cpio_writer w;

	cpio_init(&w, buf, cap, 0);
	cpio_add(&w, "conf", CPIO_S_IFDIR | 0755, NULL, 0);
	cpio_add(&w, marker, CPIO_S_IFREG | 0644, "x=1\n", 4);
	cpio_add(&w, "init", CPIO_S_IFREG | 0755, "#!/bin/sh\n", 10);
	return cpio_finish(&w, 4) + 3;  /* 3 bytes of padding: a length not a multiple of 4 */
}

void test_inject(void)
{
	static uint8_t rd[8192], seg[5000], got[20000];
	static const char payload_text[] = "memboot segment";
	char dir[] = "/tmp/memboot-test-injXXXXXX", path[300];
	struct iso9660 v;
	struct iso9660_file f;
	uint8_t *iso;
	size_t n, rdn, i;
	int same;

	for (i = 0; i < sizeof(seg); i++)
		seg[i] = (uint8_t)(i * 7 + 1);
	memcpy(seg, payload_text, sizeof(payload_text));
	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	/* live/initrd.img (initramfs-tools + live-boot), its hard link, a kernel. */
	snprintf(path, sizeof(path), "%s/live", dir);
	mkdir(path, 0755);
	rdn = initrd(rd, sizeof(rd), "conf/initramfs.conf");
	memset(rd + rdn - 3, 0, 3);
	snprintf(path, sizeof(path), "%s/live/initrd.img", dir);
	write_file(path, rd, rdn);
	snprintf(path, sizeof(path), "ln %s/live/initrd.img %s/live/initrd.img-6.1.0-amd64", dir, dir);
	CHECK_EQ(system(path), 0);
	snprintf(path, sizeof(path), "%s/live/vmlinuz", dir);
	write_file(path, "kernel", 6);
	iso = make_iso(dir, &n);
	CHECK(iso != NULL);
	if (!iso)
		goto out;
	said[0] = '\0';
	CHECK_EQ(inject_make(&inj, iso, n, seg, sizeof(seg), scratch, sizeof(scratch), say_fn,
			     NULL), 1);
	CHECK_EQ(inj.plan.n_files, 1);
	CHECK_EQ(inj.fam[0].family, INITRAMFS_TOOLS);
	CHECK(strstr(said, "initramfs-tools") != NULL);
	/* Both names, in both trees: four records (two sectors, or one when they share it). */
	CHECK_EQ(inj.plan.file[0].n_records, 4);
	CHECK_EQ(inject_view_bytes(&inj) % ISO9660_BLOCK, 0);
	CHECK(inject_view_bytes(&inj) >= n + rdn + sizeof(seg));
	/* The view, read as an ISO: the initrd is the original, zeros to 4 bytes, the segment. */
	CHECK_EQ(iso9660_open(&v, view_rd, &inj), 0);
	CHECK_EQ(iso9660_lookup(&v, "/live/initrd.img", &f), 0);
	CHECK_EQ(f.size, ((rdn + 3) & ~(size_t)3) + sizeof(seg));
	CHECK_EQ(iso9660_read(&v, &f, 0, got, f.size), 0);
	CHECK(!memcmp(got, rd, rdn));
	CHECK(rdn % 4 == 3 && got[rdn] == 0);      /* one byte of padding */
	CHECK(!memcmp(got + ((rdn + 3) & ~(size_t)3), seg, sizeof(seg)));
	CHECK_EQ(iso9660_lookup(&v, "/live/initrd.img-6.1.0-amd64", &f), 0);
	CHECK_EQ(f.size, ((rdn + 3) & ~(size_t)3) + sizeof(seg));
	CHECK_EQ(iso9660_lookup(&v, "/live/vmlinuz", &f), 0);
	CHECK_EQ(f.size, 6);
	/* Every block but the replaced ones reads as the image's. */
	same = 1;
	for (i = 0; i < n / ISO9660_BLOCK; i++) {
		inject_read_view(&inj, i * ISO9660_BLOCK, got, ISO9660_BLOCK);
		if (!inject_sector(&inj, (uint32_t)i) && memcmp(got, iso + i * ISO9660_BLOCK,
								 ISO9660_BLOCK))
			same = 0;
	}
	CHECK(same);
	/* A read across the image's end and past the view reads zeros there. */
	inject_read_view(&inj, inject_view_bytes(&inj) - 10, got, 20);
	CHECK(got[19] == 0);
	free(iso);

	/* No known family: left as it is. */
	rdn = initrd(rd, sizeof(rd), "etc/whatever.conf");
	snprintf(path, sizeof(path), "%s/live/initrd.img", dir);
	write_file(path, rd, rdn);
	snprintf(path, sizeof(path), "%s/live/initrd.img-6.1.0-amd64", dir);
	remove(path);
	iso = make_iso(dir, &n);
	CHECK(iso != NULL);
	if (!iso)
		goto out;
	said[0] = '\0';
	CHECK_EQ(inject_make(&inj, iso, n, seg, sizeof(seg), scratch, sizeof(scratch), say_fn,
			     NULL), 0);
	CHECK_EQ(inj.skipped, 1);
	CHECK(strstr(said, "no known family") != NULL);
	CHECK_EQ(inject_view_bytes(&inj), n);
	inject_read_view(&inj, 0, got, sizeof(got));
	CHECK(!memcmp(got, iso, sizeof(got)));
	free(iso);

	/* zstd: not looked into, grown with every family's hook. */
	memcpy(rd, "\x28\xb5\x2f\xfd", 4);
	snprintf(path, sizeof(path), "%s/live/initrd.img", dir);
	write_file(path, rd, rdn);
	iso = make_iso(dir, &n);
	CHECK(iso != NULL);
	if (!iso)
		goto out;
	said[0] = '\0';
	CHECK_EQ(inject_make(&inj, iso, n, seg, sizeof(seg), scratch, sizeof(scratch), say_fn,
			     NULL), 1);
	CHECK(inj.fam[0].opaque);
	CHECK(strstr(said, "zstd, not looked into") != NULL);

	free(iso);

	/* memboot's own integration inside: left as it is. */
	rdn = initrd(rd, sizeof(rd), "scripts/init-premount/memboot");
	write_file(path, rd, rdn);
	iso = make_iso(dir, &n);
	CHECK(iso != NULL);
	if (!iso)
		goto out;
	said[0] = '\0';
	CHECK_EQ(inject_make(&inj, iso, n, seg, sizeof(seg), scratch, sizeof(scratch), say_fn,
			     NULL), 0);
	CHECK(strstr(said, "carries memboot's integration already") != NULL);
	CHECK(strstr(said, "finds the image itself") != NULL);

	free(iso);

	/* An archiso-like root (initrd.gz, a folder, more files after it), no Joliet. */
	{
		struct cpio_writer w;
		char root[300];

		snprintf(root, sizeof(root), "rm -rf %s/live && mkdir -p %s/isolinux", dir, dir);
		CHECK_EQ(system(root), 0);
		cpio_init(&w, rd, sizeof(rd), 0);
		cpio_add(&w, "hooks", CPIO_S_IFDIR | 0755, NULL, 0);
		cpio_add(&w, "hooks/memdisk", CPIO_S_IFREG | 0755, "run_hook() { :; }\n", 18);
		cpio_add(&w, "init_functions", CPIO_S_IFREG | 0644, "x\n", 2);
		rdn = cpio_finish(&w, 4);
		snprintf(path, sizeof(path), "%s/initrd.gz", dir);
		write_file(path, rd, rdn);
		snprintf(path, sizeof(path), "%s/isolinux/isolinux.cfg", dir);
		write_file(path, "default linux\n", 14);
		snprintf(path, sizeof(path), "%s/vmlinuz", dir);
		write_file(path, "kernel", 6);
		snprintf(path, sizeof(path), "%s/pad.bin", dir);
		write_file(path, seg, sizeof(seg));
	}
	iso = make_iso(dir, &n);
	CHECK(iso != NULL);
	if (!iso)
		goto out;
	said[0] = '\0';
	CHECK_EQ(inject_make(&inj, iso, n, seg, sizeof(seg), scratch, sizeof(scratch), say_fn,
			     NULL), 1);
	CHECK_EQ(inj.fam[0].family, INITRAMFS_MKINITCPIO);
	CHECK(strstr(said, "cannot be walked") == NULL);

	/* Not ISO 9660 (the same bytes without their volume descriptors). */
	memset(iso + 16 * ISO9660_BLOCK, 0, ISO9660_BLOCK);
	said[0] = '\0';
	CHECK_EQ(inject_make(&inj, iso, n, seg, sizeof(seg), scratch, sizeof(scratch), say_fn,
			     NULL), 0);
	CHECK(strstr(said, "not an ISO 9660 image") != NULL);
	free(iso);
out:
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	CHECK_EQ(system(path), 0);
}
