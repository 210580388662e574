/**
 * @file nbd_server.c
 *
 * The NBD transmission loop: decode a request, check it against the export,
 * answer it from (or into) the exported memory.
 */
#include "nbd_server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nbd_proto.h"

/** Read exactly n bytes from a socket; 0 on success, -1 on EOF or error. */
static int read_full(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/** Write exactly n bytes to a socket; 0 on success. */
static int write_full(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int nbd_serve(int sock, uint8_t *mem, uint64_t size, int writable)
{
	uint8_t hdr[NBD_REQUEST_BYTES], reply[NBD_REPLY_BYTES];
	uint8_t *buf = NULL;
	size_t cap = 0;
	int rc = -1;

	for (;;) {
		struct nbd_request rq;
		uint32_t err;

		if (read_full(sock, hdr, sizeof(hdr)) || nbd_decode_request(hdr, &rq))
			break;
		if (rq.type == NBD_CMD_DISC) {
			rc = 0;
			break;
		}
		err = nbd_check_request(&rq, size, writable, NBD_SERVER_MAX_LEN);
		if (rq.type == NBD_CMD_WRITE) {
			/* The payload follows even when the request is refused. */
			if (rq.len > NBD_SERVER_MAX_LEN)
				break;
			if (rq.len > cap) {
				uint8_t *nb = realloc(buf, rq.len);

				if (!nb)
					break;
				buf = nb;
				cap = rq.len;
			}
			if (read_full(sock, buf, rq.len))
				break;
			if (!err)
				memcpy(mem + rq.from, buf, rq.len);
		}
		nbd_encode_reply(reply, err, rq.handle);
		if (write_full(sock, reply, sizeof(reply)))
			break;
		if (rq.type == NBD_CMD_READ && !err && write_full(sock, mem + rq.from, rq.len))
			break;
	}
	free(buf);
	return rc;
}
