/* SPDX-License-Identifier: GPL-2.0 */
/*
 * WireGuard wire facts for the test tools that speak to a device's port
 * directly (hs-flood, wire-fuzz): message sizes, mac1, keys, and a fast
 * seeded random generator. BLAKE2s comes from OpenSSL 3's libcrypto.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

enum {
	MSG_INITIATION = 1,
	MSG_RESPONSE = 2,
	MSG_COOKIE = 3,
	MSG_DATA = 4,
	INITIATION_LEN = 148,
	RESPONSE_LEN = 92,
	COOKIE_LEN = 64,
	DATA_MIN_LEN = 32,
	KEY_LEN = 32,
	MAC_LEN = 16,
	/* Both handshake messages end with mac1 then mac2. */
	MACS_LEN = 2 * MAC_LEN
};

/* Little-endian u32 at @p. */
static inline uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* A 32-byte key as wg prints it (base64, 44 characters). */
static inline int wire_decode_key(uint8_t key[KEY_LEN], const char *b64)
{
	uint8_t buf[48];

	if (strlen(b64) != 44 || b64[43] != '=')
		return -1;
	/* 44 characters decode to 33 bytes, the last one padding. */
	if (EVP_DecodeBlock(buf, (const unsigned char *)b64, 44) != 33)
		return -1;
	memcpy(key, buf, KEY_LEN);
	return 0;
}

/* The mac1 key of a receiver: BLAKE2s-256("mac1----" || its public key). */
static inline int wire_mac1_key(uint8_t out[KEY_LEN],
				const uint8_t pub[KEY_LEN])
{
	uint8_t in[8 + KEY_LEN];
	unsigned int len = 0;
	EVP_MD *md;
	int ok;

	memcpy(in, "mac1----", 8);
	memcpy(in + 8, pub, KEY_LEN);
	md = EVP_MD_fetch(NULL, "BLAKE2S-256", NULL);
	if (!md)
		return -1;
	ok = EVP_Digest(in, sizeof(in), out, &len, md, NULL);
	EVP_MD_free(md);
	return ok && len == KEY_LEN ? 0 : -1;
}

/*
 * Keyed BLAKE2s-128 (mac1 under a KEY_LEN key, mac2 under a MAC_LEN
 * cookie); one context, re-keyed for every message.
 */
struct wire_mac {
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
};

static inline int wire_mac_open(struct wire_mac *m)
{
	m->mac = EVP_MAC_fetch(NULL, "BLAKE2SMAC", NULL);
	m->ctx = m->mac ? EVP_MAC_CTX_new(m->mac) : NULL;
	return m->ctx ? 0 : -1;
}

static inline int wire_mac(struct wire_mac *m, uint8_t out[MAC_LEN],
			   const uint8_t *key, size_t keylen, const void *msg,
			   size_t len)
{
	size_t size = MAC_LEN, got = 0;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size),
		OSSL_PARAM_construct_end()
	};

	if (!EVP_MAC_init(m->ctx, key, keylen, params) ||
	    !EVP_MAC_update(m->ctx, msg, len) ||
	    !EVP_MAC_final(m->ctx, out, &got, MAC_LEN))
		return -1;
	return got == MAC_LEN ? 0 : -1;
}

/* Where mac1 of a handshake message of @len bytes starts. */
static inline size_t wire_mac1_offset(size_t len)
{
	return len - MACS_LEN;
}

static inline void wire_set_mac1(struct wire_mac *m, uint8_t *msg, size_t len,
				 const uint8_t key[KEY_LEN])
{
	if (wire_mac(m, msg + wire_mac1_offset(len), key, KEY_LEN, msg,
		     wire_mac1_offset(len))) {
		fprintf(stderr, "BLAKE2s from libcrypto failed\n");
		exit(2);
	}
}

/* Is @msg a handshake message of its exact size whose mac1 is valid? */
static inline int wire_mac1_valid(struct wire_mac *m, const uint8_t *msg,
				  size_t len, const uint8_t key[KEY_LEN])
{
	uint8_t mac[MAC_LEN];

	if (len < 4 || (get_le32(msg) != MSG_INITIATION &&
			get_le32(msg) != MSG_RESPONSE))
		return 0;
	if (len != (get_le32(msg) == MSG_INITIATION ? INITIATION_LEN :
						    RESPONSE_LEN))
		return 0;
	if (wire_mac(m, mac, key, KEY_LEN, msg, wire_mac1_offset(len))) {
		fprintf(stderr, "BLAKE2s from libcrypto failed\n");
		exit(2);
	}
	return !memcmp(mac, msg + wire_mac1_offset(len), MAC_LEN);
}

/* xorshift64*: reproducible from its seed, and cheap under emulation. */
static inline uint64_t wire_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static inline void wire_rand_bytes(uint64_t *state, uint8_t *buf, size_t len)
{
	uint64_t r = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!(i % 8))
			r = wire_rand(state);
		buf[i] = r;
		r >>= 8;
	}
}

#endif /* WIRE_H */
