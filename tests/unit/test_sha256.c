/**
 * @file test_sha256.c
 *
 * SHA-256 (tools/sha256.c) against FIPS 180-4's examples, fed whole and in
 * odd pieces.
 */
#include "sha256.h"
#include "test.h"

static void digest(const char *p, size_t n, size_t piece, char out[65])
{
	struct sha256 s;
	size_t i;

	sha256_init(&s);
	for (i = 0; i < n; i += piece)
		sha256_update(&s, p + i, n - i < piece ? n - i : piece);
	sha256_hex(&s, out);
}

void test_sha256(void)
{
	static char million[1000000];
	static const char two[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char h[65];

	digest("", 0, 1, h);
	CHECK(!strcmp(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	digest("abc", 3, 1, h);
	CHECK(!strcmp(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	digest(two, sizeof(two) - 1, 7, h);
	CHECK(!strcmp(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
	memset(million, 'a', sizeof(million));
	digest(million, sizeof(million), 4093, h);
	CHECK(!strcmp(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
	digest(million, 55, 55, h);     /* the padding's edge: 55 and 56 bytes */
	CHECK(!strcmp(h, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"));
	digest(million, 56, 13, h);
	CHECK(!strcmp(h, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"));
}
