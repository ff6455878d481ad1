// SPDX-License-Identifier: GPL-2.0
/*
 * Receiving: every datagram on our port is checked for a known type and
 * its exact size, in softirq. Handshake messages wait in a bounded queue
 * for the handshake workers, one per CPU (the handshake state sleeps on
 * its lock). Data messages find their session here, then wait in the
 * device's decrypt queue for a crypt worker, which decrypts them in place
 * in process context; the peer's ordered queue hands them to the stack
 * through GRO cells in the order they arrived, with BH disabled.
 *
 * Nothing received is answered except valid handshakes and, under load,
 * initiations with a good mac1 (with a cookie reply). Every drop is
 * counted on the device.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/scatterlist.h>
#include <linux/udp.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>

#include "compat.h"
#include "device.h"
#include "events.h"
#include "peer.h"
#include "queueing.h"
#include "ratelimiter.h"
#include "receive.h"
#include "send.h"
#include "timers.h"

#define WG_MAX_SG (MAX_SKB_FRAGS + 8)

/*
 * Why a received packet was dropped, for an operator: rate-limited, and
 * printed only when enabled with dynamic debug (or built with
 * CONFIG_WG_DEBUG=y), so the arguments cost nothing otherwise. @skb's
 * outer IP and UDP headers must still be in place.
 */
#define drop_dbg(wg, skb, why, ...)					\
	do {								\
		struct wg_endpoint __from;				\
									\
		net_dbg_ratelimited("%s: from %pISpfsc: " why "\n",	\
				    (wg)->dev->name,			\
				    outer_source(skb, &__from),		\
				    ##__VA_ARGS__);			\
	} while (0)

static const struct sockaddr *outer_source(const struct sk_buff *skb,
					   struct wg_endpoint *from)
{
	if (!wg_endpoint_from_skb(from, skb))
		from->addr.sa_family = AF_UNSPEC;
	return &from->addr;
}

/* The type of a well-formed message, MESSAGE_INVALID otherwise. */
static enum wg_message_type classify(struct sk_buff *skb)
{
	struct wg_msg_header header;

	if (skb->len < sizeof(header) ||
	    skb_copy_bits(skb, 0, &header, sizeof(header)))
		return MESSAGE_INVALID;
	switch (le32_to_cpu(header.type)) {
	case MESSAGE_HANDSHAKE_INITIATION:
		if (skb->len == sizeof(struct wg_msg_initiation))
			return MESSAGE_HANDSHAKE_INITIATION;
		break;
	case MESSAGE_HANDSHAKE_RESPONSE:
		if (skb->len == sizeof(struct wg_msg_response))
			return MESSAGE_HANDSHAKE_RESPONSE;
		break;
	case MESSAGE_HANDSHAKE_COOKIE:
		if (skb->len == sizeof(struct wg_msg_cookie))
			return MESSAGE_HANDSHAKE_COOKIE;
		break;
	case MESSAGE_DATA:
		if (skb->len >= WG_DATA_OVERHEAD)
			return MESSAGE_DATA;
		break;
	}
	return MESSAGE_INVALID;
}

/* Handshakes ------------------------------------------------------------ */

/* More than 1/8 of the queue waiting now, or so within the last second. */
static bool under_load(struct wg_device *wg)
{
	unsigned long last;

	if (atomic_read(&wg->handshake_queue_len) >=
	    MAX_QUEUED_INCOMING_HANDSHAKES / 8) {
		WRITE_ONCE(wg->last_under_load, jiffies);
		return true;
	}
	last = READ_ONCE(wg->last_under_load);
	return last && time_before(jiffies, last + HZ);
}

/*
 * An authenticated message of @len bytes: the peer's and the device's.
 * The device's per-CPU counters are also written from softirq, so BH is
 * off here, in the handshake workers too.
 */
static void count_rx(struct wg_peer *peer, unsigned int len)
{
	lockdep_assert_in_softirq();
	atomic64_add(len, &peer->rx_bytes);
	dev_sw_netstats_rx_add(peer->device->dev, len);
}

/* @peer sent @skb, a handshake message that checked out. */
static void handshake_authenticated(struct wg_peer *peer,
				    const struct sk_buff *skb)
{
	wg_peer_roam(peer, skb);
	local_bh_disable();
	count_rx(peer, skb->len);
	local_bh_enable();
	wg_timers_any_authenticated_packet_received(peer);
	wg_timers_any_authenticated_packet_traversal(peer);
}

static void consume_cookie(struct wg_device *wg, struct sk_buff *skb)
{
	const struct wg_msg_cookie *msg = (const void *)skb->data;
	struct wg_peer *peer;

	if (!wg_index_hashtable_lookup(wg->index_hashtable,
				       WG_INDEX_HANDSHAKE | WG_INDEX_KEYPAIR,
				       le32_to_cpu(msg->receiver), &peer))
		goto drop;
	if (!wg_cookie_consume_reply(&peer->latest_cookie, msg)) {
		wg_peer_put(peer);
		goto drop;
	}
	wg_peer_put(peer);
	return;
drop:
	drop_dbg(wg, skb, "invalid cookie reply");
	DEV_STATS_INC(wg->dev, rx_dropped);
}

static void consume_initiation(struct wg_device *wg, struct sk_buff *skb)
{
	const struct wg_msg_initiation *msg = (const void *)skb->data;
	struct noise_initiation_scratch scratch;
	struct wg_peer *peer;

	if (!wg_noise_initiation_identify(&scratch, msg, &wg->static_identity))
		goto drop;
	peer = wg_pubkey_hashtable_lookup(wg->peer_hashtable,
					  scratch.remote_static);
	if (!peer) {
		wg_event_unknown_peer(wg, scratch.remote_static, skb);
		wg_noise_initiation_forget(&scratch);
		goto drop;
	}
	if (!wg_noise_initiation_finish(&scratch, msg, &peer->handshake)) {
		wg_peer_put(peer);
		goto drop;
	}
	handshake_authenticated(peer, skb);
	wg_packet_send_handshake_response(peer);
	wg_peer_put(peer);
	return;
drop:
	drop_dbg(wg, skb, "invalid handshake initiation");
	DEV_STATS_INC(wg->dev, rx_dropped);
}

static void consume_response(struct wg_device *wg, struct sk_buff *skb)
{
	const struct wg_msg_response *msg = (const void *)skb->data;
	struct wg_peer *peer;

	if (!wg_index_hashtable_lookup(wg->index_hashtable, WG_INDEX_HANDSHAKE,
				       le32_to_cpu(msg->receiver), &peer))
		goto drop;
	if (!wg_noise_consume_response(msg, &peer->handshake)) {
		wg_peer_put(peer);
		goto drop;
	}
	handshake_authenticated(peer, skb);

	if (wg_peer_begin_session(peer)) {
		wg_peer_handshake_complete(peer);
		/* The responder waits for proof we have the keys: send. */
		wg_packet_send_keepalive(peer);
	}
	wg_peer_put(peer);
	return;
drop:
	drop_dbg(wg, skb, "invalid handshake response");
	DEV_STATS_INC(wg->dev, rx_dropped);
}

static void receive_handshake(struct wg_device *wg, struct sk_buff *skb)
{
	enum wg_message_type type = le32_to_cpu(*(__le32 *)skb->data);
	struct wg_cookie_source src = { 0 };
	enum wg_cookie_mac_state mac;
	struct wg_endpoint from;
	bool loaded;

	if (type == MESSAGE_HANDSHAKE_COOKIE) {
		consume_cookie(wg, skb);
		return;
	}
	if (!wg_endpoint_from_skb(&from, skb))
		goto drop;
	wg_endpoint_cookie_source(&from, &src);

	loaded = under_load(wg);
	mac = wg_cookie_validate(&wg->cookie_checker, skb->data, skb->len,
				 loaded, &src);
	if (mac == WG_COOKIE_MAC_INVALID) {
		drop_dbg(wg, skb, "handshake message with an invalid mac1");
		goto drop;
	}
	if (loaded) {
		if (mac != WG_COOKIE_MAC2_VALID) {
			wg_packet_send_cookie_reply(wg, skb);
			return;
		}
		if (!wg_ratelimiter_allow(READ_ONCE(wg->creating_net),
					  from.addr.sa_family, src.addr)) {
			drop_dbg(wg, skb, "handshake rate limit reached");
			goto drop;
		}
	}

	if (type == MESSAGE_HANDSHAKE_INITIATION)
		consume_initiation(wg, skb);
	else
		consume_response(wg, skb);
	return;
drop:
	DEV_STATS_INC(wg->dev, rx_dropped);
}

/* On every CPU at once: the noise, cookie and peer state lock for it. */
void wg_packet_handshake_receive_worker(struct work_struct *work)
{
	struct wg_spread_queue *queue = wg_spread_queue_of(work);
	struct wg_device *wg = container_of(queue, struct wg_device,
					    handshake_queue);
	struct sk_buff *skb;

	while ((skb = ptr_ring_consume(&queue->ring)) != NULL) {
		receive_handshake(wg, skb);
		consume_skb(skb);
		atomic_dec(&wg->handshake_queue_len);
		cond_resched();
	}
}

/* Softirq: park a handshake message for the workers. */
static void queue_handshake(struct wg_device *wg, struct sk_buff *skb)
{
	if (skb_linearize(skb))
		goto drop;
	/* The route it came by is not needed, and may not outlive RCU. */
	skb_dst_drop(skb);
	/* Counted first, so a worker never takes the count below zero. */
	atomic_inc(&wg->handshake_queue_len);
	if (unlikely(ptr_ring_produce_bh(&wg->handshake_queue.ring, skb))) {
		atomic_dec(&wg->handshake_queue_len);
		drop_dbg(wg, skb, "handshake queue full");
		goto drop;
	}
	wg_spread_queue_kick(&wg->handshake_queue, 1);
	return;
drop:
	DEV_STATS_INC(wg->dev, rx_dropped);
	kfree_skb(skb);
}

/* Data ------------------------------------------------------------------ */

/* Length of the inner IP packet at the start of @skb, or 0 if none fits. */
static unsigned int inner_len(struct sk_buff *skb, __be16 *proto)
{
	unsigned int len;

	if (!pskb_may_pull(skb, sizeof(struct iphdr)))
		return 0;
	if (ip_hdr(skb)->version == 4) {
		const struct iphdr *iph = ip_hdr(skb);

		len = ntohs(iph->tot_len);
		if (iph->ihl < 5 || len < iph->ihl * 4 || len > skb->len)
			return 0;
		*proto = htons(ETH_P_IP);
		return len;
	}
	if (ip_hdr(skb)->version == 6 &&
	    pskb_may_pull(skb, sizeof(struct ipv6hdr))) {
		len = ntohs(ipv6_hdr(skb)->payload_len) +
		      sizeof(struct ipv6hdr);
		if (len > skb->len)
			return 0;
		*proto = htons(ETH_P_IPV6);
		return len;
	}
	return 0;
}

static u8 outer_dsfield(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return ip_hdr(skb)->tos;
	return ipv6_get_dsfield(ipv6_hdr(skb));
}

/*
 * The decrypt queue's work on one packet: decrypt @skb, a data message,
 * in place with the session and counter it was queued with; the tag and
 * header stay.
 */
bool wg_packet_decrypt(struct sk_buff *skb)
{
	unsigned int len = skb->len - sizeof(struct wg_msg_data);
	struct scatterlist sg[WG_MAX_SG];
	struct sk_buff *trailer;
	int nfrags;

	nfrags = skb_cow_data(skb, 0, &trailer);
	if (unlikely(nfrags < 0 || nfrags > ARRAY_SIZE(sg)))
		return false;
	sg_init_table(sg, nfrags);
	if (skb_to_sgvec(skb, sg, sizeof(struct wg_msg_data), len) <= 0)
		return false;
	return wg_noise_decrypt_sg(wg_cb(skb)->keypair, sg, len,
				   wg_cb(skb)->nonce);
}

/*
 * Hand an authenticated inner packet of @peer to the stack. It counts as
 * received (@wire_len bytes of message) only once it is accepted: a
 * packet from a source the peer does not own is an error, not traffic.
 */
static void deliver(struct wg_device *wg, struct wg_peer *peer,
		    struct sk_buff *skb, u8 outer_ds, unsigned int wire_len)
{
	struct net_device *dev = wg->dev;
	struct wg_peer *owner;
	unsigned int len;
	__be16 proto = 0;

	skb_reset_network_header(skb);
	len = inner_len(skb, &proto);
	if (unlikely(!len) || pskb_trim(skb, len)) {
		net_dbg_ratelimited("%s: peer %llu sent a packet that is not valid IP\n",
				    dev->name, peer->internal_id);
		DEV_STATS_INC(dev, rx_length_errors);
		DEV_STATS_INC(dev, rx_errors);
		goto drop;
	}
	skb->protocol = proto;

	/* Only the peer that owns the source address may send from it. */
	rcu_read_lock_bh();
	owner = wg_allowedips_lookup_src(&wg->peer_allowedips, skb);
	rcu_read_unlock_bh();
	wg_peer_put(owner);
	if (unlikely(owner != peer)) {
		if (proto == htons(ETH_P_IP))
			net_dbg_ratelimited("%s: peer %llu sent a packet from %pI4, not in its allowed IPs\n",
					    dev->name, peer->internal_id,
					    &ip_hdr(skb)->saddr);
		else
			net_dbg_ratelimited("%s: peer %llu sent a packet from %pI6c, not in its allowed IPs\n",
					    dev->name, peer->internal_id,
					    &ipv6_hdr(skb)->saddr);
		DEV_STATS_INC(dev, rx_frame_errors);
		DEV_STATS_INC(dev, rx_errors);
		goto drop;
	}
	if (unlikely(INET_ECN_decapsulate(skb, outer_ds,
					  proto == htons(ETH_P_IP) ?
					  ip_hdr(skb)->tos :
					  ipv6_get_dsfield(ipv6_hdr(skb))) > 1)) {
		DEV_STATS_INC(dev, rx_frame_errors);
		DEV_STATS_INC(dev, rx_errors);
		goto drop;
	}

	count_rx(peer, wire_len);

	/* A new packet: nothing of the outer one (its mark, say) carries on. */
	wg_fresh_packet(skb);
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	skb_reset_mac_header(skb);
	skb_reset_transport_header(skb);
	/* Authenticated: nothing in it can have been damaged on the way. */
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->csum_level = ~0;
	/*
	 * GRO cells queue without a lock, trusting their NAPI to poll on
	 * the CPU that queued. Threaded NAPI (sysfs "threaded") polls them
	 * from a thread on any CPU, racing the queue until a cell is never
	 * scheduled again and the device receives nothing more (tunnel-stall).
	 * Then the stack gets the packet directly, without GRO. The flag is
	 * a bit-field on some kernels: a plain read, a stale one is harmless.
	 */
	if (unlikely(dev->threaded)) {
		netif_receive_skb(skb);
		return;
	}
	if (unlikely(gro_cells_receive(&wg->gro_cells, skb) != NET_RX_SUCCESS))
		DEV_STATS_INC(dev, rx_dropped);
	return;
drop:
	kfree_skb(skb);
}

/*
 * The drainer of @peer's receive queue, in arrival order: what decrypted
 * is checked against the replay window, counted, and delivered, at most
 * @budget packets (see wg_drain_fn); returns how many it took. BH
 * disabled; @peer is held by the caller or RCU.
 */
unsigned int wg_packet_receive_ready(struct wg_peer *peer,
				     unsigned int budget)
{
	struct wg_ordered_queue *q = &peer->rx_queue;
	struct wg_device *wg = peer->device;
	bool authenticated, data_received;
	unsigned int left = budget;
	struct noise_keypair *keypair;
	unsigned int done;
	struct sk_buff *skb;

	do {
		if (!wg_ordered_begin(q))
			break;
		done = 0;
		authenticated = false;
		data_received = false;
		while (left && (skb = wg_ordered_next(q)) != NULL) {
			left--;
			done++;
			keypair = wg_cb(skb)->keypair;
			if (unlikely(atomic_read(&wg_cb(skb)->state) !=
				     WG_PACKET_CRYPTED ||
				     !wg_replay_check_and_update(&keypair->receiving_counter,
								 wg_cb(skb)->nonce))) {
				drop_dbg(wg, skb,
					 "data for peer %llu that did not decrypt, or replayed (counter %llu)",
					 peer->internal_id, wg_cb(skb)->nonce);
				wg_noise_keypair_put(keypair);
				DEV_STATS_INC(wg->dev, rx_dropped);
				kfree_skb(skb);
				continue;
			}
			/* Authenticated from here on. */
			authenticated = true;
			if (wg_noise_received_with_keypair(&peer->keypairs,
							   keypair)) {
				wg_peer_handshake_complete(peer);
				wg_packet_send_staged_packets(peer);
			}
			wg_peer_roam(peer, skb);
			if (unlikely(wg_noise_keypair_rekey_on_receive(keypair) &&
				     !peer->sent_lastminute_handshake)) {
				peer->sent_lastminute_handshake = true;
				wg_packet_send_queued_handshake_initiation(peer,
									   false);
			}
			wg_noise_keypair_put(keypair);

			if (pskb_trim(skb, skb->len - WG_AUTHTAG_LEN)) {
				DEV_STATS_INC(wg->dev, rx_dropped);
				kfree_skb(skb);
				continue;
			}
			__skb_pull(skb, sizeof(struct wg_msg_data));
			if (!skb->len) {
				/* A keepalive: it already did its work. */
				count_rx(peer, wg_cb(skb)->wire_len);
				consume_skb(skb);
				continue;
			}
			data_received = true;
			deliver(wg, peer, skb, wg_cb(skb)->ds,
				wg_cb(skb)->wire_len);
		}
		if (authenticated) {
			wg_timers_any_authenticated_packet_received(peer);
			wg_timers_any_authenticated_packet_traversal(peer);
		}
		if (data_received)
			wg_timers_data_received(peer);
		/* Each packet held the peer; @peer stays ours until here. */
		while (done--)
			wg_peer_put(peer);
	} while (wg_ordered_end(q) &&
		 wg_peer_drain_more(peer, left, &peer->rx_resume_work));
	return budget - left;
}

/* Softirq: find the session of a data message and queue it for decryption. */
static void receive_data(struct wg_device *wg, struct sock *sk,
			 struct sk_buff *skb)
{
	struct net_device *dev = wg->dev;
	struct noise_keypair *keypair = NULL;
	struct wg_index_entry *entry;
	const struct wg_msg_data *hdr;
	struct wg_ordered_queue *q;
	struct wg_peer *peer;
	bool queued, dead;
	u64 counter;

	if (unlikely(!pskb_may_pull(skb, sizeof(*hdr))))
		goto drop_silent;
	hdr = (const void *)skb->data;
	counter = le64_to_cpu(hdr->counter);

	rcu_read_lock_bh();
	entry = wg_index_hashtable_lookup(wg->index_hashtable, WG_INDEX_KEYPAIR,
					  le32_to_cpu(hdr->receiver), &peer);
	if (entry)
		keypair = wg_noise_keypair_get(container_of(entry,
							    struct noise_keypair,
							    index_entry));
	rcu_read_unlock_bh();
	if (unlikely(!entry)) {
		drop_dbg(wg, skb, "data for an unknown session");
		goto drop_silent;
	}
	if (unlikely(!keypair))
		goto drop_peer;
	if (unlikely(!wg_noise_keypair_receive_allowed(keypair) ||
		     wg_replay_too_old(&keypair->receiving_counter, counter))) {
		drop_dbg(wg, skb,
			 "data for peer %llu under an expired session, or too old",
			 peer->internal_id);
		goto drop_peer;
	}

	wg_cb(skb)->peer = peer;
	wg_cb(skb)->keypair = keypair;
	wg_cb(skb)->nonce = counter;
	wg_cb(skb)->wire_len = skb->len;
	wg_cb(skb)->ds = outer_dsfield(skb);
	/* The route it came by is not needed, and may not outlive RCU. */
	skb_dst_drop(skb);

	q = &peer->rx_queue;
	spin_lock_bh(&q->packets.lock);
	queued = wg_ordered_enqueue(q, &wg->decrypt_queue, skb);
	dead = queued && atomic_read(&wg_cb(skb)->state) == WG_PACKET_DEAD;
	spin_unlock_bh(&q->packets.lock);
	if (unlikely(!queued)) {
		drop_dbg(wg, skb, "receive queue of peer %llu full",
			 peer->internal_id);
		goto drop_peer;
	}
	wg_spread_queue_kick(&wg->decrypt_queue.spread, 1);
	/* No worker will finish a packet the ring had no room for. */
	if (unlikely(dead)) {
		rcu_read_lock_bh();
		wg_packet_receive_ready(peer, WG_DRAIN_BUDGET);
		rcu_read_unlock_bh();
	}
	return;

drop_peer:
	wg_noise_keypair_put(keypair);
	wg_peer_put(peer);
drop_silent:
	DEV_STATS_INC(dev, rx_dropped);
	kfree_skb(skb);
}

/* Entry --------------------------------------------------------------- */

int wg_packet_receive(struct sock *sk, struct sk_buff *skb)
{
	struct wg_device *wg = rcu_dereference_sk_user_data(sk);

	if (unlikely(!wg)) {
		kfree_skb(skb);
		return 0;
	}
	if (unlikely(!pskb_may_pull(skb, sizeof(struct udphdr))))
		goto drop;
	__skb_pull(skb, sizeof(struct udphdr));

	switch (classify(skb)) {
	case MESSAGE_HANDSHAKE_INITIATION:
	case MESSAGE_HANDSHAKE_RESPONSE:
	case MESSAGE_HANDSHAKE_COOKIE:
		queue_handshake(wg, skb);
		return 0;
	case MESSAGE_DATA:
		receive_data(wg, sk, skb);
		return 0;
	default:
		break;
	}
drop:
	drop_dbg(wg, skb, "%u bytes that are no message", skb->len);
	DEV_STATS_INC(wg->dev, rx_errors);
	DEV_STATS_INC(wg->dev, rx_length_errors);
	kfree_skb(skb);
	return 0;
}
