/**
 * @file nbd_proto.c
 *
 * NBD request decoding and reply encoding (big-endian on the wire), and the
 * generic-netlink messages of the nbd family (host byte order).
 */
#include "nbd_proto.h"

#include <string.h>

#include "kapi.h"

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

/* ---- generic netlink ---------------------------------------------------- */

/** A netlink message being built; any overflow sets @c bad. */
struct nl_build {
	uint8_t *buf;
	size_t cap, len;
	int bad;
};

/** Round up to netlink's 4-byte alignment. */
static size_t nl_align(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/** Append @p n bytes (zero-padded to alignment); the offset, or 0 on overflow. */
static size_t nl_put(struct nl_build *b, const void *data, size_t n)
{
	size_t at = b->len, an = nl_align(n);

	if (b->bad || an > b->cap - b->len) {
		b->bad = 1;
		return 0;
	}
	memset(b->buf + at, 0, an);
	if (n)
		memcpy(b->buf + at, data, n);
	b->len += an;
	return at;
}

/** Start a request: nlmsghdr and genlmsghdr. */
static void nl_start(struct nl_build *b, uint8_t *buf, size_t cap, uint16_t type,
		     uint8_t cmd, uint8_t version, uint32_t seq)
{
	uint8_t h[KAPI_NLMSG_HDRLEN + KAPI_GENL_HDRLEN] = { 0 };

	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->bad = 0;
	/* nlmsg_len is set by nl_end; nlmsg_pid 0: the kernel fills it in */
	put16(h + 4, type);
	put16(h + 6, KAPI_NLM_F_REQUEST | KAPI_NLM_F_ACK);
	put32(h + 8, seq);
	h[16] = cmd;
	h[17] = version;
	nl_put(b, h, sizeof(h));
}

/** Finish the message; its length, or 0 on overflow. */
static size_t nl_end(struct nl_build *b)
{
	if (b->bad)
		return 0;
	put32(b->buf, (uint32_t)b->len);
	return b->len;
}

/** Append an attribute; its offset, or 0 on overflow. */
static size_t nl_attr(struct nl_build *b, uint16_t type, const void *data, size_t n)
{
	uint8_t h[KAPI_NLA_HDRLEN];
	size_t at;

	put16(h, (uint16_t)(KAPI_NLA_HDRLEN + n));
	put16(h + 2, type);
	at = nl_put(b, h, sizeof(h));
	if (b->bad)
		return 0;
	/* the header is 4 bytes, already aligned: the payload follows it directly */
	nl_put(b, data, n);
	return b->bad ? 0 : at;
}

static void nl_u32(struct nl_build *b, uint16_t type, uint32_t v)
{
	nl_attr(b, type, &v, 4);
}

static void nl_u64(struct nl_build *b, uint16_t type, uint64_t v)
{
	nl_attr(b, type, &v, 8);
}

/** Open a nested attribute; pass the result to nl_nest_end. */
static size_t nl_nest(struct nl_build *b, uint16_t type)
{
	return nl_attr(b, (uint16_t)(type | KAPI_NLA_F_NESTED), NULL, 0);
}

static void nl_nest_end(struct nl_build *b, size_t at)
{
	if (!b->bad)
		put16(b->buf + at, (uint16_t)(b->len - at));
}

size_t nbd_nl_getfamily(uint8_t *buf, size_t cap, uint32_t seq)
{
	struct nl_build b;

	nl_start(&b, buf, cap, KAPI_GENL_ID_CTRL, KAPI_CTRL_CMD_GETFAMILY, KAPI_CTRL_VERSION, seq);
	nl_attr(&b, KAPI_CTRL_ATTR_FAMILY_NAME, KAPI_NBD_GENL_FAMILY_NAME,
		sizeof(KAPI_NBD_GENL_FAMILY_NAME));
	return nl_end(&b);
}

size_t nbd_nl_connect(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq, int index,
		      uint64_t size, uint64_t blksize, uint64_t server_flags, uint32_t sockfd)
{
	struct nl_build b;
	size_t socks, item;

	nl_start(&b, buf, cap, family, KAPI_NBD_CMD_CONNECT, KAPI_NBD_GENL_VERSION, seq);
	if (index >= 0)
		nl_u32(&b, KAPI_NBD_ATTR_INDEX, (uint32_t)index);
	nl_u64(&b, KAPI_NBD_ATTR_SIZE_BYTES, size);
	nl_u64(&b, KAPI_NBD_ATTR_BLOCK_SIZE_BYTES, blksize);
	nl_u64(&b, KAPI_NBD_ATTR_SERVER_FLAGS, server_flags);
	socks = nl_nest(&b, KAPI_NBD_ATTR_SOCKETS);
	item = nl_nest(&b, KAPI_NBD_SOCK_ITEM);
	nl_u32(&b, KAPI_NBD_SOCK_FD, sockfd);
	nl_nest_end(&b, item);
	nl_nest_end(&b, socks);
	return nl_end(&b);
}

size_t nbd_nl_disconnect(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq,
			 uint32_t index)
{
	struct nl_build b;

	nl_start(&b, buf, cap, family, KAPI_NBD_CMD_DISCONNECT, KAPI_NBD_GENL_VERSION, seq);
	nl_u32(&b, KAPI_NBD_ATTR_INDEX, index);
	return nl_end(&b);
}

/** Read the attributes of one generic-netlink message of type @p type. */
static int nl_parse_attrs(const uint8_t *p, size_t n, uint16_t type, struct nbd_nl_reply *r)
{
	while (n >= KAPI_NLA_HDRLEN) {
		uint16_t alen = get16(p), atype = get16(p + 2) & KAPI_NLA_TYPE_MASK;

		if (alen < KAPI_NLA_HDRLEN || alen > n)
			return -1;
		if (type == KAPI_GENL_ID_CTRL && atype == KAPI_CTRL_ATTR_FAMILY_ID &&
		    alen >= KAPI_NLA_HDRLEN + 2) {
			r->family = get16(p + KAPI_NLA_HDRLEN);
			r->has_family = 1;
		} else if (type != KAPI_GENL_ID_CTRL && atype == KAPI_NBD_ATTR_INDEX &&
			   alen >= KAPI_NLA_HDRLEN + 4) {
			r->index = get32(p + KAPI_NLA_HDRLEN);
			r->has_index = 1;
		}
		if (nl_align(alen) >= n)
			break;
		p += nl_align(alen);
		n -= nl_align(alen);
	}
	return 0;
}

int nbd_nl_parse(const uint8_t *buf, size_t len, uint32_t seq, struct nbd_nl_reply *r)
{
	while (len >= KAPI_NLMSG_HDRLEN) {
		uint32_t mlen = get32(buf);
		uint16_t type = get16(buf + 4);
		const uint8_t *body = buf + KAPI_NLMSG_HDRLEN;

		if (mlen < KAPI_NLMSG_HDRLEN || mlen > len)
			return -1;
		if (get32(buf + 8) == seq) {
			if (type == KAPI_NLMSG_ERROR) {
				int32_t err;

				if (mlen < KAPI_NLMSG_HDRLEN + 4)
					return -1;
				memcpy(&err, body, 4);
				r->acked = 1;
				r->error = err < 0 ? -err : err;
			} else if (type == KAPI_NLMSG_DONE) {
				r->acked = 1;
			} else if (type >= KAPI_GENL_ID_CTRL) {
				if (mlen < KAPI_NLMSG_HDRLEN + KAPI_GENL_HDRLEN)
					return -1;
				if (nl_parse_attrs(body + KAPI_GENL_HDRLEN,
						   mlen - KAPI_NLMSG_HDRLEN - KAPI_GENL_HDRLEN, type,
						   r))
					return -1;
			}
		}
		if (nl_align(mlen) >= len)
			break;
		buf += nl_align(mlen);
		len -= nl_align(mlen);
	}
	return 0;
}
