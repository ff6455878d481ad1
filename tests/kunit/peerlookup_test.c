// SPDX-License-Identifier: GPL-2.0
/*
 * The public-key and index hashtables. Built into the KUnit module
 * together with the code it tests.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>

#include "../../module/peerlookup.c"

#define NPEERS 64

/* The peers here are test memory: dropping a reference frees nothing. */
static void keep_peer(struct kref *kref)
{
}

static struct wg_peer *fake_peer(struct kunit *test, unsigned int n)
{
	struct wg_peer *peer = kunit_kzalloc(test, sizeof(*peer), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, peer);
	kref_init(&peer->refcount);
	INIT_HLIST_NODE(&peer->pubkey_hash);
	memset(peer->public_key, n, WG_KEY_LEN);
	peer->public_key[0] = n >> 8;
	return peer;
}

static void pubkey_add_find_remove(struct kunit *test)
{
	struct wg_peer *peers[NPEERS], *found;
	struct wg_pubkey_hashtable *table;
	u8 absent[WG_KEY_LEN] = { 0xaa };
	DEFINE_MUTEX(lock);	/* the table's writer lock */
	unsigned int i;

	table = wg_pubkey_hashtable_alloc(&lock);
	KUNIT_ASSERT_NOT_NULL(test, table);
	mutex_lock(&lock);
	for (i = 0; i < NPEERS; i++) {
		peers[i] = fake_peer(test, i + 1);
		wg_pubkey_hashtable_add(table, peers[i]);
	}
	mutex_unlock(&lock);

	for (i = 0; i < NPEERS; i++) {
		found = wg_pubkey_hashtable_lookup(table, peers[i]->public_key);
		KUNIT_EXPECT_PTR_EQ(test, found, peers[i]);
		/* A lookup hands out a reference. */
		KUNIT_EXPECT_EQ(test, kref_read(&peers[i]->refcount), 2U);
		kref_put(&peers[i]->refcount, keep_peer);
	}
	KUNIT_EXPECT_NULL(test, wg_pubkey_hashtable_lookup(table, absent));

	mutex_lock(&lock);
	for (i = 0; i < NPEERS; i += 2)
		wg_pubkey_hashtable_remove(table, peers[i]);
	mutex_unlock(&lock);
	for (i = 0; i < NPEERS; i++) {
		found = wg_pubkey_hashtable_lookup(table, peers[i]->public_key);
		KUNIT_EXPECT_PTR_EQ(test, found, i % 2 ? peers[i] : NULL);
		if (found)
			kref_put(&found->refcount, keep_peer);
	}

	/* A peer whose last reference is gone is not handed out. */
	KUNIT_EXPECT_EQ(test, kref_read(&peers[1]->refcount), 1U);
	refcount_set(&peers[1]->refcount.refcount, 0);
	KUNIT_EXPECT_NULL(test, wg_pubkey_hashtable_lookup(table,
							   peers[1]->public_key));
	synchronize_rcu();
	kvfree(table);
}

static void index_unique_replace_remove(struct kunit *test)
{
	struct wg_index_entry *entries, spare = {};
	struct wg_index_hashtable *table;
	struct wg_peer *peer, *got;
	unsigned int i, j, dups = 0;
	const unsigned int n = 512;

	table = wg_index_hashtable_alloc();
	KUNIT_ASSERT_NOT_NULL(test, table);
	entries = kunit_kcalloc(test, n, sizeof(*entries), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, entries);
	peer = fake_peer(test, 1);

	for (i = 0; i < n; i++) {
		INIT_HLIST_NODE(&entries[i].index_hash);
		entries[i].peer = peer;
		entries[i].type = i % 2 ? WG_INDEX_KEYPAIR : WG_INDEX_HANDSHAKE;
		KUNIT_EXPECT_EQ(test,
				wg_index_hashtable_insert(table, &entries[i]),
				entries[i].index);
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			dups += entries[i].index == entries[j].index;
	KUNIT_EXPECT_EQ(test, dups, 0U);

	/* Found by index and kind, with a reference on the peer. */
	KUNIT_EXPECT_PTR_EQ(test,
			    wg_index_hashtable_lookup(table, WG_INDEX_HANDSHAKE,
						      entries[0].index, &got),
			    &entries[0]);
	KUNIT_EXPECT_PTR_EQ(test, got, peer);
	kref_put(&peer->refcount, keep_peer);
	KUNIT_EXPECT_NULL(test, wg_index_hashtable_lookup(table,
							  WG_INDEX_KEYPAIR,
							  entries[0].index,
							  &got));
	KUNIT_EXPECT_NULL(test, got);

	/* Replacing keeps the index; the old entry is gone. */
	INIT_HLIST_NODE(&spare.index_hash);
	spare.peer = peer;
	spare.type = WG_INDEX_KEYPAIR;
	KUNIT_EXPECT_TRUE(test, wg_index_hashtable_replace(table, &entries[0],
							   &spare));
	KUNIT_EXPECT_EQ(test, spare.index, entries[0].index);
	KUNIT_EXPECT_PTR_EQ(test,
			    wg_index_hashtable_lookup(table, WG_INDEX_KEYPAIR,
						      spare.index, &got),
			    &spare);
	kref_put(&peer->refcount, keep_peer);
	KUNIT_EXPECT_FALSE(test, wg_index_hashtable_replace(table, &entries[0],
							    &spare));

	wg_index_hashtable_remove(table, &spare);
	KUNIT_EXPECT_NULL(test, wg_index_hashtable_lookup(table, ~0U,
							  spare.index, &got));
	for (i = 1; i < n; i++)
		wg_index_hashtable_remove(table, &entries[i]);
	for (i = 0; i < HASH_SIZE(table->hashtable); i++)
		KUNIT_EXPECT_TRUE(test, hlist_empty(&table->hashtable[i]));
	KUNIT_EXPECT_EQ(test, kref_read(&peer->refcount), 1U);
	synchronize_rcu();
	kvfree(table);
}

/*
 * Two threads, on two CPUs, move the same entry at the same moment, as an
 * initiation and a response of one peer may: a barrier lines them up
 * before every move, so both ask for the table lock together, round after
 * round. Afterwards every chain must be whole (each node's pprev points
 * at the link that reaches it) and the entry must be in exactly one
 * bucket, its own. Moving it with the lock dropped between the unlink and
 * the link puts it in two buckets.
 */
#define REINSERT_SECONDS 3

struct reinsert_ctx {
	struct wg_index_hashtable *table;
	struct wg_index_entry *entry;
	struct completion start;
	unsigned long deadline;
	atomic_t arrived;
	bool stop;
	atomic_t running;
	struct completion done;
	unsigned int rounds;
};

static int reinsert_thread(void *arg)
{
	struct reinsert_ctx *ctx = arg;
	unsigned int round;

	wait_for_completion(&ctx->start);
	for (round = 1; ; round++) {
		/* Both threads arrive before either moves the entry. */
		atomic_inc(&ctx->arrived);
		while (atomic_read(&ctx->arrived) < 2 * round) {
			if (READ_ONCE(ctx->stop))
				goto out;
			cpu_relax();
		}
		wg_index_hashtable_insert(ctx->table, ctx->entry);
		if (time_after(jiffies, ctx->deadline))
			WRITE_ONCE(ctx->stop, true);
	}
out:
	WRITE_ONCE(ctx->rounds, round);
	if (atomic_dec_and_test(&ctx->running))
		complete(&ctx->done);
	return 0;
}

static void index_concurrent_reinsert(struct kunit *test)
{
	struct wg_index_entry *entry, *others, *iter;
	struct wg_index_hashtable *table;
	struct reinsert_ctx *ctx;
	struct task_struct *task;
	unsigned int i, found = 0, broken = 0, walked;
	struct hlist_node *node;
	const unsigned int n_others = 256;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	table = wg_index_hashtable_alloc();
	KUNIT_ASSERT_NOT_NULL(test, table);
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	entry = kunit_kzalloc(test, sizeof(*entry), GFP_KERNEL);
	others = kunit_kcalloc(test, n_others, sizeof(*others), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_NOT_NULL(test, entry);
	KUNIT_ASSERT_NOT_NULL(test, others);
	INIT_HLIST_NODE(&entry->index_hash);
	entry->type = WG_INDEX_HANDSHAKE;
	/* Neighbours, so that a misplaced entry has chains to corrupt. */
	for (i = 0; i < n_others; i++) {
		INIT_HLIST_NODE(&others[i].index_hash);
		others[i].type = WG_INDEX_KEYPAIR;
		wg_index_hashtable_insert(table, &others[i]);
	}

	ctx->table = table;
	ctx->entry = entry;
	init_completion(&ctx->start);
	init_completion(&ctx->done);
	atomic_set(&ctx->running, 2);
	for (i = 0; i < 2; i++) {
		task = kthread_create(reinsert_thread, ctx, "wg-reinsert/%u",
				      i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(task));
		kthread_bind(task, cpumask_nth(i, cpu_online_mask));
		wake_up_process(task);
	}
	ctx->deadline = jiffies + REINSERT_SECONDS * HZ;
	complete_all(&ctx->start);
	wait_for_completion(&ctx->done);

	for (i = 0; i < HASH_SIZE(table->hashtable); i++) {
		struct hlist_node **link = &table->hashtable[i].first;

		walked = 0;
		/* Bounded: a corrupted chain may loop. */
		for (node = *link; node && walked < 4 * n_others;
		     link = &node->next, node = *link, walked++) {
			if (node->pprev != link)
				broken++;
			iter = hlist_entry(node, struct wg_index_entry,
					   index_hash);
			if (iter == entry) {
				found++;
				if (index_bucket(table, entry->index) !=
				    &table->hashtable[i])
					broken++;
			}
		}
		if (node)
			broken++;
	}
	kunit_info(test, "%u rounds side by side", ctx->rounds);
	KUNIT_EXPECT_EQ(test, found, 1U);
	KUNIT_EXPECT_EQ(test, broken, 0U);

	/* Leave nothing pointing at test memory, whatever state it is in. */
	for (i = 0; i < HASH_SIZE(table->hashtable); i++)
		INIT_HLIST_HEAD(&table->hashtable[i]);
	synchronize_rcu();
	kvfree(table);
}

static struct kunit_case peerlookup_cases[] = {
	KUNIT_CASE(pubkey_add_find_remove),
	KUNIT_CASE(index_unique_replace_remove),
	KUNIT_CASE(index_concurrent_reinsert),
	{}
};

static struct kunit_suite peerlookup_suite = {
	.name = "wg_peerlookup",
	.test_cases = peerlookup_cases,
};

kunit_test_suites(&peerlookup_suite);
