/**
 * @file wire.c
 *
 * The NBD protocol on the socket (transmission phase): requests decoded and
 * checked against the export, simple replies encoded (big-endian on the
 * wire), and the loop that answers the kernel from (or into) the exported
 * memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "nbd.h"

/** Read a big-endian u32. */
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/** Write a big-endian u32. */
static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int nbd_wire_decode_request(const uint8_t in[NBD_REQUEST_BYTES], struct nbd_request *r)
{
	if (be32(in) != NBD_REQUEST_MAGIC)
		return -1;
	r->type = be32(in + 4) & NBD_CMD_MASK;
	memcpy(r->handle, in + 8, 8);
	r->from = (uint64_t)be32(in + 16) << 32 | be32(in + 20);
	r->len = be32(in + 24);
	return 0;
}

uint32_t nbd_wire_check_request(const struct nbd_request *r, uint64_t size, int writable,
			   uint32_t max_len)
{
	switch (r->type) {
	case NBD_CMD_READ:
	case NBD_CMD_WRITE:
		if (r->type == NBD_CMD_WRITE && !writable)
			return NBD_EPERM;
		if (r->len > max_len)
			return NBD_EINVAL;
		if (r->from > size || r->len > size - r->from)
			return r->type == NBD_CMD_WRITE ? NBD_ENOSPC : NBD_EINVAL;
		return 0;
	case NBD_CMD_FLUSH:
	case NBD_CMD_DISC:
		return 0;
	default:
		return NBD_EINVAL;
	}
}

void nbd_wire_encode_reply(uint8_t out[NBD_REPLY_BYTES], uint32_t error,
		      const uint8_t handle[8])
{
	put_be32(out, NBD_REPLY_MAGIC);
	put_be32(out + 4, error);
	memcpy(out + 8, handle, 8);
}

uint32_t nbd_wire_server_flags(int rw)
{
	return KAPI_NBD_FLAG_HAS_FLAGS | KAPI_NBD_FLAG_SEND_FLUSH |
	       (rw ? 0 : KAPI_NBD_FLAG_READ_ONLY);
}

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

/** Make the buffer *@p buf (*@p cap bytes) hold at least @p n bytes. */
static int grow(uint8_t **buf, size_t *cap, size_t n)
{
	uint8_t *nb;

	if (n <= *cap)
		return 0;
	nb = realloc(*buf, n);
	if (!nb)
		return -1;
	*buf = nb;
	*cap = n;
	return 0;
}

/**
 * A read's reply and data in one writev() straight from the mapping (no copy
 * of our own). When the kernel has revoked the mapping (nd_pmem claimed the
 * range, on UEFI) the socket write fails with EFAULT: the rest is then
 * copied through @p buf, and that access raises the SIGBUS that
 * physmem_follow_pmem() turns into a mapping of /dev/pmemN in place.
 */
static int send_read(int sock, const uint8_t reply[NBD_REPLY_BYTES], const uint8_t *src,
		     size_t len, uint8_t **buf, size_t *cap)
{
	struct iovec iov[2];
	size_t sent = 0, total = NBD_REPLY_BYTES + len;

	while (sent < total) {
		ssize_t w;
		int k = 0;

		if (sent < NBD_REPLY_BYTES) {
			iov[k].iov_base = (void *)(reply + sent);
			iov[k++].iov_len = NBD_REPLY_BYTES - sent;
		}
		if (len) {
			size_t d = sent > NBD_REPLY_BYTES ? sent - NBD_REPLY_BYTES : 0;

			iov[k].iov_base = (void *)(src + d);
			iov[k++].iov_len = len - d;
		}
		w = writev(sock, iov, k);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EFAULT)
			break;          /* nothing of this call was sent */
		if (w <= 0)
			return -1;
		sent += (size_t)w;
	}
	if (sent < total) {
		size_t d, rest;

		if (sent < NBD_REPLY_BYTES) {
			if (write_full(sock, reply + sent, NBD_REPLY_BYTES - sent))
				return -1;
			sent = NBD_REPLY_BYTES;
		}
		d = sent - NBD_REPLY_BYTES;
		rest = len - d;

		if (grow(buf, cap, rest))
			return -1;
		memcpy(*buf, src + d, rest);
		return write_full(sock, *buf, rest);
	}
	return 0;
}

int nbd_wire_serve(int sock, uint8_t *mem, uint64_t size, int writable)
{
	uint8_t hdr[NBD_REQUEST_BYTES], reply[NBD_REPLY_BYTES];
	uint8_t *buf = NULL;
	size_t cap = 0;
	int rc = -1;

	for (;;) {
		struct nbd_request rq;
		uint32_t err;

		if (read_full(sock, hdr, sizeof(hdr)) || nbd_wire_decode_request(hdr, &rq))
			break;
		if (rq.type == NBD_CMD_DISC) {
			rc = 0;
			break;
		}
		err = nbd_wire_check_request(&rq, size, writable, NBD_SERVER_MAX_LEN);
		if (rq.type == NBD_CMD_WRITE) {
			/* The payload follows even when the request is refused. */
			if (rq.len > NBD_SERVER_MAX_LEN)
				break;
			if (grow(&buf, &cap, rq.len) || read_full(sock, buf, rq.len))
				break;
			if (!err)
				memcpy(mem + rq.from, buf, rq.len);
		}
		nbd_wire_encode_reply(reply, err, rq.handle);
		if (rq.type == NBD_CMD_READ && !err) {
			if (send_read(sock, reply, mem + rq.from, rq.len, &buf, &cap))
				break;
		} else if (write_full(sock, reply, sizeof(reply))) {
			break;
		}
	}
	free(buf);
	return rc;
}
