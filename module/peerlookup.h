/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding peers: by static public key (configuration, handshake
 * initiations) and by the random 32-bit index a handshake or session
 * announced to the other side (responses, cookie replies, data).
 *
 * Both tables are read under RCU and take a reference on what they
 * return. The public-key table is written under the device's
 * device_update_lock; the index table has its own spinlock because
 * handshakes update it from softirq context.
 */
#ifndef _WG_PEERLOOKUP_H
#define _WG_PEERLOOKUP_H

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "messages.h"

struct wg_peer;

struct wg_pubkey_hashtable {
	DECLARE_HASHTABLE(hashtable, 11);
	siphash_key_t key;
	struct mutex *lock;	/* writers */
};

struct wg_pubkey_hashtable *wg_pubkey_hashtable_alloc(struct mutex *lock);
void wg_pubkey_hashtable_add(struct wg_pubkey_hashtable *table,
			     struct wg_peer *peer);
void wg_pubkey_hashtable_remove(struct wg_pubkey_hashtable *table,
				struct wg_peer *peer);
struct wg_peer *wg_pubkey_hashtable_lookup(struct wg_pubkey_hashtable *table,
					   const u8 pubkey[WG_KEY_LEN]);

/* What an index names; lookups say which kinds they accept. */
enum wg_index_type {
	WG_INDEX_HANDSHAKE = 1U << 0,
	WG_INDEX_KEYPAIR = 1U << 1
};

/*
 * Embedded in the handshake state and in each keypair. @index is host
 * order; it goes on the wire little-endian. The owner runs
 * INIT_HLIST_NODE(&entry->index_hash) once before first use.
 */
struct wg_index_entry {
	struct hlist_node index_hash;
	u32 index;
	enum wg_index_type type;
	struct wg_peer *peer;
};

struct wg_index_hashtable {
	DECLARE_HASHTABLE(hashtable, 13);
	spinlock_t lock;	/* writers */
};

struct wg_index_hashtable *wg_index_hashtable_alloc(void);
u32 wg_index_hashtable_insert(struct wg_index_hashtable *table,
			      struct wg_index_entry *entry);
bool wg_index_hashtable_replace(struct wg_index_hashtable *table,
				struct wg_index_entry *old,
				struct wg_index_entry *new);
void wg_index_hashtable_remove(struct wg_index_hashtable *table,
			       struct wg_index_entry *entry);
struct wg_index_entry *
wg_index_hashtable_lookup(struct wg_index_hashtable *table,
			  unsigned int type_mask, u32 index,
			  struct wg_peer **peer);

#endif /* _WG_PEERLOOKUP_H */
