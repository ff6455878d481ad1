/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet paths between the netdevice and the UDP sockets: what send.c
 * and receive.c offer each other, the device and the timers, and the
 * per-packet state they keep in skb->cb.
 *
 * Contexts: wg_xmit() and wg_packet_receive() run in softirq (or with BH
 * disabled); anything that touches the handshake or cookie state takes
 * rw_semaphores and so runs from the device's workqueue.
 */
#ifndef _WG_QUEUEING_H
#define _WG_QUEUEING_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/types.h>

struct wg_device;
struct wg_endpoint;
struct wg_peer;
struct noise_keypair;

/* Private to the send path while a packet waits in a staged queue. */
struct wg_skb_cb {
	u64 nonce;
	unsigned int mtu;	/* of the device when the packet was sent */
	u8 ds;			/* outer DS field: the inner ECN, encapsulated */
};

static inline struct wg_skb_cb *wg_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct wg_skb_cb) > sizeof(skb->cb));
	return (struct wg_skb_cb *)skb->cb;
}

/* Room in front of a data message for its header and the outer headers. */
#define WG_DATA_HEADROOM (16 + 8 + 40)
/* Room behind it: padding to 16 bytes and the tag. */
#define WG_DATA_TAILROOM (15 + 16)

/* Device lifetime (receive.c); both under device_update_lock. */
int wg_packet_paths_init(struct wg_device *wg);
void wg_packet_paths_uninit(struct wg_device *wg);

/* The socket's encap_rcv: takes @skb, whose data starts at the UDP header. */
int wg_packet_receive(struct sock *sk, struct sk_buff *skb);

/* Send side (send.c). */
netdev_tx_t wg_xmit(struct sk_buff *skb, struct net_device *dev);
void wg_packet_send_staged_packets(struct wg_peer *peer);
void wg_packet_send_keepalive(struct wg_peer *peer);
void wg_packet_send_queued_handshake_initiation(struct wg_peer *peer,
						bool is_retry);
void wg_packet_send_handshake_initiation(struct wg_peer *peer);
void wg_packet_send_handshake_response(struct wg_peer *peer);
void wg_packet_install_session(struct wg_peer *peer,
			       struct noise_keypair *keypair);
void wg_packet_send_cookie_reply(struct wg_device *wg,
				 struct sk_buff *in_skb);
void wg_packet_purge_staged_packets(struct wg_peer *peer);
void wg_packet_handshake_send_worker(struct work_struct *work);

/* Where a packet came from, and roaming (queueing.c). */
bool wg_endpoint_from_skb(struct wg_endpoint *endpoint,
			  const struct sk_buff *skb);
void wg_peer_roam(struct wg_peer *peer, const struct sk_buff *skb);
void wg_peer_clear_src(struct wg_peer *peer);

#endif /* _WG_QUEUEING_H */
