/**
 * @file nbd_proto.h
 *
 * The NBD transmission-phase wire format (requests from the kernel, simple
 * replies back): decoding, checking against the exported size, encoding.
 * Pure logic, shared by memdisk-attach's server and the unit tests.
 */
#ifndef MEMBOOT_NBD_PROTO_H
#define MEMBOOT_NBD_PROTO_H

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

#endif /* MEMBOOT_NBD_PROTO_H */
