/**
 * @file test_nbd_wire.c
 *
 * The NBD wire format, and the server loop driven over a socketpair the way
 * the kernel drives it, with a file standing in for /dev/mem.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nbd/nbd.h"
#include "test.h"

/** Encode a request as the kernel does. */
static void request(uint8_t out[28], uint32_t type, uint64_t handle, uint64_t from,
		    uint32_t len)
{
	uint32_t w[2] = { NBD_REQUEST_MAGIC, type };
	int i;

	for (i = 0; i < 4; i++) {
		out[i] = (uint8_t)(w[0] >> (24 - 8 * i));
		out[4 + i] = (uint8_t)(w[1] >> (24 - 8 * i));
		out[24 + i] = (uint8_t)(len >> (24 - 8 * i));
	}
	memcpy(out + 8, &handle, 8);
	for (i = 0; i < 8; i++)
		out[16 + i] = (uint8_t)(from >> (56 - 8 * i));
}

static void test_wire(void)
{
	uint8_t b[28], rep[16];
	struct nbd_request r;
	uint8_t h[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	request(b, NBD_CMD_READ | 0x10000, 0x1122334455667788ull, 0x100000000ull, 4096);
	CHECK(nbd_wire_decode_request(b, &r) == 0);
	CHECK_EQ(r.type, NBD_CMD_READ);
	CHECK_EQ(r.from, 0x100000000ull);
	CHECK_EQ(r.len, 4096);
	b[0] ^= 1;
	CHECK(nbd_wire_decode_request(b, &r) == -1);

	nbd_wire_encode_reply(rep, NBD_EIO, h);
	CHECK(rep[0] == 0x67 && rep[1] == 0x44 && rep[2] == 0x66 && rep[3] == 0x98);
	CHECK(rep[7] == NBD_EIO && !memcmp(rep + 8, h, 8));

	r.type = NBD_CMD_READ;
	r.from = 0;
	r.len = 512;
	CHECK_EQ(nbd_wire_check_request(&r, 1024, 0, 1 << 20), 0);
	r.from = 1024;
	r.len = 0;
	CHECK_EQ(nbd_wire_check_request(&r, 1024, 0, 1 << 20), 0);
	r.from = 1000;
	r.len = 512;
	CHECK_EQ(nbd_wire_check_request(&r, 1024, 0, 1 << 20), NBD_EINVAL);
	r.from = 0xffffffffffffff00ull;
	CHECK_EQ(nbd_wire_check_request(&r, 1024, 0, 1 << 20), NBD_EINVAL);
	r.from = 0;
	r.len = 2 << 20;
	CHECK_EQ(nbd_wire_check_request(&r, 4 << 20, 0, 1 << 20), NBD_EINVAL);
	r.type = NBD_CMD_WRITE;
	r.len = 512;
	CHECK_EQ(nbd_wire_check_request(&r, 1024, 0, 1 << 20), NBD_EPERM);
	CHECK_EQ(nbd_wire_check_request(&r, 1024, 1, 1 << 20), 0);
	r.from = 1000;
	CHECK_EQ(nbd_wire_check_request(&r, 1024, 1, 1 << 20), NBD_ENOSPC);
	r.type = 77;
	CHECK_EQ(nbd_wire_check_request(&r, 1024, 1, 1 << 20), NBD_EINVAL);
}

/** Read a reply; return its error, -1 on a bad reply. */
static int read_reply(int s, uint64_t handle)
{
	uint8_t rep[16];

	if (read(s, rep, 16) != 16)
		return -1;
	if (rep[0] != 0x67 || memcmp(rep + 8, &handle, 8))
		return -1;
	return rep[4] << 24 | rep[5] << 16 | rep[6] << 8 | rep[7];
}

/** Read exactly n bytes. */
static int read_n(int s, uint8_t *buf, size_t n)
{
	while (n) {
		ssize_t r = read(s, buf, n);

		if (r <= 0)
			return -1;
		buf += r;
		n -= (size_t)r;
	}
	return 0;
}

/** Run a server over a mapped file with a 4 KiB export at offset 8 KiB. */
static void test_server(int writable)
{
	char path[] = "/tmp/memboot-nbd-XXXXXX";
	uint8_t file[16384], buf[4096], req[28];
	int fd = mkstemp(path), sv[2], st;
	uint8_t *map;
	pid_t pid;
	size_t i;

	for (i = 0; i < sizeof(file); i++)
		file[i] = (uint8_t)(i * 7 + (i >> 8));
	CHECK(fd >= 0 && write(fd, file, sizeof(file)) == (ssize_t)sizeof(file));
	map = mmap(NULL, sizeof(file), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(map != MAP_FAILED);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	pid = fork();
	if (pid == 0) {
		close(sv[1]);
		_exit(nbd_wire_serve(sv[0], map + 8192, 4096, writable) == 0 ? 0 : 1);
	}
	close(sv[0]);

	/* A read inside the export returns the file's bytes at offset+from. */
	request(req, NBD_CMD_READ, 1, 512, 1024);
	CHECK(write(sv[1], req, 28) == 28);
	CHECK_EQ(read_reply(sv[1], 1), 0);
	CHECK(read_n(sv[1], buf, 1024) == 0 && !memcmp(buf, file + 8192 + 512, 1024));

	/* A read past the end is refused with no payload. */
	request(req, NBD_CMD_READ, 2, 4000, 512);
	CHECK(write(sv[1], req, 28) == 28);
	CHECK_EQ(read_reply(sv[1], 2), NBD_EINVAL);

	/* A write: the payload is consumed either way. */
	memset(buf, 0xab, 512);
	request(req, NBD_CMD_WRITE, 3, 0, 512);
	CHECK(write(sv[1], req, 28) == 28 && write(sv[1], buf, 512) == 512);
	CHECK_EQ(read_reply(sv[1], 3), writable ? 0 : NBD_EPERM);

	/* The next read sees the write only if writable; the stream stays in step. */
	request(req, NBD_CMD_READ, 4, 0, 512);
	CHECK(write(sv[1], req, 28) == 28);
	CHECK_EQ(read_reply(sv[1], 4), 0);
	CHECK(read_n(sv[1], buf, 512) == 0);
	CHECK(writable ? buf[0] == 0xab && buf[511] == 0xab : !memcmp(buf, file + 8192, 512));

	request(req, NBD_CMD_FLUSH, 5, 0, 0);
	CHECK(write(sv[1], req, 28) == 28);
	CHECK_EQ(read_reply(sv[1], 5), 0);

	/* Nothing outside the export was touched. */
	CHECK(pread(fd, buf, 512, 8192 - 512) == 512 && !memcmp(buf, file + 8192 - 512, 512));

	request(req, NBD_CMD_DISC, 6, 0, 0);
	CHECK(write(sv[1], req, 28) == 28);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(sv[1]);
	munmap(map, sizeof(file));
	close(fd);
	unlink(path);
}

/** A bad magic ends the session with an error. */
static void test_server_bad_magic(void)
{
	int sv[2], st;
	uint8_t req[28];
	pid_t pid;

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	pid = fork();
	if (pid == 0) {
		close(sv[1]);
		_exit(nbd_wire_serve(sv[0], NULL, 4096, 0) == 0 ? 0 : 1);
	}
	close(sv[0]);
	request(req, NBD_CMD_READ, 1, 0, 512);
	req[3] ^= 0xff;
	CHECK(write(sv[1], req, 28) == 28);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 1);
	close(sv[1]);
}

void test_nbd_wire(void)
{
	test_wire();
	test_server(0);
	test_server(1);
	test_server_bad_magic();
}
