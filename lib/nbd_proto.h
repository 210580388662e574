/**
 * @file nbd_proto.h
 *
 * The NBD transmission-phase wire format (requests from the kernel, simple
 * replies back): decoding, checking against the exported size, encoding.
 * And the generic-netlink messages that connect the kernel's NBD client
 * (family "nbd"): building CTRL_CMD_GETFAMILY, NBD_CMD_CONNECT and
 * NBD_CMD_DISCONNECT, reading the kernel's answers.
 * Pure logic, shared by memdisk-attach's server and the unit tests.
 */
#ifndef MEMBOOT_NBD_PROTO_H
#define MEMBOOT_NBD_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define NBD_REQUEST_MAGIC 0x25609513u
#define NBD_REPLY_MAGIC   0x67446698u
#define NBD_REQUEST_BYTES 28
#define NBD_REPLY_BYTES   16

#define NBD_CMD_READ  0
#define NBD_CMD_WRITE 1
#define NBD_CMD_DISC  2
#define NBD_CMD_FLUSH 3
#define NBD_CMD_MASK  0xffffu  /* the high bits carry command flags */

/* Error numbers on the wire (Linux values, as the protocol defines them). */
#define NBD_EPERM  1
#define NBD_EIO    5
#define NBD_EINVAL 22
#define NBD_ENOSPC 28

/** A decoded request. */
struct nbd_request {
	uint32_t type;          /**< command, flags stripped */
	uint8_t handle[8];      /**< opaque, echoed in the reply */
	uint64_t from;          /**< byte offset */
	uint32_t len;           /**< byte count */
};

/**
 * Decode a request.
 *
 * @return 0, or -1 when the magic is wrong
 */
int nbd_decode_request(const uint8_t in[NBD_REQUEST_BYTES], struct nbd_request *r);

/**
 * Decide the error to answer a request with, before doing it.
 *
 * @param r         the request
 * @param size      exported size in bytes
 * @param writable  whether writes are allowed
 * @param max_len   largest READ/WRITE length the server accepts
 * @return 0 if the request may proceed, else an NBD error number
 */
uint32_t nbd_check_request(const struct nbd_request *r, uint64_t size, int writable,
			   uint32_t max_len);

/** Encode a simple reply. */
void nbd_encode_reply(uint8_t out[NBD_REPLY_BYTES], uint32_t error,
		      const uint8_t handle[8]);

/* ---- generic netlink (numbers in tools/kapi.h) ---- */

/** What the kernel answered to one netlink request (nbd_nl_parse). */
struct nbd_nl_reply {
	int acked;              /**< the NLMSG_ERROR ending the request was seen */
	int error;              /**< its errno: 0 on success */
	int has_family;         /**< a CTRL_CMD_GETFAMILY reply was seen */
	uint16_t family;        /**< its CTRL_ATTR_FAMILY_ID */
	int has_index;          /**< an nbd reply with NBD_ATTR_INDEX was seen */
	uint32_t index;         /**< the device index the kernel connected */
};

/**
 * Build CTRL_CMD_GETFAMILY for the family "nbd" (with NLM_F_ACK).
 *
 * @return the message's length, or 0 if @p cap is too small
 */
size_t nbd_nl_getfamily(uint8_t *buf, size_t cap, uint32_t seq);

/**
 * Build NBD_CMD_CONNECT (with NLM_F_ACK): one socket, a size, a block size
 * and the server flags; @p index < 0 lets the kernel pick a free device.
 *
 * @return the message's length, or 0 if @p cap is too small
 */
size_t nbd_nl_connect(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq, int index,
		      uint64_t size, uint64_t blksize, uint64_t server_flags, uint32_t sockfd);

/**
 * Build NBD_CMD_DISCONNECT of device @p index (with NLM_F_ACK).
 *
 * @return the message's length, or 0 if @p cap is too small
 */
size_t nbd_nl_disconnect(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq,
			 uint32_t index);

/**
 * Read one datagram from the kernel into @p r (which the caller zeroes
 * before the first): messages for sequence numbers other than @p seq are
 * skipped.
 *
 * @return 0, or -1 if the datagram is malformed
 */
int nbd_nl_parse(const uint8_t *buf, size_t len, uint32_t seq, struct nbd_nl_reply *r);

#endif /* MEMBOOT_NBD_PROTO_H */
