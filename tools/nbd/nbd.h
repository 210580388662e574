/**
 * @file nbd.h
 *
 * memdisk-attach's nbd backend: the image served by memdisk-attach itself
 * to the kernel's NBD client over a socketpair, from an mmap of /dev/mem.
 * One header for the folder; each file is one part of the story:
 *
 *   backend.c  what memdisk-attach sees: recognise a device of ours, attach
 *              (through netlink, or the ioctls on kernels without it),
 *              detach
 *   daemon.c   the server process: started as "@memdisk-attach
 *              --nbd-daemon ..." (systemd spares '@' processes at
 *              switch-root), maps the image, connects the kernel, serves
 *   genl.c     the nbd generic-netlink family: messages built and read by
 *              hand (pure), and the exchanges with the kernel
 *   ioctl.c    the old interface (NBD_SET_SOCK, NBD_DO_IT): a free device,
 *              its set-up, the child blocked in NBD_DO_IT, disconnecting
 *   wire.c     the NBD protocol on the socket: requests, replies, the loop
 *              that serves them
 *
 * Kernel interface numbers are written here from the kernel's documented
 * ABI (linux/nbd.h, linux/netlink.h, linux/genetlink.h, linux/nbd-netlink.h),
 * since musl-gcc does not see the kernel's headers.
 */
#ifndef MEMBOOT_NBD_H
#define MEMBOOT_NBD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "attach/attach.h"

/* ---- kernel interface ------------------------------------------------- */

/* NBD ioctls and server flags (linux/nbd.h) */
#define KAPI_NBD_SET_SOCK        _IO(0xab, 0)
#define KAPI_NBD_SET_BLKSIZE     _IO(0xab, 1)
#define KAPI_NBD_DO_IT           _IO(0xab, 3)
#define KAPI_NBD_CLEAR_SOCK      _IO(0xab, 4)
#define KAPI_NBD_CLEAR_QUE       _IO(0xab, 5)
#define KAPI_NBD_SET_SIZE_BLOCKS _IO(0xab, 7)
#define KAPI_NBD_DISCONNECT      _IO(0xab, 8)
#define KAPI_NBD_SET_FLAGS       _IO(0xab, 10)
#define KAPI_NBD_FLAG_HAS_FLAGS  (1u << 0)
#define KAPI_NBD_FLAG_READ_ONLY  (1u << 1)
#define KAPI_NBD_FLAG_SEND_FLUSH (1u << 2)

/* Netlink (linux/netlink.h): messages and attributes in host byte order. */
#define KAPI_AF_NETLINK          16
#define KAPI_NETLINK_GENERIC     16
#define KAPI_NLMSG_ERROR         2
#define KAPI_NLMSG_DONE          3
#define KAPI_NLM_F_REQUEST       0x01
#define KAPI_NLM_F_ACK           0x04
#define KAPI_NLMSG_HDRLEN        16     /**< struct nlmsghdr: len, type, flags, seq, pid */
#define KAPI_NLA_HDRLEN          4      /**< struct nlattr: len, type */
#define KAPI_NLA_F_NESTED        (1u << 15)
#define KAPI_NLA_TYPE_MASK       0x3fffu

/** struct sockaddr_nl. */
struct kapi_sockaddr_nl {
	uint16_t nl_family;
	uint16_t nl_pad;
	uint32_t nl_pid, nl_groups;
};

/* Generic netlink (linux/genetlink.h): struct genlmsghdr is cmd, version, 2 reserved. */
#define KAPI_GENL_HDRLEN             4
#define KAPI_GENL_ID_CTRL            0x10
#define KAPI_CTRL_CMD_GETFAMILY      3
#define KAPI_CTRL_ATTR_FAMILY_ID     1  /**< u16 */
#define KAPI_CTRL_ATTR_FAMILY_NAME   2  /**< string */
#define KAPI_CTRL_VERSION            2

/* The nbd family (linux/nbd-netlink.h). */
#define KAPI_NBD_GENL_FAMILY_NAME    "nbd"
#define KAPI_NBD_GENL_VERSION        1
#define KAPI_NBD_CMD_CONNECT         1
#define KAPI_NBD_CMD_DISCONNECT      2
#define KAPI_NBD_ATTR_INDEX          1  /**< u32 */
#define KAPI_NBD_ATTR_SIZE_BYTES     2  /**< u64 */
#define KAPI_NBD_ATTR_BLOCK_SIZE_BYTES 3 /**< u64 */
#define KAPI_NBD_ATTR_SERVER_FLAGS   5  /**< u64 */
#define KAPI_NBD_ATTR_SOCKETS        7  /**< nested NBD_SOCK_ITEMs */
#define KAPI_NBD_SOCK_ITEM           1  /**< nested: NBD_SOCK_FD */
#define KAPI_NBD_SOCK_FD             1  /**< u32 */

/* ---- wire.c: the NBD protocol on the socket --------------------------- */

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

/** Largest READ or WRITE the server accepts (the kernel sends far less). */
#define NBD_SERVER_MAX_LEN (32u << 20)
/** Read-ahead memdisk-attach sets on its nbd device, KiB (the kernel's default: 128). */
#define NBD_READAHEAD_KB 1024u

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
int nbd_wire_decode_request(const uint8_t in[NBD_REQUEST_BYTES], struct nbd_request *r);

/**
 * Decide the error to answer a request with, before doing it.
 *
 * @param r         the request
 * @param size      exported size in bytes
 * @param writable  whether writes are allowed
 * @param max_len   largest READ/WRITE length the server accepts
 * @return 0 if the request may proceed, else an NBD error number
 */
uint32_t nbd_wire_check_request(const struct nbd_request *r, uint64_t size, int writable,
			   uint32_t max_len);

/** Encode a simple reply. */
void nbd_wire_encode_reply(uint8_t out[NBD_REPLY_BYTES], uint32_t error,
		      const uint8_t handle[8]);

/**
 * Serve requests until the client disconnects.
 *
 * @param sock      connected stream socket
 * @param mem       the export's bytes (writable mapping if @p writable)
 * @param size      export size in bytes
 * @param writable  accept writes
 * @return 0 after a clean disconnect, -1 on a protocol or socket error
 */
int nbd_wire_serve(int sock, uint8_t *mem, uint64_t size, int writable);

/** The flags the server announces: read-only unless @p rw. */
uint32_t nbd_wire_server_flags(int rw);

/* ---- genl.c: the nbd generic-netlink family --------------------------- */

/** What the kernel answered to one netlink request (nbd_genl_parse). */
struct nbd_genl_reply {
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
size_t nbd_genl_getfamily_msg(uint8_t *buf, size_t cap, uint32_t seq);

/**
 * Build NBD_CMD_CONNECT (with NLM_F_ACK): one socket, a size, a block size
 * and the server flags; @p index < 0 lets the kernel pick a free device.
 *
 * @return the message's length, or 0 if @p cap is too small
 */
size_t nbd_genl_connect_msg(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq, int index,
		      uint64_t size, uint64_t blksize, uint64_t server_flags, uint32_t sockfd);

/**
 * Build NBD_CMD_DISCONNECT of device @p index (with NLM_F_ACK).
 *
 * @return the message's length, or 0 if @p cap is too small
 */
size_t nbd_genl_disconnect_msg(uint8_t *buf, size_t cap, uint16_t family, uint32_t seq,
			 uint32_t index);

/**
 * Read one datagram from the kernel into @p r (which the caller zeroes
 * before the first): messages for sequence numbers other than @p seq are
 * skipped.
 *
 * @return 0, or -1 if the datagram is malformed
 */
int nbd_genl_parse(const uint8_t *buf, size_t len, uint32_t seq, struct nbd_genl_reply *r);

/**
 * Does this kernel have the nbd netlink family?
 *
 * @return 0 if it has, else an errno (ENOENT: no such family)
 */
int nbd_genl_available(void);

/**
 * NBD_CMD_CONNECT: the kernel's NBD client on @p ksock, exporting @p len
 * bytes; the kernel picks a free device. The kernel then shows the
 * caller's pid in /sys/block/nbdN/pid.
 *
 * @return the device's index, or -errno
 */
int nbd_genl_connect(int ksock, uint64_t len, int rw);

/**
 * NBD_CMD_DISCONNECT of nbd@p index.
 *
 * @return 0, or an errno (ENOENT: no nbd family)
 */
int nbd_genl_disconnect(uint32_t index);

/* ---- ioctl.c: the interface of kernels without the family -------------- */

/**
 * Set up the lowest-numbered free /dev/nbdN with the ioctls for @p im,
 * with the kernel's end of the socketpair @p ksock.
 *
 * @param path  out: the device's path
 * @return its open descriptor, or -1 with the reason in @p why
 */
int nbd_ioctl_setup(const struct image *im, int ksock, char *path, size_t n, char *why,
		    size_t wn);

/** In a child of the daemon: NBD_DO_IT on @p nbdfd until the device goes; no return. */
void nbd_ioctl_run(int nbdfd) __attribute__((noreturn));

/** Undo nbd_ioctl_setup() on @p nbdfd (after a failed start). */
void nbd_ioctl_clear(int nbdfd);

/** NBD_DISCONNECT of /dev/NAME: 0, or -1 with a message printed. */
int nbd_ioctl_disconnect(const char *name);

/* ---- daemon.c: the server process ------------------------------------- */

/** argv[0] of the daemon: '@' asks systemd to spare it at switch-root. */
#define NBD_DAEMON_NAME "@memdisk-attach"

/** How the daemon connects the kernel. */
enum nbd_daemon_mode {
	NBD_DAEMON_NETLINK,     /**< it connects through netlink and reports the index */
	NBD_DAEMON_IOCTL,       /**< the caller set up the device; a child runs NBD_DO_IT */
};

/**
 * Start the daemon (in the child of a fork; no return): with
 * NBD_DAEMON_NETLINK on @p sock (its end), @p kfd (the kernel's end) and
 * @p status (the pipe for its verdict); with NBD_DAEMON_IOCTL on @p sock and
 * @p kfd (the open /dev/nbdN).
 */
void nbd_daemon_exec(const struct image *im, enum nbd_daemon_mode mode, int sock, int kfd,
		     int status) __attribute__((noreturn));

/** The daemon's main (memdisk-attach re-executed with --nbd-daemon). */
int nbd_daemon_main(int argc, char **argv);

#endif /* MEMBOOT_NBD_H */
