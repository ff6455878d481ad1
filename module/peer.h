/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A peer of a device: its keys, endpoint, counters and allowed IPs.
 *
 * Lifetime: a peer is refcounted. The device's peer list, its public-key
 * hashtable entry and every allowed-IPs node point to it without holding
 * a reference of their own; wg_peer_remove() unlinks it from all of them
 * and drops the reference taken at creation. Readers that found it under
 * RCU take a reference with wg_peer_get_maybe_zero(). The memory is freed
 * an RCU grace period after the last wg_peer_put().
 */
#ifndef _WG_PEER_H
#define _WG_PEER_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/types.h>

#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>

#include "cookie.h"
#include "endpoint.h"
#include "messages.h"
#include "noise.h"
#include "peerlookup.h"
#include "queueing.h"

struct wg_device;

struct wg_peer {
	struct wg_device *device;
	u8 public_key[WG_KEY_LEN];

	/* Written by configuration and by roaming; read on every send. */
	struct wg_endpoint endpoint;
	rwlock_t endpoint_lock;

	/* Seconds between keepalives when idle; 0 is off. */
	u16 persistent_keepalive_interval;

	/* Bytes of outer UDP payload, for GET. */
	atomic64_t rx_bytes;
	atomic64_t tx_bytes;
	/* Wall clock of the last completed handshake; zero when none. */
	struct timespec64 last_handshake;
	seqlock_t last_handshake_lock;

	/* The protocol: handshake, sessions and the cookie it gave us. */
	struct noise_handshake handshake;
	struct noise_keypairs keypairs;
	struct wg_cookie latest_cookie;
	/* The handshake's entry in the device's index hashtable. */
	struct wg_index_entry handshake_index;
	/* Routes to the endpoint; reset whenever the endpoint moves. */
	struct dst_cache endpoint_cache;

	/* Packets waiting for a session, at most MAX_STAGED_PACKETS. */
	struct sk_buff_head staged_packet_queue;
	/*
	 * Packets being encrypted or decrypted, in the order they leave or
	 * arrive; each holds a reference to the peer.
	 */
	struct wg_ordered_queue tx_queue;
	struct wg_ordered_queue rx_queue;
	/* Boot-time ns of the last initiation sent; 0: never. */
	atomic64_t last_sent_handshake;
	struct work_struct transmit_handshake_work;
	/* Drains that ran out of budget; each queued one holds the peer. */
	struct work_struct tx_resume_work;
	struct work_struct rx_resume_work;
	struct work_struct clear_keys_work;

	/* Events (events.c): the last endpoint announced and when. */
	unsigned long event_endpoint_at;	/* jiffies; 0: never */
	struct wg_endpoint event_endpoint_old;
	bool event_endpoint_pending;		/* a move not yet announced */
	/* A session since the peer was added or its keys cleared. */
	bool had_session;

	/* Timers (timers.c); armed only while !is_dead and the device is up. */
	struct timer_list timer_retransmit_handshake;
	struct timer_list timer_send_keepalive;
	struct timer_list timer_new_handshake;
	struct timer_list timer_zero_key_material;
	struct timer_list timer_persistent_keepalive;
	unsigned int timer_handshake_attempts;
	bool timer_need_another_keepalive;
	bool sent_lastminute_handshake;

	/* Under the device's device_update_lock. */
	struct list_head peer_list;		/* in wg_device.peer_list */
	struct list_head allowedips_list;	/* allowedips_node.peer_list */
	struct hlist_node pubkey_hash;		/* in the pubkey hashtable */
	u64 internal_id;
	bool is_dead;

	struct kref refcount;
	struct rcu_head rcu;
};

struct wg_peer *wg_peer_create(struct wg_device *wg,
			       const u8 public_key[WG_KEY_LEN],
			       const u8 preshared_key[WG_KEY_LEN]);
int wg_peer_init(void);
void wg_peer_uninit(void);
void wg_peer_remove(struct wg_peer *peer);
void wg_peer_remove_all(struct wg_device *wg);
void wg_peer_stop(struct wg_peer *peer);

/* Take a reference unless the last one is already gone. */
static inline struct wg_peer *wg_peer_get_maybe_zero(struct wg_peer *peer)
{
	if (unlikely(!peer || !kref_get_unless_zero(&peer->refcount)))
		return NULL;
	return peer;
}

static inline struct wg_peer *wg_peer_get(struct wg_peer *peer)
{
	kref_get(&peer->refcount);
	return peer;
}

void wg_peer_put(struct wg_peer *peer);

bool wg_peer_begin_session(struct wg_peer *peer);
void wg_peer_handshake_complete(struct wg_peer *peer);
bool wg_peer_drain_more(struct wg_peer *peer, unsigned int budget,
			struct work_struct *work);
void wg_peer_get_last_handshake(struct wg_peer *peer,
				struct timespec64 *when);

#endif /* _WG_PEER_H */
