/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Events of the wireguard-oot module: a generic-netlink family of its own,
 * "wireguard_event", version 1, so that the "wireguard" family stays the
 * upstream ABI. Described for tools in wg_events.yaml beside this header.
 *
 * Privileged subscription by request: a listener sends
 * WGEVENT_CMD_SUBSCRIBE (optionally with WGEVENT_A_IFINDEX to follow one
 * device; without it, every device) from the socket it wants the events
 * on. The request needs CAP_NET_ADMIN over the socket's network namespace
 * (the family's operations are GENL_UNS_ADMIN_PERM), so an unprivileged
 * socket is refused with EPERM and never receives an event. Events are
 * unicast to each subscribed socket, for the devices of its own network
 * namespace only; this works the same on every kernel (6.1 has no
 * per-group capability flag for generic-netlink multicast). A
 * subscription ends with WGEVENT_CMD_UNSUBSCRIBE or when the socket
 * closes. One socket holds one subscription; subscribing again replaces
 * its filter.
 *
 * Each event is a message whose command says what happened, with:
 *   WGEVENT_A_IFINDEX, WGEVENT_A_IFNAME   the device
 *   WGEVENT_A_PUBLIC_KEY                  the peer (unknown-peer: the key
 *                                         the initiation claimed)
 *   WGEVENT_A_SEQ                         per subscription, from 1; a gap
 *                                         means events were lost
 *   WGEVENT_A_DROPPED                     events lost for this subscription
 *                                         so far (its receive buffer was
 *                                         full, or the module's queue was)
 * and, by event:
 *   PEER_ADDED, PEER_CHANGED: WGEVENT_A_CHANGES (enum wgevent_change bits),
 *       WGEVENT_A_ENDPOINT when the peer has one
 *   PEER_REMOVED: nothing more
 *   HANDSHAKE: WGEVENT_A_HANDSHAKE_TIME (struct __kernel_timespec, wall
 *       clock), WGEVENT_A_REKEY (u8: 0 the peer's first session since it
 *       was added or its keys were cleared, 1 a rekey), WGEVENT_A_ENDPOINT
 *   ENDPOINT: WGEVENT_A_ENDPOINT (new), WGEVENT_A_OLD_ENDPOINT (when there
 *       was one); sent only after the packet that moved the peer
 *       authenticated, at most once a second per peer: a move within the
 *       second is announced with the next authenticated packet after it
 *   UNKNOWN_PEER: WGEVENT_A_ENDPOINT (where the initiation came from); an
 *       initiation that claims a public key the device has no peer for,
 *       sent only after its mac1 (and, under load, its mac2) checked out;
 *       the claim is not proof (anyone can make it); at most 10 a second
 *       per device
 * Endpoints are struct sockaddr_in or struct sockaddr_in6, as in the
 * "wireguard" family.
 */
#ifndef _UAPI_WG_EVENTS_H
#define _UAPI_WG_EVENTS_H

#define WGEVENT_GENL_NAME "wireguard_event"
#define WGEVENT_GENL_VERSION 1

enum wgevent_cmd {
	WGEVENT_CMD_UNSPEC,
	WGEVENT_CMD_SUBSCRIBE,
	WGEVENT_CMD_UNSUBSCRIBE,
	WGEVENT_CMD_PEER_ADDED,
	WGEVENT_CMD_PEER_REMOVED,
	WGEVENT_CMD_PEER_CHANGED,
	WGEVENT_CMD_HANDSHAKE,
	WGEVENT_CMD_ENDPOINT,
	WGEVENT_CMD_UNKNOWN_PEER,
	__WGEVENT_CMD_MAX
};

#define WGEVENT_CMD_MAX (__WGEVENT_CMD_MAX - 1)

/* What configuration changed on a peer (WGEVENT_A_CHANGES). */
enum wgevent_change {
	WGEVENT_CHANGE_ENDPOINT = 1U << 0,
	WGEVENT_CHANGE_PRESHARED_KEY = 1U << 1,
	WGEVENT_CHANGE_KEEPALIVE = 1U << 2,
	WGEVENT_CHANGE_ALLOWEDIPS = 1U << 3
};

enum wgevent_attribute {
	WGEVENT_A_UNSPEC,
	WGEVENT_A_IFINDEX,		/* u32 */
	WGEVENT_A_IFNAME,		/* string */
	WGEVENT_A_PUBLIC_KEY,		/* binary, 32 bytes */
	WGEVENT_A_SEQ,			/* u64 */
	WGEVENT_A_DROPPED,		/* u64 */
	WGEVENT_A_CHANGES,		/* u32, enum wgevent_change bits */
	WGEVENT_A_ENDPOINT,		/* struct sockaddr_in or _in6 */
	WGEVENT_A_OLD_ENDPOINT,		/* struct sockaddr_in or _in6 */
	WGEVENT_A_HANDSHAKE_TIME,	/* struct __kernel_timespec */
	WGEVENT_A_REKEY,		/* u8 */
	WGEVENT_A_PAD,
	__WGEVENT_A_LAST
};

#define WGEVENT_A_MAX (__WGEVENT_A_LAST - 1)

#endif /* _UAPI_WG_EVENTS_H */
