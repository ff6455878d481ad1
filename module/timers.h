/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-peer timers of the protocol: retransmitting initiations,
 * keepalives, rekeying when a session goes quiet one way, forgetting keys
 * and persistent keepalives. The packet paths report events here; the
 * timers decide what is due.
 */
#ifndef _WG_TIMERS_H
#define _WG_TIMERS_H

#include <linux/types.h>

struct wg_peer;

void wg_timers_init(struct wg_peer *peer);
void wg_timers_stop(struct wg_peer *peer);

/* Events, callable from any context. */
void wg_timers_data_sent(struct wg_peer *peer);
void wg_timers_data_received(struct wg_peer *peer);
void wg_timers_any_authenticated_packet_sent(struct wg_peer *peer);
void wg_timers_any_authenticated_packet_received(struct wg_peer *peer);
void wg_timers_any_authenticated_packet_traversal(struct wg_peer *peer);
void wg_timers_handshake_initiated(struct wg_peer *peer);
void wg_timers_handshake_complete(struct wg_peer *peer);
void wg_timers_session_derived(struct wg_peer *peer);

#endif /* _WG_TIMERS_H */
