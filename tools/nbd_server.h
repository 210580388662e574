/**
 * @file nbd_server.h
 *
 * A minimal NBD server for one kernel client over a connected socket,
 * exporting a byte range of a file descriptor (/dev/mem in memdisk-attach,
 * a plain file in the unit tests).
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
 * @param fd        file to serve from (pread/pwrite)
 * @param offset    offset in @p fd of the export's first byte
 * @param size      export size in bytes
 * @param writable  accept writes
 * @return 0 after a clean disconnect, -1 on a protocol or socket error
 */
int nbd_serve(int sock, int fd, uint64_t offset, uint64_t size, int writable);

#endif /* MEMBOOT_NBD_SERVER_H */
