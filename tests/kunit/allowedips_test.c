// SPDX-License-Identifier: GPL-2.0
/*
 * The allowed-IPs trie, against a naive model (a flat list searched for
 * the longest matching prefix) over random prefixes, and in targeted
 * cases. Built into the KUnit module together with the code it tests.
 */
#include <kunit/test.h>
#include <linux/random.h>

#include "../../module/allowedips.c"

#define NPEERS 8

struct model_entry {
	u8 key[16];
	u8 cidr;
	struct wg_peer *peer;
};

struct trie_fixture {
	struct allowedips table;
	struct mutex lock;	/* the table's writer lock */
	struct wg_peer *peers[NPEERS];
	struct model_entry *model;
	unsigned int model_len;
};

static struct trie_fixture *fixture(struct kunit *test, unsigned int cap)
{
	struct trie_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	mutex_init(&f->lock);
	wg_allowedips_init(&f->table, &f->lock);
	for (i = 0; i < NPEERS; i++) {
		f->peers[i] = kunit_kzalloc(test, sizeof(*f->peers[i]),
					    GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, f->peers[i]);
		INIT_LIST_HEAD(&f->peers[i]->allowedips_list);
		kref_init(&f->peers[i]->refcount);
	}
	if (cap) {
		f->model = kunit_kcalloc(test, cap, sizeof(*f->model),
					 GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, f->model);
	}
	return f;
}

static void teardown(struct trie_fixture *f)
{
	unsigned int i;

	mutex_lock(&f->lock);
	for (i = 0; i < NPEERS; i++)
		wg_allowedips_remove_by_peer(&f->table, f->peers[i]);
	wg_allowedips_free(&f->table);
	mutex_unlock(&f->lock);
	rcu_barrier();
}

static int family_of(u8 bits)
{
	return bits == 32 ? AF_INET : AF_INET6;
}

static int add(struct trie_fixture *f, u8 bits, const u8 *key, u8 cidr,
	       struct wg_peer *peer)
{
	int ret;

	mutex_lock(&f->lock);
	ret = wg_allowedips_insert(&f->table, family_of(bits), key, cidr,
				   peer);
	mutex_unlock(&f->lock);
	return ret;
}

static bool del(struct trie_fixture *f, u8 bits, const u8 *key, u8 cidr,
		struct wg_peer *peer)
{
	bool ret;

	mutex_lock(&f->lock);
	ret = wg_allowedips_remove(&f->table, family_of(bits), key, cidr,
				   peer);
	mutex_unlock(&f->lock);
	return ret;
}

static struct wg_peer *find(struct trie_fixture *f, u8 bits, const u8 *addr)
{
	u8 key[16] __aligned(8) = { 0 };
	struct wg_peer *peer;

	memcpy(key, addr, bits / 8);
	rcu_read_lock_bh();
	peer = lookup(&f->table, key, bits);
	rcu_read_unlock_bh();
	return peer;
}

/* The model, written the obvious way and independent of the trie. */
static bool model_match(const u8 *prefix, u8 cidr, const u8 *addr)
{
	unsigned int i;

	for (i = 0; i < cidr; i++)
		if (((prefix[i / 8] ^ addr[i / 8]) >> (7 - i % 8)) & 1)
			return false;
	return true;
}

static void model_mask(u8 *key, u8 cidr, u8 bits)
{
	unsigned int i;

	for (i = cidr; i < bits; i++)
		key[i / 8] &= ~(0x80 >> (i % 8));
}

static void model_add(struct trie_fixture *f, u8 bits, const u8 *key,
		      u8 cidr, struct wg_peer *peer)
{
	struct model_entry *e;
	unsigned int i;
	u8 masked[16] = { 0 };

	memcpy(masked, key, bits / 8);
	model_mask(masked, cidr, bits);
	for (i = 0; i < f->model_len; i++) {
		e = &f->model[i];
		if (e->cidr == cidr && !memcmp(e->key, masked, 16)) {
			e->peer = peer;
			return;
		}
	}
	e = &f->model[f->model_len++];
	memcpy(e->key, masked, 16);
	e->cidr = cidr;
	e->peer = peer;
}

static struct wg_peer *model_find(struct trie_fixture *f, const u8 *addr)
{
	struct wg_peer *best = NULL;
	unsigned int i;
	int best_cidr = -1;

	for (i = 0; i < f->model_len; i++) {
		struct model_entry *e = &f->model[i];

		if (e->peer && e->cidr > best_cidr &&
		    model_match(e->key, e->cidr, addr)) {
			best = e->peer;
			best_cidr = e->cidr;
		}
	}
	return best;
}

/* Bytes drawn from a small set, so that prefixes overlap a lot. */
static void random_addr(u8 *addr, u8 bits)
{
	static const u8 pool[] = { 0x00, 0x0a, 0x80, 0xc0, 0xfe, 0xff };
	unsigned int i;

	for (i = 0; i < bits / 8; i++)
		addr[i] = get_random_u32() % 4 ? pool[get_random_u32() % 6] :
						 (u8)get_random_u32();
}

/* Nodes in the trie of @bits; fails the test if it is malformed. */
static unsigned int count_nodes(struct kunit *test, struct trie_fixture *f,
				u8 bits)
{
	struct allowedips_node **stack, *node, *child;
	unsigned int depth = 0, count = 0, side;

	stack = kunit_kcalloc(test, 2 * 130, sizeof(*stack), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, stack);
	mutex_lock(&f->lock);
	node = wg_deref(&f->table, *root_of(&f->table, bits));
	if (node)
		stack[depth++] = node;
	while (depth) {
		node = stack[--depth];
		count++;
		for (side = 0; side < 2; side++) {
			child = wg_deref(&f->table, node->bit[side]);
			if (!child)
				continue;
			KUNIT_EXPECT_GT(test, child->cidr, node->cidr);
			KUNIT_EXPECT_PTR_EQ(test, child->parent, node);
			KUNIT_EXPECT_EQ(test, bit_at(child->key, node->cidr),
					side);
			stack[depth++] = child;
		}
		/* A node without a peer must separate two subtrees. */
		if (!rcu_access_pointer(node->peer))
			KUNIT_EXPECT_TRUE(test, node->bit[0] && node->bit[1]);
	}
	mutex_unlock(&f->lock);
	return count;
}

static void check_against_model(struct kunit *test, struct trie_fixture *f,
				u8 bits, unsigned int lookups)
{
	unsigned int i, bad = 0;
	u8 addr[16];

	for (i = 0; i < lookups; i++) {
		random_addr(addr, bits);
		if (find(f, bits, addr) != model_find(f, addr))
			bad++;
	}
	/* And every prefix in the model finds its own owner. */
	for (i = 0; i < f->model_len; i++)
		if (find(f, bits, f->model[i].key) !=
		    model_find(f, f->model[i].key))
			bad++;
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

static void random_vs_model(struct kunit *test, u8 bits)
{
	const unsigned int n = 2000;
	struct trie_fixture *f = fixture(test, n);
	unsigned int i, nodes, removed = 0, prefixes = 0;
	u8 addr[16];
	u8 cidr;

	for (i = 0; i < n; i++) {
		struct wg_peer *peer = f->peers[get_random_u32() % NPEERS];

		random_addr(addr, bits);
		cidr = get_random_u32() % (bits + 1);
		KUNIT_ASSERT_EQ(test, add(f, bits, addr, cidr, peer), 0);
		model_add(f, bits, addr, cidr, peer);
	}
	check_against_model(test, f, bits, 4000);
	nodes = count_nodes(test, f, bits);
	KUNIT_EXPECT_LT(test, nodes, 2 * f->model_len);

	/* Remove a third, some with the wrong peer (which must not work). */
	for (i = 0; i < f->model_len; i += 3) {
		struct model_entry *e = &f->model[i];
		struct wg_peer *other = f->peers[0] == e->peer ? f->peers[1] :
								 f->peers[0];

		KUNIT_EXPECT_FALSE(test, del(f, bits, e->key, e->cidr, other));
		KUNIT_EXPECT_TRUE(test, del(f, bits, e->key, e->cidr, e->peer));
		e->peer = NULL;
		removed++;
	}
	check_against_model(test, f, bits, 4000);

	/* Remove one peer entirely. */
	mutex_lock(&f->lock);
	wg_allowedips_remove_by_peer(&f->table, f->peers[3]);
	mutex_unlock(&f->lock);
	KUNIT_EXPECT_TRUE(test, list_empty(&f->peers[3]->allowedips_list));
	for (i = 0; i < f->model_len; i++) {
		if (f->model[i].peer == f->peers[3])
			f->model[i].peer = NULL;
		if (f->model[i].peer)
			prefixes++;
	}
	check_against_model(test, f, bits, 4000);
	nodes = count_nodes(test, f, bits);
	KUNIT_EXPECT_LT(test, nodes, 2 * prefixes + 1);

	/* Emptied, the trie is gone: memory follows the prefixes. */
	for (i = 0; i < NPEERS; i++) {
		mutex_lock(&f->lock);
		wg_allowedips_remove_by_peer(&f->table, f->peers[i]);
		mutex_unlock(&f->lock);
	}
	KUNIT_EXPECT_EQ(test, count_nodes(test, f, bits), 0U);
	KUNIT_EXPECT_GT(test, removed, 0U);
	teardown(f);
}

static void allowedips_random_v4(struct kunit *test)
{
	random_vs_model(test, 32);
}

static void allowedips_random_v6(struct kunit *test)
{
	random_vs_model(test, 128);
}

static const u8 ip10_0_0_0[4] = { 10, 0, 0, 0 };
static const u8 ip10_0_0_5[4] = { 10, 0, 0, 5 };
static const u8 ip10_1_2_3[4] = { 10, 1, 2, 3 };
static const u8 ip10_1_0_0[4] = { 10, 1, 0, 0 };
static const u8 ip192_168_0_0[4] = { 192, 168, 0, 0 };
static const u8 ip192_168_1_1[4] = { 192, 168, 1, 1 };
static const u8 any[16];

static void allowedips_take_over(struct kunit *test)
{
	struct trie_fixture *f = fixture(test, 0);
	struct wg_peer *p = f->peers[0], *q = f->peers[1];

	KUNIT_ASSERT_EQ(test, add(f, 32, ip10_0_0_0, 8, p), 0);
	KUNIT_EXPECT_PTR_EQ(test, find(f, 32, ip10_1_2_3), p);
	KUNIT_ASSERT_EQ(test, add(f, 32, ip10_0_0_0, 8, q), 0);
	KUNIT_EXPECT_PTR_EQ(test, find(f, 32, ip10_1_2_3), q);
	KUNIT_EXPECT_TRUE(test, list_empty(&p->allowedips_list));
	KUNIT_EXPECT_TRUE(test, list_is_singular(&q->allowedips_list));
	/* The old owner can no longer remove it. */
	KUNIT_EXPECT_FALSE(test, del(f, 32, ip10_0_0_0, 8, p));
	KUNIT_EXPECT_PTR_EQ(test, find(f, 32, ip10_1_2_3), q);
	teardown(f);
}

static void allowedips_exact_remove(struct kunit *test)
{
	struct trie_fixture *f = fixture(test, 0);
	struct wg_peer *p = f->peers[0], *q = f->peers[1];

	KUNIT_ASSERT_EQ(test, add(f, 32, ip10_0_0_0, 8, p), 0);
	KUNIT_ASSERT_EQ(test, add(f, 32, ip10_1_0_0, 16, q), 0);
	KUNIT_ASSERT_EQ(test, add(f, 32, any, 0, q), 0);
	KUNIT_EXPECT_PTR_EQ(test, find(f, 32, ip10_1_2_3), q);
	KUNIT_EXPECT_PTR_EQ(test, find(f, 32, ip10_0_0_5), p);
	KUNIT_EXPECT_PTR_EQ(test, find(f, 32, ip192_168_1_1), q);
	/* Not there: /24 below the /16, nor the /8 under another owner. */
	KUNIT_EXPECT_FALSE(test, del(f, 32, ip10_1_0_0, 24, q));
	KUNIT_EXPECT_FALSE(test, del(f, 32, ip10_0_0_0, 8, q));
	/* Host bits are ignored, as on insert. */
	KUNIT_EXPECT_TRUE(test, del(f, 32, ip10_1_2_3, 16, q));
	KUNIT_EXPECT_PTR_EQ(test, find(f, 32, ip10_1_2_3), p);
	KUNIT_EXPECT_TRUE(test, del(f, 32, ip10_0_0_0, 8, p));
	KUNIT_EXPECT_PTR_EQ(test, find(f, 32, ip10_1_2_3), q);
	KUNIT_EXPECT_TRUE(test, del(f, 32, any, 0, q));
	KUNIT_EXPECT_NULL(test, find(f, 32, ip10_1_2_3));
	KUNIT_EXPECT_EQ(test, count_nodes(test, f, 32), 0U);
	teardown(f);
}

static void allowedips_host_bits(struct kunit *test)
{
	struct trie_fixture *f = fixture(test, 0);
	struct allowedips_node *node;
	u8 ip[16], cidr;

	KUNIT_ASSERT_EQ(test, add(f, 32, ip10_0_0_5, 24, f->peers[0]), 0);
	node = list_first_entry(&f->peers[0]->allowedips_list,
				struct allowedips_node, peer_list);
	KUNIT_EXPECT_EQ(test, wg_allowedips_read_node(node, ip, &cidr),
			AF_INET);
	KUNIT_EXPECT_EQ(test, cidr, 24);
	KUNIT_EXPECT_EQ(test, memcmp(ip, ip10_0_0_0, 4), 0);
	KUNIT_EXPECT_EQ(test, add(f, 32, ip10_0_0_0, 33, f->peers[0]), -EINVAL);
	KUNIT_EXPECT_EQ(test, wg_allowedips_insert(&f->table, AF_UNIX, any, 0,
						   f->peers[0]), -EINVAL);
	teardown(f);
}

static void allowedips_walk_order(struct kunit *test)
{
	static const u8 want_ip[3][4] = {
		{ 192, 168, 0, 0 }, { 10, 1, 0, 0 }, { 10, 0, 0, 0 }
	};
	static const u8 want_cidr[3] = { 16, 16, 8 };
	struct trie_fixture *f = fixture(test, 0);
	struct wg_peer *p = f->peers[0];
	struct allowedips_node *node;
	unsigned int i = 0;
	u8 ip[16], cidr;

	KUNIT_ASSERT_EQ(test, add(f, 32, ip10_0_0_0, 8, p), 0);
	KUNIT_ASSERT_EQ(test, add(f, 32, ip192_168_0_0, 16, p), 0);
	KUNIT_ASSERT_EQ(test, add(f, 32, ip10_1_0_0, 16, p), 0);
	/* Adding it again moves it to the end, as a fresh insert would. */
	KUNIT_ASSERT_EQ(test, add(f, 32, ip10_0_0_0, 8, p), 0);
	list_for_each_entry(node, &p->allowedips_list, peer_list) {
		KUNIT_ASSERT_LT(test, i, 3U);
		wg_allowedips_read_node(node, ip, &cidr);
		KUNIT_EXPECT_EQ(test, memcmp(ip, want_ip[i], 4), 0);
		KUNIT_EXPECT_EQ(test, cidr, want_cidr[i]);
		i++;
	}
	KUNIT_EXPECT_EQ(test, i, 3U);
	teardown(f);
}

static void allowedips_v6_basics(struct kunit *test)
{
	static const u8 net[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
				    0, 0, 0, 0, 0, 0, 0, 0 };
	static const u8 host[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
				     0, 0, 0, 0, 0, 0, 0, 7 };
	static const u8 other[16] = { 0xfe, 0x80 };
	struct trie_fixture *f = fixture(test, 0);

	KUNIT_ASSERT_EQ(test, add(f, 128, net, 64, f->peers[0]), 0);
	KUNIT_ASSERT_EQ(test, add(f, 128, host, 128, f->peers[1]), 0);
	KUNIT_EXPECT_PTR_EQ(test, find(f, 128, host), f->peers[1]);
	KUNIT_EXPECT_PTR_EQ(test, find(f, 128, net), f->peers[0]);
	KUNIT_EXPECT_NULL(test, find(f, 128, other));
	/* IPv4 and IPv6 tables are separate. */
	KUNIT_EXPECT_NULL(test, find(f, 32, host));
	KUNIT_EXPECT_EQ(test, add(f, 128, net, 129, f->peers[0]), -EINVAL);
	KUNIT_EXPECT_TRUE(test, del(f, 128, host, 128, f->peers[1]));
	KUNIT_EXPECT_PTR_EQ(test, find(f, 128, host), f->peers[0]);
	teardown(f);
}

static struct kunit_case allowedips_cases[] = {
	KUNIT_CASE(allowedips_take_over),
	KUNIT_CASE(allowedips_exact_remove),
	KUNIT_CASE(allowedips_host_bits),
	KUNIT_CASE(allowedips_walk_order),
	KUNIT_CASE(allowedips_v6_basics),
	KUNIT_CASE(allowedips_random_v4),
	KUNIT_CASE(allowedips_random_v6),
	{}
};

static struct kunit_suite allowedips_suite = {
	.name = "wg_allowedips",
	.test_cases = allowedips_cases,
};

kunit_test_suites(&allowedips_suite);
