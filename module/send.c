// SPDX-License-Identifier: GPL-2.0
/*
 * Sending: packets from the stack are staged per peer until a session
 * exists, then given nonces in order and queued both on the peer's send
 * queue and on the device's encrypt ring. Per-CPU workers encrypt them in
 * place, in parallel; whichever finishes sends every ready packet at the
 * head of the peer's queue, so each peer's packets leave in nonce order.
 * Handshake messages and cookie replies go straight out.
 *
 * Sending runs with BH disabled and reads the sockets, the endpoint and
 * the current keypair under RCU / endpoint_lock. Handshake
 * messages are built in process context (the device workqueue) because
 * the handshake state sleeps on its lock.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/scatterlist.h>
#include <linux/security.h>
#include <linux/timekeeping.h>
#include <linux/udp.h>
#include <net/dst_metadata.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "compat.h"
#include "device.h"
#include "peer.h"
#include "queueing.h"
#include "send.h"
#include "timers.h"

/* Scatterlist entries we are willing to put on the stack for one packet. */
#define WG_MAX_SG (MAX_SKB_FRAGS + 8)

/*
 * How deeply the packet this CPU is sending right now is nested in our own
 * encapsulation. An outer packet whose route leads back into a wireguard
 * device (WireGuard inside WireGuard: a peer reached through another peer)
 * arrives in wg_xmit() synchronously, inside udp_tunnel_xmit_skb(), on
 * this CPU and with BH disabled, so no other sender runs on the CPU in
 * between (BH-disabled sections exclude each other per CPU, on PREEMPT_RT
 * too); wg_xmit() reads the depth here and the packet carries it on
 * (wg_cb()->depth) through staging and encryption, which are asynchronous
 * and so invisible to the stack's own xmit recursion limit. A packet
 * nested WG_MAX_DEPTH times is dropped and counted: a true loop (an
 * endpoint reachable only through its own tunnel) costs a bounded amount
 * of work per packet, rather than a pass per 64 bytes the packet can
 * still grow before it outgrows the MTU. An outer packet that reaches a
 * device later (through a qdisc, or another netns' backlog) starts from
 * zero, as with any other pair of tunnels routed into each other.
 */
#define WG_MAX_DEPTH XMIT_RECURSION_LIMIT
static DEFINE_PER_CPU(u8, wg_xmit_depth);

/* Where to send. */
struct wg_route {
	struct wg_endpoint endpoint;	/* what the packet goes out with */
	struct wg_peer *peer;		/* NULL for replies to strangers */
};

static void fill_flow4(struct flowi4 *fl, struct wg_device *wg,
		       struct sock *sk, const struct wg_endpoint *ep)
{
	memset(fl, 0, sizeof(*fl));
	fl->saddr = ep->src4.s_addr;
	fl->daddr = ep->addr4.sin_addr.s_addr;
	fl->fl4_sport = inet_sk(sk)->inet_sport;
	fl->fl4_dport = ep->addr4.sin_port;
	fl->flowi4_mark = READ_ONCE(wg->fwmark);
	fl->flowi4_proto = IPPROTO_UDP;
	/* As for any socket's flow: the LSM labels it before routing. */
	security_sk_classify_flow(sk, flowi4_to_flowi_common(fl));
}

/*
 * Route @ep afresh. The source it was last reached at is kept while it is
 * still ours and the route still leaves by the interface it arrived on;
 * otherwise (the address went, or a better route or another policy now
 * sends the packet out elsewhere) it is forgotten in @ep and routing picks
 * the source again, so the source always follows routing. The caller owns
 * @ep: a copy, or the peer's endpoint under the write lock.
 */
static struct rtable *route4(struct wg_device *wg, struct sock *sk,
			     struct wg_endpoint *ep, __be32 *saddr)
{
	struct flowi4 fl;
	struct rtable *rt;

	fill_flow4(&fl, wg, sk, ep);
	rt = ip_route_output_flow(sock_net(sk), &fl, sk);
	if (ep->src4.s_addr &&
	    (IS_ERR(rt) ||
	     (ep->src_if4 && rt->dst.dev->ifindex != ep->src_if4))) {
		if (!IS_ERR(rt))
			ip_rt_put(rt);
		ep->src4.s_addr = 0;
		ep->src_if4 = 0;
		fill_flow4(&fl, wg, sk, ep);
		rt = ip_route_output_flow(sock_net(sk), &fl, sk);
	}
	if (!IS_ERR(rt))
		*saddr = fl.saddr;
	return rt;
}

#if IS_ENABLED(CONFIG_IPV6)
static void fill_flow6(struct flowi6 *fl, struct wg_device *wg,
		       struct sock *sk, const struct wg_endpoint *ep)
{
	memset(fl, 0, sizeof(*fl));
	fl->saddr = ep->src6;
	fl->daddr = ep->addr6.sin6_addr;
	fl->fl6_sport = inet_sk(sk)->inet_sport;
	fl->fl6_dport = ep->addr6.sin6_port;
	fl->flowi6_mark = READ_ONCE(wg->fwmark);
	fl->flowi6_oif = ep->addr6.sin6_scope_id;
	fl->flowi6_proto = IPPROTO_UDP;
	security_sk_classify_flow(sk, flowi6_to_flowi_common(fl));
}

/* As route4(), for IPv6: a source no longer ours is forgotten. */
static struct dst_entry *route6(struct wg_device *wg, struct sock *sk,
				struct wg_endpoint *ep, struct in6_addr *saddr)
{
	struct dst_entry *dst;
	struct flowi6 fl;

	if (!ipv6_addr_any(&ep->src6) &&
	    !ipv6_chk_addr(sock_net(sk), &ep->src6, NULL, 0))
		memset(&ep->src6, 0, sizeof(ep->src6));
	fill_flow6(&fl, wg, sk, ep);
	dst = ip6_dst_lookup_flow(sock_net(sk), sk, &fl, NULL);
	if (!IS_ERR(dst))
		*saddr = fl.saddr;
	return dst;
}
#endif

/*
 * Route @ep afresh (route4(), route6()): the route, a reference, or an
 * error; @out gets @ep with the source to send from.
 */
static struct dst_entry *lookup_route(struct wg_device *wg, struct sock *sk,
				      struct wg_endpoint *ep,
				      struct wg_endpoint *out)
{
	struct dst_entry *dst = ERR_PTR(-EAFNOSUPPORT);
	struct rtable *rt;

	if (out != ep)
		*out = *ep;
	if (ep->addr.sa_family == AF_INET) {
		rt = route4(wg, sk, ep, &out->src4.s_addr);
		dst = IS_ERR(rt) ? ERR_CAST(rt) : &rt->dst;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (ep->addr.sa_family == AF_INET6)
		dst = route6(wg, sk, ep, &out->src6);
#endif
	return dst;
}

/* The cached route to @ep, a reference, with its source put in @ep. */
static struct dst_entry *cached_route(struct dst_cache *cache,
				      struct wg_endpoint *ep)
{
	struct rtable *rt;

	if (ep->addr.sa_family == AF_INET) {
		rt = dst_cache_get_ip4(cache, &ep->src4.s_addr);
		return rt ? &rt->dst : NULL;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (ep->addr.sa_family == AF_INET6)
		return dst_cache_get_ip6(cache, &ep->src6);
#endif
	return NULL;
}

static void cache_route(struct dst_cache *cache, struct dst_entry *dst,
			const struct wg_endpoint *ep)
{
	if (ep->addr.sa_family == AF_INET)
		dst_cache_set_ip4(cache, dst, ep->src4.s_addr);
#if IS_ENABLED(CONFIG_IPV6)
	if (ep->addr.sa_family == AF_INET6)
		dst_cache_set_ip6(cache, dst, &ep->src6);
#endif
}

/*
 * A peer's route cache and its endpoint belong together: the cache is
 * read under the endpoint's read lock, together with the endpoint
 * (peer_cached_route()), and filled under its write lock in the same
 * critical section that reads (and may forget the source of) the endpoint
 * the route was looked up for (peer_new_route()). wg_peer_set_endpoint(),
 * roaming and wg_peer_clear_src() change the endpoint and reset the cache
 * under the write lock, so a route to an endpoint the peer has left can
 * never enter the cache after the reset.
 */

/* @route gets its peer's endpoint; the cached route to it, or NULL. */
static struct dst_entry *peer_cached_route(struct wg_route *route)
{
	struct wg_peer *peer = route->peer;
	struct dst_entry *dst;

	read_lock(&peer->endpoint_lock);
	route->endpoint = peer->endpoint;
	dst = cached_route(&peer->endpoint_cache, &route->endpoint);
	read_unlock(&peer->endpoint_lock);
	return dst;
}

/*
 * The route to @route's peer looked up afresh and cached, a reference,
 * with the endpoint and the source to send from copied into @route; or an
 * error. Under rcu_read_lock_bh(), with @sk the socket of the family the
 * endpoint had when the cache was read.
 */
static struct dst_entry *peer_new_route(struct wg_device *wg, struct sock *sk,
					struct wg_route *route)
{
	struct wg_peer *peer = route->peer;
	struct dst_entry *dst;

	write_lock(&peer->endpoint_lock);
	dst = lookup_route(wg, sk, &peer->endpoint, &route->endpoint);
	if (!IS_ERR(dst))
		cache_route(&peer->endpoint_cache, dst, &route->endpoint);
	write_unlock(&peer->endpoint_lock);
	return dst;
}

/*
 * Consumes @skb, whose data is a whole WireGuard message nested @depth
 * times in our encapsulation already. It leaves as a packet of its own:
 * nothing of the inner packet it carries (conntrack entry, mark,
 * priority, timestamp, ...) comes along, and it carries the device's
 * fwmark, as a handshake does. The tunnel helpers count it on the
 * device as sent, whole, once it left.
 */
static int send_skb(struct wg_device *wg, struct sk_buff *skb,
		    struct wg_route *route, u8 ds, u8 depth)
{
	struct dst_entry *dst = NULL;
	sa_family_t family;
	struct sock *sk;
	u8 outer_depth;
	int ret;

	wg_fresh_packet(skb);
	skb->mark = READ_ONCE(wg->fwmark);
	skb->dev = wg->dev;
	skb_reset_network_header(skb);
	skb_reset_inner_headers(skb);

	rcu_read_lock_bh();
	if (route->peer)
		dst = peer_cached_route(route);
	family = route->endpoint.addr.sa_family;
	if (family == AF_INET)
		sk = rcu_dereference_bh(wg->sock4);
	else if (family == AF_INET6)
		sk = rcu_dereference_bh(wg->sock6);
	else
		sk = ERR_PTR(-EDESTADDRREQ);
	if (IS_ERR_OR_NULL(sk)) {
		ret = sk ? PTR_ERR(sk) : -ENONET;
		dst_release(dst);
		goto err;
	}
	if (!dst && route->peer)
		dst = peer_new_route(wg, sk, route);
	else if (!dst)
		dst = lookup_route(wg, sk, &route->endpoint, &route->endpoint);
	if (IS_ERR(dst)) {
		ret = PTR_ERR(dst);
		goto err;
	}
	/* The endpoint moved to the other family in between: next time. */
	if (unlikely(route->endpoint.addr.sa_family != family)) {
		dst_release(dst);
		ret = -EAGAIN;
		goto err;
	}

	skb->ignore_df = 1;
	/*
	 * Not scrubbed again on the way (xnet false): the packet is already
	 * new, and its fwmark is the one set for the socket's netns.
	 */
	outer_depth = this_cpu_read(wg_xmit_depth);
	this_cpu_write(wg_xmit_depth, depth + 1);
	if (family == AF_INET)
		udp_tunnel_xmit_skb((struct rtable *)dst, sk, skb,
				    route->endpoint.src4.s_addr,
				    route->endpoint.addr4.sin_addr.s_addr, ds,
				    ip4_dst_hoplimit(dst), 0,
				    inet_sk(sk)->inet_sport,
				    route->endpoint.addr4.sin_port, false,
				    false, 0);
#if IS_ENABLED(CONFIG_IPV6)
	else
		udp_tunnel6_xmit_skb(dst, sk, skb, skb->dev,
				     &route->endpoint.src6,
				     &route->endpoint.addr6.sin6_addr, ds,
				     ip6_dst_hoplimit(dst), 0,
				     inet_sk(sk)->inet_sport,
				     route->endpoint.addr6.sin6_port, false, 0);
#endif
	this_cpu_write(wg_xmit_depth, outer_depth);
	rcu_read_unlock_bh();
	return 0;
err:
	rcu_read_unlock_bh();
	net_dbg_ratelimited("%s: cannot send to %pISpfsc: error %d\n",
			    wg->dev->name, &route->endpoint.addr, ret);
	kfree_skb(skb);
	return ret;
}

/* Send a copy of @buf (a handshake message) to @peer. */
static void send_buffer_to_peer(struct wg_peer *peer, const void *buf,
				size_t len)
{
	/* send_skb() fills in the endpoint. */
	struct wg_route route = { .peer = peer };
	struct sk_buff *skb;

	skb = alloc_skb(WG_DATA_HEADROOM + LL_MAX_HEADER + len, GFP_ATOMIC);
	if (unlikely(!skb))
		return;
	skb_reserve(skb, WG_DATA_HEADROOM + LL_MAX_HEADER);
	skb_put_data(skb, buf, len);
	if (!send_skb(peer->device, skb, &route, 0, 0))
		atomic64_add(len, &peer->tx_bytes);
}

static bool initiation_due(struct wg_peer *peer)
{
	u64 last = atomic64_read(&peer->last_sent_handshake);

	return !last || wg_noise_birthdate_expired(last, REKEY_TIMEOUT);
}

/* Process context: the handshake state sleeps on its lock. */
static void send_handshake_initiation(struct wg_peer *peer)
{
	struct wg_msg_initiation msg;

	if (!initiation_due(peer) || READ_ONCE(peer->is_dead))
		return;
	atomic64_set(&peer->last_sent_handshake,
		     ktime_get_coarse_boottime_ns());
	/* Fails without an identity, or for a peer we can never reach. */
	if (!wg_noise_create_initiation(&msg, &peer->handshake))
		return;
	wg_cookie_add_macs(&peer->latest_cookie, &msg, sizeof(msg));
	wg_timers_any_authenticated_packet_traversal(peer);
	wg_timers_any_authenticated_packet_sent(peer);
	/*
	 * Armed before it leaves: the response may complete the handshake
	 * on another CPU at once, and its cancel must find the timer there,
	 * or a needless retry follows REKEY_TIMEOUT later.
	 */
	wg_timers_handshake_initiated(peer);
	send_buffer_to_peer(peer, &msg, sizeof(msg));
}

void wg_packet_handshake_send_worker(struct work_struct *work)
{
	struct wg_peer *peer = container_of(work, struct wg_peer,
					    transmit_handshake_work);

	send_handshake_initiation(peer);
	wg_peer_put(peer);
}

/*
 * From any context: have the workqueue send an initiation unless one went
 * out less than REKEY_TIMEOUT ago. A retry keeps the attempt count.
 */
void wg_packet_send_queued_handshake_initiation(struct wg_peer *peer,
						bool is_retry)
{
	if (!is_retry)
		peer->timer_handshake_attempts = 0;

	rcu_read_lock_bh();
	if (!initiation_due(peer) || READ_ONCE(peer->is_dead))
		goto out;
	wg_peer_get(peer);
	if (!queue_work(peer->device->handshake_wq,
			&peer->transmit_handshake_work))
		wg_peer_put(peer);
out:
	rcu_read_unlock_bh();
}

/*
 * The index moves under the handshake's lock (noise.c): if an initiation
 * or a clear got there between our two steps, the session is not begun
 * and nothing of theirs is undone here.
 */
void wg_packet_send_handshake_response(struct wg_peer *peer)
{
	struct wg_msg_response msg;

	atomic64_set(&peer->last_sent_handshake,
		     ktime_get_coarse_boottime_ns());
	if (!wg_noise_create_response(&msg, &peer->handshake))
		return;
	wg_cookie_add_macs(&peer->latest_cookie, &msg, sizeof(msg));
	if (!wg_peer_begin_session(peer))
		return;
	wg_timers_any_authenticated_packet_traversal(peer);
	wg_timers_any_authenticated_packet_sent(peer);
	send_buffer_to_peer(peer, &msg, sizeof(msg));
}

/* Process context: answer @in_skb, a handshake message, with a cookie. */
void wg_packet_send_cookie_reply(struct wg_device *wg, struct sk_buff *in_skb)
{
	struct wg_cookie_source src = { 0 };
	struct wg_msg_cookie reply;
	struct wg_route route = { 0 };
	struct sk_buff *skb;

	if (!wg_endpoint_from_skb(&route.endpoint, in_skb))
		return;
	wg_endpoint_cookie_source(&route.endpoint, &src);
	wg_cookie_create_reply(&reply, &wg->cookie_checker, in_skb->data,
			       in_skb->len, &src);
	skb = alloc_skb(WG_DATA_HEADROOM + LL_MAX_HEADER + sizeof(reply),
			GFP_KERNEL);
	if (unlikely(!skb))
		return;
	skb_reserve(skb, WG_DATA_HEADROOM + LL_MAX_HEADER);
	skb_put_data(skb, &reply, sizeof(reply));
	send_skb(wg, skb, &route, 0, 0);
}

/* Zero-padded to a multiple of 16, but never past the MTU. */
static unsigned int padded_len(unsigned int len, unsigned int mtu)
{
	return min(ALIGN(len, 16U), max(len, mtu));
}

/*
 * The encrypt queue's work on one packet: turn @skb (an inner packet or
 * empty) into an encrypted data message under the session and nonce it
 * was queued with.
 */
bool wg_packet_encrypt(struct sk_buff *skb)
{
	struct noise_keypair *keypair = wg_cb(skb)->keypair;
	struct scatterlist sg[WG_MAX_SG];
	unsigned int plain = skb->len;
	unsigned int padded = padded_len(plain, wg_cb(skb)->mtu);
	unsigned int trailer_len = padded - plain + WG_AUTHTAG_LEN;
	struct wg_msg_data *hdr;
	struct sk_buff *trailer;
	int nfrags;

	if (unlikely(skb_cow_head(skb, WG_DATA_HEADROOM)))
		return false;
	nfrags = skb_cow_data(skb, trailer_len, &trailer);
	if (unlikely(nfrags < 0 || nfrags > ARRAY_SIZE(sg)))
		return false;
	memset(pskb_put(skb, trailer, trailer_len), 0, trailer_len);

	hdr = skb_push(skb, sizeof(*hdr));
	hdr->header.type = cpu_to_le32(MESSAGE_DATA);
	hdr->receiver = cpu_to_le32(keypair->remote_index);
	hdr->counter = cpu_to_le64(wg_cb(skb)->nonce);

	sg_init_table(sg, nfrags);
	if (skb_to_sgvec(skb, sg, sizeof(*hdr), padded + WG_AUTHTAG_LEN) <= 0)
		return false;
	return wg_noise_encrypt_sg(keypair, sg, padded, wg_cb(skb)->nonce);
}

void wg_packet_purge_staged_packets(struct wg_peer *peer)
{
	unsigned int dropped;

	spin_lock_bh(&peer->staged_packet_queue.lock);
	dropped = skb_queue_len(&peer->staged_packet_queue);
	__skb_queue_purge(&peer->staged_packet_queue);
	spin_unlock_bh(&peer->staged_packet_queue.lock);
	while (dropped--)
		DEV_STATS_INC(peer->device->dev, tx_dropped);
}

/* Put @packets back at the head of the staged queue, oldest dropped. */
static void restage(struct wg_peer *peer, struct sk_buff_head *packets)
{
	struct sk_buff_head *staged = &peer->staged_packet_queue;
	unsigned int dropped = 0;

	spin_lock_bh(&staged->lock);
	skb_queue_splice(packets, staged);
	while (skb_queue_len(staged) > MAX_STAGED_PACKETS) {
		kfree_skb(__skb_dequeue(staged));
		dropped++;
	}
	spin_unlock_bh(&staged->lock);
	while (dropped--)
		DEV_STATS_INC(peer->device->dev, tx_dropped);
}

/*
 * The drainer of @peer's send queue: out in order, each as it is ready,
 * at most @budget of them (see wg_drain_fn); returns how many it took.
 * BH disabled; @peer is held by the caller or RCU.
 */
unsigned int wg_packet_send_ready(struct wg_peer *peer, unsigned int budget)
{
	struct wg_ordered_queue *q = &peer->tx_queue;
	struct net_device *dev = peer->device->dev;
	/* send_skb() fills in the endpoint, packet by packet. */
	struct wg_route route = { .peer = peer };
	unsigned int left = budget;
	unsigned int len, done;
	bool data_sent, sent;
	struct sk_buff *skb;

	do {
		if (!wg_ordered_begin(q))
			break;
		done = 0;
		sent = false;
		data_sent = false;
		while (left && (skb = wg_ordered_next(q)) != NULL) {
			left--;
			done++;
			wg_noise_keypair_put(wg_cb(skb)->keypair);
			if (unlikely(atomic_read(&wg_cb(skb)->state) !=
				     WG_PACKET_CRYPTED)) {
				DEV_STATS_INC(dev, tx_errors);
				kfree_skb(skb);
				continue;
			}
			sent = true;
			if (!wg_cb(skb)->keepalive)
				data_sent = true;
			len = skb->len;
			if (likely(!send_skb(peer->device, skb, &route,
					     wg_cb(skb)->ds, wg_cb(skb)->depth)))
				atomic64_add(len, &peer->tx_bytes);
			else
				DEV_STATS_INC(dev, tx_errors);
		}
		if (sent) {
			wg_timers_any_authenticated_packet_traversal(peer);
			wg_timers_any_authenticated_packet_sent(peer);
			if (data_sent)
				wg_timers_data_sent(peer);
		}
		/* Each packet held the peer; @peer stays ours until here. */
		while (done--)
			wg_peer_put(peer);
	} while (wg_ordered_end(q) &&
		 wg_peer_drain_more(peer, left, &peer->tx_resume_work));
	return budget - left;
}

/*
 * Give @packets nonces of @keypair in order and queue them for the
 * workers. What cannot get a nonce stays in @packets.
 */
static void queue_encryption(struct wg_peer *peer,
			     struct noise_keypair *keypair,
			     struct sk_buff_head *packets, u64 *last_nonce)
{
	struct wg_crypt_queue *crypt = &peer->device->encrypt_queue;
	struct wg_ordered_queue *q = &peer->tx_queue;
	unsigned int queued = 0, dropped = 0;
	bool dead = false;
	struct sk_buff *skb;
	u64 nonce;

	spin_lock_bh(&q->packets.lock);
	while ((skb = skb_peek(packets)) != NULL) {
		if (unlikely(!wg_noise_keypair_next_nonce(keypair, &nonce)))
			break;
		__skb_unlink(skb, packets);
		wg_cb(skb)->nonce = nonce;
		wg_cb(skb)->keypair = wg_noise_keypair_get(keypair);
		wg_cb(skb)->peer = wg_peer_get(peer);
		if (unlikely(!wg_ordered_enqueue(q, crypt, skb))) {
			wg_noise_keypair_put(keypair);
			wg_peer_put(peer);
			kfree_skb(skb);
			dropped++;
			continue;
		}
		dead |= atomic_read(&wg_cb(skb)->state) == WG_PACKET_DEAD;
		*last_nonce = nonce;
		queued++;
	}
	spin_unlock_bh(&q->packets.lock);
	while (dropped--)
		DEV_STATS_INC(peer->device->dev, tx_dropped);
	wg_spread_queue_kick(&crypt->spread, queued);
	/* No worker will finish a packet the ring had no room for. */
	if (unlikely(dead)) {
		local_bh_disable();
		wg_packet_send_ready(peer, WG_DRAIN_BUDGET);
		local_bh_enable();
	}
}

/*
 * Send what is staged under the current session, or ask for a handshake
 * and keep it staged. Any context with BH allowed to be disabled.
 */
void wg_packet_send_staged_packets(struct wg_peer *peer)
{
	struct noise_keypair *keypair;
	struct sk_buff_head packets;
	u64 nonce = 0;

	__skb_queue_head_init(&packets);
	spin_lock_bh(&peer->staged_packet_queue.lock);
	skb_queue_splice_init(&peer->staged_packet_queue, &packets);
	spin_unlock_bh(&peer->staged_packet_queue.lock);
	if (skb_queue_empty(&packets))
		return;

	rcu_read_lock_bh();
	keypair = rcu_dereference_bh(peer->keypairs.current_keypair);
	keypair = wg_noise_keypair_get(keypair);
	rcu_read_unlock_bh();
	if (unlikely(!keypair))
		goto no_session;

	queue_encryption(peer, keypair, &packets, &nonce);
	if (unlikely(!skb_queue_empty(&packets)))
		goto no_session;
	if (unlikely(wg_noise_keypair_rekey_on_send(keypair, nonce)))
		wg_packet_send_queued_handshake_initiation(peer, false);
	wg_noise_keypair_put(keypair);
	return;

no_session:
	wg_noise_keypair_put(keypair);
	restage(peer, &packets);
	wg_packet_send_queued_handshake_initiation(peer, false);
}

/* An empty data message, unless something else is about to go out. */
void wg_packet_send_keepalive(struct wg_peer *peer)
{
	struct sk_buff *skb;

	if (skb_queue_empty_lockless(&peer->staged_packet_queue)) {
		skb = alloc_skb(WG_DATA_HEADROOM + LL_MAX_HEADER +
				WG_DATA_TAILROOM, GFP_ATOMIC);
		if (unlikely(!skb))
			return;
		skb_reserve(skb, WG_DATA_HEADROOM + LL_MAX_HEADER);
		wg_cb(skb)->mtu = 0;
		wg_cb(skb)->ds = 0;
		wg_cb(skb)->depth = 0;
		wg_cb(skb)->keepalive = true;
		skb_queue_tail(&peer->staged_packet_queue, skb);
	}
	wg_packet_send_staged_packets(peer);
}

/* The inner protocol, if @skb holds a plausible IP packet. */
static __be16 inner_protocol(struct sk_buff *skb)
{
	if (skb_network_header(skb) < skb->head)
		return 0;
	if (skb->protocol == htons(ETH_P_IP) &&
	    pskb_network_may_pull(skb, sizeof(struct iphdr)) &&
	    ip_hdr(skb)->version == 4)
		return htons(ETH_P_IP);
	if (skb->protocol == htons(ETH_P_IPV6) &&
	    pskb_network_may_pull(skb, sizeof(struct ipv6hdr)) &&
	    ipv6_hdr(skb)->version == 6)
		return htons(ETH_P_IPV6);
	return 0;
}

static void no_route(struct sk_buff *skb, __be16 proto)
{
	if (proto == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	else
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH,
				0);
}

/* Prepare each segment of @skb and stage it on @peer. */
static int stage(struct wg_peer *peer, struct sk_buff *skb,
		 struct net_device *dev, u8 depth)
{
	unsigned int dev_mtu = READ_ONCE(dev->mtu);
	struct sk_buff_head packets;
	struct sk_buff *segs, *next;

	if (skb_is_gso(skb)) {
		segs = skb_gso_segment(skb, 0);
		if (IS_ERR_OR_NULL(segs))
			return -EINVAL;
		consume_skb(skb);
	} else {
		segs = skb;
		skb->next = NULL;
	}

	__skb_queue_head_init(&packets);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		/* Padding stops at the MTU of the route the packet took. */
		wg_cb(skb)->mtu = skb_valid_dst(skb) ?
				  dst_mtu(skb_dst(skb)) : dev_mtu;
		skb_dst_drop(skb);
		if (skb->ip_summed == CHECKSUM_PARTIAL &&
		    skb_checksum_help(skb)) {
			DEV_STATS_INC(dev, tx_errors);
			kfree_skb(skb);
			continue;
		}
		wg_cb(skb)->ds = ip_tunnel_ecn_encap(0, ip_hdr(skb), skb);
		wg_cb(skb)->keepalive = false;
		wg_cb(skb)->depth = depth;
		__skb_queue_tail(&packets, skb);
	}
	restage(peer, &packets);
	return 0;
}

/*
 * A packet that cannot go is an error of the device's, and the sender
 * hears why: the errno comes back from its sendmsg (no peer has the
 * destination: ENOKEY; the peer has no endpoint: EDESTADDRREQ), and for
 * those two an ICMP host unreachable too.
 */
netdev_tx_t wg_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct wg_device *wg = netdev_priv(dev);
	struct wg_peer *peer;
	sa_family_t family;
	__be16 proto;
	int ret;
	u8 depth;

	/* Our own outer packet, routed back into a device: see send_skb(). */
	depth = this_cpu_read(wg_xmit_depth);
	if (unlikely(depth >= WG_MAX_DEPTH)) {
		net_dbg_ratelimited("%s: packet nested %u times, a routing loop?\n",
				    dev->name, depth);
		/* No errno here: it would only reach the outer device. */
		DEV_STATS_INC(dev, tx_errors);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	proto = inner_protocol(skb);
	if (unlikely(!proto)) {
		net_dbg_ratelimited("%s: not sending a packet that is not IP\n",
				    dev->name);
		ret = -EPROTONOSUPPORT;
		goto err;
	}
	rcu_read_lock_bh();
	peer = wg_allowedips_lookup_dst(&wg->peer_allowedips, skb);
	rcu_read_unlock_bh();
	if (unlikely(!peer)) {
		if (proto == htons(ETH_P_IP))
			net_dbg_ratelimited("%s: no peer has allowed IPs for %pI4\n",
					    dev->name, &ip_hdr(skb)->daddr);
		else
			net_dbg_ratelimited("%s: no peer has allowed IPs for %pI6c\n",
					    dev->name, &ipv6_hdr(skb)->daddr);
		ret = -ENOKEY;
		goto err_icmp;
	}
	read_lock_bh(&peer->endpoint_lock);
	family = peer->endpoint.addr.sa_family;
	read_unlock_bh(&peer->endpoint_lock);
	if (unlikely(family != AF_INET && family != AF_INET6)) {
		net_dbg_ratelimited("%s: no endpoint for peer %llu\n",
				    dev->name, peer->internal_id);
		wg_peer_put(peer);
		ret = -EDESTADDRREQ;
		goto err_icmp;
	}
	ret = stage(peer, skb, dev, depth);
	if (unlikely(ret < 0)) {
		wg_peer_put(peer);
		goto err;
	}
	wg_packet_send_staged_packets(peer);
	wg_peer_put(peer);
	return NETDEV_TX_OK;

err_icmp:
	no_route(skb, proto);
err:
	DEV_STATS_INC(dev, tx_errors);
	kfree_skb(skb);
	return ret;
}
