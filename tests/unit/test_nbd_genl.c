/**
 * @file test_nbd_genl.c
 *
 * The generic-netlink messages that connect the kernel's NBD client: byte
 * layout of CTRL_CMD_GETFAMILY, NBD_CMD_CONNECT and NBD_CMD_DISCONNECT as
 * the kernel parses them, and the reading of its answers.
 */
#include <stdint.h>

#include "nbd/nbd.h"
#include "test.h"

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void wr16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/** Check a request's nlmsghdr and genlmsghdr. */
static void check_header(const uint8_t *m, size_t len, uint16_t type, uint8_t cmd,
			 uint8_t version, uint32_t seq)
{
	CHECK_EQ(rd32(m), len);
	CHECK_EQ(rd16(m + 4), type);
	CHECK_EQ(rd16(m + 6), KAPI_NLM_F_REQUEST | KAPI_NLM_F_ACK);
	CHECK_EQ(rd32(m + 8), seq);
	CHECK_EQ(rd32(m + 12), 0);
	CHECK_EQ(m[16], cmd);
	CHECK_EQ(m[17], version);
	CHECK_EQ(rd16(m + 18), 0);
}

/** Find attribute @p type among [p, p+n); its offset from p, or -1. */
static long find_attr(const uint8_t *p, size_t n, uint16_t type)
{
	size_t at = 0;

	while (at + 4 <= n) {
		uint16_t alen = rd16(p + at);

		if (alen < 4 || at + alen > n)
			return -1;
		if ((rd16(p + at + 2) & KAPI_NLA_TYPE_MASK) == type)
			return (long)at;
		at += (alen + 3u) & ~3u;
	}
	return -1;
}

static void test_getfamily(void)
{
	uint8_t m[64];
	size_t len = nbd_genl_getfamily_msg(m, sizeof(m), 7);

	CHECK_EQ(len, 16 + 4 + 4 + 4);
	check_header(m, len, KAPI_GENL_ID_CTRL, KAPI_CTRL_CMD_GETFAMILY, KAPI_CTRL_VERSION, 7);
	CHECK_EQ(rd16(m + 20), 8);      /* header + "nbd\0" */
	CHECK_EQ(rd16(m + 22), KAPI_CTRL_ATTR_FAMILY_NAME);
	CHECK(!memcmp(m + 24, "nbd", 4));
	CHECK_EQ(nbd_genl_getfamily_msg(m, 27, 7), 0);
}

static void test_connect(void)
{
	uint8_t m[256];
	const uint8_t *a;
	size_t len = nbd_genl_connect_msg(m, sizeof(m), 0x1a, 9, -1, 0x12345600ull, 512, 3, 5);
	long at, in;

	/* header 20, size 12, blksize 12, flags 12, sockets 4 + item 4 + fd 8 */
	CHECK_EQ(len, 20 + 12 * 3 + 16);
	check_header(m, len, 0x1a, KAPI_NBD_CMD_CONNECT, KAPI_NBD_GENL_VERSION, 9);
	a = m + 20;
	CHECK_EQ(find_attr(a, len - 20, KAPI_NBD_ATTR_INDEX), -1);
	at = find_attr(a, len - 20, KAPI_NBD_ATTR_SIZE_BYTES);
	CHECK(at >= 0 && rd16(a + at) == 12 && rd64(a + at + 4) == 0x12345600ull);
	at = find_attr(a, len - 20, KAPI_NBD_ATTR_BLOCK_SIZE_BYTES);
	CHECK(at >= 0 && rd16(a + at) == 12 && rd64(a + at + 4) == 512);
	at = find_attr(a, len - 20, KAPI_NBD_ATTR_SERVER_FLAGS);
	CHECK(at >= 0 && rd64(a + at + 4) == 3);
	at = find_attr(a, len - 20, KAPI_NBD_ATTR_SOCKETS);
	CHECK(at >= 0);
	if (at < 0)
		return;
	CHECK(rd16(a + at + 2) & KAPI_NLA_F_NESTED);
	CHECK_EQ(rd16(a + at), 16);     /* the nest covers the item */
	CHECK_EQ((size_t)at + 16, len - 20);
	in = find_attr(a + at + 4, 12, KAPI_NBD_SOCK_ITEM);
	CHECK_EQ(in, 0);
	CHECK(rd16(a + at + 6) & KAPI_NLA_F_NESTED);
	CHECK_EQ(rd16(a + at + 4), 12);
	CHECK_EQ(rd16(a + at + 8), 8);
	CHECK_EQ(rd16(a + at + 10), KAPI_NBD_SOCK_FD);
	CHECK_EQ(rd32(a + at + 12), 5);

	/* with an index, and too small a buffer */
	len = nbd_genl_connect_msg(m, sizeof(m), 0x1a, 9, 3, 4096, 512, 1, 4);
	CHECK_EQ(len, 20 + 8 + 12 * 3 + 16);
	at = find_attr(m + 20, len - 20, KAPI_NBD_ATTR_INDEX);
	CHECK(at >= 0 && rd16(m + 20 + at) == 8 && rd32(m + 24 + at) == 3);
	CHECK_EQ(nbd_genl_connect_msg(m, 60, 0x1a, 9, -1, 4096, 512, 1, 4), 0);
}

static void test_disconnect(void)
{
	uint8_t m[64];
	size_t len = nbd_genl_disconnect_msg(m, sizeof(m), 0x22, 11, 2);

	CHECK_EQ(len, 28);
	check_header(m, len, 0x22, KAPI_NBD_CMD_DISCONNECT, KAPI_NBD_GENL_VERSION, 11);
	CHECK_EQ(rd16(m + 20), 8);
	CHECK_EQ(rd16(m + 22), KAPI_NBD_ATTR_INDEX);
	CHECK_EQ(rd32(m + 24), 2);
}

/** Append a message of @p type and @p seq with @p body to @p buf at @p at. */
static size_t put_msg(uint8_t *buf, size_t at, uint16_t type, uint32_t seq, const uint8_t *body,
		      size_t n)
{
	memset(buf + at, 0, 16);
	wr32(buf + at, (uint32_t)(16 + n));
	wr16(buf + at + 4, type);
	wr32(buf + at + 8, seq);
	memcpy(buf + at + 16, body, n);
	return at + ((16 + n + 3) & ~(size_t)3);
}

static void test_parse(void)
{
	uint8_t buf[512], body[64];
	struct nbd_genl_reply r;
	size_t len;
	int32_t err;

	/* GETFAMILY: the family message (name first, then the id), then the ack */
	memset(body, 0, sizeof(body));
	body[0] = 1;    /* the kernel answers with CTRL_CMD_NEWFAMILY */
	wr16(body + 4, 8);
	wr16(body + 6, KAPI_CTRL_ATTR_FAMILY_NAME);
	memcpy(body + 8, "nbd", 4);
	wr16(body + 12, 6);
	wr16(body + 14, KAPI_CTRL_ATTR_FAMILY_ID);
	wr16(body + 16, 0x1f);
	len = put_msg(buf, 0, KAPI_GENL_ID_CTRL, 5, body, 20);
	memset(&r, 0, sizeof(r));
	CHECK_EQ(nbd_genl_parse(buf, len, 5, &r), 0);
	CHECK(r.has_family && r.family == 0x1f && !r.acked);
	memset(body, 0, 20);
	len = put_msg(buf, 0, KAPI_NLMSG_ERROR, 5, body, 20);
	CHECK_EQ(nbd_genl_parse(buf, len, 5, &r), 0);
	CHECK(r.acked && r.error == 0 && r.has_family);

	/* a missing family: an error, no id */
	err = -2;
	memcpy(body, &err, 4);
	len = put_msg(buf, 0, KAPI_NLMSG_ERROR, 6, body, 20);
	memset(&r, 0, sizeof(r));
	CHECK_EQ(nbd_genl_parse(buf, len, 6, &r), 0);
	CHECK(r.acked && r.error == 2 && !r.has_family);

	/* CONNECT: reply with the index and the ack in one datagram; a stale
	 * message of another sequence number is skipped */
	memset(body, 0, sizeof(body));
	body[0] = KAPI_NBD_CMD_CONNECT;
	body[1] = 1;
	wr16(body + 4, 8);
	wr16(body + 6, KAPI_NBD_ATTR_INDEX);
	wr32(body + 8, 4);
	len = put_msg(buf, 0, 0x1f, 99, body, 12);
	len = put_msg(buf, len, 0x1f, 8, body, 0);  /* too short for a genl header */
	memset(&r, 0, sizeof(r));
	CHECK_EQ(nbd_genl_parse(buf, len, 8, &r), -1);
	len = put_msg(buf, 0, 0x1f, 99, body, 12);
	wr32(body + 8, 3);
	len = put_msg(buf, len, 0x1f, 8, body, 12);
	memset(body, 0, 20);
	len = put_msg(buf, len, KAPI_NLMSG_ERROR, 8, body, 20);
	memset(&r, 0, sizeof(r));
	CHECK_EQ(nbd_genl_parse(buf, len, 8, &r), 0);
	CHECK(r.acked && !r.error && r.has_index && r.index == 3);

	/* EBUSY */
	err = -16;
	memcpy(body, &err, 4);
	len = put_msg(buf, 0, KAPI_NLMSG_ERROR, 10, body, 20);
	memset(&r, 0, sizeof(r));
	CHECK_EQ(nbd_genl_parse(buf, len, 10, &r), 0);
	CHECK(r.acked && r.error == 16 && !r.has_index);

	/* malformed: a length past the datagram, an attribute past its message */
	wr32(buf, 4096);
	CHECK_EQ(nbd_genl_parse(buf, len, 10, &r), -1);
	memset(body, 0, sizeof(body));
	wr16(body + 4, 40);
	len = put_msg(buf, 0, 0x1f, 12, body, 12);
	CHECK_EQ(nbd_genl_parse(buf, len, 12, &r), -1);
	CHECK_EQ(nbd_genl_parse(buf, 3, 12, &r), 0);  /* shorter than a header: nothing */
}

void test_nbd_genl(void)
{
	test_getfamily();
	test_connect();
	test_disconnect();
	test_parse();
}
