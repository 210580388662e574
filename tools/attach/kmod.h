/**
 * @file kmod.h
 *
 * Kernel modules (kmod.c).
 */
#ifndef MEMBOOT_KMOD_H
#define MEMBOOT_KMOD_H

/** Is a kernel module available (loaded, built in, or in modules.dep)? */
int kmod_available(const char *name);

/**
 * Run "modprobe ARGS..." (searching PATH, then /sbin). Output is discarded
 * unless verbose.
 *
 * @return modprobe's exit status, or -1 if it could not be run
 */
int kmod_load(const char *const *args);

#endif /* MEMBOOT_KMOD_H */
