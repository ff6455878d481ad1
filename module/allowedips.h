/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The allowed-IPs table of a device: which peer owns which IPv4 and IPv6
 * prefixes. Longest-prefix match over a path-compressed binary trie, one
 * per family. Readers walk it under RCU (rcu_read_lock_bh on the data
 * path); writers hold the mutex given at init, the device_update_lock.
 */
#ifndef _WG_ALLOWEDIPS_H
#define _WG_ALLOWEDIPS_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/types.h>

struct wg_peer;

/*
 * A node is either a prefix some peer owns (@peer set, linked on the
 * peer's allowedips_list) or a branch point with two children. Branch
 * points are added and removed as prefixes come and go, so a table of n
 * prefixes has fewer than 2n nodes.
 */
struct allowedips_node {
	struct wg_peer __rcu *peer;
	struct allowedips_node __rcu *bit[2];
	/* Writers only: where this node hangs, for pruning. */
	struct allowedips_node *parent;
	struct list_head peer_list;
	struct rcu_head rcu;
	u8 cidr;
	u8 bits;		/* 32 or 128: the family */
	u8 key[16] __aligned(8);	/* network order, bits past cidr zero */
};

struct allowedips {
	struct allowedips_node __rcu *root4;
	struct allowedips_node __rcu *root6;
	struct mutex *lock;	/* held by every writer */
};

void wg_allowedips_init(struct allowedips *table, struct mutex *lock);
void wg_allowedips_free(struct allowedips *table);

/* Writers; the caller holds table->lock. @family is AF_INET or AF_INET6. */
int wg_allowedips_insert(struct allowedips *table, int family,
			 const void *addr, u8 cidr, struct wg_peer *peer);
bool wg_allowedips_remove(struct allowedips *table, int family,
			  const void *addr, u8 cidr, struct wg_peer *peer);
void wg_allowedips_remove_by_peer(struct allowedips *table,
				  struct wg_peer *peer);

/* Readers: a reference to the owning peer, or NULL. Take RCU first. */
struct wg_peer *wg_allowedips_lookup(struct allowedips *table, int family,
				     const void *addr);
struct wg_peer *wg_allowedips_lookup_dst(struct allowedips *table,
					 struct sk_buff *skb);
struct wg_peer *wg_allowedips_lookup_src(struct allowedips *table,
					 struct sk_buff *skb);

/* The prefix a node holds, as family, address bytes and cidr. */
int wg_allowedips_read_node(const struct allowedips_node *node, u8 ip[16],
			    u8 *cidr);

/*
 * An order-independent digest of @peer's prefixes, 0 for none: whether a
 * configuration change changed them. Under the table's lock.
 */
u64 wg_allowedips_digest(struct allowedips *table, struct wg_peer *peer);

#endif /* _WG_ALLOWEDIPS_H */
