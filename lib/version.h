/**
 * @file version.h
 *
 * memboot's version, shown by --version and recorded in the MDI by the loader.
 */
#ifndef MEMBOOT_VERSION_H
#define MEMBOOT_VERSION_H

#define MEMBOOT_VERSION "0.1.0"

#endif /* MEMBOOT_VERSION_H */
