/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events for listeners that asked for them (include/uapi/wg_events.h):
 * peers added, removed and changed, handshakes, endpoint moves, unknown
 * keys. Each wg_event_*() may be called in any context, BH included; it
 * costs one atomic read when nobody listens.
 */
#ifndef _WG_EVENTS_H
#define _WG_EVENTS_H

#include <linux/types.h>

struct sk_buff;
struct wg_device;
struct wg_endpoint;
struct wg_peer;

int wg_events_init(void);
void wg_events_uninit(void);
/* Whether anyone subscribed: what to compare for an event can be skipped. */
bool wg_events_listening(void);

/* Configuration; @changes are enum wgevent_change bits. */
void wg_event_peer_added(struct wg_peer *peer, u32 changes);
void wg_event_peer_changed(struct wg_peer *peer, u32 changes);
void wg_event_peer_removed(struct wg_peer *peer);
/* A new session; @rekey is false for the first since keys were cleared. */
void wg_event_handshake(struct wg_peer *peer, bool rekey);
/*
 * An authenticated packet moved the peer from @old; NULL: none moved it,
 * but a move is still to be announced (event_endpoint_pending).
 */
void wg_event_endpoint(struct wg_peer *peer, const struct wg_endpoint *old);
/* An initiation with good macs claimed @public_key, which has no peer. */
void wg_event_unknown_peer(struct wg_device *wg, const u8 *public_key,
			   const struct sk_buff *skb);

#endif /* _WG_EVENTS_H */
