/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sending (send.c): the netdevice's transmit, the encryption of staged
 * packets, keepalives and the handshake messages we send.
 */
#ifndef _WG_SEND_H
#define _WG_SEND_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>

struct wg_device;
struct wg_peer;

/* The netdevice's ndo_start_xmit. */
netdev_tx_t wg_xmit(struct sk_buff *skb, struct net_device *dev);

/* What the encrypt queue does: a worker encrypts, a drain sends in order. */
bool wg_packet_encrypt(struct sk_buff *skb);
unsigned int wg_packet_send_ready(struct wg_peer *peer, unsigned int budget);

void wg_packet_send_staged_packets(struct wg_peer *peer);
void wg_packet_purge_staged_packets(struct wg_peer *peer);
void wg_packet_send_keepalive(struct wg_peer *peer);

/* Handshake messages; the initiation goes from the peer's work item. */
void wg_packet_send_queued_handshake_initiation(struct wg_peer *peer,
						bool is_retry);
void wg_packet_handshake_send_worker(struct work_struct *work);
void wg_packet_send_handshake_response(struct wg_peer *peer);
void wg_packet_send_cookie_reply(struct wg_device *wg,
				 struct sk_buff *in_skb);

#endif /* _WG_SEND_H */
