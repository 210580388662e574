/**
 * @file kapi.h
 *
 * The few Linux kernel interface numbers the tools use (block, loop and NBD
 * ioctls, NBD wire constants, generic netlink and the nbd family's
 * commands and attributes). Defined here from the kernel's documented
 * ABI so that the tools build against a small libc without kernel headers.
 */
#ifndef MEMBOOT_KAPI_H
#define MEMBOOT_KAPI_H

#include <stdint.h>
#include <sys/ioctl.h>

/* Block devices */
#define KAPI_BLKROSET           _IO(0x12, 93)

/* Loop devices */
#define KAPI_LOOP_SET_FD        0x4C00
#define KAPI_LOOP_CLR_FD        0x4C01
#define KAPI_LOOP_SET_STATUS64  0x4C04
#define KAPI_LOOP_CONFIGURE     0x4C0A
#define KAPI_LOOP_CTL_GET_FREE  0x4C82
#define KAPI_LO_FLAGS_READ_ONLY 1
#define KAPI_LO_NAME_SIZE       64
#define KAPI_LOOP_MAJOR         7

/** struct loop_info64 of the loop driver. */
struct kapi_loop_info64 {
	uint64_t lo_device, lo_inode, lo_rdevice, lo_offset, lo_sizelimit;
	uint32_t lo_number, lo_encrypt_type, lo_encrypt_key_size, lo_flags;
	uint8_t lo_file_name[KAPI_LO_NAME_SIZE];
	uint8_t lo_crypt_name[KAPI_LO_NAME_SIZE];
	uint8_t lo_encrypt_key[32];
	uint64_t lo_init[2];
};

/* NBD */
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

#endif /* MEMBOOT_KAPI_H */
