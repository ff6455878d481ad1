// SPDX-License-Identifier: GPL-2.0
/*
 * The ordered queues of the data path: packets finished in any order, on
 * any number of CPUs, come off a peer's queue in the order they joined
 * it, and none is left behind once all are finished.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/random.h>

#include "../../module/queueing.c"

/*
 * queueing.c also sets up the device's data path, which names the send and
 * receive sides' work; these suites test the queues alone and never call
 * it, so the names only have to resolve.
 */
bool wg_packet_encrypt(struct sk_buff *skb)
{
	return false;
}

unsigned int wg_packet_send_ready(struct wg_peer *peer, unsigned int budget)
{
	return 0;
}

bool wg_packet_decrypt(struct sk_buff *skb)
{
	return false;
}

unsigned int wg_packet_receive_ready(struct wg_peer *peer, unsigned int budget)
{
	return 0;
}

void wg_packet_handshake_receive_worker(struct work_struct *work)
{
}

struct ordered_fixture {
	struct wg_ordered_queue q;
	struct wg_crypt_queue crypt;
	u64 next;		/* the nonce the drainer expects next */
	unsigned int dead;	/* dead packets drained */
	bool out_of_order;
	atomic_t running;
	struct completion done;
};

static struct ordered_fixture *new_fixture(struct kunit *test,
					   unsigned int ring_size)
{
	struct ordered_fixture *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	wg_ordered_queue_init(&f->q);
	KUNIT_ASSERT_EQ(test, ptr_ring_init(&f->crypt.spread.ring, ring_size,
					    GFP_KERNEL), 0);
	init_completion(&f->done);
	return f;
}

static void free_fixture(struct ordered_fixture *f)
{
	ptr_ring_cleanup(&f->crypt.spread.ring, NULL);
}

/* Queue packets with nonces 0 .. n - 1; returns how many joined. */
static unsigned int enqueue(struct ordered_fixture *f, unsigned int n)
{
	unsigned int i, joined = 0;
	struct sk_buff *skb;

	for (i = 0; i < n; i++) {
		skb = alloc_skb(0, GFP_KERNEL);
		if (!skb)
			break;
		wg_cb(skb)->nonce = i;
		spin_lock_bh(&f->q.packets.lock);
		if (wg_ordered_enqueue(&f->q, &f->crypt, skb))
			joined++;
		else
			kfree_skb(skb);
		spin_unlock_bh(&f->q.packets.lock);
	}
	return joined;
}

/* What a drainer does with each packet: check its place in the order. */
static void drain(struct ordered_fixture *f)
{
	struct sk_buff *skb;

	local_bh_disable();
	do {
		if (!wg_ordered_begin(&f->q))
			break;
		while ((skb = wg_ordered_next(&f->q)) != NULL) {
			if (wg_cb(skb)->nonce != f->next)
				f->out_of_order = true;
			f->next++;
			if (atomic_read(&wg_cb(skb)->state) == WG_PACKET_DEAD)
				f->dead++;
			kfree_skb(skb);
		}
	} while (wg_ordered_end(&f->q));
	local_bh_enable();
}

static void finish(struct ordered_fixture *f, struct sk_buff *skb,
		   enum wg_packet_state state)
{
	atomic_set_release(&wg_cb(skb)->state, state);
	drain(f);
}

static void ordered_waits_for_head(struct kunit *test)
{
	struct ordered_fixture *f = new_fixture(test, 16);
	struct sk_buff *skbs[4];
	unsigned int i;

	KUNIT_ASSERT_EQ(test, enqueue(f, 4), 4U);
	for (i = 0; i < 4; i++)
		skbs[i] = ptr_ring_consume(&f->crypt.spread.ring);
	/* Finished from the back: nothing may leave before the head. */
	finish(f, skbs[3], WG_PACKET_CRYPTED);
	finish(f, skbs[2], WG_PACKET_DEAD);
	finish(f, skbs[1], WG_PACKET_CRYPTED);
	KUNIT_EXPECT_EQ(test, f->next, 0ULL);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&f->q.packets), 4U);
	finish(f, skbs[0], WG_PACKET_CRYPTED);
	KUNIT_EXPECT_EQ(test, f->next, 4ULL);
	KUNIT_EXPECT_EQ(test, f->dead, 1U);
	KUNIT_EXPECT_FALSE(test, f->out_of_order);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&f->q.packets));
	free_fixture(f);
}

/*
 * The race the recheck in wg_ordered_end() is for, played out in order:
 * the drainer finds the head unfinished; a worker finishes it, sees the
 * drainer still at work and leaves it; the drainer must go round again.
 */
static void ordered_handoff(struct kunit *test)
{
	struct ordered_fixture *f = new_fixture(test, 16);
	bool began, found, second, again;
	struct sk_buff *head;

	KUNIT_ASSERT_EQ(test, enqueue(f, 1), 1U);
	head = ptr_ring_consume(&f->crypt.spread.ring);
	/* KUnit may not report from here: it allocates. */
	local_bh_disable();
	began = wg_ordered_begin(&f->q);
	found = wg_ordered_next(&f->q);
	atomic_set_release(&wg_cb(head)->state, WG_PACKET_CRYPTED);
	second = wg_ordered_begin(&f->q);
	again = wg_ordered_end(&f->q);
	local_bh_enable();
	KUNIT_EXPECT_TRUE(test, began);
	KUNIT_EXPECT_FALSE(test, found);
	KUNIT_EXPECT_FALSE(test, second);
	KUNIT_EXPECT_TRUE(test, again);
	/* Going round again finds it. */
	drain(f);
	KUNIT_EXPECT_EQ(test, f->next, 1ULL);
	KUNIT_EXPECT_TRUE(test, skb_queue_empty(&f->q.packets));
	free_fixture(f);
}

static void ordered_bounded(struct kunit *test)
{
	struct ordered_fixture *f = new_fixture(test, 8);
	unsigned int joined;

	/*
	 * The ring takes 8, the queue MAX_QUEUED_PACKETS: the rest of those
	 * join already dead, and beyond the queue's bound none joins.
	 */
	joined = enqueue(f, MAX_QUEUED_PACKETS + 10);
	KUNIT_EXPECT_EQ(test, joined, (unsigned int)MAX_QUEUED_PACKETS);
	KUNIT_EXPECT_EQ(test, skb_queue_len(&f->q.packets),
			(u32)MAX_QUEUED_PACKETS);
	while (!__ptr_ring_empty(&f->crypt.spread.ring))
		finish(f, ptr_ring_consume(&f->crypt.spread.ring), WG_PACKET_CRYPTED);
	KUNIT_EXPECT_EQ(test, f->next, (u64)MAX_QUEUED_PACKETS);
	KUNIT_EXPECT_EQ(test, f->dead, MAX_QUEUED_PACKETS - 8U);
	KUNIT_EXPECT_FALSE(test, f->out_of_order);
	free_fixture(f);
}

/* A stand-in for a crypt worker: take, dawdle a random while, finish. */
static int finisher(void *arg)
{
	struct ordered_fixture *f = arg;
	struct sk_buff *skb;

	while ((skb = ptr_ring_consume_bh(&f->crypt.spread.ring)) != NULL) {
		if (!(get_random_u32() % 4))
			udelay(get_random_u32() % 20);
		finish(f, skb, get_random_u32() % 16 ? WG_PACKET_CRYPTED :
						       WG_PACKET_DEAD);
		if (!(get_random_u32() % 64))
			cond_resched();
	}
	if (atomic_dec_and_test(&f->running))
		complete(&f->done);
	return 0;
}

static void ordered_many_cpus(struct kunit *test)
{
	const unsigned int threads = 4, rounds = 8;
	struct ordered_fixture *f;
	struct task_struct *task;
	unsigned int i, r, n;

	for (r = 0; r < rounds; r++) {
		f = new_fixture(test, MAX_QUEUED_PACKETS);
		n = enqueue(f, MAX_QUEUED_PACKETS);
		KUNIT_ASSERT_EQ(test, n, (unsigned int)MAX_QUEUED_PACKETS);
		atomic_set(&f->running, threads);
		for (i = 0; i < threads; i++) {
			task = kthread_run(finisher, f, "wg-test-%u", i);
			KUNIT_ASSERT_FALSE(test, IS_ERR(task));
		}
		KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&f->done,
								  60 * HZ),
				0UL);
		/* The last finisher's drain must have taken everything. */
		KUNIT_EXPECT_TRUE(test, skb_queue_empty(&f->q.packets));
		KUNIT_EXPECT_EQ(test, f->next, (u64)n);
		KUNIT_EXPECT_FALSE(test, f->out_of_order);
		KUNIT_EXPECT_EQ(test, READ_ONCE(f->q.draining), 0UL);
		free_fixture(f);
	}
}

static struct kunit_case ordered_cases[] = {
	KUNIT_CASE(ordered_waits_for_head),
	KUNIT_CASE(ordered_handoff),
	KUNIT_CASE(ordered_bounded),
	KUNIT_CASE(ordered_many_cpus),
	{}
};

static struct kunit_suite ordered_suite = {
	.name = "wg_ordered_queue",
	.test_cases = ordered_cases,
};

kunit_test_suite(ordered_suite);
