/**
 * @file copy.c
 *
 * The copy backend: the image is copied from /dev/mem into a tmpfs of its
 * own on /run/memdisk-attach and attached to a loop device. It needs only
 * tmpfs and loop, at the cost of RAM equal to the image.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach.h"
#include "blockdev.h"
#include "loop.h"
#include "physmem.h"
#include "util.h"

#define COPY_DIR "/run/memdisk-attach"
#define COPY_FILE COPY_DIR "/image"

/** A loop device over our copy, if the copy is the image's size. */
static int copy_existing(const struct image *im, char *dev, size_t n)
{
	struct stat st;

	if (stat(COPY_FILE, &st) || (uint64_t)st.st_size != im->len)
		return 0;
	return loop_find(COPY_FILE, 0, dev, n);
}

/** Is @p dir a mount point (on another device than its parent)? */
static int is_mount_point(const char *dir)
{
	struct stat a, b;
	char parent[256];

	snprintf(parent, sizeof(parent), "%s/..", dir);
	return stat(dir, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev;
}

/** Copy the mapped image into @p fd, with progress. 0 on success. */
static int copy_image(const struct physmem *pm, int fd)
{
	const size_t chunk = 4 << 20;
	uint64_t done = 0;
	int last = -1, show = verbose || isatty(2);

	while (done < pm->len) {
		size_t want = pm->len - done < chunk ? (size_t)(pm->len - done) : chunk;
		ssize_t w = write(fd, pm->image + done, want);
		int tenth;

		if (w <= 0) {
			msg("copy: failed at byte %llu of %llu: %s", (unsigned long long)done,
			    (unsigned long long)pm->len, w < 0 ? strerror(errno) : "short write");
			return -1;
		}
		done += (uint64_t)w;
		tenth = (int)(done * 10 / pm->len);
		if (show && tenth != last) {
			fprintf(stderr, "%s: copy: %3d%% (%llu MiB)\n", prog_name, tenth * 10,
				(unsigned long long)(done >> 20));
			last = tenth;
		}
	}
	return 0;
}

/** Copy the image into our tmpfs and attach a loop device to the copy. */
static enum attach_rc copy_attach(const struct image *im, char *dev, size_t n, char *why,
				  size_t wn)
{
	struct physmem pm;
	int fd, rc, mounted = 0;
	char opts[64];

	if (physmem_map(&pm, "/dev/mem", im->addr, im->len, 0)) {
		snprintf(why, wn, "the image cannot be mapped from /dev/mem (see above)");
		return ATTACH_UNAVAILABLE;
	}
	msg("copy: this keeps a second copy of the image in RAM (%llu MiB)%s",
	    (unsigned long long)((im->len + (1 << 20) - 1) >> 20),
	    im->rw ? "; writes go to the copy, not to the image" : "");
	mkdir("/run", 0755);
	if (mkdir(COPY_DIR, 0700) && errno != EEXIST) {
		snprintf(why, wn, "cannot create %s: %s", COPY_DIR, strerror(errno));
		goto err_unmap;
	}
	/* A tmpfs of our own, sized for the image (/run may be small). */
	if (!is_mount_point(COPY_DIR)) {
		snprintf(opts, sizeof(opts), "size=%llu,mode=0700",
			 (unsigned long long)(im->len + (1 << 20)));
		if (mount("memdisk-copy", COPY_DIR, "tmpfs", MS_NOSUID | MS_NODEV, opts)) {
			snprintf(why, wn, "cannot mount tmpfs on %s: %s", COPY_DIR, strerror(errno));
			goto err_unmap;
		}
		mounted = 1;
	}
	fd = open(COPY_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, wn, "cannot create %s: %s", COPY_FILE, strerror(errno));
		goto err_umount;
	}
	rc = copy_image(&pm, fd);
	if (close(fd))
		rc = -1;
	physmem_unmap(&pm);
	if (rc) {
		snprintf(why, wn, "copying the image failed");
		goto err_unlink;
	}
	if (loop_attach(COPY_FILE, 0, 0, im->rw, dev, n)) {
		snprintf(why, wn, "cannot attach a loop device");
		goto err_unlink;
	}
	return ATTACH_OK;

err_unlink:
	unlink(COPY_FILE);
err_umount:
	if (mounted)
		umount(COPY_DIR);
err_unmap:
	physmem_unmap(&pm);
	return ATTACH_FAILED;
}

/** A loop device backed by our copy. */
static int copy_owns(const char *name)
{
	char *bf = blockdev_attr(name, "loop/backing_file");
	int ours = bf && !strcmp(bf, COPY_FILE);

	free(bf);
	return ours;
}

/** Detach the loop device, drop the copy and our tmpfs. */
static int copy_detach(const char *name)
{
	if (loop_detach(name))
		return -1;
	unlink(COPY_FILE);
	if (is_mount_point(COPY_DIR))
		umount(COPY_DIR);
	return 0;
}

const struct backend backend_copy = {
	.name = "copy",
	.ro_switchable = 0,
	.existing = copy_existing,
	.attach = copy_attach,
	.owns = copy_owns,
	.detach = copy_detach,
};
