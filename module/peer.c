// SPDX-License-Identifier: GPL-2.0
/*
 * Peers: creation, removal and the few fields configuration and GET touch.
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "device.h"
#include "peer.h"
#include "peerlookup.h"

struct wg_peer *wg_peer_create(struct wg_device *wg,
			       const u8 public_key[WG_KEY_LEN],
			       const u8 preshared_key[WG_KEY_LEN])
{
	struct wg_peer *peer;

	lockdep_assert_held(&wg->device_update_lock);

	if (wg->num_peers >= MAX_PEERS_PER_DEVICE)
		return ERR_PTR(-ENOSPC);

	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (!peer)
		return ERR_PTR(-ENOMEM);

	peer->device = wg;
	memcpy(peer->public_key, public_key, WG_KEY_LEN);
	if (preshared_key)
		memcpy(peer->preshared_key, preshared_key, WG_KEY_LEN);
	rwlock_init(&peer->endpoint_lock);
	seqlock_init(&peer->last_handshake_lock);
	atomic64_set(&peer->rx_bytes, 0);
	atomic64_set(&peer->tx_bytes, 0);
	INIT_LIST_HEAD(&peer->allowedips_list);
	INIT_HLIST_NODE(&peer->pubkey_hash);
	kref_init(&peer->refcount);
	peer->internal_id = wg->peer_next_id++;
	/* Hook: handshake init and precompute, keypairs, timers, queues. */

	list_add_tail(&peer->peer_list, &wg->peer_list);
	wg_pubkey_hashtable_add(wg->peer_hashtable, peer);
	wg->num_peers++;
	return peer;
}

static void free_peer_rcu(struct rcu_head *rcu)
{
	struct wg_peer *peer = container_of(rcu, struct wg_peer, rcu);

	memzero_explicit(peer->preshared_key, sizeof(peer->preshared_key));
	kfree(peer);
}

static void release_peer(struct kref *refcount)
{
	struct wg_peer *peer = container_of(refcount, struct wg_peer,
					    refcount);

	/* Hook: wipe the handshake and cookie state here. */
	call_rcu(&peer->rcu, free_peer_rcu);
}

void wg_peer_put(struct wg_peer *peer)
{
	if (peer)
		kref_put(&peer->refcount, release_peer);
}

/*
 * Unlink the peer from everything that can find it, then drop the
 * creation reference. Holders of other references keep the memory, but
 * see is_dead.
 */
void wg_peer_remove(struct wg_peer *peer)
{
	struct wg_device *wg = peer->device;

	lockdep_assert_held(&wg->device_update_lock);
	if (peer->is_dead)
		return;
	peer->is_dead = true;

	wg_allowedips_remove_by_peer(&wg->peer_allowedips, peer);
	wg_pubkey_hashtable_remove(wg->peer_hashtable, peer);
	list_del_init(&peer->peer_list);
	wg->num_peers--;
	/*
	 * Hook: remove the handshake and keypair indices from
	 * wg->index_hashtable, clear the keypairs, stop the timers and
	 * flush the queues; after synchronize_net() no packet path still
	 * holds the peer without a reference.
	 */
	wg_device_config_changed(wg);
	wg_peer_put(peer);
}

void wg_peer_remove_all(struct wg_device *wg)
{
	struct wg_peer *peer, *tmp;

	list_for_each_entry_safe(peer, tmp, &wg->peer_list, peer_list)
		wg_peer_remove(peer);
}

void wg_peer_set_endpoint(struct wg_peer *peer,
			  const struct wg_endpoint *endpoint)
{
	write_lock_bh(&peer->endpoint_lock);
	peer->endpoint = *endpoint;
	write_unlock_bh(&peer->endpoint_lock);
}

void wg_peer_get_endpoint(struct wg_peer *peer, struct wg_endpoint *endpoint)
{
	read_lock_bh(&peer->endpoint_lock);
	*endpoint = peer->endpoint;
	read_unlock_bh(&peer->endpoint_lock);
}

/* NULL or all zero clears it. Hook: hand it to the handshake state. */
void wg_peer_set_preshared_key(struct wg_peer *peer, const u8 *key)
{
	if (key)
		memcpy(peer->preshared_key, key, WG_KEY_LEN);
	else
		memzero_explicit(peer->preshared_key, WG_KEY_LEN);
}

void wg_peer_get_last_handshake(struct wg_peer *peer,
				struct timespec64 *when)
{
	unsigned int seq;

	do {
		seq = read_seqbegin(&peer->last_handshake_lock);
		*when = peer->last_handshake;
	} while (read_seqretry(&peer->last_handshake_lock, seq));
}
