/**
 * @file nbd_proto.c
 *
 * NBD request decoding and reply encoding (big-endian on the wire).
 */
#include "nbd_proto.h"

#include <string.h>

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

int nbd_decode_request(const uint8_t in[NBD_REQUEST_BYTES], struct nbd_request *r)
{
	if (be32(in) != NBD_REQUEST_MAGIC)
		return -1;
	r->type = be32(in + 4) & NBD_CMD_MASK;
	memcpy(r->handle, in + 8, 8);
	r->from = (uint64_t)be32(in + 16) << 32 | be32(in + 20);
	r->len = be32(in + 24);
	return 0;
}

uint32_t nbd_check_request(const struct nbd_request *r, uint64_t size, int writable,
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

void nbd_encode_reply(uint8_t out[NBD_REPLY_BYTES], uint32_t error,
		      const uint8_t handle[8])
{
	put_be32(out, NBD_REPLY_MAGIC);
	put_be32(out + 4, error);
	memcpy(out + 8, handle, 8);
}
