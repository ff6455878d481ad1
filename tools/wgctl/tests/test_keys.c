// SPDX-License-Identifier: GPL-2.0
/* keys.c: base64 both ways, generation, clamping and the public key. */
#include "check.h"
#include "wgctl.h"

static void roundtrip(void)
{
	uint8_t key[WG_KEY_LEN], back[WG_KEY_LEN];
	char b64[KEY_B64_LEN + 1];
	int i;

	for (i = 0; i < WG_KEY_LEN; i++)
		key[i] = (uint8_t)(i * 37 + 11);
	key_to_base64(b64, key);
	CHECK(strlen(b64) == 44 && b64[43] == '=', "base64 is 44 chars with padding: %s", b64);
	CHECK(key_from_base64(back, b64) && !memcmp(key, back, WG_KEY_LEN), "base64 round trip");
	memset(key, 0, sizeof(key));
	key_to_base64(b64, key);
	CHECK_STR(b64, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "zero key");
	memset(key, 0xff, sizeof(key));
	key_to_base64(b64, key);
	CHECK_STR(b64, "//////////////////////////////////////////8=", "all-ones key uses / and +");
}

static void bad_keys(void)
{
	static const char *const bad[] = {
		"",
		"AAAA",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",   /* 43, no padding */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /* 45 */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  /* 44, no padding */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*=",  /* bad character */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-=",  /* url-safe alphabet */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=",  /* stray low bits */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",  /* 31 bytes */
		"AAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAA=",  /* space inside */
	};
	uint8_t key[WG_KEY_LEN];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK(!key_from_base64(key, bad[i]), "rejects bad key '%s'", bad[i]);
}

static void known_pair(void)
{
	uint8_t priv[WG_KEY_LEN], pub[WG_KEY_LEN];
	char b64[KEY_B64_LEN + 1];

	/* the example pair of wg(8)'s documentation, checked with `wg pubkey` */
	CHECK(key_from_base64(priv, "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="),
	      "parses the example private key");
	CHECK(!key_public_from_private(pub, priv), "public key computed");
	key_to_base64(b64, pub);
	CHECK_STR(b64, "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=", "public key of the example");
}

static void generation(void)
{
	uint8_t a[WG_KEY_LEN], b[WG_KEY_LEN];
	int i, clamped = 1;

	for (i = 0; i < 64; i++) {
		key_generate_private(a);
		if ((a[0] & 7) || (a[31] & 128) || !(a[31] & 64))
			clamped = 0;
	}
	CHECK(clamped, "generated private keys are clamped");
	key_generate_private(b);
	CHECK(memcmp(a, b, WG_KEY_LEN), "two keys differ");
	key_generate_random(a);
	CHECK(!key_is_zero(a), "a random preshared key is not zero");
}

int main(void)
{
	if (keys_init())
		return 1;
	roundtrip();
	bad_keys();
	known_pair();
	generation();
	return check_failed ? 1 : 0;
}
