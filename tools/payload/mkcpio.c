/**
 * @file mkcpio.c
 *
 * A build-time host program: write a newc cpio archive (an initramfs
 * segment) with lib/cpio, from "ARCHIVE-PATH=HOST-FILE" arguments (folders
 * are added for every path's parents; HOST-FILE's executable bit decides the
 * mode, 0755 or 0644; owner root, mtime 0, so the archive is reproducible).
 *
 * Usage: mkcpio OUT ARCHIVE-PATH=HOST-FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpio.h"

#define MAX_DIRS 64

static char dirs[MAX_DIRS][256];
static int n_dirs;

/**
 * Is @p path under a top-level folder that a merged-/usr initramfs makes a
 * link (bin, sbin, lib...)? The kernel's unpacker replaces a link by a
 * folder an archive names, which would cut the initramfs off from its own
 * files: such paths are refused.
 */
static int through_link(const char *path)
{
	static const char *const links[] = { "bin/", "sbin/", "lib/", "lib32/", "lib64/", "libx32/",
					     "usr/sbin/", "usr/lib64/" };
	size_t i;

	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (!strncmp(path, links[i], strlen(links[i])))
			return 1;
	return 0;
}

/** Add the parents of @p path once each, outermost first. */
static int add_parents(struct cpio_writer *w, const char *path)
{
	char buf[256];
	size_t i, n = strlen(path);
	int k;

	if (n >= sizeof(buf))
		return -1;
	for (i = 1; i < n; i++) {
		if (path[i] != '/')
			continue;
		memcpy(buf, path, i);
		buf[i] = '\0';
		for (k = 0; k < n_dirs && strcmp(dirs[k], buf); k++)
			;
		if (k < n_dirs)
			continue;
		if (n_dirs >= MAX_DIRS || cpio_add(w, buf, CPIO_S_IFDIR | 0755, NULL, 0))
			return -1;
		strcpy(dirs[n_dirs++], buf);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t out[16u << 20];
	struct cpio_writer w;
	size_t len;
	FILE *f;
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: mkcpio OUT ARCHIVE-PATH=HOST-FILE...\n");
		return 2;
	}
	cpio_init(&w, out, sizeof(out), 0);
	for (i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		struct stat st;
		uint8_t *data;

		if (!eq || eq == argv[i]) {
			fprintf(stderr, "mkcpio: '%s' is not ARCHIVE-PATH=HOST-FILE\n", argv[i]);
			return 2;
		}
		*eq = '\0';
		if (through_link(argv[i])) {
			fprintf(stderr, "mkcpio: %s: bin, sbin, lib and usr/sbin may be links "
				"in the initramfs; use usr/bin or usr/lib\n", argv[i]);
			return 2;
		}
		f = fopen(eq + 1, "rb");
		if (!f || fstat(fileno(f), &st)) {
			perror(eq + 1);
			return 1;
		}
		data = malloc((size_t)st.st_size + 1);
		if (!data || fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
			fprintf(stderr, "mkcpio: cannot read %s\n", eq + 1);
			return 1;
		}
		fclose(f);
		if (add_parents(&w, argv[i]) ||
		    cpio_add(&w, argv[i], CPIO_S_IFREG | ((st.st_mode & 0100) ? 0755 : 0644), data,
			     (size_t)st.st_size)) {
			fprintf(stderr, "mkcpio: the archive is full at %s\n", argv[i]);
			return 1;
		}
		free(data);
	}
	len = cpio_finish(&w, 4);
	f = fopen(argv[1], "wb");
	if (!len || !f || fwrite(out, 1, len, f) != len || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
