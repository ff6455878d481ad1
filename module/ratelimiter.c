// SPDX-License-Identifier: GPL-2.0
/*
 * Per-source token buckets. Lookups walk an RCU hash chain and take only
 * the entry's own lock; insertions and removals hold table_lock. A delayed
 * work drops buckets idle for a second, which by then are full anyway and
 * so equal to a fresh one. The table is bounded; when it is full, unknown
 * sources are refused.
 */
#include <linux/atomic.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "ratelimiter.h"

enum {
	PACKETS_PER_SECOND = 20,
	PACKETS_BURSTABLE = 5,
	TABLE_SIZE = 4096,
	MAX_ENTRIES = TABLE_SIZE * 8
};

/* Tokens are nanoseconds of credit; one packet costs this much. */
#define PACKET_COST (NSEC_PER_SEC / PACKETS_PER_SECOND)
#define TOKEN_MAX (PACKET_COST * PACKETS_BURSTABLE)
#define IDLE_NS NSEC_PER_SEC

struct rl_entry {
	const struct net *net;	/* compared, never dereferenced */
	u64 prefix;		/* IPv4 address or IPv6 /64 */
	int family;
	spinlock_t lock;	/* tokens and last_ns */
	u64 tokens;
	u64 last_ns;
	struct hlist_node node;
	struct rcu_head rcu;
};

static DEFINE_MUTEX(init_lock);		/* init_refcount, setup, teardown */
static unsigned int init_refcount;
static DEFINE_SPINLOCK(table_lock);	/* writers of table */
static struct hlist_head *table;
static atomic_t total_entries;
static siphash_key_t hash_key;
static void gc_entries(struct work_struct *work);
static DECLARE_DELAYED_WORK(gc_work, gc_entries);

static u64 source_prefix(int family, const void *addr)
{
	u32 v4;
	u64 v6;

	if (family == AF_INET) {
		memcpy(&v4, addr, sizeof(v4));
		return v4;
	}
	memcpy(&v6, addr, sizeof(v6));
	return v6;
}

static struct hlist_head *bucket_of(const struct net *net, u64 prefix,
				    int family)
{
	u64 h = siphash_3u64((unsigned long)net, prefix, family, &hash_key);

	return &table[h & (TABLE_SIZE - 1)];
}

/* Refill by the time elapsed, then try to pay for one packet. */
static bool take_token(struct rl_entry *entry, u64 now)
{
	bool ok;

	spin_lock_bh(&entry->lock);
	if (now > entry->last_ns) {
		entry->tokens = min_t(u64, TOKEN_MAX,
				      entry->tokens + (now - entry->last_ns));
		entry->last_ns = now;
	}
	ok = entry->tokens >= PACKET_COST;
	if (ok)
		entry->tokens -= PACKET_COST;
	spin_unlock_bh(&entry->lock);
	return ok;
}

static bool allow_at(const struct net *net, int family, const void *addr,
		     u64 now)
{
	u64 prefix = source_prefix(family, addr);
	struct hlist_head *bucket = bucket_of(net, prefix, family);
	struct rl_entry *entry;

	rcu_read_lock();
	hlist_for_each_entry_rcu(entry, bucket, node) {
		if (entry->net == net && entry->prefix == prefix &&
		    entry->family == family) {
			bool ok = take_token(entry, now);

			rcu_read_unlock();
			return ok;
		}
	}
	rcu_read_unlock();

	/* A new source starts with a full bucket, minus this packet. */
	if (atomic_inc_return(&total_entries) > MAX_ENTRIES)
		goto refuse;
	entry = kzalloc(sizeof(*entry), GFP_ATOMIC);
	if (!entry)
		goto refuse;
	entry->net = net;
	entry->prefix = prefix;
	entry->family = family;
	spin_lock_init(&entry->lock);
	entry->tokens = TOKEN_MAX - PACKET_COST;
	entry->last_ns = now;
	spin_lock_bh(&table_lock);
	hlist_add_head_rcu(&entry->node, bucket);
	spin_unlock_bh(&table_lock);
	return true;

refuse:
	atomic_dec(&total_entries);
	return false;
}

/*
 * May a handshake initiation from @addr (4 bytes for AF_INET, at least
 * the first 8 of an IPv6 address for AF_INET6, network order) in @net be
 * processed now? Needs wg_ratelimiter_init().
 */
bool wg_ratelimiter_allow(const struct net *net, int family,
			  const void *addr)
{
	return allow_at(net, family, addr, ktime_get_coarse_boottime_ns());
}

/* Drop entries idle for @idle_ns, or all of them when @idle_ns is 0. */
static void drop_entries(u64 idle_ns)
{
	u64 now = ktime_get_coarse_boottime_ns();
	struct rl_entry *entry;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < TABLE_SIZE; i++) {
		spin_lock_bh(&table_lock);
		hlist_for_each_entry_safe(entry, tmp, &table[i], node) {
			if (idle_ns &&
			    (s64)(now - READ_ONCE(entry->last_ns)) <
			    (s64)idle_ns)
				continue;
			hlist_del_rcu(&entry->node);
			atomic_dec(&total_entries);
			kfree_rcu(entry, rcu);
		}
		spin_unlock_bh(&table_lock);
	}
}

static void gc_entries(struct work_struct *work)
{
	drop_entries(IDLE_NS);
	queue_delayed_work(system_power_efficient_wq, &gc_work, HZ);
}

int wg_ratelimiter_init(void)
{
	int ret = 0;

	mutex_lock(&init_lock);
	if (init_refcount++)
		goto out;
	table = kvcalloc(TABLE_SIZE, sizeof(*table), GFP_KERNEL);
	if (!table) {
		init_refcount--;
		ret = -ENOMEM;
		goto out;
	}
	atomic_set(&total_entries, 0);
	get_random_bytes(&hash_key, sizeof(hash_key));
	queue_delayed_work(system_power_efficient_wq, &gc_work, HZ);
out:
	mutex_unlock(&init_lock);
	return ret;
}

void wg_ratelimiter_uninit(void)
{
	mutex_lock(&init_lock);
	if (WARN_ON(!init_refcount) || --init_refcount)
		goto out;
	cancel_delayed_work_sync(&gc_work);
	drop_entries(0);
	/* Wait for the kfree_rcu() callbacks and any lockless reader. */
	rcu_barrier();
	kvfree(table);
	table = NULL;
out:
	mutex_unlock(&init_lock);
}
