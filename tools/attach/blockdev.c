/**
 * @file blockdev.c
 *
 * Block devices as /sys/block shows them: walking them, their size and
 * read-only state, an attribute, and making sure a /dev node exists.
 */
#include "blockdev.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util.h"

/* BLKROSET (linux/fs.h), written here: musl-gcc does not see kernel headers. */
#define KAPI_BLKROSET _IO(0x12, 93)

int blockdev_for_each(const char *prefix, int (*fn)(const char *name, void *ctx), void *ctx)
{
	DIR *d = opendir("/sys/block");
	size_t pl = strlen(prefix);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return 0;
	while (!rc && (de = readdir(d)))
		if (!strncmp(de->d_name, prefix, pl))
			rc = fn(de->d_name, ctx);
	closedir(d);
	return rc;
}

int blockdev_size(const char *name, uint64_t *bytes)
{
	char p[128];
	uint64_t sectors;

	snprintf(p, sizeof(p), "/sys/block/%s/size", name);
	if (read_u64_file(p, &sectors))
		return -1;
	*bytes = sectors * 512;
	return 0;
}

int blockdev_ro(const char *name)
{
	char p[128];
	uint64_t ro;

	snprintf(p, sizeof(p), "/sys/block/%s/ro", name);
	if (read_u64_file(p, &ro))
		return -1;
	return ro ? 1 : 0;
}

int blockdev_set_ro(const char *dev, int ro)
{
	int fd = open(dev, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = ioctl(fd, KAPI_BLKROSET, &ro);
	close(fd);
	return rc;
}

char *blockdev_attr(const char *name, const char *file)
{
	char p[160], *s;
	size_t l;

	snprintf(p, sizeof(p), "/sys/block/%s/%s", name, file);
	s = read_file(p, 4096, NULL);
	if (!s)
		return NULL;
	l = strlen(s);
	while (l && s[l - 1] == '\n')
		s[--l] = '\0';
	return s;
}

int blockdev_ensure_node(const char *name, char *path, size_t pathlen)
{
	char sys[256];
	uint64_t maj, min;
	char *dev, *colon;
	struct stat st;
	int i;

	snprintf(path, pathlen, "/dev/%s", name);
	snprintf(sys, sizeof(sys), "/sys/block/%s/dev", name);
	/* Give udev or devtmpfs a moment before creating the node ourselves. */
	for (i = 0; i < 20; i++) {
		if (stat(path, &st) == 0 && S_ISBLK(st.st_mode))
			return 0;
		sleep_ms(50);
	}
	dev = read_file(sys, 64, NULL);
	if (!dev) {
		msg("%s: %s", sys, strerror(errno));
		return -1;
	}
	colon = strchr(dev, ':');
	if (!colon) {
		msg("%s: unexpected contents", sys);
		free(dev);
		return -1;
	}
	*colon = '\0';
	if (parse_u64(dev, &maj) || parse_u64(colon + 1, &min)) {
		msg("%s: unexpected contents", sys);
		free(dev);
		return -1;
	}
	free(dev);
	if (mknod(path, S_IFBLK | 0600, makedev((unsigned)maj, (unsigned)min)) && errno != EEXIST) {
		msg("cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
