/**
 * @file kmod.c
 *
 * Kernel modules: is one available to this kernel, and loading one with
 * modprobe (busybox's or kmod's, whichever the initramfs has).
 */
#include "kmod.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

/** Does a modules.* file of the running kernel mention "/NAME.ko"? */
static int listed(const char *file, const char *name)
{
	struct utsname u;
	char p[256], pat[96];
	char *text;
	int found;

	if (uname(&u))
		return 0;
	snprintf(p, sizeof(p), "/lib/modules/%s/%s", u.release, file);
	text = read_file(p, 64 << 20, NULL);
	if (!text)
		return 0;
	snprintf(pat, sizeof(pat), "/%s.ko", name);
	found = strstr(text, pat) != NULL;
	free(text);
	return found;
}

int kmod_available(const char *name)
{
	char p[128];

	snprintf(p, sizeof(p), "/sys/module/%s", name);
	return access(p, F_OK) == 0 || listed("modules.dep", name) ||
	       listed("modules.builtin", name);
}

int kmod_load(const char *const *args)
{
	static const char *const paths[] = { "/sbin/modprobe", "/usr/sbin/modprobe",
					     "/bin/modprobe", "/usr/bin/modprobe" };
	const char *argv[16];
	pid_t pid;
	int st, i, n = 0;

	argv[n++] = "modprobe";
	for (i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		size_t k;

		if (!verbose) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
		}
		execvp("modprobe", (char *const *)argv);
		for (k = 0; k < sizeof(paths) / sizeof(paths[0]); k++)
			execv(paths[k], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) == 127)
		return -1;
	return WEXITSTATUS(st);
}
