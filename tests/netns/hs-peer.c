// SPDX-License-Identifier: GPL-2.0
/*
 * A WireGuard initiator that is patient: it sends one initiation and waits
 * as long as it takes for the answer, where a real peer gives up after
 * REKEY_TIMEOUT. Against a responder under load, whose queue makes a
 * cookie reply come later than that, it still takes the cookie, sends a
 * new initiation with mac2, checks the response and confirms the session
 * with a keepalive, so the responder counts the handshake as complete.
 *
 *   hs-peer [-n COUNT] PRIVATE RESPONDER_PUBLIC DST_IP DST_PORT LOCAL_PORT SECONDS
 *
 * With -n it only sends COUNT initiations, each a new one, as fast as it
 * can, and waits for nothing (a flood of real initiations, from a key the
 * responder may not know).
 *
 * Keys as wg prints them; no preshared key. Prints a line per message
 * and "handshake complete with mac2" or "... without mac2"; exits 0 once
 * complete with mac2, 3 if the responder answered without asking for a
 * cookie (it was not under load), 1 if nothing came back in SECONDS.
 * X25519 and the AEADs come from libsodium, BLAKE2s and HMAC from
 * libcrypto.
 */
/* LDLIBS: -lcrypto -lsodium */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "wire.h"

#define HASH_LEN 32

struct state {
	uint8_t s_priv[KEY_LEN], s_pub[KEY_LEN], r_pub[KEY_LEN];
	uint8_t e_priv[KEY_LEN], e_pub[KEY_LEN];
	uint8_t ck[HASH_LEN], h[HASH_LEN];
	uint8_t last_mac1[MAC_LEN];
	uint8_t cookie[MAC_LEN];
	int have_cookie;
	uint32_t sender;
	struct wire_mac m;
};

static void die(const char *what)
{
	fprintf(stderr, "hs-peer: %s\n", what);
	exit(2);
}

/* BLAKE2s-256 over the concatenation of two parts. */
static void hash2(uint8_t out[HASH_LEN], const void *a, size_t alen,
		  const void *b, size_t blen)
{
	unsigned int len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_MD *md = EVP_MD_fetch(NULL, "BLAKE2S-256", NULL);

	if (!ctx || !md || !EVP_DigestInit_ex(ctx, md, NULL) ||
	    !EVP_DigestUpdate(ctx, a, alen) ||
	    (blen && !EVP_DigestUpdate(ctx, b, blen)) ||
	    !EVP_DigestFinal_ex(ctx, out, &len) || len != HASH_LEN)
		die("BLAKE2s from libcrypto failed");
	EVP_MD_free(md);
	EVP_MD_CTX_free(ctx);
}

static void mix_hash(struct state *st, const void *data, size_t len)
{
	hash2(st->h, st->h, HASH_LEN, data, len);
}

static void hmac(uint8_t out[HASH_LEN], const uint8_t key[HASH_LEN],
		 const void *data, size_t len)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 "BLAKE2S-256", 0),
		OSSL_PARAM_construct_end()
	};
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	size_t got = 0;

	if (!ctx || !EVP_MAC_init(ctx, key, HASH_LEN, params) ||
	    !EVP_MAC_update(ctx, data, len) ||
	    !EVP_MAC_final(ctx, out, &got, HASH_LEN) || got != HASH_LEN)
		die("HMAC-BLAKE2s from libcrypto failed");
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
}

/* The protocol's KDF: ck becomes the first output, @k1 and @k2 the rest. */
static void kdf(uint8_t ck[HASH_LEN], uint8_t *k1, uint8_t *k2,
		const void *input, size_t len)
{
	uint8_t prk[HASH_LEN], t[HASH_LEN + 1];

	hmac(prk, ck, input, len);
	t[0] = 1;
	hmac(ck, prk, t, 1);
	memcpy(t, ck, HASH_LEN);
	t[HASH_LEN] = 2;
	if (k1)
		hmac(k1, prk, t, HASH_LEN + 1);
	if (k2) {
		memcpy(t, k1, HASH_LEN);
		t[HASH_LEN] = 3;
		hmac(k2, prk, t, HASH_LEN + 1);
	}
}

static void dh(uint8_t out[KEY_LEN], const uint8_t priv[KEY_LEN],
	       const uint8_t pub[KEY_LEN])
{
	if (crypto_scalarmult(out, priv, pub))
		die("X25519 gave a low-order result");
}

/* ChaCha20-Poly1305 with a zero nonce (handshake) or a counter (data). */
static void aead_seal(uint8_t *dst, const uint8_t *src, size_t len,
		      const uint8_t key[KEY_LEN], uint64_t counter,
		      const uint8_t *ad, size_t adlen)
{
	uint8_t nonce[12] = { 0 };
	int i;

	for (i = 0; i < 8; i++)
		nonce[4 + i] = counter >> (8 * i);
	crypto_aead_chacha20poly1305_ietf_encrypt(dst, NULL, src, len, ad,
						  adlen, NULL, nonce, key);
}

static int aead_open(uint8_t *dst, const uint8_t *src, size_t len,
		     const uint8_t key[KEY_LEN], const uint8_t *ad,
		     size_t adlen)
{
	uint8_t nonce[12] = { 0 };

	return crypto_aead_chacha20poly1305_ietf_decrypt(dst, NULL, NULL, src,
							 len, ad, adlen,
							 nonce, key);
}

/* TAI64N, big-endian: later calls give larger values. */
static void tai64n(uint8_t out[12])
{
	struct timespec ts;
	uint64_t sec;
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	sec = 0x400000000000000aULL + ts.tv_sec;
	for (i = 0; i < 8; i++)
		out[i] = sec >> (56 - 8 * i);
	for (i = 0; i < 4; i++)
		out[8 + i] = (uint32_t)ts.tv_nsec >> (24 - 8 * i);
}

/* A fresh initiation into @msg (INITIATION_LEN bytes). */
static void create_initiation(struct state *st, uint8_t *msg)
{
	static const char construction[] =
		"Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
	static const char identifier[] = "WireGuard v1 zx2c4 Jason@zx2c4.com";
	uint8_t key[KEY_LEN], shared[KEY_LEN], ts[12], mac_key[KEY_LEN];

	hash2(st->ck, construction, strlen(construction), NULL, 0);
	hash2(st->h, st->ck, HASH_LEN, identifier, strlen(identifier));
	mix_hash(st, st->r_pub, KEY_LEN);

	randombytes_buf(st->e_priv, KEY_LEN);
	crypto_scalarmult_base(st->e_pub, st->e_priv);
	randombytes_buf(&st->sender, sizeof(st->sender));

	memset(msg, 0, INITIATION_LEN);
	put_le32(msg, MSG_INITIATION);
	put_le32(msg + 4, st->sender);
	memcpy(msg + 8, st->e_pub, KEY_LEN);
	kdf(st->ck, NULL, NULL, st->e_pub, KEY_LEN);
	mix_hash(st, st->e_pub, KEY_LEN);

	dh(shared, st->e_priv, st->r_pub);
	kdf(st->ck, key, NULL, shared, KEY_LEN);
	aead_seal(msg + 40, st->s_pub, KEY_LEN, key, 0, st->h, HASH_LEN);
	mix_hash(st, msg + 40, KEY_LEN + MAC_LEN);

	dh(shared, st->s_priv, st->r_pub);
	kdf(st->ck, key, NULL, shared, KEY_LEN);
	tai64n(ts);
	aead_seal(msg + 88, ts, sizeof(ts), key, 0, st->h, HASH_LEN);
	mix_hash(st, msg + 88, sizeof(ts) + MAC_LEN);

	if (wire_mac1_key(mac_key, st->r_pub))
		die("BLAKE2s from libcrypto failed");
	wire_set_mac1(&st->m, msg, INITIATION_LEN, mac_key);
	memcpy(st->last_mac1, msg + 116, MAC_LEN);
	if (st->have_cookie &&
	    wire_mac(&st->m, msg + 132, st->cookie, MAC_LEN, msg, 132))
		die("BLAKE2s from libcrypto failed");
}

/* A cookie reply to our last initiation: keep its cookie. */
static int consume_cookie(struct state *st, const uint8_t *msg)
{
	uint8_t key[KEY_LEN];

	hash2(key, "cookie--", 8, st->r_pub, KEY_LEN);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(st->cookie, NULL, NULL,
						       msg + 32, 32,
						       st->last_mac1, MAC_LEN,
						       msg + 8, key))
		return -1;
	st->have_cookie = 1;
	return 0;
}

/*
 * A response to our last initiation: check it, and put into @keepalive
 * (32 bytes) the first data message of the session, to confirm it.
 */
static int consume_response(struct state *st, const uint8_t *msg,
			    uint8_t *keepalive)
{
	uint8_t shared[KEY_LEN], tau[KEY_LEN], key[KEY_LEN], empty[1];
	uint8_t send_key[KEY_LEN], recv_key[KEY_LEN];
	static const uint8_t zero_psk[KEY_LEN];
	const uint8_t *e_r = msg + 12;

	kdf(st->ck, NULL, NULL, e_r, KEY_LEN);
	mix_hash(st, e_r, KEY_LEN);
	dh(shared, st->e_priv, e_r);
	kdf(st->ck, NULL, NULL, shared, KEY_LEN);
	dh(shared, st->s_priv, e_r);
	kdf(st->ck, NULL, NULL, shared, KEY_LEN);
	kdf(st->ck, tau, key, zero_psk, KEY_LEN);
	mix_hash(st, tau, KEY_LEN);
	if (aead_open(empty, msg + 44, MAC_LEN, key, st->h, HASH_LEN))
		return -1;
	/* (T_send, T_recv) = KDF2(C, ""): the first is the initiator's. */
	kdf(st->ck, recv_key, NULL, "", 0);
	memcpy(send_key, st->ck, KEY_LEN);
	memset(keepalive, 0, 16);
	put_le32(keepalive, MSG_DATA);
	memcpy(keepalive + 4, msg + 4, 4);
	aead_seal(keepalive + 16, empty, 0, send_key, 0, NULL, 0);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct sockaddr_in me = { .sin_family = AF_INET };
	uint8_t msg[INITIATION_LEN], buf[256], keepalive[32];
	struct state st = { 0 };
	double start, sent_at, end;
	struct pollfd pfd;
	unsigned long count = 0, i;
	int fd, tries = 0;
	ssize_t len;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		count = strtoul(argv[2], NULL, 10);
		argc -= 2;
		argv += 2;
	}
	if (argc != 7) {
		fprintf(stderr, "usage: hs-peer [-n COUNT] PRIVATE RESPONDER_PUBLIC DST_IP DST_PORT LOCAL_PORT SECONDS\n");
		return 2;
	}
	if (sodium_init() < 0 || wire_mac_open(&st.m))
		die("no libsodium or no BLAKE2SMAC in libcrypto");
	if (wire_decode_key(st.s_priv, argv[1]) ||
	    wire_decode_key(st.r_pub, argv[2]))
		die("bad key");
	crypto_scalarmult_base(st.s_pub, st.s_priv);
	if (!inet_pton(AF_INET, argv[3], &to.sin_addr))
		die("bad address");
	to.sin_port = htons(atoi(argv[4]));
	me.sin_port = htons(atoi(argv[5]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof(me)))
		die("cannot bind the local port");
	pfd.fd = fd;
	pfd.events = POLLIN;
	start = now();
	end = start + atof(argv[6]);
	if (count) {
		for (i = 0; i < count && now() < end; i++) {
			create_initiation(&st, msg);
			sendto(fd, msg, sizeof(msg), 0, (struct sockaddr *)&to,
			       sizeof(to));
		}
		printf("sent %lu initiations in %.1f s\n", i, now() - start);
		return i == count ? 0 : 1;
	}

	for (;;) {
		create_initiation(&st, msg);
		sendto(fd, msg, sizeof(msg), 0, (struct sockaddr *)&to,
		       sizeof(to));
		sent_at = now();
		printf("initiation %d sent, %s mac2\n", ++tries,
		       st.have_cookie ? "with" : "without");
		fflush(stdout);
		for (;;) {
			if (now() > end) {
				printf("nothing came back in time\n");
				return 1;
			}
			if (poll(&pfd, 1, 200) <= 0)
				continue;
			len = recv(fd, buf, sizeof(buf), 0);
			if (len == 64 && get_le32(buf) == MSG_COOKIE &&
			    get_le32(buf + 4) == st.sender) {
				if (consume_cookie(&st, buf)) {
					printf("a cookie reply that does not open\n");
					return 1;
				}
				printf("cookie reply after %.1f s\n",
				       now() - sent_at);
				break;
			}
			if (len == 92 && get_le32(buf) == MSG_RESPONSE &&
			    get_le32(buf + 8) == st.sender) {
				if (consume_response(&st, buf, keepalive)) {
					printf("a response that does not open\n");
					return 1;
				}
				sendto(fd, keepalive, sizeof(keepalive), 0,
				       (struct sockaddr *)&to, sizeof(to));
				printf("response after %.1f s; handshake complete %s mac2\n",
				       now() - sent_at,
				       st.have_cookie ? "with" : "without");
				return st.have_cookie ? 0 : 3;
			}
		}
	}
}
