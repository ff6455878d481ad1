// SPDX-License-Identifier: GPL-2.0
/*
 * What the send and receive paths share: the device-wide queues with a
 * worker per CPU (handshakes and both crypt directions), the per-peer
 * ordered queues that keep each peer's packets in order while they are
 * crypted in parallel, and the lifetime of all of them with the device.
 */

#include "compat.h"
#include "device.h"
#include "peer.h"
#include "queueing.h"
#include "receive.h"
#include "send.h"

/* Spread queues ----------------------------------------------------------- */

int wg_spread_queue_init(struct wg_spread_queue *queue,
			 struct workqueue_struct *wq, work_func_t fn,
			 unsigned int size)
{
	int cpu, ret;

	ret = ptr_ring_init(&queue->ring, size, GFP_KERNEL);
	if (ret)
		return ret;
	queue->workers = alloc_percpu(struct wg_spread_worker);
	if (!queue->workers) {
		ptr_ring_cleanup(&queue->ring, NULL);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		struct wg_spread_worker *worker = per_cpu_ptr(queue->workers, cpu);

		INIT_WORK(&worker->work, fn);
		worker->queue = queue;
	}
	queue->wq = wq;
	queue->last_cpu = -1;
	return 0;
}

/*
 * After the workqueue was flushed and nothing can produce any more: the
 * ring is empty then, since every produce is followed by a kick.
 */
void wg_spread_queue_uninit(struct wg_spread_queue *queue)
{
	WARN_ON_ONCE(!__ptr_ring_empty(&queue->ring));
	ptr_ring_cleanup(&queue->ring, NULL);
	free_percpu(queue->workers);
}

/* The next online CPU after the last one kicked, round robin. */
static int next_cpu(struct wg_spread_queue *queue)
{
	int cpu = cpumask_next(READ_ONCE(queue->last_cpu), cpu_online_mask);

	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	WRITE_ONCE(queue->last_cpu, cpu);
	return cpu;
}

/*
 * @items were just put on the ring: wake as many workers, on as many
 * CPUs, as can usefully share them. Every worker serves the whole ring.
 */
void wg_spread_queue_kick(struct wg_spread_queue *queue, unsigned int items)
{
	unsigned int n = min(items, num_online_cpus());
	int cpu;

	while (n--) {
		cpu = next_cpu(queue);
		queue_work_on(cpu, queue->wq,
			      &per_cpu_ptr(queue->workers, cpu)->work);
	}
}

/* Crypt queues ------------------------------------------------------------ */

/* Packets a worker crypts before it hands them on together. */
#define WG_CRYPT_BATCH 16

/*
 * Crypt a batch with BH enabled, then mark and drain it in one
 * BH-disabled stretch: what is delivered reaches NAPI together, so GRO
 * can merge it, and what is sent leaves back to back.
 */
static void crypt_worker(struct work_struct *work)
{
	struct wg_crypt_queue *queue = container_of(wg_spread_queue_of(work),
						    struct wg_crypt_queue,
						    spread);
	struct sk_buff *batch[WG_CRYPT_BATCH];
	bool ok[WG_CRYPT_BATCH];
	unsigned int i, n, budget;

	do {
		for (n = 0; n < WG_CRYPT_BATCH; n++) {
			batch[n] = ptr_ring_consume_bh(&queue->spread.ring);
			if (!batch[n])
				break;
			ok[n] = queue->crypt(batch[n]);
		}
		/*
		 * Once marked, another CPU's drain may finish a packet and
		 * drop the last reference to its peer: RCU keeps the peer's
		 * memory until we are done draining.
		 */
		/* One budget for the whole BH-disabled stretch. */
		budget = WG_DRAIN_BUDGET;
		rcu_read_lock_bh();
		for (i = 0; i < n; i++) {
			struct wg_peer *peer = wg_cb(batch[i])->peer;

			atomic_set_release(&wg_cb(batch[i])->state,
					   ok[i] ? WG_PACKET_CRYPTED :
						   WG_PACKET_DEAD);
			budget -= queue->drain(peer, budget);
		}
		rcu_read_unlock_bh();
		cond_resched();
	} while (n == WG_CRYPT_BATCH);
}

int wg_crypt_queue_init(struct wg_crypt_queue *queue,
			struct workqueue_struct *wq,
			bool (*crypt)(struct sk_buff *skb), wg_drain_fn drain,
			unsigned int size)
{
	queue->crypt = crypt;
	queue->drain = drain;
	return wg_spread_queue_init(&queue->spread, wq, crypt_worker, size);
}

/* Ordered queues ----------------------------------------------------------- */

void wg_ordered_queue_init(struct wg_ordered_queue *q)
{
	skb_queue_head_init(&q->packets);
	q->draining = 0;
}

/* Under @q's lock: the head packet if its crypto is done, else NULL. */
static struct sk_buff *ready_head(struct wg_ordered_queue *q)
{
	struct sk_buff *skb = skb_peek(&q->packets);

	if (skb && atomic_read_acquire(&wg_cb(skb)->state) !=
		   WG_PACKET_UNCRYPTED)
		return skb;
	return NULL;
}

static bool head_ready(struct wg_ordered_queue *q)
{
	bool ready;

	spin_lock_bh(&q->packets.lock);
	ready = ready_head(q);
	spin_unlock_bh(&q->packets.lock);
	return ready;
}

/* Become the drainer; false if another CPU already is. */
bool wg_ordered_begin(struct wg_ordered_queue *q)
{
	/* Fully ordered: pairs with the barrier in wg_ordered_end(). */
	return !test_and_set_bit(0, &q->draining);
}

/* The drainer only: the head packet if it is done with its crypto. */
struct sk_buff *wg_ordered_next(struct wg_ordered_queue *q)
{
	struct sk_buff *skb;

	spin_lock_bh(&q->packets.lock);
	skb = ready_head(q);
	if (skb)
		__skb_unlink(skb, &q->packets);
	spin_unlock_bh(&q->packets.lock);
	return skb;
}

/*
 * Stop draining. A worker that finished the head after our last look,
 * but saw us still draining, left it to us: true means go round again.
 * Its state store comes before its failed test_and_set_bit(), which comes
 * before our clear_bit() in the bit's order, so after the barrier we see
 * that store.
 */
bool wg_ordered_end(struct wg_ordered_queue *q)
{
	clear_bit(0, &q->draining);
	/* Orders the clear before reading the head; see above. */
	smp_mb__after_atomic();
	return head_ready(q);
}

/*
 * Put @skb, whose cb is filled in, at the tail of @q and on @crypt's
 * ring; the caller kicks the workers. Call with @q's lock held, so that
 * packets join @q in the order their nonces were given. False when @q
 * is full: @skb is untouched then. When only the ring is full, @skb is
 * queued already dead, and the next drain drops it in its turn.
 */
bool wg_ordered_enqueue(struct wg_ordered_queue *q,
			struct wg_crypt_queue *crypt, struct sk_buff *skb)
{
	lockdep_assert_held(&q->packets.lock);
	if (unlikely(skb_queue_len(&q->packets) >= MAX_QUEUED_PACKETS))
		return false;
	atomic_set(&wg_cb(skb)->state, WG_PACKET_UNCRYPTED);
	__skb_queue_tail(&q->packets, skb);
	if (unlikely(ptr_ring_produce_bh(&crypt->spread.ring, skb)))
		atomic_set_release(&wg_cb(skb)->state, WG_PACKET_DEAD);
	return true;
}

/* The data path with the device ----------------------------------------- */

int wg_packet_paths_init(struct wg_device *wg)
{
	int ret = -ENOMEM;

	wg->handshake_wq = alloc_workqueue("wg-%s", WQ_UNBOUND | WQ_FREEZABLE,
					   0, wg->dev->name);
	if (!wg->handshake_wq)
		return -ENOMEM;
	/* Bound, as are the crypt workers: a kick names the CPU. */
	wg->handshake_rx_wq = alloc_workqueue("wg-hs-%s",
					      WQ_PERCPU | WQ_CPU_INTENSIVE |
					      WQ_FREEZABLE, 0, wg->dev->name);
	if (!wg->handshake_rx_wq)
		goto err_handshake;
	atomic_set(&wg->handshake_queue_len, 0);
	ret = wg_spread_queue_init(&wg->handshake_queue, wg->handshake_rx_wq,
				   wg_packet_handshake_receive_worker,
				   MAX_QUEUED_INCOMING_HANDSHAKES);
	if (ret < 0)
		goto err_handshake_rx_wq;
	ret = -ENOMEM;
	wg->crypt_wq = alloc_workqueue("wg-crypt-%s",
				       WQ_PERCPU | WQ_CPU_INTENSIVE |
				       WQ_MEM_RECLAIM, 0, wg->dev->name);
	if (!wg->crypt_wq)
		goto err_handshake_queue;
	ret = wg_crypt_queue_init(&wg->encrypt_queue, wg->crypt_wq,
				  wg_packet_encrypt, wg_packet_send_ready,
				  MAX_QUEUED_PACKETS);
	if (ret < 0)
		goto err_crypt_wq;
	ret = wg_crypt_queue_init(&wg->decrypt_queue, wg->crypt_wq,
				  wg_packet_decrypt, wg_packet_receive_ready,
				  MAX_QUEUED_PACKETS);
	if (ret < 0)
		goto err_encrypt;
	ret = gro_cells_init(&wg->gro_cells, wg->dev);
	if (ret < 0)
		goto err_decrypt;
	return 0;

err_decrypt:
	wg_spread_queue_uninit(&wg->decrypt_queue.spread);
err_encrypt:
	wg_spread_queue_uninit(&wg->encrypt_queue.spread);
err_crypt_wq:
	destroy_workqueue(wg->crypt_wq);
err_handshake_queue:
	wg_spread_queue_uninit(&wg->handshake_queue);
err_handshake_rx_wq:
	destroy_workqueue(wg->handshake_rx_wq);
err_handshake:
	destroy_workqueue(wg->handshake_wq);
	return ret;
}

/*
 * After the sockets are closed: nothing can queue more handshake
 * messages. Those still waiting are dropped, and the ones being worked
 * on finish, so that none completes a handshake after the caller clears
 * the keys (the device going down) or frees the peers.
 */
void wg_packet_paths_uninit(struct wg_device *wg)
{
	struct sk_buff *skb;

	while ((skb = ptr_ring_consume_bh(&wg->handshake_queue.ring))) {
		atomic_dec(&wg->handshake_queue_len);
		DEV_STATS_INC(wg->dev, rx_dropped);
		kfree_skb(skb);
	}
	flush_workqueue(wg->handshake_rx_wq);
	flush_workqueue(wg->handshake_wq);
}

/*
 * After every peer is gone, so nothing produces: the workers finish what
 * is in flight (dropping the last references to peers and sessions),
 * then the rest goes. The device cannot transmit any more.
 */
void wg_packet_paths_destroy(struct wg_device *wg)
{
	destroy_workqueue(wg->crypt_wq);
	wg_spread_queue_uninit(&wg->encrypt_queue.spread);
	wg_spread_queue_uninit(&wg->decrypt_queue.spread);
	destroy_workqueue(wg->handshake_rx_wq);
	wg_spread_queue_uninit(&wg->handshake_queue);
	destroy_workqueue(wg->handshake_wq);
	gro_cells_destroy(&wg->gro_cells);
}
