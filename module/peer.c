// SPDX-License-Identifier: GPL-2.0
/*
 * Peers: creation, removal and the few fields configuration and GET touch.
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "device.h"
#include "events.h"
#include "peer.h"
#include "peerlookup.h"
#include "queueing.h"
#include "receive.h"
#include "send.h"
#include "timers.h"

/*
 * Peers come from a cache of their own: exactly their size, where
 * kmalloc would round them up to the next power of two.
 */
static struct kmem_cache *peer_cache;

int __init wg_peer_init(void)
{
	peer_cache = KMEM_CACHE(wg_peer, 0);
	return peer_cache ? 0 : -ENOMEM;
}

/* After every device: the last peers are freed after a grace period. */
void wg_peer_uninit(void)
{
	rcu_barrier();
	kmem_cache_destroy(peer_cache);
}

/* A session's last reference went: its index leaves the table. */
static void keypair_released(struct noise_keypair *keypair)
{
	struct wg_peer *peer = keypair->index_entry.peer;

	if (peer)
		wg_index_hashtable_remove(peer->device->index_hashtable,
					  &keypair->index_entry);
}

/* Forget every session and the handshake in progress, index and all. */
static void clear_keys(struct wg_peer *peer)
{
	WRITE_ONCE(peer->had_session, false);
	wg_noise_keypairs_clear(&peer->keypairs);
	wg_noise_handshake_clear(&peer->handshake);
}

/*
 * The handshake, either side, yields a session: it takes the handshake's
 * index and the peer's next slot (noise.c). False when it could not (the
 * handshake was cleared or replaced meanwhile). The handshake counts as
 * complete only once each side has proof the other holds the keys: the
 * initiator on the response, the responder on the first packet under the
 * new session (receive.c).
 */
bool wg_peer_begin_session(struct wg_peer *peer)
{
	struct noise_keypair *keypair;

	keypair = wg_noise_begin_session(&peer->handshake, &peer->keypairs);
	if (!keypair)
		return false;
	wg_noise_keypair_put(keypair);
	wg_timers_session_derived(peer);
	return true;
}

/*
 * Each side has proof the other holds the new session's keys: the
 * initiator on the response, the responder on the first packet under it.
 */
void wg_peer_handshake_complete(struct wg_peer *peer)
{
	wg_timers_handshake_complete(peer);
	wg_event_handshake(peer, xchg(&peer->had_session, true));
}

static void clear_keys_worker(struct work_struct *work)
{
	struct wg_peer *peer = container_of(work, struct wg_peer,
					    clear_keys_work);

	clear_keys(peer);
	wg_peer_put(peer);
}

/*
 * A drainer runs with BH disabled and would go on as long as workers on
 * other CPUs keep finishing packets (garbage that fails to decrypt is
 * finished too). A BH-disabled stretch takes at most WG_DRAIN_BUDGET
 * packets, over all the drains in it; after wg_ordered_end() says the
 * head is ready, this says whether budget is left to go round again. If
 * not, @work (which drains again) is queued on the crypt workqueue with a
 * reference to @peer, and softirqs, other peers and the scheduler get the
 * CPU in between. A packet at the head holds the peer, so the reference
 * can be had.
 */
bool wg_peer_drain_more(struct wg_peer *peer, unsigned int budget,
			struct work_struct *work)
{
	if (budget)
		return true;
	if (wg_peer_get_maybe_zero(peer) &&
	    !queue_work(peer->device->crypt_wq, work))
		wg_peer_put(peer);
	return false;
}

/* A drain that ran out of budget goes on here, holding the peer. */
static void resume_drain(struct wg_peer *peer, wg_drain_fn drain)
{
	local_bh_disable();
	drain(peer, WG_DRAIN_BUDGET);
	local_bh_enable();
	wg_peer_put(peer);
}

static void tx_resume_worker(struct work_struct *work)
{
	resume_drain(container_of(work, struct wg_peer, tx_resume_work),
		     wg_packet_send_ready);
}

static void rx_resume_worker(struct work_struct *work)
{
	resume_drain(container_of(work, struct wg_peer, rx_resume_work),
		     wg_packet_receive_ready);
}

/* Process context: the handshake and identity locks sleep. */
static void init_protocol(struct wg_device *wg, struct wg_peer *peer,
			  const u8 *public_key, const u8 *preshared_key)
{
	INIT_HLIST_NODE(&peer->handshake_index.index_hash);
	peer->handshake_index.type = WG_INDEX_HANDSHAKE;
	peer->handshake_index.peer = peer;
	down_read(&wg->static_identity.lock);
	wg_noise_handshake_init(&peer->handshake, &wg->static_identity,
				public_key, preshared_key, wg->index_hashtable,
				&peer->handshake_index);
	up_read(&wg->static_identity.lock);
	wg_noise_keypairs_init(&peer->keypairs, keypair_released);
	wg_cookie_init(&peer->latest_cookie, public_key);
	skb_queue_head_init(&peer->staged_packet_queue);
	wg_ordered_queue_init(&peer->tx_queue);
	wg_ordered_queue_init(&peer->rx_queue);
	atomic64_set(&peer->last_sent_handshake, 0);
	INIT_WORK(&peer->transmit_handshake_work,
		  wg_packet_handshake_send_worker);
	INIT_WORK(&peer->clear_keys_work, clear_keys_worker);
	INIT_WORK(&peer->tx_resume_work, tx_resume_worker);
	INIT_WORK(&peer->rx_resume_work, rx_resume_worker);
	wg_timers_init(peer);
}

struct wg_peer *wg_peer_create(struct wg_device *wg,
			       const u8 public_key[WG_KEY_LEN],
			       const u8 preshared_key[WG_KEY_LEN])
{
	struct wg_peer *peer;

	lockdep_assert_held(&wg->device_update_lock);

	if (wg->num_peers >= MAX_PEERS_PER_DEVICE)
		return ERR_PTR(-ENOSPC);

	peer = kmem_cache_zalloc(peer_cache, GFP_KERNEL);
	if (!peer)
		return ERR_PTR(-ENOMEM);
	if (dst_cache_init(&peer->endpoint_cache, GFP_KERNEL)) {
		kmem_cache_free(peer_cache, peer);
		return ERR_PTR(-ENOMEM);
	}

	peer->device = wg;
	memcpy(peer->public_key, public_key, WG_KEY_LEN);
	rwlock_init(&peer->endpoint_lock);
	seqlock_init(&peer->last_handshake_lock);
	atomic64_set(&peer->rx_bytes, 0);
	atomic64_set(&peer->tx_bytes, 0);
	INIT_LIST_HEAD(&peer->allowedips_list);
	INIT_HLIST_NODE(&peer->pubkey_hash);
	kref_init(&peer->refcount);
	peer->internal_id = wg->peer_next_id++;
	init_protocol(wg, peer, public_key, preshared_key);

	list_add_tail(&peer->peer_list, &wg->peer_list);
	wg_pubkey_hashtable_add(wg->peer_hashtable, peer);
	wg->num_peers++;
	return peer;
}

static void free_peer_rcu(struct rcu_head *rcu)
{
	struct wg_peer *peer = container_of(rcu, struct wg_peer, rcu);

	/* Nobody can reach the peer any more: wipe without the locks. */
	memzero_explicit(&peer->handshake, sizeof(peer->handshake));
	memzero_explicit(&peer->latest_cookie, sizeof(peer->latest_cookie));
	__skb_queue_purge(&peer->staged_packet_queue);
	dst_cache_destroy(&peer->endpoint_cache);
	kmem_cache_free(peer_cache, peer);
}

static void release_peer(struct kref *refcount)
{
	struct wg_peer *peer = container_of(refcount, struct wg_peer,
					    refcount);

	/*
	 * A handshake worker that still held the peer when it was removed
	 * may have installed sessions or a handshake index since: drop them.
	 * May run in softirq, hence no handshake lock here; none is needed,
	 * as nobody else holds the peer to move the index.
	 */
	wg_noise_keypairs_clear(&peer->keypairs);
	wg_index_hashtable_remove(peer->device->index_hashtable,
				  &peer->handshake_index);
	call_rcu(&peer->rcu, free_peer_rcu);
}

void wg_peer_put(struct wg_peer *peer)
{
	if (peer)
		kref_put(&peer->refcount, release_peer);
}

/* Unlink the peer from everything that can find it. */
static void unlink_peer(struct wg_peer *peer, struct list_head *dead)
{
	struct wg_device *wg = peer->device;

	lockdep_assert_held(&wg->device_update_lock);
	WRITE_ONCE(peer->is_dead, true);
	wg_event_peer_removed(peer);
	wg_allowedips_remove_by_peer(&wg->peer_allowedips, peer);
	wg_pubkey_hashtable_remove(wg->peer_hashtable, peer);
	list_move_tail(&peer->peer_list, dead);
	wg->num_peers--;
}

/*
 * After a grace period since is_dead was set nothing re-arms a timer or
 * queues work for the peer: stop what runs, drop what waits, and the
 * creation reference.
 */
static void stop_peer(struct wg_peer *peer)
{
	list_del_init(&peer->peer_list);
	wg_timers_stop(peer);
	if (cancel_work_sync(&peer->transmit_handshake_work))
		wg_peer_put(peer);
	if (cancel_work_sync(&peer->clear_keys_work))
		wg_peer_put(peer);
	wg_packet_purge_staged_packets(peer);
	clear_keys(peer);
	wg_peer_put(peer);
}

/*
 * Holders of other references keep the memory, but see is_dead.
 */
void wg_peer_remove(struct wg_peer *peer)
{
	struct wg_device *wg = peer->device;
	LIST_HEAD(dead);

	lockdep_assert_held(&wg->device_update_lock);
	if (peer->is_dead)
		return;
	unlink_peer(peer, &dead);
	wg_device_config_changed(wg);
	synchronize_net();
	stop_peer(peer);
}

void wg_peer_remove_all(struct wg_device *wg)
{
	struct wg_peer *peer, *tmp;
	LIST_HEAD(dead);

	lockdep_assert_held(&wg->device_update_lock);
	if (list_empty(&wg->peer_list))
		return;
	list_for_each_entry_safe(peer, tmp, &wg->peer_list, peer_list)
		unlink_peer(peer, &dead);
	wg_device_config_changed(wg);
	/* One grace period for all of them. */
	synchronize_net();
	list_for_each_entry_safe(peer, tmp, &dead, peer_list)
		stop_peer(peer);
}

/*
 * Stop talking to the peer until the device comes up again; then its
 * routes and source address are looked up afresh.
 */
void wg_peer_stop(struct wg_peer *peer)
{
	wg_timers_stop(peer);
	wg_packet_purge_staged_packets(peer);
	clear_keys(peer);
	wg_peer_clear_src(peer);
	atomic64_set(&peer->last_sent_handshake, 0);
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
