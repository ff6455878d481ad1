// SPDX-License-Identifier: GPL-2.0
/*
 * mac1, mac2 and cookie replies between a checker (the device that
 * receives) and a peer's cookie state (the side that sends).
 */
#include <crypto/curve25519.h>
#include <kunit/test.h>

#include "../../module/cookie.c"

struct cookie_env {
	u8 our_public[WG_KEY_LEN];	/* the checker's device */
	struct wg_cookie_checker checker;
	struct wg_cookie to_us;		/* a peer's state for sending to us */
	struct wg_msg_initiation msg;
	u8 addr[4];
	struct wg_cookie_source src;
};

static struct cookie_env *new_env(struct kunit *test)
{
	struct cookie_env *env = kunit_kzalloc(test, sizeof(*env), GFP_KERNEL);
	u8 private_key[WG_KEY_LEN];

	KUNIT_ASSERT_NOT_NULL(test, env);
	curve25519_generate_secret(private_key);
	KUNIT_ASSERT_TRUE(test, curve25519_generate_public(env->our_public,
							   private_key));
	wg_cookie_checker_init(&env->checker);
	wg_cookie_checker_set_public(&env->checker, env->our_public);
	wg_cookie_init(&env->to_us, env->our_public);

	get_random_bytes(&env->msg, sizeof(env->msg));
	env->msg.header.type = cpu_to_le32(MESSAGE_HANDSHAKE_INITIATION);
	env->addr[0] = 192;
	env->addr[1] = 0;
	env->addr[2] = 2;
	env->addr[3] = 7;
	env->src.addr = env->addr;
	env->src.addr_len = sizeof(env->addr);
	env->src.port = htons(51820);
	return env;
}

static enum wg_cookie_mac_state check(struct cookie_env *env, bool mac2)
{
	return wg_cookie_validate(&env->checker, &env->msg, sizeof(env->msg),
				  mac2, &env->src);
}

/* Run a cookie reply from the checker to the sender; true if it opened. */
static bool get_cookie(struct kunit *test, struct cookie_env *env)
{
	struct wg_msg_cookie reply;

	wg_cookie_create_reply(&reply, &env->checker, &env->msg,
			       sizeof(env->msg), &env->src);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(reply.header.type),
			(u32)MESSAGE_HANDSHAKE_COOKIE);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(reply.receiver),
			le32_to_cpu(env->msg.sender));
	return wg_cookie_consume_reply(&env->to_us, &reply);
}

static void cookie_mac1(struct kunit *test)
{
	struct cookie_env *env = new_env(test);
	u8 other_public[WG_KEY_LEN];
	size_t i;

	wg_cookie_add_macs(&env->to_us, &env->msg, sizeof(env->msg));
	KUNIT_EXPECT_EQ(test, check(env, false), WG_COOKIE_MAC1_VALID);
	/* No cookie yet: mac2 is zero and does not validate. */
	KUNIT_EXPECT_EQ(test, check(env, true), WG_COOKIE_MAC1_VALID);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(env->msg.macs.mac2, 0,
					    WG_COOKIE_LEN));

	/* mac1 covers everything before it, header and index included. */
	for (i = 0; i < offsetof(struct wg_msg_initiation, macs.mac2); i++) {
		((u8 *)&env->msg)[i] ^= 0x80;
		KUNIT_EXPECT_EQ_MSG(test, check(env, false),
				    WG_COOKIE_MAC_INVALID, "byte %zu", i);
		((u8 *)&env->msg)[i] ^= 0x80;
	}
	KUNIT_EXPECT_EQ(test, check(env, false), WG_COOKIE_MAC1_VALID);

	/* mac1 is bound to the receiver's public key. */
	get_random_bytes(other_public, sizeof(other_public));
	wg_cookie_checker_set_public(&env->checker, other_public);
	KUNIT_EXPECT_EQ(test, check(env, false), WG_COOKIE_MAC_INVALID);
	wg_cookie_checker_set_public(&env->checker, NULL);
	KUNIT_EXPECT_EQ(test, check(env, false), WG_COOKIE_MAC_INVALID);
}

static void cookie_round_trip(struct kunit *test)
{
	struct cookie_env *env = new_env(test);

	wg_cookie_add_macs(&env->to_us, &env->msg, sizeof(env->msg));
	KUNIT_ASSERT_TRUE(test, get_cookie(test, env));
	KUNIT_EXPECT_TRUE(test, env->to_us.is_valid);

	/* The next message carries mac2, which the checker accepts. */
	env->msg.sender = cpu_to_le32(0xabcd);
	wg_cookie_add_macs(&env->to_us, &env->msg, sizeof(env->msg));
	KUNIT_EXPECT_EQ(test, check(env, true), WG_COOKIE_MAC2_VALID);
	KUNIT_EXPECT_EQ(test, check(env, false), WG_COOKIE_MAC1_VALID);

	/* The cookie is bound to the source address and port. */
	env->src.port = htons(51821);
	KUNIT_EXPECT_EQ(test, check(env, true), WG_COOKIE_MAC1_VALID);
	env->src.port = htons(51820);
	env->addr[3] = 8;
	KUNIT_EXPECT_EQ(test, check(env, true), WG_COOKIE_MAC1_VALID);
	env->addr[3] = 7;
	KUNIT_EXPECT_EQ(test, check(env, true), WG_COOKIE_MAC2_VALID);

	/* A cookie older than its validity is no longer used. */
	env->to_us.birthdate -= (u64)(COOKIE_SECRET_MAX_AGE -
				      COOKIE_SECRET_LATENCY) * NSEC_PER_SEC;
	wg_cookie_add_macs(&env->to_us, &env->msg, sizeof(env->msg));
	KUNIT_EXPECT_TRUE(test, !memchr_inv(env->msg.macs.mac2, 0,
					    WG_COOKIE_LEN));
	KUNIT_EXPECT_EQ(test, check(env, true), WG_COOKIE_MAC1_VALID);
}

static void cookie_reply_binding(struct kunit *test)
{
	struct cookie_env *env = new_env(test);
	struct wg_msg_cookie reply, bad;
	size_t i;

	/* No message sent yet: nothing to match a reply against. */
	wg_cookie_create_reply(&reply, &env->checker, &env->msg,
			       sizeof(env->msg), &env->src);
	KUNIT_EXPECT_FALSE(test, wg_cookie_consume_reply(&env->to_us, &reply));

	/* A reply to an earlier message does not open. */
	wg_cookie_add_macs(&env->to_us, &env->msg, sizeof(env->msg));
	wg_cookie_create_reply(&reply, &env->checker, &env->msg,
			       sizeof(env->msg), &env->src);
	env->msg.sender ^= cpu_to_le32(1);
	wg_cookie_add_macs(&env->to_us, &env->msg, sizeof(env->msg));
	KUNIT_EXPECT_FALSE(test, wg_cookie_consume_reply(&env->to_us, &reply));

	wg_cookie_create_reply(&reply, &env->checker, &env->msg,
			       sizeof(env->msg), &env->src);
	for (i = offsetof(struct wg_msg_cookie, nonce); i < sizeof(reply); i++) {
		bad = reply;
		((u8 *)&bad)[i] ^= 1;
		KUNIT_EXPECT_FALSE_MSG(test,
				       wg_cookie_consume_reply(&env->to_us, &bad),
				       "byte %zu", i);
	}
	KUNIT_EXPECT_TRUE(test, wg_cookie_consume_reply(&env->to_us, &reply));
	/* Each message sent opens at most one reply. */
	KUNIT_EXPECT_FALSE(test, wg_cookie_consume_reply(&env->to_us, &reply));
}

static void cookie_response_message(struct kunit *test)
{
	struct cookie_env *env = new_env(test);
	struct wg_msg_response resp;
	struct wg_msg_cookie reply;

	get_random_bytes(&resp, sizeof(resp));
	wg_cookie_add_macs(&env->to_us, &resp, sizeof(resp));
	KUNIT_EXPECT_EQ(test, wg_cookie_validate(&env->checker, &resp,
						 sizeof(resp), false,
						 &env->src),
			WG_COOKIE_MAC1_VALID);
	wg_cookie_create_reply(&reply, &env->checker, &resp, sizeof(resp),
			       &env->src);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(reply.receiver),
			le32_to_cpu(resp.sender));
	KUNIT_EXPECT_TRUE(test, wg_cookie_consume_reply(&env->to_us, &reply));
}

static void cookie_secret_rotation(struct kunit *test)
{
	struct cookie_env *env = new_env(test);
	u8 first[WG_COOKIE_LEN], again[WG_COOKIE_LEN], later[WG_COOKIE_LEN];
	u64 born = env->checker.secret_birthdate;

	make_cookie(first, &env->checker, &env->src);
	make_cookie(again, &env->checker, &env->src);
	KUNIT_EXPECT_EQ(test, memcmp(first, again, WG_COOKIE_LEN), 0);
	KUNIT_EXPECT_EQ(test, env->checker.secret_birthdate, born);

	wg_cookie_add_macs(&env->to_us, &env->msg, sizeof(env->msg));
	KUNIT_ASSERT_TRUE(test, get_cookie(test, env));
	wg_cookie_add_macs(&env->to_us, &env->msg, sizeof(env->msg));
	KUNIT_EXPECT_EQ(test, check(env, true), WG_COOKIE_MAC2_VALID);

	/* Just short of the maximum age the secret holds. */
	env->checker.secret_birthdate -=
		(u64)COOKIE_SECRET_MAX_AGE * NSEC_PER_SEC - NSEC_PER_SEC;
	make_cookie(again, &env->checker, &env->src);
	KUNIT_EXPECT_EQ(test, memcmp(first, again, WG_COOKIE_LEN), 0);

	/* Past it, a new secret: cookies handed out before stop working. */
	env->checker.secret_birthdate -= 2 * NSEC_PER_SEC;
	make_cookie(later, &env->checker, &env->src);
	KUNIT_EXPECT_NE(test, memcmp(first, later, WG_COOKIE_LEN), 0);
	/* The new secret is fresh. */
	KUNIT_EXPECT_FALSE(test, older_than(env->checker.secret_birthdate,
					    COOKIE_SECRET_MAX_AGE));
	KUNIT_EXPECT_EQ(test, check(env, true), WG_COOKIE_MAC1_VALID);

	KUNIT_ASSERT_TRUE(test, get_cookie(test, env));
	wg_cookie_add_macs(&env->to_us, &env->msg, sizeof(env->msg));
	KUNIT_EXPECT_EQ(test, check(env, true), WG_COOKIE_MAC2_VALID);
}

static struct kunit_case wg_cookie_cases[] = {
	KUNIT_CASE(cookie_mac1),
	KUNIT_CASE(cookie_round_trip),
	KUNIT_CASE(cookie_reply_binding),
	KUNIT_CASE(cookie_response_message),
	KUNIT_CASE(cookie_secret_rotation),
	{}
};

static struct kunit_suite wg_cookie_suite = {
	.name = "wg_cookie",
	.test_cases = wg_cookie_cases,
};

kunit_test_suites(&wg_cookie_suite);
