// SPDX-License-Identifier: GPL-2.0
/*
 * mac1 proves a sender knows our public key; mac2 proves it received a
 * cookie at its source address recently. Cookies are never stored by the
 * checker: they are recomputed from a secret that changes every two
 * minutes, so a reply costs us no state.
 */
#include <crypto/algapi.h>
#include <crypto/blake2s.h>
#include <crypto/chacha20poly1305.h>
#include <linux/bug.h>
#include <linux/random.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "compat.h"
#include "cookie.h"

static const u8 mac1_label[8] = "mac1----";
static const u8 cookie_label[8] = "cookie--";

static_assert((int)WG_COOKIE_NONCE_LEN == (int)XCHACHA20POLY1305_NONCE_SIZE);

static u64 cookie_now(void)
{
	return ktime_get_coarse_boottime_ns();
}

static bool older_than(u64 birthdate_ns, unsigned int seconds)
{
	return cookie_now() - birthdate_ns >= (u64)seconds * NSEC_PER_SEC;
}

/* BLAKE2s(label || public key): a key bound to one side's identity. */
static void labelled_key(u8 out[WG_KEY_LEN], const u8 label[8],
			 const u8 public_key[WG_KEY_LEN])
{
	struct blake2s_ctx state;

	blake2s_init(&state, WG_KEY_LEN);
	blake2s_update(&state, label, 8);
	blake2s_update(&state, public_key, WG_KEY_LEN);
	blake2s_final(&state, out);
}

/* The macs sit at the end of both handshake messages. */
static struct wg_msg_macs *macs_of(const void *msg, size_t len)
{
	return (struct wg_msg_macs *)((u8 *)msg + len -
				      sizeof(struct wg_msg_macs));
}

/* mac1 covers the message up to mac1; mac2 up to mac2. */
static void compute_mac1(u8 out[WG_COOKIE_LEN], const void *msg, size_t len,
			 const u8 key[WG_KEY_LEN])
{
	blake2s(key, WG_KEY_LEN, msg, len - sizeof(struct wg_msg_macs), out,
		WG_COOKIE_LEN);
}

static void compute_mac2(u8 out[WG_COOKIE_LEN], const void *msg, size_t len,
			 const u8 cookie[WG_COOKIE_LEN])
{
	blake2s(cookie, WG_COOKIE_LEN, msg,
		len - sizeof_field(struct wg_msg_macs, mac2), out, WG_COOKIE_LEN);
}

/* Room for a header, a sender index and the macs. */
static bool long_enough(size_t len)
{
	return len >= offsetofend(struct wg_msg_initiation, sender) +
		      sizeof(struct wg_msg_macs);
}

/* Checker ---------------------------------------------------------------- */

void wg_cookie_checker_init(struct wg_cookie_checker *checker)
{
	memset(checker, 0, sizeof(*checker));
	init_rwsem(&checker->lock);
	get_random_bytes(checker->secret, sizeof(checker->secret));
	checker->secret_birthdate = cookie_now();
}

void wg_cookie_checker_wipe(struct wg_cookie_checker *checker)
{
	down_write(&checker->lock);
	memzero_explicit(checker->secret, sizeof(checker->secret));
	memzero_explicit(checker->cookie_encryption_key, WG_KEY_LEN);
	memzero_explicit(checker->message_mac1_key, WG_KEY_LEN);
	checker->has_keys = false;
	up_write(&checker->lock);
}

/* Derive our mac1 and cookie keys; @our_public NULL when we have none. */
void wg_cookie_checker_set_public(struct wg_cookie_checker *checker,
				  const u8 *our_public)
{
	down_write(&checker->lock);
	if (our_public) {
		labelled_key(checker->message_mac1_key, mac1_label,
			     our_public);
		labelled_key(checker->cookie_encryption_key, cookie_label,
			     our_public);
	} else {
		memzero_explicit(checker->message_mac1_key, WG_KEY_LEN);
		memzero_explicit(checker->cookie_encryption_key, WG_KEY_LEN);
	}
	checker->has_keys = our_public;
	up_write(&checker->lock);
}

/* The cookie @src should hold: keyed with the secret, rotated if stale. */
static void make_cookie(u8 out[WG_COOKIE_LEN],
			struct wg_cookie_checker *checker,
			const struct wg_cookie_source *src)
{
	struct blake2s_ctx state;

	down_read(&checker->lock);
	if (older_than(checker->secret_birthdate, COOKIE_SECRET_MAX_AGE)) {
		up_read(&checker->lock);
		down_write(&checker->lock);
		/* Another caller may have rotated it meanwhile. */
		if (older_than(checker->secret_birthdate,
			       COOKIE_SECRET_MAX_AGE)) {
			get_random_bytes(checker->secret,
					 sizeof(checker->secret));
			checker->secret_birthdate = cookie_now();
		}
		downgrade_write(&checker->lock);
	}
	blake2s_init_key(&state, WG_COOKIE_LEN, checker->secret,
			 sizeof(checker->secret));
	blake2s_update(&state, src->addr, src->addr_len);
	blake2s_update(&state, (const u8 *)&src->port, sizeof(src->port));
	blake2s_final(&state, out);
	up_read(&checker->lock);
}

/*
 * Check a handshake message of @len bytes (its size already checked for
 * its type). mac2 is only looked at when @check_mac2, i.e. under load.
 */
enum wg_cookie_mac_state
wg_cookie_validate(struct wg_cookie_checker *checker, const void *msg,
		   size_t len, bool check_mac2,
		   const struct wg_cookie_source *src)
{
	const struct wg_msg_macs *macs = macs_of(msg, len);
	enum wg_cookie_mac_state state = WG_COOKIE_MAC_INVALID;
	u8 cookie[WG_COOKIE_LEN];
	u8 mac[WG_COOKIE_LEN];
	bool have_keys;

	if (WARN_ON_ONCE(!long_enough(len)))
		return WG_COOKIE_MAC_INVALID;

	down_read(&checker->lock);
	have_keys = checker->has_keys;
	if (have_keys)
		compute_mac1(mac, msg, len, checker->message_mac1_key);
	up_read(&checker->lock);
	if (!have_keys || crypto_memneq(mac, macs->mac1, WG_COOKIE_LEN))
		goto out;

	state = WG_COOKIE_MAC1_VALID;
	if (!check_mac2)
		goto out;
	make_cookie(cookie, checker, src);
	compute_mac2(mac, msg, len, cookie);
	if (!crypto_memneq(mac, macs->mac2, WG_COOKIE_LEN))
		state = WG_COOKIE_MAC2_VALID;
out:
	memzero_explicit(cookie, sizeof(cookie));
	memzero_explicit(mac, sizeof(mac));
	return state;
}

/*
 * Answer the handshake message @msg (mac1 already validated) with a cookie
 * for @src, sealed to the mac1 it carried.
 */
void wg_cookie_create_reply(struct wg_msg_cookie *dst,
			    struct wg_cookie_checker *checker,
			    const void *msg, size_t len,
			    const struct wg_cookie_source *src)
{
	const struct wg_msg_macs *macs = macs_of(msg, len);
	u8 cookie[WG_COOKIE_LEN];

	if (WARN_ON_ONCE(!long_enough(len)))
		return;
	dst->header.type = cpu_to_le32(MESSAGE_HANDSHAKE_COOKIE);
	/* Initiation and response both carry their sender index here. */
	memcpy(&dst->receiver,
	       (const u8 *)msg + offsetof(struct wg_msg_initiation, sender),
	       sizeof(dst->receiver));
	get_random_bytes(dst->nonce, sizeof(dst->nonce));

	make_cookie(cookie, checker, src);
	down_read(&checker->lock);
	xchacha20poly1305_encrypt(dst->sealed_cookie, cookie, sizeof(cookie),
				  macs->mac1, sizeof(macs->mac1), dst->nonce,
				  checker->cookie_encryption_key);
	up_read(&checker->lock);
	memzero_explicit(cookie, sizeof(cookie));
}

/* Peer side -------------------------------------------------------------- */

void wg_cookie_init(struct wg_cookie *cookie,
		    const u8 peer_public[WG_KEY_LEN])
{
	memset(cookie, 0, sizeof(*cookie));
	init_rwsem(&cookie->lock);
	labelled_key(cookie->message_mac1_key, mac1_label, peer_public);
	labelled_key(cookie->cookie_decryption_key, cookie_label,
		     peer_public);
}

void wg_cookie_wipe(struct wg_cookie *cookie)
{
	down_write(&cookie->lock);
	memzero_explicit(cookie->cookie, sizeof(cookie->cookie));
	memzero_explicit(cookie->cookie_decryption_key, WG_KEY_LEN);
	memzero_explicit(cookie->message_mac1_key, WG_KEY_LEN);
	cookie->is_valid = false;
	cookie->have_sent_mac1 = false;
	up_write(&cookie->lock);
}

/*
 * Fill in mac1 and, while we hold a fresh cookie from this peer, mac2.
 * Remembers mac1 so that a cookie reply to this message can be opened.
 */
void wg_cookie_add_macs(struct wg_cookie *cookie, void *msg, size_t len)
{
	struct wg_msg_macs *macs = macs_of(msg, len);

	if (WARN_ON_ONCE(!long_enough(len)))
		return;
	down_write(&cookie->lock);
	compute_mac1(macs->mac1, msg, len, cookie->message_mac1_key);
	memcpy(cookie->last_mac1_sent, macs->mac1, WG_COOKIE_LEN);
	cookie->have_sent_mac1 = true;

	if (cookie->is_valid &&
	    !older_than(cookie->birthdate,
			COOKIE_SECRET_MAX_AGE - COOKIE_SECRET_LATENCY))
		compute_mac2(macs->mac2, msg, len, cookie->cookie);
	else
		memset(macs->mac2, 0, WG_COOKIE_LEN);
	up_write(&cookie->lock);
}

/*
 * The caller found this peer by the reply's receiver index. Only a reply
 * to the last message we sent opens: its mac1 is the associated data.
 */
bool wg_cookie_consume_reply(struct wg_cookie *cookie,
			     const struct wg_msg_cookie *src)
{
	u8 value[WG_COOKIE_LEN];
	bool ok = false;

	down_write(&cookie->lock);
	if (!cookie->have_sent_mac1)
		goto out;
	if (!xchacha20poly1305_decrypt(value, src->sealed_cookie,
				       sizeof(src->sealed_cookie),
				       cookie->last_mac1_sent, WG_COOKIE_LEN,
				       src->nonce,
				       cookie->cookie_decryption_key))
		goto out;
	memcpy(cookie->cookie, value, WG_COOKIE_LEN);
	cookie->birthdate = cookie_now();
	cookie->is_valid = true;
	cookie->have_sent_mac1 = false;
	ok = true;
out:
	up_write(&cookie->lock);
	memzero_explicit(value, sizeof(value));
	return ok;
}
