// SPDX-License-Identifier: GPL-2.0
/*
 * Endpoints: what a received packet says about its sender, and a peer's
 * endpoint, set by configuration, moved by roaming, and forgotten in part
 * (the source address and the cached routes) when routing may have
 * changed. The peer's endpoint and its route cache change together under
 * its endpoint_lock; send.c reads both under the same lock.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ipv6.h>

#include "cookie.h"
#include "endpoint.h"
#include "events.h"
#include "peer.h"

bool wg_endpoint_from_skb(struct wg_endpoint *endpoint,
			  const struct sk_buff *skb)
{
	memset(endpoint, 0, sizeof(*endpoint));
	if (skb->protocol == htons(ETH_P_IP)) {
		endpoint->addr4.sin_family = AF_INET;
		endpoint->addr4.sin_port = udp_hdr(skb)->source;
		endpoint->addr4.sin_addr.s_addr = ip_hdr(skb)->saddr;
		endpoint->src4.s_addr = ip_hdr(skb)->daddr;
		endpoint->src_if4 = skb->skb_iif;
		return true;
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		endpoint->addr6.sin6_family = AF_INET6;
		endpoint->addr6.sin6_port = udp_hdr(skb)->source;
		endpoint->addr6.sin6_addr = ipv6_hdr(skb)->saddr;
		endpoint->addr6.sin6_scope_id =
			ipv6_iface_scope_id(&ipv6_hdr(skb)->saddr,
					    skb->skb_iif);
		endpoint->src6 = ipv6_hdr(skb)->daddr;
		return true;
	}
	return false;
}

void wg_endpoint_cookie_source(const struct wg_endpoint *endpoint,
			       struct wg_cookie_source *src)
{
	if (endpoint->addr.sa_family == AF_INET) {
		src->addr = (const u8 *)&endpoint->addr4.sin_addr;
		src->addr_len = 4;
		src->port = endpoint->addr4.sin_port;
	} else {
		src->addr = (const u8 *)&endpoint->addr6.sin6_addr;
		src->addr_len = 16;
		src->port = endpoint->addr6.sin6_port;
	}
}

static bool same_endpoint(const struct wg_endpoint *a,
			  const struct wg_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return a->addr4.sin_port == b->addr4.sin_port &&
		       a->addr4.sin_addr.s_addr == b->addr4.sin_addr.s_addr &&
		       a->src4.s_addr == b->src4.s_addr &&
		       a->src_if4 == b->src_if4;
	if (a->addr.sa_family == AF_INET6)
		return a->addr6.sin6_port == b->addr6.sin6_port &&
		       ipv6_addr_equal(&a->addr6.sin6_addr,
				       &b->addr6.sin6_addr) &&
		       a->addr6.sin6_scope_id == b->addr6.sin6_scope_id &&
		       ipv6_addr_equal(&a->src6, &b->src6);
	return true;
}

/*
 * The endpoint moves to @to (the one it left in @from, if wanted), and
 * the routes cached for the old one go.
 */
static void move_endpoint(struct wg_peer *peer, const struct wg_endpoint *to,
			  struct wg_endpoint *from)
{
	write_lock_bh(&peer->endpoint_lock);
	if (from)
		*from = peer->endpoint;
	peer->endpoint = *to;
	dst_cache_reset(&peer->endpoint_cache);
	write_unlock_bh(&peer->endpoint_lock);
}

/* Configuration: a new endpoint, its routes to be looked up afresh. */
void wg_peer_set_endpoint(struct wg_peer *peer,
			  const struct wg_endpoint *endpoint)
{
	move_endpoint(peer, endpoint, NULL);
}

void wg_peer_get_endpoint(struct wg_peer *peer, struct wg_endpoint *endpoint)
{
	read_lock_bh(&peer->endpoint_lock);
	*endpoint = peer->endpoint;
	read_unlock_bh(&peer->endpoint_lock);
}

/* The peer authenticated @skb: from now on, reach it where it came from. */
void wg_peer_roam(struct wg_peer *peer, const struct sk_buff *skb)
{
	struct wg_endpoint seen, old;
	bool same;

	if (!wg_endpoint_from_skb(&seen, skb))
		return;
	read_lock_bh(&peer->endpoint_lock);
	same = same_endpoint(&seen, &peer->endpoint);
	read_unlock_bh(&peer->endpoint_lock);
	if (likely(same)) {
		if (unlikely(READ_ONCE(peer->event_endpoint_pending)))
			wg_event_endpoint(peer, NULL);
		return;
	}
	move_endpoint(peer, &seen, &old);
	wg_event_endpoint(peer, &old);
}

/*
 * Let routing pick our source address again, and release every cached
 * route now, not lazily: a cached route holds devices of the netns the
 * sockets live in, which may be going away. Every user of the cache
 * holds the endpoint lock (send.c), so under its write lock nobody is
 * inside the cache.
 */
void wg_peer_clear_src(struct wg_peer *peer)
{
	write_lock_bh(&peer->endpoint_lock);
	memset(&peer->endpoint.src6, 0, sizeof(peer->endpoint.src6));
	peer->endpoint.src_if4 = 0;
	dst_cache_reset_now(&peer->endpoint_cache);
	write_unlock_bh(&peer->endpoint_lock);
}
