// SPDX-License-Identifier: GPL-2.0
/*
 * Keys: base64 in the form wg(8) writes (standard alphabet, padded, 44
 * characters), generation and the public key, all through libsodium.
 */
#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "wgctl.h"

bool key_is_zero(const uint8_t key[WG_KEY_LEN])
{
	return sodium_is_zero(key, WG_KEY_LEN);
}

void key_wipe(void *p, size_t len)
{
	sodium_memzero(p, len);
}

void key_to_base64(char out[KEY_B64_LEN + 1], const uint8_t key[WG_KEY_LEN])
{
	sodium_bin2base64(out, KEY_B64_LEN + 1, key, WG_KEY_LEN,
			  sodium_base64_VARIANT_ORIGINAL);
}

bool key_from_base64(uint8_t key[WG_KEY_LEN], const char *b64)
{
	uint8_t tmp[WG_KEY_LEN + 1];
	size_t len = 0;
	const char *end;

	if (strlen(b64) != KEY_B64_LEN || b64[KEY_B64_LEN - 1] != '=')
		return false;
	if (sodium_base642bin(tmp, sizeof(tmp), b64, KEY_B64_LEN, NULL, &len, &end,
			      sodium_base64_VARIANT_ORIGINAL) ||
	    len != WG_KEY_LEN || *end) {
		sodium_memzero(tmp, sizeof(tmp));
		return false;
	}
	memcpy(key, tmp, WG_KEY_LEN);
	sodium_memzero(tmp, sizeof(tmp));
	return true;
}

int keys_init(void)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "%s: cannot initialise libsodium\n", PROG);
		return -1;
	}
	return 0;
}

/*
 * The start of genkey, genpsk and pubkey: --help, no arguments, libsodium.
 * -1: go on; otherwise the command is over, with this exit status.
 */
int key_command_start(int argc, char **argv, const char *usage)
{
	if (wants_help(argc, argv)) {
		printf("%s", usage);
		return 0;
	}
	if (argc != 1)
		die_usage(usage);
	return keys_init() ? 1 : -1;
}

void key_generate_random(uint8_t key[WG_KEY_LEN])
{
	randombytes_buf(key, WG_KEY_LEN);
}

void key_generate_private(uint8_t key[WG_KEY_LEN])
{
	key_generate_random(key);
	key[0] &= 248;
	key[31] = (key[31] & 127) | 64;
}

int key_public_from_private(uint8_t pub[WG_KEY_LEN], const uint8_t priv[WG_KEY_LEN])
{
	return crypto_scalarmult_curve25519_base(pub, priv);
}

/*
 * A key file holds one base64 key, optionally followed by a newline; an
 * empty file means "no key" (*present = false).
 */
int key_read_file(uint8_t key[WG_KEY_LEN], bool *present, const char *path)
{
	char buf[KEY_B64_LEN + 3];
	size_t n;
	FILE *f;
	int c;

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	c = n == sizeof(buf) - 1 ? fgetc(f) : EOF;
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
		     buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	if (!n && c == EOF) {
		*present = false;
		memset(key, 0, WG_KEY_LEN);
		return 0;
	}
	if (c != EOF || !key_from_base64(key, buf)) {
		sodium_memzero(buf, sizeof(buf));
		fprintf(stderr, "%s: %s: bad key: a key is %d characters of base64\n",
			PROG, path, KEY_B64_LEN);
		return -1;
	}
	sodium_memzero(buf, sizeof(buf));
	*present = true;
	return 0;
}
