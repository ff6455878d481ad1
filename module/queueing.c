// SPDX-License-Identifier: GPL-2.0
/*
 * Endpoints seen from the packets themselves: where an authenticated
 * packet came from becomes where we send (roaming), and the local address
 * it arrived at becomes the source of what we send back.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ipv6.h>

#include "peer.h"
#include "queueing.h"

/* @skb is a received UDP packet; its IP and UDP headers are still set. */
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

/* The peer authenticated @skb: from now on, reach it where it came from. */
void wg_peer_roam(struct wg_peer *peer, const struct sk_buff *skb)
{
	struct wg_endpoint seen;
	bool same;

	if (!wg_endpoint_from_skb(&seen, skb))
		return;
	read_lock_bh(&peer->endpoint_lock);
	same = same_endpoint(&seen, &peer->endpoint);
	read_unlock_bh(&peer->endpoint_lock);
	if (likely(same))
		return;
	write_lock_bh(&peer->endpoint_lock);
	peer->endpoint = seen;
	dst_cache_reset(&peer->endpoint_cache);
	write_unlock_bh(&peer->endpoint_lock);
}

/* Let routing pick our source address again. */
void wg_peer_clear_src(struct wg_peer *peer)
{
	write_lock_bh(&peer->endpoint_lock);
	memset(&peer->endpoint.src6, 0, sizeof(peer->endpoint.src6));
	peer->endpoint.src_if4 = 0;
	dst_cache_reset(&peer->endpoint_cache);
	write_unlock_bh(&peer->endpoint_lock);
}
