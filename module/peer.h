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

#include "messages.h"

struct wg_device;

/* Where a peer is reached; sa_family is AF_UNSPEC when unknown. */
struct wg_endpoint {
	union {
		struct sockaddr addr;
		struct sockaddr_in addr4;
		struct sockaddr_in6 addr6;
	};
};

struct wg_peer {
	struct wg_device *device;
	u8 public_key[WG_KEY_LEN];
	/* All zero when unset. Moves into the handshake state later. */
	u8 preshared_key[WG_KEY_LEN];

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

	/*
	 * Hooks for the protocol, wired in later: the noise_handshake and
	 * noise_keypairs of this peer with their wg_index_entry in the
	 * device's index hashtable, the cookie state, the timers, and the
	 * staged/tx/rx queues. wg_peer_remove() is where they will be
	 * stopped and flushed, wg_peer_put()'s release where they are wiped.
	 */

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
void wg_peer_remove(struct wg_peer *peer);
void wg_peer_remove_all(struct wg_device *wg);

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

void wg_peer_set_endpoint(struct wg_peer *peer,
			  const struct wg_endpoint *endpoint);
void wg_peer_get_endpoint(struct wg_peer *peer, struct wg_endpoint *endpoint);
void wg_peer_set_preshared_key(struct wg_peer *peer, const u8 *key);
void wg_peer_get_last_handshake(struct wg_peer *peer,
				struct timespec64 *when);

#endif /* _WG_PEER_H */
