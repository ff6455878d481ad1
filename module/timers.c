// SPDX-License-Identifier: GPL-2.0
/*
 * Per-peer timers. Every arming goes through arm(), which refuses once
 * the peer is dead or its device is down; wg_peer_remove() sets is_dead,
 * waits for an RCU grace period and then stops the timers for good, so
 * nothing re-arms them behind its back.
 *
 * Callbacks run in softirq: they may send (keepalives, queued
 * initiations) but leave anything that sleeps to the device workqueue.
 */
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/random.h>
#include <linux/timekeeping.h>

#include "compat.h"
#include "device.h"
#include "peer.h"
#include "queueing.h"
#include "send.h"
#include "timers.h"

static unsigned long jitter(void)
{
	return get_random_u32() % REKEY_TIMEOUT_JITTER_MAX_JIFFIES;
}

static void arm(struct wg_peer *peer, struct timer_list *timer,
		unsigned long expires)
{
	rcu_read_lock_bh();
	if (likely(netif_running(peer->device->dev) &&
		   !READ_ONCE(peer->is_dead)))
		mod_timer(timer, expires);
	rcu_read_unlock_bh();
}

static void retransmit_handshake_expired(struct timer_list *timer)
{
	struct wg_peer *peer = timer_container_of(peer, timer,
						  timer_retransmit_handshake);

	if (peer->timer_handshake_attempts > MAX_TIMER_HANDSHAKES) {
		/* Give up: nothing waiting may go out on a stale session. */
		timer_delete(&peer->timer_send_keepalive);
		wg_packet_purge_staged_packets(peer);
		if (!timer_pending(&peer->timer_zero_key_material))
			arm(peer, &peer->timer_zero_key_material,
			    jiffies + REJECT_AFTER_TIME * 3 * HZ);
		return;
	}
	++peer->timer_handshake_attempts;
	/* The route to the endpoint may have changed; look it up afresh. */
	wg_peer_clear_src(peer);
	wg_packet_send_queued_handshake_initiation(peer, true);
}

static void send_keepalive_expired(struct timer_list *timer)
{
	struct wg_peer *peer = timer_container_of(peer, timer,
						  timer_send_keepalive);

	wg_packet_send_keepalive(peer);
	if (peer->timer_need_another_keepalive) {
		peer->timer_need_another_keepalive = false;
		arm(peer, &peer->timer_send_keepalive,
		    jiffies + KEEPALIVE_TIMEOUT * HZ);
	}
}

static void new_handshake_expired(struct timer_list *timer)
{
	struct wg_peer *peer = timer_container_of(peer, timer,
						  timer_new_handshake);

	/* We sent and heard nothing back: maybe the path moved. */
	wg_peer_clear_src(peer);
	wg_packet_send_queued_handshake_initiation(peer, false);
}

static void zero_key_material_expired(struct timer_list *timer)
{
	struct wg_peer *peer = timer_container_of(peer, timer,
						  timer_zero_key_material);

	/* The handshake state sleeps on its lock: clear it from a worker. */
	rcu_read_lock_bh();
	if (!READ_ONCE(peer->is_dead)) {
		wg_peer_get(peer);
		if (!queue_work(peer->device->handshake_wq,
				&peer->clear_keys_work))
			wg_peer_put(peer);
	}
	rcu_read_unlock_bh();
}

static void persistent_keepalive_expired(struct timer_list *timer)
{
	struct wg_peer *peer = timer_container_of(peer, timer,
						  timer_persistent_keepalive);

	if (likely(READ_ONCE(peer->persistent_keepalive_interval)))
		wg_packet_send_keepalive(peer);
}

void wg_timers_init(struct wg_peer *peer)
{
	timer_setup(&peer->timer_retransmit_handshake,
		    retransmit_handshake_expired, 0);
	timer_setup(&peer->timer_send_keepalive, send_keepalive_expired, 0);
	timer_setup(&peer->timer_new_handshake, new_handshake_expired, 0);
	timer_setup(&peer->timer_zero_key_material,
		    zero_key_material_expired, 0);
	timer_setup(&peer->timer_persistent_keepalive,
		    persistent_keepalive_expired, 0);
	peer->timer_handshake_attempts = 0;
	peer->timer_need_another_keepalive = false;
	peer->sent_lastminute_handshake = false;
}

/* Wait for running callbacks; the caller made sure nothing re-arms. */
void wg_timers_stop(struct wg_peer *peer)
{
	timer_delete_sync(&peer->timer_retransmit_handshake);
	timer_delete_sync(&peer->timer_send_keepalive);
	timer_delete_sync(&peer->timer_new_handshake);
	timer_delete_sync(&peer->timer_zero_key_material);
	timer_delete_sync(&peer->timer_persistent_keepalive);
}

/* We sent data: expect an answer before a new handshake is due. */
void wg_timers_data_sent(struct wg_peer *peer)
{
	if (!timer_pending(&peer->timer_new_handshake))
		arm(peer, &peer->timer_new_handshake,
		    jiffies + (KEEPALIVE_TIMEOUT + REKEY_TIMEOUT) * HZ +
		    jitter());
}

/* We received data: answer with a keepalive if we send nothing soon. */
void wg_timers_data_received(struct wg_peer *peer)
{
	if (!timer_pending(&peer->timer_send_keepalive))
		arm(peer, &peer->timer_send_keepalive,
		    jiffies + KEEPALIVE_TIMEOUT * HZ);
	else
		peer->timer_need_another_keepalive = true;
}

void wg_timers_any_authenticated_packet_sent(struct wg_peer *peer)
{
	timer_delete(&peer->timer_send_keepalive);
}

void wg_timers_any_authenticated_packet_received(struct wg_peer *peer)
{
	timer_delete(&peer->timer_new_handshake);
}

/* Sent or received: the persistent keepalive counts from here. */
void wg_timers_any_authenticated_packet_traversal(struct wg_peer *peer)
{
	u16 interval = READ_ONCE(peer->persistent_keepalive_interval);

	if (interval)
		arm(peer, &peer->timer_persistent_keepalive,
		    jiffies + interval * HZ);
}

void wg_timers_handshake_initiated(struct wg_peer *peer)
{
	arm(peer, &peer->timer_retransmit_handshake,
	    jiffies + REKEY_TIMEOUT * HZ + jitter());
}

/* A session came out of it: stop retrying and record when, for GET. */
void wg_timers_handshake_complete(struct wg_peer *peer)
{
	struct timespec64 now;

	timer_delete(&peer->timer_retransmit_handshake);
	peer->timer_handshake_attempts = 0;
	peer->sent_lastminute_handshake = false;
	ktime_get_real_ts64(&now);
	write_seqlock_bh(&peer->last_handshake_lock);
	peer->last_handshake = now;
	write_sequnlock_bh(&peer->last_handshake_lock);
}

/* New keys: forget all of them if no newer ones come in time. */
void wg_timers_session_derived(struct wg_peer *peer)
{
	arm(peer, &peer->timer_zero_key_material,
	    jiffies + REJECT_AFTER_TIME * 3 * HZ);
}
