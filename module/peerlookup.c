// SPDX-License-Identifier: GPL-2.0
/*
 * Hashtables from public key and from handshake/session index to peer.
 */
#include <linux/random.h>
#include <linux/slab.h>

#include "peer.h"
#include "peerlookup.h"

/*
 * Public keys are chosen by whoever configures the device, so the bucket
 * comes from a keyed hash: nobody can aim many keys at one bucket.
 */
static struct hlist_head *pubkey_bucket(struct wg_pubkey_hashtable *table,
					const u8 pubkey[WG_KEY_LEN])
{
	u64 hash = siphash(pubkey, WG_KEY_LEN, &table->key);

	return &table->hashtable[hash & (HASH_SIZE(table->hashtable) - 1)];
}

struct wg_pubkey_hashtable *wg_pubkey_hashtable_alloc(struct mutex *lock)
{
	struct wg_pubkey_hashtable *table = kvmalloc(sizeof(*table),
						     GFP_KERNEL);

	if (!table)
		return NULL;
	get_random_bytes(&table->key, sizeof(table->key));
	hash_init(table->hashtable);
	table->lock = lock;
	return table;
}

void wg_pubkey_hashtable_add(struct wg_pubkey_hashtable *table,
			     struct wg_peer *peer)
{
	lockdep_assert_held(table->lock);
	hlist_add_head_rcu(&peer->pubkey_hash,
			   pubkey_bucket(table, peer->public_key));
}

void wg_pubkey_hashtable_remove(struct wg_pubkey_hashtable *table,
				struct wg_peer *peer)
{
	lockdep_assert_held(table->lock);
	hlist_del_init_rcu(&peer->pubkey_hash);
}

/* A reference to the peer with this public key, or NULL. */
struct wg_peer *wg_pubkey_hashtable_lookup(struct wg_pubkey_hashtable *table,
					   const u8 pubkey[WG_KEY_LEN])
{
	struct wg_peer *iter, *found = NULL;

	rcu_read_lock_bh();
	hlist_for_each_entry_rcu_bh(iter, pubkey_bucket(table, pubkey),
				    pubkey_hash) {
		if (!memcmp(iter->public_key, pubkey, WG_KEY_LEN)) {
			found = wg_peer_get_maybe_zero(iter);
			break;
		}
	}
	rcu_read_unlock_bh();
	return found;
}

static struct hlist_head *index_bucket(struct wg_index_hashtable *table,
				       u32 index)
{
	/* Indices are random already; their low bits spread well. */
	return &table->hashtable[index & (HASH_SIZE(table->hashtable) - 1)];
}

struct wg_index_hashtable *wg_index_hashtable_alloc(void)
{
	struct wg_index_hashtable *table = kvmalloc(sizeof(*table),
						    GFP_KERNEL);

	if (!table)
		return NULL;
	hash_init(table->hashtable);
	spin_lock_init(&table->lock);
	return table;
}

/* Under table->lock. */
static bool index_in_use(struct wg_index_hashtable *table, u32 index)
{
	struct wg_index_entry *iter;

	lockdep_assert_held(&table->lock);
	hlist_for_each_entry(iter, index_bucket(table, index), index_hash) {
		if (iter->index == index)
			return true;
	}
	return false;
}

/*
 * Give @entry a random index nobody else in the table uses, moving it
 * there if it had one. One step under the lock: two callers moving the
 * same entry at once would otherwise link it into two buckets, and the
 * bucket it is later removed from would not be the one still pointing
 * at it. Callers also serialise per entry (the handshake's lock), so the
 * index they get back is still the entry's when they use it.
 *
 * An RCU reader standing on the entry while it moves continues in the
 * new bucket and may miss the rest of the old one: a lookup that misses
 * a handshake being replaced anyway.
 */
u32 wg_index_hashtable_insert(struct wg_index_hashtable *table,
			      struct wg_index_entry *entry)
{
	u32 index;

	spin_lock_bh(&table->lock);
	hlist_del_init_rcu(&entry->index_hash);
	do {
		index = get_random_u32();
	} while (index_in_use(table, index));
	entry->index = index;
	hlist_add_head_rcu(&entry->index_hash, index_bucket(table, index));
	spin_unlock_bh(&table->lock);
	return index;
}

/* @new takes over the index of @old, which leaves the table. */
bool wg_index_hashtable_replace(struct wg_index_hashtable *table,
				struct wg_index_entry *old,
				struct wg_index_entry *new)
{
	bool replaced = false;

	spin_lock_bh(&table->lock);
	if (!hlist_unhashed(&old->index_hash)) {
		new->index = old->index;
		hlist_replace_rcu(&old->index_hash, &new->index_hash);
		/*
		 * Mark @old unhashed but keep its next pointer: a reader
		 * standing on it still reaches the rest of the bucket.
		 */
		WRITE_ONCE(old->index_hash.pprev, NULL);
		replaced = true;
	}
	spin_unlock_bh(&table->lock);
	return replaced;
}

void wg_index_hashtable_remove(struct wg_index_hashtable *table,
			       struct wg_index_entry *entry)
{
	spin_lock_bh(&table->lock);
	hlist_del_init_rcu(&entry->index_hash);
	spin_unlock_bh(&table->lock);
}

/* The entry of that index and kind, with a reference on its peer. */
struct wg_index_entry *
wg_index_hashtable_lookup(struct wg_index_hashtable *table,
			  unsigned int type_mask, u32 index,
			  struct wg_peer **peer)
{
	struct wg_index_entry *iter, *found = NULL;

	*peer = NULL;
	rcu_read_lock_bh();
	hlist_for_each_entry_rcu_bh(iter, index_bucket(table, index),
				    index_hash) {
		if (iter->index == index && (iter->type & type_mask)) {
			*peer = wg_peer_get_maybe_zero(iter->peer);
			if (*peer)
				found = iter;
			break;
		}
	}
	rcu_read_unlock_bh();
	return found;
}
