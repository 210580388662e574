/**
 * @file genl.c
 *
 * The nbd generic-netlink family: the messages (CTRL_CMD_GETFAMILY to find
 * the family's id, NBD_CMD_CONNECT, NBD_CMD_DISCONNECT) built and read by
 * hand in host byte order, with no libnl (pure, unit-tested), then the
 * exchanges with the kernel over a netlink socket. Connecting through
 * netlink leaves no process waiting inside the kernel: the kernel's own
 * workers drive the socket.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "nbd.h"

/* ---- the messages (pure) ---- */

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

size_t nbd_genl_getfamily_msg(uint8_t *buf, size_t cap, uint32_t seq)
{
	struct nl_build b;

	nl_start(&b, buf, cap, KAPI_GENL_ID_CTRL, KAPI_CTRL_CMD_GETFAMILY, KAPI_CTRL_VERSION, seq);
	nl_attr(&b, KAPI_CTRL_ATTR_FAMILY_NAME, KAPI_NBD_GENL_FAMILY_NAME,
		sizeof(KAPI_NBD_GENL_FAMILY_NAME));
	return nl_end(&b);
}

size_t nbd_genl_connect_msg(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq, int index,
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

size_t nbd_genl_disconnect_msg(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq,
			 uint32_t index)
{
	struct nl_build b;

	nl_start(&b, buf, cap, family, KAPI_NBD_CMD_DISCONNECT, KAPI_NBD_GENL_VERSION, seq);
	nl_u32(&b, KAPI_NBD_ATTR_INDEX, index);
	return nl_end(&b);
}

/** Read the attributes of one generic-netlink message of type @p type. */
static int nl_parse_attrs(const uint8_t *p, size_t n, uint16_t type, struct nbd_genl_reply *r)
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

int nbd_genl_parse(const uint8_t *buf, size_t len, uint32_t seq, struct nbd_genl_reply *r)
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

/* ---- the exchanges with the kernel ---- */

/** A generic-netlink socket bound to a port the kernel picks; -1 on error. */
static int nl_open(void)
{
	struct kapi_sockaddr_nl sa = { .nl_family = KAPI_AF_NETLINK };
	/* Each answer within 4 s: the daemon's two exchanges (family lookup,
	 * connect) must end before the parent stops waiting for it (10 s);
	 * otherwise a late connect would leave a device with no server. */
	struct timeval tv = { 4, 0 };
	int fd = socket(KAPI_AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, KAPI_NETLINK_GENERIC);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

/**
 * Send a request built for sequence number @p seq and read the kernel's
 * answer up to its acknowledgement.
 *
 * @return 0 with the answer in @p r (r->error: the kernel's errno), or an
 *         errno when the exchange itself failed
 */
static int nl_talk(int fd, const uint8_t *req, size_t len, uint32_t seq, struct nbd_genl_reply *r)
{
	struct kapi_sockaddr_nl kernel = { .nl_family = KAPI_AF_NETLINK };
	static uint8_t buf[32768];

	memset(r, 0, sizeof(*r));
	if (!len)
		return EMSGSIZE;
	while (sendto(fd, req, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		if (errno != EINTR)
			return errno;
	while (!r->acked) {
		ssize_t got = recv(fd, buf, sizeof(buf), 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return errno == EAGAIN ? ETIMEDOUT : errno;
		if (nbd_genl_parse(buf, (size_t)got, seq, r))
			return EPROTO;
	}
	return 0;
}

/** A fresh sequence number. */
static uint32_t nl_seq(void)
{
	static uint32_t seq;

	if (!seq)
		seq = (uint32_t)getpid() << 8;
	return ++seq;
}

/** The nbd family's id: 0, or an errno (ENOENT: no nbd netlink in this kernel). */
static int nl_family(int fd, uint16_t *family)
{
	uint8_t req[64];
	uint32_t seq = nl_seq();
	struct nbd_genl_reply r;
	int err = nl_talk(fd, req, nbd_genl_getfamily_msg(req, sizeof(req), seq), seq, &r);

	if (err)
		return err;
	if (r.error)
		return r.error;
	if (!r.has_family)
		return ENOENT;
	*family = r.family;
	return 0;
}

/** Open a socket and resolve the family: the socket, or -1 with errno. */
static int nl_open_nbd(uint16_t *family)
{
	int fd = nl_open(), err;

	if (fd < 0)
		return -1;
	err = nl_family(fd, family);
	if (err) {
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int nbd_genl_connect(int ksock, uint64_t len, int rw)
{
	uint8_t req[256];
	struct nbd_genl_reply r;
	uint16_t family;
	uint32_t seq;
	int fd = nl_open_nbd(&family), err;

	if (fd < 0)
		return -errno;
	seq = nl_seq();
	err = nl_talk(fd, req,
		      nbd_genl_connect_msg(req, sizeof(req), family, seq, -1, len / 512 * 512, 512,
				     nbd_wire_server_flags(rw), (uint32_t)ksock),
		      seq, &r);
	close(fd);
	if (!err)
		err = r.error;
	if (!err && !r.has_index)
		err = EPROTO;
	if (!err && r.index > 0x7fffffffu)
		err = ERANGE;
	return err ? -err : (int)r.index;
}

/** NBD_CMD_DISCONNECT of nbd@p index: 0, or an errno. */
static int nl_disconnect_dev(int fd, uint16_t family, uint32_t index)
{
	uint8_t req[64];
	uint32_t seq = nl_seq();
	struct nbd_genl_reply r;
	int err = nl_talk(fd, req, nbd_genl_disconnect_msg(req, sizeof(req), family, seq, index), seq,
			  &r);

	return err ? err : r.error;
}

int nbd_genl_disconnect(uint32_t index)
{
	uint16_t family;
	int fd = nl_open_nbd(&family), err;

	if (fd < 0)
		return errno;
	err = nl_disconnect_dev(fd, family, index);
	close(fd);
	return err;
}

int nbd_genl_available(void)
{
	uint16_t family;
	int fd = nl_open_nbd(&family);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}
