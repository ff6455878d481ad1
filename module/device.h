/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _WG_DEVICE_H
#define _WG_DEVICE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/ratelimit.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <net/gro_cells.h>
#include <net/net_namespace.h>

#include "allowedips.h"
#include "cookie.h"
#include "messages.h"
#include "noise.h"
#include "peerlookup.h"
#include "queueing.h"

/*
 * One wireguard interface. Configuration changes are serialised by
 * device_update_lock; the data path reads what it needs under RCU.
 * Lock order: RTNL, then device_update_lock.
 */
struct wg_device {
	struct net_device *dev;
	/*
	 * The netns the device was created in: its UDP sockets live there.
	 * Not a reference: when that netns dies, wg_device_netns_pre_exit()
	 * closes the sockets and sets this to NULL (under RTNL and
	 * device_update_lock).
	 */
	struct net *creating_net;
	struct mutex device_update_lock;	/* configuration, open, stop */
	struct list_head device_list;	/* all devices, under RTNL */

	/* Under device_update_lock. */
	struct list_head peer_list;
	unsigned int num_peers;
	u64 peer_next_id;
	/*
	 * Bumped on every configuration change, never 0, so a dump that
	 * spans several messages can tell it saw a moving target.
	 */
	u32 device_update_gen;

	struct wg_pubkey_hashtable *peer_hashtable;
	struct wg_index_hashtable *index_hashtable;
	struct allowedips peer_allowedips;

	/* The sockets; published under device_update_lock. */
	struct sock __rcu *sock4;
	struct sock __rcu *sock6;
	u16 incoming_port;	/* configured; 0: any free port */
	u16 bound_port;		/* what the sockets are bound to, 0: closed */
	u32 fwmark;

	/*
	 * Our identity, the only copy of our private key (set by
	 * wg_device_identity_changed(), read under its lock), and the
	 * checker of mac1/mac2 on what arrives.
	 */
	struct noise_static_identity static_identity;
	struct wg_cookie_checker cookie_checker;

	/*
	 * Received handshake messages wait in handshake_queue for a worker
	 * on any CPU (handshake_rx_wq); handshake_queue_len counts them until
	 * they are done, to tell when we are under load. handshake_wq runs
	 * the peers' initiation and key-clearing work.
	 */
	struct wg_spread_queue handshake_queue;
	atomic_t handshake_queue_len;
	struct workqueue_struct *handshake_rx_wq;
	struct workqueue_struct *handshake_wq;
	unsigned long last_under_load;	/* jiffies; 0: never */
	struct ratelimit_state event_unknown_ratelimit;	/* events.c */

	/* Data waiting for a CPU to encrypt or decrypt it (queueing.h). */
	struct wg_crypt_queue encrypt_queue;
	struct wg_crypt_queue decrypt_queue;
	struct workqueue_struct *crypt_wq;

	/* Decrypted packets enter the stack through these. */
	struct gro_cells gro_cells;
};

int wg_device_init(void);
void wg_device_uninit(void);
struct wg_device *wg_device_get(struct net *net, int ifindex,
				const char *ifname, int *err);
void wg_device_put(struct wg_device *wg);
void wg_device_config_changed(struct wg_device *wg);
void wg_device_identity_changed(struct wg_device *wg, const u8 *private_key);

#endif /* _WG_DEVICE_H */
