/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receiving (receive.c): what the UDP sockets hand us, the handshake
 * messages the per-CPU handshake workers take, and the decryption of data.
 */
#ifndef _WG_RECEIVE_H
#define _WG_RECEIVE_H

#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <net/sock.h>

struct wg_peer;

/* The socket's encap_rcv: takes @skb, whose data starts at the UDP header. */
int wg_packet_receive(struct sock *sk, struct sk_buff *skb);

/* The handshake queue's per-CPU worker. */
void wg_packet_handshake_receive_worker(struct work_struct *work);

/* What the decrypt queue does: a worker decrypts, a drain delivers in order. */
bool wg_packet_decrypt(struct sk_buff *skb);
unsigned int wg_packet_receive_ready(struct wg_peer *peer,
				     unsigned int budget);

#endif /* _WG_RECEIVE_H */
