/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two packet paths (send.h, receive.h) share: the per-packet
 * state they keep in skb->cb, the device-wide queues with a worker per
 * CPU, the per-peer ordered queues, and their lifetime with the device.
 *
 * Contexts: wg_xmit() and wg_packet_receive() run in softirq (or with BH
 * disabled); anything that touches the handshake or cookie state takes
 * rw_semaphores and so runs from the device's handshake workqueues. Data
 * is encrypted and decrypted by per-CPU workers (process context) and
 * leaves their hands in order, with BH disabled, through the peer's
 * ordered queues.
 */
#ifndef _WG_QUEUEING_H
#define _WG_QUEUEING_H

#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/ptr_ring.h>
#include <linux/workqueue.h>
#include <linux/skbuff.h>
#include <linux/types.h>

struct wg_device;
struct wg_endpoint;
struct wg_peer;
struct noise_keypair;
struct wg_crypt_queue;

/*
 * A packet between the stack and a crypto worker. While it waits, it sits
 * in two places: the device-wide ring a worker takes it from, and its
 * peer's ordered queue, which it leaves in order once crypted. It holds a
 * reference to @peer and to @keypair for as long as it is in flight.
 */
enum wg_packet_state {
	WG_PACKET_UNCRYPTED,
	WG_PACKET_CRYPTED,
	WG_PACKET_DEAD		/* crypto failed or no room: drop at the head */
};

struct wg_skb_cb {
	struct wg_peer *peer;
	struct noise_keypair *keypair;
	u64 nonce;
	unsigned int mtu;	/* send: of the device when the packet was sent */
	unsigned int wire_len;	/* receive: of the whole data message */
	atomic_t state;		/* enum wg_packet_state */
	u8 ds;			/* send: outer DS field, the inner ECN encapsulated;
				 * receive: the outer DS field as it arrived
				 */
	u8 depth;		/* send: times already in our encapsulation */
	bool keepalive;		/* send: nothing inside */
};

static inline struct wg_skb_cb *wg_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct wg_skb_cb) > sizeof(skb->cb));
	return (struct wg_skb_cb *)skb->cb;
}

/*
 * Make @skb a new packet that keeps only its data: what crosses the tunnel
 * (an inner packet going out sealed, or coming out opened) takes nothing
 * of the packet it was with it: no conntrack entry, mark, priority,
 * timestamp, route, extensions, hash, VLAN tag or tc redirect state.
 */
static inline void wg_fresh_packet(struct sk_buff *skb)
{
	skb_scrub_packet(skb, true);
	skb->priority = 0;
	skb->queue_mapping = 0;
	skb_clear_hash(skb);
	__vlan_hwaccel_clear_tag(skb);
	skb_reset_redirect(skb);
}

/*
 * Work spread over every CPU: a device-wide ring, and a worker per CPU
 * that serves the whole ring. Each kick wakes the next CPU's worker, round
 * robin, so what one flow puts on the ring is worked on by all of them.
 */
struct wg_spread_queue;

struct wg_spread_worker {
	struct work_struct work;
	struct wg_spread_queue *queue;
};

struct wg_spread_queue {
	struct ptr_ring ring;
	struct wg_spread_worker __percpu *workers;
	struct workqueue_struct *wq;	/* bound: a kick names the CPU */
	int last_cpu;		/* where the last kick went; racy on purpose */
};

int wg_spread_queue_init(struct wg_spread_queue *queue,
			 struct workqueue_struct *wq, work_func_t fn,
			 unsigned int size);
void wg_spread_queue_uninit(struct wg_spread_queue *queue);
void wg_spread_queue_kick(struct wg_spread_queue *queue, unsigned int items);

/* The queue a worker's @work serves. */
static inline struct wg_spread_queue *wg_spread_queue_of(struct work_struct *work)
{
	return container_of(work, struct wg_spread_worker, work)->queue;
}

/*
 * Packets waiting for a CPU to crypt them, one queue per device and
 * direction. @crypt works on one packet in process context and says
 * whether it succeeded; @drain then takes what is ready off the head of
 * the packet's peer's ordered queue, with BH disabled, at most @budget
 * packets, and says how many it took. With no budget left it only makes
 * sure a later drain comes for what is ready.
 */
typedef unsigned int (*wg_drain_fn)(struct wg_peer *peer,
				    unsigned int budget);

struct wg_crypt_queue {
	struct wg_spread_queue spread;
	bool (*crypt)(struct sk_buff *skb);
	wg_drain_fn drain;
};

int wg_crypt_queue_init(struct wg_crypt_queue *queue,
			struct workqueue_struct *wq,
			bool (*crypt)(struct sk_buff *skb), wg_drain_fn drain,
			unsigned int size);

/*
 * A peer's packets in the order they must leave (send) or arrive
 * (receive). Whoever crypts a packet afterwards tries to become the one
 * drainer, which takes every ready packet off the head:
 *
 *	do {
 *		if (!wg_ordered_begin(q))
 *			return;
 *		while ((skb = wg_ordered_next(q)))
 *			...;
 *	} while (wg_ordered_end(q));
 *
 * wg_ordered_end() says whether the head became ready while the drainer
 * was leaving, so no ready packet is left without one.
 */
struct wg_ordered_queue {
	struct sk_buff_head packets;
	unsigned long draining;		/* bit 0: a drainer is at work */
};

void wg_ordered_queue_init(struct wg_ordered_queue *q);
bool wg_ordered_begin(struct wg_ordered_queue *q);
struct sk_buff *wg_ordered_next(struct wg_ordered_queue *q);
bool wg_ordered_end(struct wg_ordered_queue *q);
/* Packets taken in one BH-disabled stretch before the rest is deferred. */
#define WG_DRAIN_BUDGET 128
bool wg_ordered_enqueue(struct wg_ordered_queue *q,
			struct wg_crypt_queue *crypt, struct sk_buff *skb);

/* Room in front of a data message for its header and the outer headers. */
#define WG_DATA_HEADROOM (16 + 8 + 40)
/* Room behind it: padding to 16 bytes and the tag. */
#define WG_DATA_TAILROOM (15 + 16)

/*
 * The data path's lifetime with the device: its workqueues, the device-wide
 * queues and the GRO cells. Init and uninit under device_update_lock.
 */
int wg_packet_paths_init(struct wg_device *wg);
void wg_packet_paths_uninit(struct wg_device *wg);
/* After every peer is gone: the last in-flight packets are done. */
void wg_packet_paths_destroy(struct wg_device *wg);

#endif /* _WG_QUEUEING_H */
