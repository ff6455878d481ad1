// SPDX-License-Identifier: GPL-2.0
/*
 * Per-source token buckets, driven with explicit timestamps so that no
 * test waits on the clock.
 */
#include <kunit/test.h>
#include <net/net_namespace.h>

#include "../../module/ratelimiter.c"

/* Stands in for a second namespace: only its address is compared. */
static const int other_netns_tag;
#define OTHER_NET ((const struct net *)&other_netns_tag)

static int rl_test_init(struct kunit *test)
{
	return wg_ratelimiter_init();
}

static void rl_test_exit(struct kunit *test)
{
	wg_ratelimiter_uninit();
}

/* Make the bucket of IPv4 source @addr look idle for @by ns longer. */
static void age_entry(u32 addr, u64 by)
{
	u64 prefix = source_prefix(AF_INET, &addr);
	struct rl_entry *entry;

	rcu_read_lock();
	hlist_for_each_entry_rcu(entry, bucket_of(&init_net, prefix, AF_INET),
				 node)
		if (entry->net == &init_net && entry->prefix == prefix &&
		    entry->family == AF_INET)
			entry->last_ns -= by;
	rcu_read_unlock();
}

static unsigned int allowed(const struct net *net, int family,
			    const void *addr, u64 now, unsigned int tries)
{
	unsigned int n = 0;

	while (tries--)
		n += allow_at(net, family, addr, now);
	return n;
}

static void rl_burst_then_refill(struct kunit *test)
{
	static const u8 addr[4] = { 198, 51, 100, 1 };
	u64 now = ktime_get_coarse_boottime_ns();
	int i;

	KUNIT_EXPECT_EQ(test, allowed(&init_net, AF_INET, addr, now, 5), 5U);
	KUNIT_EXPECT_FALSE(test, allow_at(&init_net, AF_INET, addr, now));
	/* One packet's worth of time buys exactly one more. */
	now += PACKET_COST;
	KUNIT_EXPECT_TRUE(test, allow_at(&init_net, AF_INET, addr, now));
	KUNIT_EXPECT_FALSE(test, allow_at(&init_net, AF_INET, addr, now));
	/* A second's rest refills the burst, no more. */
	now += NSEC_PER_SEC;
	KUNIT_EXPECT_EQ(test, allowed(&init_net, AF_INET, addr, now, 10), 5U);
	/* Once the burst is spent, the sustained rate is 20 per second. */
	for (i = 0; i < 20; i++) {
		now += NSEC_PER_SEC / 20;
		KUNIT_EXPECT_EQ(test, allowed(&init_net, AF_INET, addr, now, 3),
				1U);
	}
}

static void rl_sources_apart(struct kunit *test)
{
	static const u8 a[4] = { 198, 51, 100, 1 };
	static const u8 b[4] = { 198, 51, 100, 2 };
	u64 now = ktime_get_coarse_boottime_ns();

	KUNIT_EXPECT_EQ(test, allowed(&init_net, AF_INET, a, now, 6), 5U);
	KUNIT_EXPECT_EQ(test, allowed(&init_net, AF_INET, b, now, 6), 5U);
	/* The same address in another namespace is another source. */
	KUNIT_EXPECT_EQ(test, allowed(OTHER_NET, AF_INET, a, now, 6), 5U);
}

static void rl_ipv6_prefix(struct kunit *test)
{
	u8 one[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 };
	u8 same64[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 };
	u8 other64[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2 };
	u64 now = ktime_get_coarse_boottime_ns();

	one[15] = 1;
	same64[8] = 0xff;
	same64[15] = 2;
	KUNIT_EXPECT_EQ(test, allowed(&init_net, AF_INET6, one, now, 3), 3U);
	/* Another address in the same /64 shares the bucket. */
	KUNIT_EXPECT_EQ(test, allowed(&init_net, AF_INET6, same64, now, 5), 2U);
	KUNIT_EXPECT_EQ(test, allowed(&init_net, AF_INET6, other64, now, 6), 5U);
	KUNIT_EXPECT_EQ(test, allowed(OTHER_NET, AF_INET6, one, now, 6), 5U);
	/* An IPv4 address is never confused with a /64. */
	KUNIT_EXPECT_EQ(test, allowed(&init_net, AF_INET, one, now, 6), 5U);
}

static void rl_gc_and_bound(struct kunit *test)
{
	u64 now = ktime_get_coarse_boottime_ns();
	u32 addr;

	for (addr = 0; addr < 100; addr++)
		KUNIT_EXPECT_TRUE(test, allow_at(&init_net, AF_INET, &addr, now));
	KUNIT_EXPECT_EQ(test, atomic_read(&total_entries), 100);
	/* Entries idle for a second are dropped. */
	for (addr = 0; addr < 50; addr++)
		age_entry(addr, 2 * NSEC_PER_SEC);
	drop_entries(IDLE_NS);
	KUNIT_EXPECT_EQ(test, atomic_read(&total_entries), 50);

	/* A full table refuses new sources but still serves known ones. */
	atomic_set(&total_entries, MAX_ENTRIES);
	addr = 1000;
	KUNIT_EXPECT_FALSE(test, allow_at(&init_net, AF_INET, &addr, now));
	addr = 60;
	KUNIT_EXPECT_TRUE(test, allow_at(&init_net, AF_INET, &addr, now));
	atomic_set(&total_entries, 50);
}

static void rl_shared_refcount(struct kunit *test)
{
	static const u8 addr[4] = { 203, 0, 113, 9 };
	u64 now = ktime_get_coarse_boottime_ns();

	/* A second device arriving and leaving keeps the table. */
	KUNIT_ASSERT_EQ(test, wg_ratelimiter_init(), 0);
	KUNIT_EXPECT_EQ(test, allowed(&init_net, AF_INET, addr, now, 2), 2U);
	wg_ratelimiter_uninit();
	KUNIT_EXPECT_EQ(test, allowed(&init_net, AF_INET, addr, now, 5), 3U);
}

static struct kunit_case wg_ratelimiter_cases[] = {
	KUNIT_CASE(rl_burst_then_refill),
	KUNIT_CASE(rl_sources_apart),
	KUNIT_CASE(rl_ipv6_prefix),
	KUNIT_CASE(rl_gc_and_bound),
	KUNIT_CASE(rl_shared_refcount),
	{}
};

static struct kunit_suite wg_ratelimiter_suite = {
	.name = "wg_ratelimiter",
	.init = rl_test_init,
	.exit = rl_test_exit,
	.test_cases = wg_ratelimiter_cases,
};

kunit_test_suites(&wg_ratelimiter_suite);
