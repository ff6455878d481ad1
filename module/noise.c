// SPDX-License-Identifier: GPL-2.0
/*
 * Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s as WireGuard uses it, and the
 * sessions (keypairs) that a completed handshake produces.
 *
 * Every handshake step works on copies of the chaining key and hash and
 * commits them only once the message has authenticated, so a forged
 * message never disturbs a handshake in progress.
 */
#include <crypto/algapi.h>
#include <crypto/blake2s.h>
#include <crypto/chacha20poly1305.h>
#include <crypto/curve25519.h>
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/random.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "compat.h"
#include "noise.h"

static_assert((int)WG_KEY_LEN == (int)CURVE25519_KEY_SIZE);
static_assert((int)WG_KEY_LEN == (int)CHACHA20POLY1305_KEY_SIZE);
static_assert((int)WG_HASH_LEN == (int)BLAKE2S_HASH_SIZE);
static_assert((int)WG_AUTHTAG_LEN == (int)CHACHA20POLY1305_AUTHTAG_SIZE);

static const u8 construction[] = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
static const u8 identifier[] = "WireGuard v1 zx2c4 Jason@zx2c4.com";

/* TAI64N labels seconds from 1970 as 2^62 + seconds. */
#define TAI64_EPOCH BIT_ULL(62)
/*
 * Timestamps are coarsened to a power of two no finer than the flood
 * limit allows, so they do not reveal the host's precise clock.
 */
#define TIMESTAMP_GRAIN_NS \
	rounddown_pow_of_two(NSEC_PER_SEC / INITIATIONS_PER_SECOND)

static u64 now_ns(void)
{
	return ktime_get_coarse_boottime_ns();
}

static bool older_than_ns(u64 birthdate_ns, u64 age_ns)
{
	return now_ns() - birthdate_ns >= age_ns;
}

bool wg_noise_birthdate_expired(u64 birthdate_ns, unsigned int seconds)
{
	return older_than_ns(birthdate_ns, (u64)seconds * NSEC_PER_SEC);
}

static void hash2(u8 out[WG_HASH_LEN], const u8 *a, size_t a_len,
		  const u8 *b, size_t b_len)
{
	struct blake2s_ctx state;

	blake2s_init(&state, WG_HASH_LEN);
	blake2s_update(&state, a, a_len);
	blake2s_update(&state, b, b_len);
	blake2s_final(&state, out);
}

/* HMAC-BLAKE2s with a key of WG_HASH_LEN bytes (all our keys are). */
static void hmac(u8 out[WG_HASH_LEN], const u8 key[WG_HASH_LEN],
		 const u8 *in, size_t in_len)
{
	u8 pad[BLAKE2S_BLOCK_SIZE] = { 0 };
	u8 inner[WG_HASH_LEN];
	size_t i;

	memcpy(pad, key, WG_HASH_LEN);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36;
	hash2(inner, pad, sizeof(pad), in, in_len);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] ^= 0x36 ^ 0x5c;
	hash2(out, pad, sizeof(pad), inner, sizeof(inner));
	memzero_explicit(pad, sizeof(pad));
	memzero_explicit(inner, sizeof(inner));
}

/*
 * HKDF over HMAC-BLAKE2s: extract with @ck as the salt, then expand into
 * up to three outputs; @out2 and @out3 may be NULL. Outputs may alias @ck.
 */
static void kdf(u8 *out1, u8 *out2, u8 *out3, const u8 *in, size_t in_len,
		const u8 ck[WG_HASH_LEN])
{
	u8 prk[WG_HASH_LEN];
	u8 t[WG_HASH_LEN + 1];
	u8 *outs[] = { out1, out2, out3 };
	int i;

	hmac(prk, ck, in, in_len);
	for (i = 0; i < ARRAY_SIZE(outs) && outs[i]; i++) {
		/* T(i) = HMAC(prk, T(i - 1) || i); T(0) is empty. */
		t[WG_HASH_LEN] = i + 1;
		if (i == 0)
			hmac(t, prk, &t[WG_HASH_LEN], 1);
		else
			hmac(t, prk, t, sizeof(t));
		memcpy(outs[i], t, WG_HASH_LEN);
	}
	memzero_explicit(prk, sizeof(prk));
	memzero_explicit(t, sizeof(t));
}

/* ck = HASH(construction); h = HASH(HASH(ck || identifier) || responder). */
static void initial_chaining_key(u8 ck[WG_HASH_LEN])
{
	blake2s(NULL, 0, construction, sizeof(construction) - 1, ck,
		WG_HASH_LEN);
}

static void initial_hash(u8 h[WG_HASH_LEN], const u8 ck[WG_HASH_LEN])
{
	hash2(h, ck, WG_HASH_LEN, identifier, sizeof(identifier) - 1);
}

static void mix_hash(u8 h[WG_HASH_LEN], const u8 *in, size_t len)
{
	hash2(h, h, WG_HASH_LEN, in, len);
}

static void handshake_start(u8 ck[WG_HASH_LEN], u8 h[WG_HASH_LEN],
			    const u8 responder_static[WG_KEY_LEN])
{
	initial_chaining_key(ck);
	initial_hash(h, ck);
	mix_hash(h, responder_static, WG_KEY_LEN);
}

/* The "e" token: the ephemeral key enters both the hash and the key chain. */
static void mix_ephemeral(u8 ck[WG_HASH_LEN], u8 h[WG_HASH_LEN],
			  const u8 ephemeral[WG_KEY_LEN])
{
	kdf(ck, NULL, NULL, ephemeral, WG_KEY_LEN, ck);
	mix_hash(h, ephemeral, WG_KEY_LEN);
}

/*
 * Mix DH(@private_key, @public_key) into @ck, deriving @key if non-NULL.
 * Fails on a low-order point (the shared secret would be all zero).
 */
static bool mix_dh(u8 ck[WG_HASH_LEN], u8 *key,
		   const u8 private_key[WG_KEY_LEN],
		   const u8 public_key[WG_KEY_LEN])
{
	u8 dh[WG_KEY_LEN];
	bool ok;

	ok = curve25519(dh, private_key, public_key);
	if (ok)
		kdf(ck, key, NULL, dh, sizeof(dh), ck);
	memzero_explicit(dh, sizeof(dh));
	return ok;
}

static bool is_zero_key(const u8 key[WG_KEY_LEN])
{
	static const u8 zero[WG_KEY_LEN];

	return !crypto_memneq(key, zero, WG_KEY_LEN);
}

static bool mix_precomputed(u8 ck[WG_HASH_LEN], u8 key[WG_KEY_LEN],
			    const u8 static_static[WG_KEY_LEN])
{
	if (is_zero_key(static_static))
		return false;
	kdf(ck, key, NULL, static_static, WG_KEY_LEN, ck);
	return true;
}

static void mix_psk(u8 ck[WG_HASH_LEN], u8 h[WG_HASH_LEN], u8 key[WG_KEY_LEN],
		    const u8 psk[WG_KEY_LEN])
{
	u8 tau[WG_HASH_LEN];

	kdf(ck, tau, key, psk, WG_KEY_LEN, ck);
	mix_hash(h, tau, sizeof(tau));
	memzero_explicit(tau, sizeof(tau));
}

/* AEAD with nonce 0 and the running hash as associated data. */
static void seal(u8 *dst, const u8 *src, size_t len, const u8 key[WG_KEY_LEN],
		 u8 h[WG_HASH_LEN])
{
	chacha20poly1305_encrypt(dst, src, len, h, WG_HASH_LEN, 0, key);
	mix_hash(h, dst, WG_SEALED_LEN(len));
}

static bool open_sealed(u8 *dst, const u8 *src, size_t sealed_len,
			const u8 key[WG_KEY_LEN], u8 h[WG_HASH_LEN])
{
	if (!chacha20poly1305_decrypt(dst, src, sealed_len, h, WG_HASH_LEN, 0,
				      key))
		return false;
	mix_hash(h, src, sealed_len);
	return true;
}

static void tai64n_now(u8 out[WG_TIMESTAMP_LEN])
{
	struct timespec64 now;
	__be64 seconds;
	__be32 nanoseconds;

	ktime_get_real_ts64(&now);
	now.tv_nsec &= ~(TIMESTAMP_GRAIN_NS - 1);
	seconds = cpu_to_be64(TAI64_EPOCH + now.tv_sec);
	nanoseconds = cpu_to_be32(now.tv_nsec);
	memcpy(out, &seconds, sizeof(seconds));
	memcpy(out + sizeof(seconds), &nanoseconds, sizeof(nanoseconds));
}

/* Identity --------------------------------------------------------------- */

void wg_noise_static_identity_init(struct noise_static_identity *identity)
{
	memset(identity, 0, sizeof(*identity));
	init_rwsem(&identity->lock);
}

void wg_noise_static_identity_clear(struct noise_static_identity *identity)
{
	memzero_explicit(identity->static_private, WG_KEY_LEN);
	memset(identity->static_public, 0, WG_KEY_LEN);
	identity->has_identity = false;
}

/*
 * Install @private_key (NULL or all zero removes the identity). Peers'
 * precomputed DH must be redone afterwards with
 * wg_noise_handshake_precompute(), under the same write lock.
 */
void wg_noise_static_identity_set(struct noise_static_identity *identity,
				  const u8 *private_key)
{
	lockdep_assert_held_write(&identity->lock);
	if (!private_key || is_zero_key(private_key)) {
		wg_noise_static_identity_clear(identity);
		return;
	}
	memcpy(identity->static_private, private_key, WG_KEY_LEN);
	curve25519_clamp_secret(identity->static_private);
	identity->has_identity =
		curve25519_generate_public(identity->static_public,
					   identity->static_private);
	if (!identity->has_identity)
		wg_noise_static_identity_clear(identity);
}

/*
 * Copy out our identity, for configuration reads and checks; false (and
 * nothing copied) when there is none. Either output may be NULL; the
 * caller wipes its copy of the private key.
 */
bool wg_noise_static_identity_get(struct noise_static_identity *identity,
				  u8 private_key[WG_KEY_LEN],
				  u8 public_key[WG_KEY_LEN])
{
	bool has;

	down_read(&identity->lock);
	has = identity->has_identity;
	if (has && private_key)
		memcpy(private_key, identity->static_private, WG_KEY_LEN);
	if (has && public_key)
		memcpy(public_key, identity->static_public, WG_KEY_LEN);
	up_read(&identity->lock);
	return has;
}

/* Handshake state -------------------------------------------------------- */

/*
 * Give the handshake a fresh index, or take its old one out of the table.
 * Under handshake->lock for writing, so that an initiation, a response and
 * a clear never move one entry at the same time.
 */
static u32 publish_index(struct noise_handshake *handshake)
{
	lockdep_assert_held_write(&handshake->lock);
	return wg_index_hashtable_insert(handshake->index_table,
					 handshake->index_entry);
}

static void unpublish_index(struct noise_handshake *handshake)
{
	lockdep_assert_held_write(&handshake->lock);
	wg_index_hashtable_remove(handshake->index_table,
				  handshake->index_entry);
}

/* Forget the handshake in progress; keys and the replay timestamp stay. */
static void zero_transients(struct noise_handshake *handshake)
{
	memzero_explicit(handshake->ephemeral_private, WG_KEY_LEN);
	memzero_explicit(handshake->remote_ephemeral, WG_KEY_LEN);
	memzero_explicit(handshake->hash, WG_HASH_LEN);
	memzero_explicit(handshake->chaining_key, WG_HASH_LEN);
	handshake->remote_index = 0;
	handshake->state = HANDSHAKE_ZEROED;
}

static void precompute_locked(struct noise_handshake *handshake)
{
	struct noise_static_identity *identity = handshake->static_identity;

	if (!identity->has_identity ||
	    !curve25519(handshake->precomputed_static_static,
			identity->static_private, handshake->remote_static))
		memzero_explicit(handshake->precomputed_static_static,
				 WG_KEY_LEN);
}

/*
 * The caller holds identity->lock (either way) and owns @handshake. It
 * initialised @index_entry (type, peer, unhashed node); the handshake
 * alone hashes and unhashes it from now on.
 */
void wg_noise_handshake_init(struct noise_handshake *handshake,
			     struct noise_static_identity *identity,
			     const u8 remote_static[WG_KEY_LEN],
			     const u8 *preshared_key,
			     struct wg_index_hashtable *index_table,
			     struct wg_index_entry *index_entry)
{
	lockdep_assert_held(&identity->lock);
	memset(handshake, 0, sizeof(*handshake));
	init_rwsem(&handshake->lock);
	handshake->static_identity = identity;
	handshake->index_table = index_table;
	handshake->index_entry = index_entry;
	memcpy(handshake->remote_static, remote_static, WG_KEY_LEN);
	if (preshared_key)
		memcpy(handshake->preshared_key, preshared_key, WG_KEY_LEN);
	precompute_locked(handshake);
}

/* Redo DH(our static, their static); the caller holds identity->lock. */
void wg_noise_handshake_precompute(struct noise_handshake *handshake)
{
	lockdep_assert_held(&handshake->static_identity->lock);
	down_write(&handshake->lock);
	precompute_locked(handshake);
	up_write(&handshake->lock);
}

void wg_noise_handshake_set_psk(struct noise_handshake *handshake,
				const u8 *preshared_key)
{
	down_write(&handshake->lock);
	if (preshared_key)
		memcpy(handshake->preshared_key, preshared_key, WG_KEY_LEN);
	else
		memzero_explicit(handshake->preshared_key, WG_KEY_LEN);
	up_write(&handshake->lock);
}

/* The preshared key, all zero when there is none; the caller wipes it. */
void wg_noise_handshake_get_psk(struct noise_handshake *handshake,
				u8 preshared_key[WG_KEY_LEN])
{
	down_read(&handshake->lock);
	memcpy(preshared_key, handshake->preshared_key, WG_KEY_LEN);
	up_read(&handshake->lock);
}

/* Forget the handshake in progress and take its index out of the table. */
void wg_noise_handshake_clear(struct noise_handshake *handshake)
{
	down_write(&handshake->lock);
	zero_transients(handshake);
	unpublish_index(handshake);
	up_write(&handshake->lock);
}

/* Wipe every secret, for a peer about to be freed. */
void wg_noise_handshake_wipe(struct noise_handshake *handshake)
{
	down_write(&handshake->lock);
	zero_transients(handshake);
	unpublish_index(handshake);
	memzero_explicit(handshake->precomputed_static_static, WG_KEY_LEN);
	memzero_explicit(handshake->preshared_key, WG_KEY_LEN);
	up_write(&handshake->lock);
}

/* False for a peer whose key is a low-order point: nothing is ever sent. */
bool wg_noise_handshake_usable(struct noise_handshake *handshake)
{
	bool usable;

	down_read(&handshake->lock);
	usable = !is_zero_key(handshake->precomputed_static_static);
	up_read(&handshake->lock);
	return usable;
}

/* Messages --------------------------------------------------------------- */

/*
 * Initiator, first message: e, es, s, ss, and the timestamp, under a
 * fresh index that maps to this handshake.
 */
bool wg_noise_create_initiation(struct wg_msg_initiation *dst,
				struct noise_handshake *handshake)
{
	struct noise_static_identity *identity = handshake->static_identity;
	u8 timestamp[WG_TIMESTAMP_LEN];
	u8 key[WG_KEY_LEN];
	u8 *ck = handshake->chaining_key;
	u8 *h = handshake->hash;
	u32 local_index;
	bool ok = false;

	down_read(&identity->lock);
	down_write(&handshake->lock);
	zero_transients(handshake);
	/* An ephemeral key needs a seeded RNG: wait for it, as upstream. */
	if (!identity->has_identity || !rng_is_initialized() ||
	    is_zero_key(handshake->precomputed_static_static))
		goto out;

	local_index = publish_index(handshake);
	memset(dst, 0, sizeof(*dst));
	dst->header.type = cpu_to_le32(MESSAGE_HANDSHAKE_INITIATION);
	dst->sender = cpu_to_le32(local_index);
	handshake_start(ck, h, handshake->remote_static);

	curve25519_generate_secret(handshake->ephemeral_private);
	if (!curve25519_generate_public(dst->ephemeral,
					handshake->ephemeral_private))
		goto out;
	mix_ephemeral(ck, h, dst->ephemeral);

	if (!mix_dh(ck, key, handshake->ephemeral_private,
		    handshake->remote_static))
		goto out;
	seal(dst->sealed_static, identity->static_public, WG_KEY_LEN, key, h);

	if (!mix_precomputed(ck, key, handshake->precomputed_static_static))
		goto out;
	tai64n_now(timestamp);
	seal(dst->sealed_timestamp, timestamp, WG_TIMESTAMP_LEN, key, h);

	handshake->local_index = local_index;
	handshake->state = HANDSHAKE_CREATED_INITIATION;
	ok = true;
out:
	if (!ok) {
		zero_transients(handshake);
		unpublish_index(handshake);
	}
	up_write(&handshake->lock);
	up_read(&identity->lock);
	memzero_explicit(key, sizeof(key));
	memzero_explicit(timestamp, sizeof(timestamp));
	return ok;
}

void wg_noise_initiation_forget(struct noise_initiation_scratch *scratch)
{
	memzero_explicit(scratch, sizeof(*scratch));
}

/*
 * Responder, first half: with only our identity, undo e, es and s to learn
 * who claims to be initiating, so the caller can look the peer up by
 * scratch->remote_static. Nothing is trusted yet.
 */
bool wg_noise_initiation_identify(struct noise_initiation_scratch *scratch,
				  const struct wg_msg_initiation *src,
				  struct noise_static_identity *identity)
{
	u8 key[WG_KEY_LEN];
	u8 *ck = scratch->chaining_key;
	u8 *h = scratch->hash;
	bool ok = false;

	down_read(&identity->lock);
	if (!identity->has_identity)
		goto out;
	handshake_start(ck, h, identity->static_public);
	memcpy(scratch->remote_ephemeral, src->ephemeral, WG_KEY_LEN);
	mix_ephemeral(ck, h, src->ephemeral);
	if (!mix_dh(ck, key, identity->static_private, src->ephemeral))
		goto out;
	if (!open_sealed(scratch->remote_static, src->sealed_static,
			 sizeof(src->sealed_static), key, h))
		goto out;
	scratch->remote_index = le32_to_cpu(src->sender);
	ok = true;
out:
	up_read(&identity->lock);
	memzero_explicit(key, sizeof(key));
	if (!ok)
		wg_noise_initiation_forget(scratch);
	return ok;
}

/* Strictly newer than the last one accepted; TAI64N compares as bytes. */
static bool timestamp_is_fresh(const struct noise_handshake *handshake,
			       const u8 timestamp[WG_TIMESTAMP_LEN])
{
	return memcmp(timestamp, handshake->latest_timestamp,
		      WG_TIMESTAMP_LEN) > 0;
}

static bool initiation_flood(const struct noise_handshake *handshake)
{
	return handshake->last_initiation_consumption &&
	       !older_than_ns(handshake->last_initiation_consumption,
			      NSEC_PER_SEC / INITIATIONS_PER_SECOND);
}

/*
 * Responder, second half, given the handshake of the peer whose static
 * key wg_noise_initiation_identify() revealed: ss and the timestamp, then
 * the replay and flood checks. Wipes @scratch in every case.
 */
bool wg_noise_initiation_finish(struct noise_initiation_scratch *scratch,
				const struct wg_msg_initiation *src,
				struct noise_handshake *handshake)
{
	struct noise_static_identity *identity = handshake->static_identity;
	u8 timestamp[WG_TIMESTAMP_LEN];
	u8 key[WG_KEY_LEN];
	bool ok = false;

	down_read(&identity->lock);
	down_write(&handshake->lock);
	if (!identity->has_identity ||
	    crypto_memneq(scratch->remote_static, handshake->remote_static,
			  WG_KEY_LEN))
		goto out;
	if (!mix_precomputed(scratch->chaining_key, key,
			     handshake->precomputed_static_static))
		goto out;
	if (!open_sealed(timestamp, src->sealed_timestamp,
			 sizeof(src->sealed_timestamp), key, scratch->hash))
		goto out;
	if (!timestamp_is_fresh(handshake, timestamp) ||
	    initiation_flood(handshake))
		goto out;

	/* Authenticated and fresh: this replaces any handshake in progress. */
	zero_transients(handshake);
	memcpy(handshake->remote_ephemeral, scratch->remote_ephemeral,
	       WG_KEY_LEN);
	memcpy(handshake->hash, scratch->hash, WG_HASH_LEN);
	memcpy(handshake->chaining_key, scratch->chaining_key, WG_HASH_LEN);
	memcpy(handshake->latest_timestamp, timestamp, WG_TIMESTAMP_LEN);
	handshake->remote_index = scratch->remote_index;
	handshake->last_initiation_consumption = now_ns();
	handshake->state = HANDSHAKE_CONSUMED_INITIATION;
	ok = true;
out:
	up_write(&handshake->lock);
	up_read(&identity->lock);
	memzero_explicit(key, sizeof(key));
	memzero_explicit(timestamp, sizeof(timestamp));
	wg_noise_initiation_forget(scratch);
	return ok;
}

/*
 * Responder, second message: e, ee, se, psk, and an empty payload, under
 * a fresh index. On failure the handshake is forgotten, index and all;
 * an initiation that replaced it meanwhile is left alone.
 */
bool wg_noise_create_response(struct wg_msg_response *dst,
			      struct noise_handshake *handshake)
{
	struct noise_static_identity *identity = handshake->static_identity;
	u8 key[WG_KEY_LEN];
	u8 *ck = handshake->chaining_key;
	u8 *h = handshake->hash;
	u32 local_index;
	bool ok = false;

	down_read(&identity->lock);
	down_write(&handshake->lock);
	if (handshake->state != HANDSHAKE_CONSUMED_INITIATION ||
	    !rng_is_initialized())
		goto out;

	local_index = publish_index(handshake);
	memset(dst, 0, sizeof(*dst));
	dst->header.type = cpu_to_le32(MESSAGE_HANDSHAKE_RESPONSE);
	dst->sender = cpu_to_le32(local_index);
	dst->receiver = cpu_to_le32(handshake->remote_index);

	curve25519_generate_secret(handshake->ephemeral_private);
	if (!curve25519_generate_public(dst->ephemeral,
					handshake->ephemeral_private))
		goto fail;
	mix_ephemeral(ck, h, dst->ephemeral);
	if (!mix_dh(ck, NULL, handshake->ephemeral_private,
		    handshake->remote_ephemeral) ||
	    !mix_dh(ck, NULL, handshake->ephemeral_private,
		    handshake->remote_static))
		goto fail;
	mix_psk(ck, h, key, handshake->preshared_key);
	seal(dst->sealed_nothing, dst->sealed_nothing, 0, key, h);

	handshake->local_index = local_index;
	handshake->state = HANDSHAKE_CREATED_RESPONSE;
	ok = true;
	goto out;
fail:
	zero_transients(handshake);
	unpublish_index(handshake);
out:
	up_write(&handshake->lock);
	up_read(&identity->lock);
	memzero_explicit(key, sizeof(key));
	return ok;
}

/*
 * Initiator, on the response: the caller found @handshake by the
 * response's receiver index.
 */
bool wg_noise_consume_response(const struct wg_msg_response *src,
			       struct noise_handshake *handshake)
{
	struct noise_static_identity *identity = handshake->static_identity;
	u8 ck[WG_HASH_LEN], h[WG_HASH_LEN];
	u8 key[WG_KEY_LEN];
	u8 nothing[1];
	bool ok = false;

	down_read(&identity->lock);
	down_write(&handshake->lock);
	if (!identity->has_identity ||
	    handshake->state != HANDSHAKE_CREATED_INITIATION ||
	    handshake->local_index != le32_to_cpu(src->receiver))
		goto out;

	memcpy(ck, handshake->chaining_key, WG_HASH_LEN);
	memcpy(h, handshake->hash, WG_HASH_LEN);
	mix_ephemeral(ck, h, src->ephemeral);
	if (!mix_dh(ck, NULL, handshake->ephemeral_private, src->ephemeral) ||
	    !mix_dh(ck, NULL, identity->static_private, src->ephemeral))
		goto out;
	mix_psk(ck, h, key, handshake->preshared_key);
	if (!open_sealed(nothing, src->sealed_nothing,
			 sizeof(src->sealed_nothing), key, h))
		goto out;

	memcpy(handshake->chaining_key, ck, WG_HASH_LEN);
	memcpy(handshake->hash, h, WG_HASH_LEN);
	memcpy(handshake->remote_ephemeral, src->ephemeral, WG_KEY_LEN);
	handshake->remote_index = le32_to_cpu(src->sender);
	handshake->state = HANDSHAKE_CONSUMED_RESPONSE;
	ok = true;
out:
	up_write(&handshake->lock);
	up_read(&identity->lock);
	memzero_explicit(ck, sizeof(ck));
	memzero_explicit(h, sizeof(h));
	memzero_explicit(key, sizeof(key));
	return ok;
}

/* Sessions --------------------------------------------------------------- */

static void keypair_free_rcu(struct rcu_head *rcu)
{
	/* kfree_sensitive() wipes the keys before the memory is reused. */
	kfree_sensitive(container_of(rcu, struct noise_keypair, rcu));
}

static void keypair_release(struct kref *kref)
{
	struct noise_keypair *keypair =
		container_of(kref, struct noise_keypair, refcount);

	if (keypair->release)
		keypair->release(keypair);
	call_rcu(&keypair->rcu, keypair_free_rcu);
}

/* For RCU readers: NULL if @keypair is already on its way out. */
struct noise_keypair *wg_noise_keypair_get(struct noise_keypair *keypair)
{
	if (keypair && kref_get_unless_zero(&keypair->refcount))
		return keypair;
	return NULL;
}

void wg_noise_keypair_put(struct noise_keypair *keypair)
{
	if (keypair)
		kref_put(&keypair->refcount, keypair_release);
}

/* @release may be NULL; see noise_keypair_release_t. */
void wg_noise_keypairs_init(struct noise_keypairs *keypairs,
			    noise_keypair_release_t release)
{
	RCU_INIT_POINTER(keypairs->previous, NULL);
	RCU_INIT_POINTER(keypairs->current_keypair, NULL);
	RCU_INIT_POINTER(keypairs->next, NULL);
	spin_lock_init(&keypairs->lock);
	keypairs->release = release;
}

static struct noise_keypair *locked(struct noise_keypairs *keypairs,
				    struct noise_keypair __rcu **slot)
{
	return rcu_dereference_protected(*slot,
					 lockdep_is_held(&keypairs->lock));
}

/*
 * The initiator may send on a new session at once. The responder must
 * wait for the initiator to prove it holds the keys too, so the session
 * waits in "next" until data arrives under it.
 */
static void install_keypair(struct noise_keypairs *keypairs,
			    struct noise_keypair *fresh)
{
	struct noise_keypair *previous, *current_kp, *next;

	spin_lock_bh(&keypairs->lock);
	previous = locked(keypairs, &keypairs->previous);
	current_kp = locked(keypairs, &keypairs->current_keypair);
	next = locked(keypairs, &keypairs->next);

	if (fresh->i_am_the_initiator) {
		/* An unconfirmed "next" is newer than "current": keep it. */
		if (next) {
			RCU_INIT_POINTER(keypairs->next, NULL);
			rcu_assign_pointer(keypairs->previous, next);
			wg_noise_keypair_put(current_kp);
		} else {
			rcu_assign_pointer(keypairs->previous, current_kp);
		}
		rcu_assign_pointer(keypairs->current_keypair, fresh);
	} else {
		rcu_assign_pointer(keypairs->next, fresh);
		wg_noise_keypair_put(next);
		RCU_INIT_POINTER(keypairs->previous, NULL);
	}
	wg_noise_keypair_put(previous);
	spin_unlock_bh(&keypairs->lock);
}

/*
 * Turn a finished handshake (response created or consumed) into a
 * session: it takes over the handshake's index in the table, then goes
 * into @keypairs. Returns the new keypair with a reference the caller
 * must put; NULL if the handshake was not finished, its index is gone
 * (its owner cleared it meanwhile) or memory ran out.
 */
struct noise_keypair *
wg_noise_begin_session(struct noise_handshake *handshake,
		       struct noise_keypairs *keypairs)
{
	struct noise_keypair *keypair = NULL;
	bool initiator;

	down_write(&handshake->lock);
	if (handshake->state != HANDSHAKE_CREATED_RESPONSE &&
	    handshake->state != HANDSHAKE_CONSUMED_RESPONSE)
		goto out;
	keypair = kzalloc(sizeof(*keypair), GFP_KERNEL);
	if (!keypair)
		goto out;

	initiator = handshake->state == HANDSHAKE_CONSUMED_RESPONSE;
	/* The initiator sends with the first key, the responder the second. */
	if (initiator)
		kdf(keypair->sending.key, keypair->receiving.key, NULL, NULL, 0,
		    handshake->chaining_key);
	else
		kdf(keypair->receiving.key, keypair->sending.key, NULL, NULL, 0,
		    handshake->chaining_key);
	keypair->sending.is_valid = true;
	keypair->receiving.is_valid = true;
	atomic64_set(&keypair->sending_counter, 0);
	wg_replay_init(&keypair->receiving_counter);
	keypair->local_index = handshake->local_index;
	keypair->remote_index = handshake->remote_index;
	keypair->birthdate = now_ns();
	keypair->i_am_the_initiator = initiator;
	INIT_HLIST_NODE(&keypair->index_entry.index_hash);
	keypair->index_entry.type = WG_INDEX_KEYPAIR;
	keypair->index_entry.peer = handshake->index_entry->peer;
	keypair->owner = keypairs;
	keypair->release = keypairs->release;
	/* One reference for the slot, one for the caller. */
	kref_init(&keypair->refcount);
	kref_get(&keypair->refcount);
	/*
	 * Into the table before the slots: a session is never in use
	 * without its index. A handshake whose index its owner took away
	 * (the peer is going) yields nothing; nobody has seen the keypair.
	 */
	if (!wg_index_hashtable_replace(handshake->index_table,
					handshake->index_entry,
					&keypair->index_entry)) {
		kfree_sensitive(keypair);
		keypair = NULL;
		zero_transients(handshake);
		goto out;
	}

	install_keypair(keypairs, keypair);
	zero_transients(handshake);
out:
	up_write(&handshake->lock);
	return keypair;
}

/*
 * The data path authenticated a packet under @received. If that is the
 * responder's unconfirmed "next" session, promote it; returns true then.
 */
bool wg_noise_received_with_keypair(struct noise_keypairs *keypairs,
				    struct noise_keypair *received)
{
	struct noise_keypair *old_previous;

	/* Nearly always false; avoid the lock on the data path. */
	if (likely(rcu_access_pointer(keypairs->next) != received))
		return false;

	spin_lock_bh(&keypairs->lock);
	if (locked(keypairs, &keypairs->next) != received) {
		spin_unlock_bh(&keypairs->lock);
		return false;
	}
	old_previous = locked(keypairs, &keypairs->previous);
	rcu_assign_pointer(keypairs->previous,
			   locked(keypairs, &keypairs->current_keypair));
	rcu_assign_pointer(keypairs->current_keypair, received);
	RCU_INIT_POINTER(keypairs->next, NULL);
	wg_noise_keypair_put(old_previous);
	spin_unlock_bh(&keypairs->lock);
	return true;
}

/* Stop sending under current sessions, e.g. when our key changes. */
void wg_noise_keypairs_expire(struct noise_keypairs *keypairs)
{
	struct noise_keypair *keypair;

	spin_lock_bh(&keypairs->lock);
	keypair = locked(keypairs, &keypairs->current_keypair);
	if (keypair)
		WRITE_ONCE(keypair->sending.is_valid, false);
	keypair = locked(keypairs, &keypairs->next);
	if (keypair)
		WRITE_ONCE(keypair->sending.is_valid, false);
	spin_unlock_bh(&keypairs->lock);
}

/* Drop every session; the keys are wiped once the last reader is done. */
void wg_noise_keypairs_clear(struct noise_keypairs *keypairs)
{
	struct noise_keypair *previous, *current_kp, *next;

	spin_lock_bh(&keypairs->lock);
	previous = locked(keypairs, &keypairs->previous);
	current_kp = locked(keypairs, &keypairs->current_keypair);
	next = locked(keypairs, &keypairs->next);
	RCU_INIT_POINTER(keypairs->previous, NULL);
	RCU_INIT_POINTER(keypairs->current_keypair, NULL);
	RCU_INIT_POINTER(keypairs->next, NULL);
	wg_noise_keypair_put(previous);
	wg_noise_keypair_put(current_kp);
	wg_noise_keypair_put(next);
	spin_unlock_bh(&keypairs->lock);
}

/* Limits ----------------------------------------------------------------- */

/* Reserve the next sending nonce; false once the session may not send. */
bool wg_noise_keypair_next_nonce(struct noise_keypair *keypair, u64 *nonce)
{
	if (!READ_ONCE(keypair->sending.is_valid) ||
	    wg_noise_birthdate_expired(keypair->birthdate, REJECT_AFTER_TIME))
		return false;
	*nonce = (u64)atomic64_inc_return(&keypair->sending_counter) - 1;
	if (unlikely(*nonce >= REJECT_AFTER_MESSAGES)) {
		WRITE_ONCE(keypair->sending.is_valid, false);
		return false;
	}
	return true;
}

bool wg_noise_keypair_receive_allowed(const struct noise_keypair *keypair)
{
	return READ_ONCE(keypair->receiving.is_valid) &&
	       !wg_noise_birthdate_expired(keypair->birthdate,
					   REJECT_AFTER_TIME);
}

/* After sending @nonce: time for the initiator to start a new handshake? */
bool wg_noise_keypair_rekey_on_send(const struct noise_keypair *keypair,
				    u64 nonce)
{
	return nonce > REKEY_AFTER_MESSAGES ||
	       (keypair->i_am_the_initiator &&
		wg_noise_birthdate_expired(keypair->birthdate,
					   REKEY_AFTER_TIME));
}

/* Receiving on an old session we initiated: rekey before it is rejected. */
bool wg_noise_keypair_rekey_on_receive(const struct noise_keypair *keypair)
{
	return keypair->i_am_the_initiator &&
	       wg_noise_birthdate_expired(keypair->birthdate,
					  REJECT_AFTER_TIME - KEEPALIVE_TIMEOUT -
					  REKEY_TIMEOUT);
}

/* Transport data --------------------------------------------------------- */

/* Writes @len + WG_AUTHTAG_LEN bytes to @dst; @dst may equal @src. */
void wg_noise_encrypt(const struct noise_keypair *keypair, u8 *dst,
		      const u8 *src, size_t len, u64 nonce)
{
	chacha20poly1305_encrypt(dst, src, len, NULL, 0, nonce,
				 keypair->sending.key);
}

/* @len counts the tag; writes @len - WG_AUTHTAG_LEN bytes to @dst. */
bool wg_noise_decrypt(const struct noise_keypair *keypair, u8 *dst,
		      const u8 *src, size_t len, u64 nonce)
{
	if (len < WG_AUTHTAG_LEN)
		return false;
	return chacha20poly1305_decrypt(dst, src, len, NULL, 0, nonce,
					keypair->receiving.key);
}

/* In place; @sg has room for the tag after the @len plaintext bytes. */
bool wg_noise_encrypt_sg(const struct noise_keypair *keypair,
			 struct scatterlist *sg, size_t len, u64 nonce)
{
	return chacha20poly1305_encrypt_sg_inplace(sg, len, NULL, 0, nonce,
						   keypair->sending.key);
}

/* In place; @len counts the tag. */
bool wg_noise_decrypt_sg(const struct noise_keypair *keypair,
			 struct scatterlist *sg, size_t len, u64 nonce)
{
	return chacha20poly1305_decrypt_sg_inplace(sg, len, NULL, 0, nonce,
						   keypair->receiving.key);
}
