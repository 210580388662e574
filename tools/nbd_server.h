/**
 * @file nbd_server.h
 *
 * A minimal NBD server for one kernel client over a connected socket,
 * exporting a range of memory (the image mapped from /dev/mem in
 * memdisk-attach, a mapped file in the unit tests).
 */
#ifndef MEMBOOT_NBD_SERVER_H
#define MEMBOOT_NBD_SERVER_H

#include <stdint.h>

/** Largest READ or WRITE the server accepts (the kernel sends far less). */
#define NBD_SERVER_MAX_LEN (32u << 20)

/**
 * Serve requests until the client disconnects.
 *
 * @param sock      connected stream socket
 * @param mem       the export's bytes (writable mapping if @p writable)
 * @param size      export size in bytes
 * @param writable  accept writes
 * @return 0 after a clean disconnect, -1 on a protocol or socket error
 */
int nbd_serve(int sock, uint8_t *mem, uint64_t size, int writable);

#endif /* MEMBOOT_NBD_SERVER_H */
