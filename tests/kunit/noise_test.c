// SPDX-License-Identifier: GPL-2.0
/*
 * The handshake between two identities held in memory, the sessions it
 * yields, and the ways it must refuse to complete.
 */
#include <kunit/test.h>
#include <linux/delay.h>

#include "../../module/noise.c"
#include "../../module/cookie.h"
#include "noise_vector.h"

/* Device A initiates to device B; each holds the other as its peer. */
struct pair {
	struct noise_static_identity a, b;
	struct noise_handshake a_to_b, b_to_a;
	struct noise_keypairs a_sessions, b_sessions;
};

static atomic_t released;

static void count_release(struct noise_keypair *keypair)
{
	atomic_inc(&released);
}

static void set_identity(struct noise_static_identity *identity,
			 const u8 *private_key)
{
	wg_noise_static_identity_init(identity);
	down_write(&identity->lock);
	wg_noise_static_identity_set(identity, private_key);
	up_write(&identity->lock);
}

static void set_random_identity(struct noise_static_identity *identity)
{
	u8 private_key[WG_KEY_LEN];

	curve25519_generate_secret(private_key);
	set_identity(identity, private_key);
	memzero_explicit(private_key, sizeof(private_key));
}

/* Each test has an index table (test->priv) for its handshakes. */
static int noise_test_init(struct kunit *test)
{
	test->priv = wg_index_hashtable_alloc();
	return test->priv ? 0 : -ENOMEM;
}

static void noise_test_exit(struct kunit *test)
{
	kvfree(test->priv);
}

static void peer_init(struct kunit *test, struct noise_handshake *handshake,
		      struct noise_static_identity *local,
		      const u8 *remote_public, const u8 *psk)
{
	struct wg_index_entry *entry;

	entry = kunit_kzalloc(test, sizeof(*entry), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, entry);
	INIT_HLIST_NODE(&entry->index_hash);
	entry->type = WG_INDEX_HANDSHAKE;
	down_read(&local->lock);
	wg_noise_handshake_init(handshake, local, remote_public, psk,
				test->priv, entry);
	up_read(&local->lock);
}

static bool hashed(struct wg_index_entry *entry)
{
	return !hlist_unhashed(&entry->index_hash);
}

static struct pair *new_pair(struct kunit *test, const u8 *psk_a,
			     const u8 *psk_b)
{
	struct pair *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	set_random_identity(&p->a);
	set_random_identity(&p->b);
	KUNIT_ASSERT_TRUE(test, p->a.has_identity && p->b.has_identity);
	peer_init(test, &p->a_to_b, &p->a, p->b.static_public, psk_a);
	peer_init(test, &p->b_to_a, &p->b, p->a.static_public, psk_b);
	wg_noise_keypairs_init(&p->a_sessions, count_release);
	wg_noise_keypairs_init(&p->b_sessions, count_release);
	return p;
}

static void free_pair(struct pair *p)
{
	wg_noise_keypairs_clear(&p->a_sessions);
	wg_noise_keypairs_clear(&p->b_sessions);
}

/* B's side of an initiation: both steps, as the receive path does them. */
static bool responder_consume(struct kunit *test, struct pair *p,
			      const struct wg_msg_initiation *msg)
{
	struct noise_initiation_scratch scratch;

	if (!wg_noise_initiation_identify(&scratch, msg, &p->b))
		return false;
	KUNIT_EXPECT_EQ(test, memcmp(scratch.remote_static, p->a.static_public,
				     WG_KEY_LEN), 0);
	return wg_noise_initiation_finish(&scratch, msg, &p->b_to_a);
}

/* Runs the handshake up to both sessions; returns them referenced. */
static bool run_handshake(struct kunit *test, struct pair *p,
			  struct noise_keypair **a_kp,
			  struct noise_keypair **b_kp)
{
	struct wg_msg_initiation init;
	struct wg_msg_response resp;

	*a_kp = NULL;
	*b_kp = NULL;
	if (!wg_noise_create_initiation(&init, &p->a_to_b))
		return false;
	/* The index went on the wire and into the table, in one step. */
	KUNIT_EXPECT_EQ(test, le32_to_cpu(init.sender), p->a_to_b.local_index);
	KUNIT_EXPECT_EQ(test, p->a_to_b.index_entry->index,
			p->a_to_b.local_index);
	KUNIT_EXPECT_TRUE(test, hashed(p->a_to_b.index_entry));
	if (!responder_consume(test, p, &init))
		return false;
	if (!wg_noise_create_response(&resp, &p->b_to_a))
		return false;
	KUNIT_EXPECT_EQ(test, le32_to_cpu(resp.sender), p->b_to_a.local_index);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(resp.receiver),
			p->a_to_b.local_index);
	KUNIT_EXPECT_TRUE(test, hashed(p->b_to_a.index_entry));
	if (!wg_noise_consume_response(&resp, &p->a_to_b))
		return false;
	*a_kp = wg_noise_begin_session(&p->a_to_b, &p->a_sessions);
	*b_kp = wg_noise_begin_session(&p->b_to_a, &p->b_sessions);
	return *a_kp && *b_kp;
}

static void expect_matching_keys(struct kunit *test, struct noise_keypair *a,
				 struct noise_keypair *b)
{
	KUNIT_EXPECT_EQ(test, memcmp(a->sending.key, b->receiving.key,
				     WG_KEY_LEN), 0);
	KUNIT_EXPECT_EQ(test, memcmp(a->receiving.key, b->sending.key,
				     WG_KEY_LEN), 0);
	KUNIT_EXPECT_NE(test, memcmp(a->sending.key, a->receiving.key,
				     WG_KEY_LEN), 0);
	KUNIT_EXPECT_TRUE(test, a->i_am_the_initiator);
	KUNIT_EXPECT_FALSE(test, b->i_am_the_initiator);
	KUNIT_EXPECT_EQ(test, a->remote_index, b->local_index);
	KUNIT_EXPECT_EQ(test, b->remote_index, a->local_index);
	/* Each session took over its handshake's place in the table. */
	KUNIT_EXPECT_EQ(test, a->index_entry.index, a->local_index);
	KUNIT_EXPECT_EQ(test, b->index_entry.index, b->local_index);
	KUNIT_EXPECT_TRUE(test, hashed(&a->index_entry));
	KUNIT_EXPECT_TRUE(test, hashed(&b->index_entry));
	KUNIT_EXPECT_EQ(test, b->index_entry.type, WG_INDEX_KEYPAIR);
}

static void noise_initial_values(struct kunit *test)
{
	static const char name[] = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
	static const char id[] = "WireGuard v1 zx2c4 Jason@zx2c4.com";
	u8 ck[WG_HASH_LEN], h[WG_HASH_LEN], expect[WG_HASH_LEN];
	u8 both[WG_HASH_LEN + sizeof(id) - 1];

	initial_chaining_key(ck);
	blake2s(NULL, 0, (const u8 *)name, strlen(name), expect, WG_HASH_LEN);
	KUNIT_EXPECT_EQ(test, memcmp(ck, expect, WG_HASH_LEN), 0);

	initial_hash(h, ck);
	memcpy(both, expect, WG_HASH_LEN);
	memcpy(both + WG_HASH_LEN, id, strlen(id));
	blake2s(NULL, 0, both, sizeof(both), expect, WG_HASH_LEN);
	KUNIT_EXPECT_EQ(test, memcmp(h, expect, WG_HASH_LEN), 0);
}

static void noise_timestamp_format(struct kunit *test)
{
	u8 ts[WG_TIMESTAMP_LEN];
	struct timespec64 now;
	__be64 seconds;
	__be32 nanoseconds;

	ktime_get_real_ts64(&now);
	tai64n_now(ts);
	memcpy(&seconds, ts, sizeof(seconds));
	memcpy(&nanoseconds, ts + 8, sizeof(nanoseconds));
	KUNIT_EXPECT_GE(test, be64_to_cpu(seconds),
			TAI64_EPOCH + (u64)now.tv_sec);
	KUNIT_EXPECT_LE(test, be64_to_cpu(seconds),
			TAI64_EPOCH + (u64)now.tv_sec + 1);
	KUNIT_EXPECT_LT(test, be32_to_cpu(nanoseconds), (u32)NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(nanoseconds) %
			(u32)TIMESTAMP_GRAIN_NS, 0U);
}

static void noise_full_handshake(struct kunit *test)
{
	struct pair *p = new_pair(test, NULL, NULL);
	struct noise_keypair *a_kp, *b_kp;
	u8 plain[37] = "a packet through the tunnel", out[37];
	u8 sealed[sizeof(plain) + WG_AUTHTAG_LEN];
	u64 nonce;

	KUNIT_ASSERT_TRUE(test, run_handshake(test, p, &a_kp, &b_kp));
	expect_matching_keys(test, a_kp, b_kp);

	/* The initiator sends at once; the responder waits in "next". */
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(p->a_sessions.current_keypair), a_kp);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(p->b_sessions.next), b_kp);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(p->b_sessions.current_keypair));
	KUNIT_EXPECT_EQ(test, p->a_to_b.state, HANDSHAKE_ZEROED);
	KUNIT_EXPECT_EQ(test, p->b_to_a.state, HANDSHAKE_ZEROED);

	KUNIT_ASSERT_TRUE(test, wg_noise_keypair_next_nonce(a_kp, &nonce));
	KUNIT_EXPECT_EQ(test, nonce, 0ULL);
	wg_noise_encrypt(a_kp, sealed, plain, sizeof(plain), nonce);
	KUNIT_EXPECT_TRUE(test, wg_noise_decrypt(b_kp, out, sealed,
						 sizeof(sealed), nonce));
	KUNIT_EXPECT_EQ(test, memcmp(out, plain, sizeof(plain)), 0);
	KUNIT_EXPECT_FALSE(test, wg_noise_decrypt(b_kp, out, sealed,
						  sizeof(sealed), nonce + 1));
	sealed[3] ^= 1;
	KUNIT_EXPECT_FALSE(test, wg_noise_decrypt(b_kp, out, sealed,
						  sizeof(sealed), nonce));

	/* First data under "next" confirms it. */
	KUNIT_EXPECT_TRUE(test, wg_noise_received_with_keypair(&p->b_sessions, b_kp));
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(p->b_sessions.current_keypair), b_kp);
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(p->b_sessions.next));
	KUNIT_EXPECT_FALSE(test, wg_noise_received_with_keypair(&p->b_sessions, b_kp));

	wg_noise_keypair_put(a_kp);
	wg_noise_keypair_put(b_kp);
	free_pair(p);
}

static void noise_with_psk(struct kunit *test)
{
	u8 psk[WG_KEY_LEN];
	struct noise_keypair *a_kp, *b_kp;
	struct pair *p;

	get_random_bytes(psk, sizeof(psk));
	p = new_pair(test, psk, psk);
	KUNIT_ASSERT_TRUE(test, run_handshake(test, p, &a_kp, &b_kp));
	expect_matching_keys(test, a_kp, b_kp);
	wg_noise_keypair_put(a_kp);
	wg_noise_keypair_put(b_kp);
	free_pair(p);
}

static void noise_psk_mismatch(struct kunit *test)
{
	u8 psk[WG_KEY_LEN];
	struct noise_keypair *a_kp, *b_kp;
	struct pair *p;

	get_random_bytes(psk, sizeof(psk));
	p = new_pair(test, psk, NULL);
	KUNIT_EXPECT_FALSE(test, run_handshake(test, p, &a_kp, &b_kp));
	/* The initiator still waits for a genuine response. */
	KUNIT_EXPECT_EQ(test, p->a_to_b.state, HANDSHAKE_CREATED_INITIATION);
	KUNIT_EXPECT_NULL(test, a_kp);
	free_pair(p);
}

static void noise_replayed_initiation(struct kunit *test)
{
	struct pair *p = new_pair(test, NULL, NULL);
	struct wg_msg_initiation first, second;

	KUNIT_ASSERT_TRUE(test, wg_noise_create_initiation(&first, &p->a_to_b));
	/* Past the timestamp grain, so the second one is strictly newer. */
	msleep(60);
	KUNIT_ASSERT_TRUE(test, wg_noise_create_initiation(&second, &p->a_to_b));

	KUNIT_EXPECT_TRUE(test, responder_consume(test, p, &first));
	/* Too soon after the first: the flood limit refuses it. */
	KUNIT_EXPECT_FALSE(test, responder_consume(test, p, &second));
	msleep(60);
	/* Same timestamp as one already accepted: a replay. */
	KUNIT_EXPECT_FALSE(test, responder_consume(test, p, &first));
	KUNIT_EXPECT_TRUE(test, responder_consume(test, p, &second));
	KUNIT_EXPECT_EQ(test, p->b_to_a.remote_index,
			le32_to_cpu(second.sender));
	msleep(60);
	KUNIT_EXPECT_FALSE(test, responder_consume(test, p, &first));
	KUNIT_EXPECT_FALSE(test, responder_consume(test, p, &second));
	free_pair(p);
}

/* Flip each byte the handshake authenticates: all but header, index, macs. */
static void noise_flipped_initiation(struct kunit *test)
{
	struct pair *p = new_pair(test, NULL, NULL);
	struct wg_msg_initiation init, bad;
	size_t i, from, to;

	KUNIT_ASSERT_TRUE(test, wg_noise_create_initiation(&init, &p->a_to_b));
	from = offsetof(struct wg_msg_initiation, ephemeral);
	to = offsetof(struct wg_msg_initiation, macs);
	for (i = from; i < to; i++) {
		bad = init;
		((u8 *)&bad)[i] ^= 0x20;
		KUNIT_EXPECT_FALSE_MSG(test, responder_consume(test, p, &bad),
				       "byte %zu", i);
	}
	KUNIT_EXPECT_TRUE(test, responder_consume(test, p, &init));
	free_pair(p);
}

static void noise_flipped_response(struct kunit *test)
{
	struct pair *p = new_pair(test, NULL, NULL);
	struct wg_msg_initiation init;
	struct wg_msg_response resp, bad;
	size_t i, from, to;

	KUNIT_ASSERT_TRUE(test, wg_noise_create_initiation(&init, &p->a_to_b));
	KUNIT_ASSERT_TRUE(test, responder_consume(test, p, &init));
	KUNIT_ASSERT_TRUE(test, wg_noise_create_response(&resp, &p->b_to_a));
	from = offsetof(struct wg_msg_response, receiver);
	to = offsetof(struct wg_msg_response, macs);
	for (i = from; i < to; i++) {
		bad = resp;
		((u8 *)&bad)[i] ^= 0x04;
		KUNIT_EXPECT_FALSE_MSG(test,
				       wg_noise_consume_response(&bad, &p->a_to_b),
				       "byte %zu", i);
	}
	KUNIT_EXPECT_TRUE(test, wg_noise_consume_response(&resp, &p->a_to_b));
	/* Once consumed, the same response is not accepted twice. */
	KUNIT_EXPECT_FALSE(test, wg_noise_consume_response(&resp, &p->a_to_b));
	free_pair(p);
}

static void noise_low_order_peer(struct kunit *test)
{
	static const u8 zero[WG_KEY_LEN];
	struct pair *p = new_pair(test, NULL, NULL);
	struct noise_handshake *bogus;
	struct wg_msg_initiation init, bad;
	struct noise_initiation_scratch scratch;

	bogus = kunit_kzalloc(test, sizeof(*bogus), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bogus);
	peer_init(test, bogus, &p->a, zero, NULL);
	KUNIT_EXPECT_FALSE(test, wg_noise_handshake_usable(bogus));
	KUNIT_EXPECT_FALSE(test, wg_noise_create_initiation(&init, bogus));
	KUNIT_EXPECT_EQ(test, bogus->state, HANDSHAKE_ZEROED);
	KUNIT_EXPECT_FALSE(test, hashed(bogus->index_entry));

	/* A low-order ephemeral makes the DH all zero: refused. */
	KUNIT_ASSERT_TRUE(test, wg_noise_create_initiation(&init, &p->a_to_b));
	bad = init;
	memset(bad.ephemeral, 0, WG_KEY_LEN);
	KUNIT_EXPECT_FALSE(test, wg_noise_initiation_identify(&scratch, &bad, &p->b));

	/* A peer whose static-static DH is zero can never be consumed. */
	memset(p->b_to_a.precomputed_static_static, 0, WG_KEY_LEN);
	KUNIT_EXPECT_FALSE(test, wg_noise_handshake_usable(&p->b_to_a));
	KUNIT_EXPECT_FALSE(test, responder_consume(test, p, &init));
	free_pair(p);
}

static void noise_no_identity(struct kunit *test)
{
	struct pair *p = new_pair(test, NULL, NULL);
	struct wg_msg_initiation init;
	struct noise_initiation_scratch scratch;

	KUNIT_ASSERT_TRUE(test, wg_noise_create_initiation(&init, &p->a_to_b));
	down_write(&p->b.lock);
	wg_noise_static_identity_set(&p->b, NULL);
	wg_noise_handshake_precompute(&p->b_to_a);
	up_write(&p->b.lock);
	KUNIT_EXPECT_FALSE(test, p->b.has_identity);
	KUNIT_EXPECT_FALSE(test, wg_noise_initiation_identify(&scratch, &init, &p->b));
	KUNIT_EXPECT_FALSE(test, wg_noise_handshake_usable(&p->b_to_a));
	free_pair(p);
}

static void noise_rotation(struct kunit *test)
{
	struct pair *p = new_pair(test, NULL, NULL);
	struct noise_keypair *a1, *b1, *a2, *b2;
	int before = atomic_read(&released);

	KUNIT_ASSERT_TRUE(test, run_handshake(test, p, &a1, &b1));
	KUNIT_EXPECT_TRUE(test, wg_noise_received_with_keypair(&p->b_sessions, b1));
	msleep(60);
	KUNIT_ASSERT_TRUE(test, run_handshake(test, p, &a2, &b2));
	expect_matching_keys(test, a2, b2);

	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(p->a_sessions.current_keypair), a2);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(p->a_sessions.previous), a1);
	/* The responder keeps using b1 until the initiator proves b2. */
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(p->b_sessions.current_keypair), b1);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(p->b_sessions.next), b2);
	KUNIT_EXPECT_TRUE(test, wg_noise_received_with_keypair(&p->b_sessions, b2));
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(p->b_sessions.previous), b1);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(p->b_sessions.current_keypair), b2);

	/* Only the slots and our references keep them alive. */
	wg_noise_keypair_put(a1);
	wg_noise_keypair_put(b1);
	wg_noise_keypair_put(a2);
	wg_noise_keypair_put(b2);
	KUNIT_EXPECT_EQ(test, atomic_read(&released), before);
	free_pair(p);
	KUNIT_EXPECT_EQ(test, atomic_read(&released), before + 4);
}

static void noise_limits(struct kunit *test)
{
	struct pair *p = new_pair(test, NULL, NULL);
	struct noise_keypair *a_kp, *b_kp;
	u64 nonce;

	KUNIT_ASSERT_TRUE(test, run_handshake(test, p, &a_kp, &b_kp));
	KUNIT_EXPECT_TRUE(test, wg_noise_keypair_receive_allowed(b_kp));
	KUNIT_EXPECT_FALSE(test, wg_noise_keypair_rekey_on_send(a_kp, 0));
	KUNIT_EXPECT_TRUE(test, wg_noise_keypair_rekey_on_send(a_kp, REKEY_AFTER_MESSAGES + 1));
	KUNIT_EXPECT_FALSE(test, wg_noise_keypair_rekey_on_receive(a_kp));

	/* Age the sessions instead of waiting. */
	a_kp->birthdate -= (u64)REKEY_AFTER_TIME * NSEC_PER_SEC;
	b_kp->birthdate -= (u64)REKEY_AFTER_TIME * NSEC_PER_SEC;
	KUNIT_EXPECT_TRUE(test, wg_noise_keypair_rekey_on_send(a_kp, 1));
	KUNIT_EXPECT_FALSE(test, wg_noise_keypair_rekey_on_send(b_kp, 1));
	a_kp->birthdate -= 45ULL * NSEC_PER_SEC;
	KUNIT_EXPECT_TRUE(test, wg_noise_keypair_rekey_on_receive(a_kp));
	KUNIT_EXPECT_TRUE(test, wg_noise_keypair_next_nonce(a_kp, &nonce));
	a_kp->birthdate -= 15ULL * NSEC_PER_SEC;
	KUNIT_EXPECT_FALSE(test, wg_noise_keypair_next_nonce(a_kp, &nonce));
	KUNIT_EXPECT_FALSE(test, wg_noise_keypair_receive_allowed(a_kp));

	/* The message limit. */
	atomic64_set(&b_kp->sending_counter, REJECT_AFTER_MESSAGES - 1);
	KUNIT_EXPECT_TRUE(test, wg_noise_keypair_next_nonce(b_kp, &nonce));
	KUNIT_EXPECT_EQ(test, nonce, (u64)REJECT_AFTER_MESSAGES - 1);
	KUNIT_EXPECT_FALSE(test, wg_noise_keypair_next_nonce(b_kp, &nonce));

	/* Expiring stops sending but not receiving. */
	wg_noise_keypairs_expire(&p->a_sessions);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(a_kp->sending.is_valid));
	KUNIT_EXPECT_TRUE(test, READ_ONCE(a_kp->receiving.is_valid));

	wg_noise_keypair_put(a_kp);
	wg_noise_keypair_put(b_kp);
	free_pair(p);
}

/*
 * Against a handshake computed by an independent model (noise_vector.py):
 * same chaining key and hash after the initiation, same session keys, and
 * the same mac1 on both messages.
 */
static void noise_known_vector(struct kunit *test)
{
	const struct wg_msg_initiation *init = (const void *)vec_initiation;
	const struct wg_msg_response *resp = (const void *)vec_response;
	struct noise_static_identity *a, *b;
	struct noise_handshake *a_to_b, *b_to_a;
	struct noise_keypairs *sessions;
	struct noise_initiation_scratch scratch;
	struct wg_cookie_checker *checker;
	struct wg_cookie *cookie;
	struct wg_msg_initiation remade;
	struct wg_cookie_source src = { .addr = vec_psk, .addr_len = 4 };
	struct noise_keypair *kp;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	a_to_b = kunit_kzalloc(test, sizeof(*a_to_b), GFP_KERNEL);
	b_to_a = kunit_kzalloc(test, sizeof(*b_to_a), GFP_KERNEL);
	sessions = kunit_kzalloc(test, sizeof(*sessions), GFP_KERNEL);
	checker = kunit_kzalloc(test, sizeof(*checker), GFP_KERNEL);
	cookie = kunit_kzalloc(test, sizeof(*cookie), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, a && b && a_to_b && b_to_a && sessions &&
			  checker && cookie);
	set_identity(a, vec_initiator_private);
	set_identity(b, vec_responder_private);
	peer_init(test, a_to_b, a, b->static_public, vec_psk);
	peer_init(test, b_to_a, b, a->static_public, vec_psk);

	/* Responder: the model's initiation opens and leaves the same state. */
	KUNIT_ASSERT_TRUE(test, wg_noise_initiation_identify(&scratch, init, b));
	KUNIT_EXPECT_EQ(test, memcmp(scratch.remote_static, a->static_public,
				     WG_KEY_LEN), 0);
	KUNIT_ASSERT_TRUE(test, wg_noise_initiation_finish(&scratch, init,
							   b_to_a));
	KUNIT_EXPECT_EQ(test, memcmp(b_to_a->chaining_key,
				     vec_ck_after_initiation, WG_HASH_LEN), 0);
	KUNIT_EXPECT_EQ(test, memcmp(b_to_a->hash, vec_hash_after_initiation,
				     WG_HASH_LEN), 0);
	KUNIT_EXPECT_EQ(test, b_to_a->remote_index, (u32)VEC_INITIATOR_INDEX);

	/* Initiator: resume from the model's state, consume its response. */
	a_to_b->state = HANDSHAKE_CREATED_INITIATION;
	a_to_b->local_index = VEC_INITIATOR_INDEX;
	/* In the table at the model's index; the session takes it over. */
	a_to_b->index_entry->index = VEC_INITIATOR_INDEX;
	hlist_add_head(&a_to_b->index_entry->index_hash,
		       &((struct wg_index_hashtable *)test->priv)->hashtable[0]);
	memcpy(a_to_b->ephemeral_private, vec_initiator_ephemeral, WG_KEY_LEN);
	memcpy(a_to_b->chaining_key, vec_ck_after_initiation, WG_HASH_LEN);
	memcpy(a_to_b->hash, vec_hash_after_initiation, WG_HASH_LEN);
	KUNIT_ASSERT_TRUE(test, wg_noise_consume_response(resp, a_to_b));
	wg_noise_keypairs_init(sessions, NULL);
	kp = wg_noise_begin_session(a_to_b, sessions);
	KUNIT_ASSERT_NOT_NULL(test, kp);
	KUNIT_EXPECT_EQ(test, memcmp(kp->sending.key, vec_initiator_send,
				     WG_KEY_LEN), 0);
	KUNIT_EXPECT_EQ(test, memcmp(kp->receiving.key, vec_initiator_receive,
				     WG_KEY_LEN), 0);
	KUNIT_EXPECT_EQ(test, kp->remote_index, (u32)VEC_RESPONDER_INDEX);
	KUNIT_EXPECT_EQ(test, kp->index_entry.index, (u32)VEC_INITIATOR_INDEX);
	wg_noise_keypair_put(kp);
	wg_noise_keypairs_clear(sessions);

	/* mac1 of both messages, as the receiver checks and the sender adds. */
	wg_cookie_checker_init(checker);
	wg_cookie_checker_set_public(checker, b->static_public);
	KUNIT_EXPECT_EQ(test, wg_cookie_validate(checker, init, sizeof(*init),
						 false, &src),
			WG_COOKIE_MAC1_VALID);
	wg_cookie_checker_set_public(checker, a->static_public);
	KUNIT_EXPECT_EQ(test, wg_cookie_validate(checker, resp, sizeof(*resp),
						 false, &src),
			WG_COOKIE_MAC1_VALID);
	remade = *init;
	memset(&remade.macs, 0, sizeof(remade.macs));
	wg_cookie_init(cookie, b->static_public);
	wg_cookie_add_macs(cookie, &remade, sizeof(remade));
	KUNIT_EXPECT_EQ(test, memcmp(&remade, init, sizeof(remade)), 0);
}

/*
 * The owner took the handshake's index away (the peer is being removed)
 * between the response and the session: no session may be installed,
 * for nothing could ever find it by index and its release would unhash
 * an entry that is not in the table.
 */
static void noise_session_needs_index(struct kunit *test)
{
	struct pair *p = new_pair(test, NULL, NULL);
	struct wg_msg_initiation init;
	struct wg_msg_response resp;

	KUNIT_ASSERT_TRUE(test, wg_noise_create_initiation(&init, &p->a_to_b));
	KUNIT_ASSERT_TRUE(test, responder_consume(test, p, &init));
	KUNIT_ASSERT_TRUE(test, wg_noise_create_response(&resp, &p->b_to_a));
	KUNIT_ASSERT_TRUE(test, wg_noise_consume_response(&resp, &p->a_to_b));
	wg_index_hashtable_remove(test->priv, p->a_to_b.index_entry);
	wg_index_hashtable_remove(test->priv, p->b_to_a.index_entry);
	KUNIT_EXPECT_NULL(test, wg_noise_begin_session(&p->a_to_b,
						       &p->a_sessions));
	KUNIT_EXPECT_NULL(test, wg_noise_begin_session(&p->b_to_a,
						       &p->b_sessions));
	KUNIT_EXPECT_NULL(test,
			  rcu_access_pointer(p->a_sessions.current_keypair));
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(p->b_sessions.next));
	KUNIT_EXPECT_EQ(test, p->a_to_b.state, HANDSHAKE_ZEROED);

	/* A failed response forgets nobody's index; a clear forgets its own. */
	KUNIT_ASSERT_TRUE(test, wg_noise_create_initiation(&init, &p->a_to_b));
	KUNIT_EXPECT_FALSE(test, wg_noise_create_response(&resp, &p->a_to_b));
	KUNIT_EXPECT_TRUE(test, hashed(p->a_to_b.index_entry));
	wg_noise_handshake_clear(&p->a_to_b);
	KUNIT_EXPECT_FALSE(test, hashed(p->a_to_b.index_entry));
	free_pair(p);
}

static void noise_suite_exit(struct kunit_suite *suite)
{
	/* Keypairs are freed after a grace period; wait before unloading. */
	rcu_barrier();
}

static struct kunit_case wg_noise_cases[] = {
	KUNIT_CASE(noise_initial_values),
	KUNIT_CASE(noise_timestamp_format),
	KUNIT_CASE(noise_full_handshake),
	KUNIT_CASE(noise_with_psk),
	KUNIT_CASE(noise_psk_mismatch),
	KUNIT_CASE(noise_replayed_initiation),
	KUNIT_CASE(noise_flipped_initiation),
	KUNIT_CASE(noise_flipped_response),
	KUNIT_CASE(noise_low_order_peer),
	KUNIT_CASE(noise_no_identity),
	KUNIT_CASE(noise_rotation),
	KUNIT_CASE(noise_limits),
	KUNIT_CASE(noise_known_vector),
	KUNIT_CASE(noise_session_needs_index),
	{}
};

static struct kunit_suite wg_noise_suite = {
	.name = "wg_noise",
	.suite_exit = noise_suite_exit,
	.init = noise_test_init,
	.exit = noise_test_exit,
	.test_cases = wg_noise_cases,
};

kunit_test_suites(&wg_noise_suite);
