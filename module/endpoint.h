/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a peer is reached, and what we know of where a message came from:
 * the endpoint a peer is configured with or roams to (under the peer's
 * endpoint_lock, with the routes cached for it), the source of a received
 * packet, and the same source as the cookie code wants it.
 */
#ifndef _WG_ENDPOINT_H
#define _WG_ENDPOINT_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/skbuff.h>
#include <linux/socket.h>

struct wg_cookie_source;
struct wg_peer;

/*
 * Where a peer is reached; sa_family is AF_UNSPEC when unknown. The
 * local address it last reached us at (zero when unknown) is the source
 * of what we send back, so replies leave from the address it talks to.
 */
struct wg_endpoint {
	union {
		struct sockaddr addr;
		struct sockaddr_in addr4;
		struct sockaddr_in6 addr6;
	};
	union {
		struct in_addr src4;
		struct in6_addr src6;
	};
	int src_if4;	/* the interface src4 was seen on */
};

/* @skb is a received UDP packet; its IP and UDP headers are still set. */
bool wg_endpoint_from_skb(struct wg_endpoint *endpoint,
			  const struct sk_buff *skb);
/* The remote address and port of @endpoint; it must outlive @src. */
void wg_endpoint_cookie_source(const struct wg_endpoint *endpoint,
			       struct wg_cookie_source *src);

void wg_peer_set_endpoint(struct wg_peer *peer,
			  const struct wg_endpoint *endpoint);
void wg_peer_get_endpoint(struct wg_peer *peer, struct wg_endpoint *endpoint);
void wg_peer_roam(struct wg_peer *peer, const struct sk_buff *skb);
void wg_peer_clear_src(struct wg_peer *peer);

#endif /* _WG_ENDPOINT_H */
