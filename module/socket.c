// SPDX-License-Identifier: GPL-2.0
/*
 * Opening, rebinding and closing the UDP sockets of a device.
 *
 * The sockets are kernel sockets of wg->creating_net, which holds no
 * reference on that netns; wg_device_netns_pre_exit() closes them before
 * it goes. Senders find them with rcu_dereference_bh(wg->sock4/sock6);
 * they are swapped under device_update_lock and released after
 * synchronize_net().
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/udp.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/udp_tunnel.h>

#include "compat.h"
#include "device.h"
#include "queueing.h"
#include "receive.h"
#include "socket.h"

static struct sock *sock_of(struct wg_device *wg, struct sock __rcu **slot)
{
	return rcu_dereference_protected(*slot,
				lockdep_is_held(&wg->device_update_lock));
}

/* How often to retry a random port that is free for IPv4 but not IPv6. */
#define WG_SOCKET_PORT_TRIES 100

static int create_socket(struct wg_device *wg, int family, u16 port,
			 struct sock **skp)
{
	struct udp_tunnel_sock_cfg tunnel = {
		.sk_user_data = wg,
		.encap_type = 1,	/* any nonzero type: encap_rcv sees all */
		.encap_rcv = wg_packet_receive,	/* receive.c */
	};
	struct udp_port_cfg cfg = {
		.family = family,
		.local_udp_port = htons(port),
	};
	struct socket *sock;
	int ret;

	if (family == AF_INET) {
		cfg.local_ip.s_addr = htonl(INADDR_ANY);
		cfg.use_udp_checksums = true;
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		cfg.local_ip6 = in6addr_any;
		cfg.ipv6_v6only = true;
		cfg.use_udp6_tx_checksums = true;
		cfg.use_udp6_rx_checksums = true;
#else
		return -EAFNOSUPPORT;
#endif
	}

	ret = udp_sock_create(wg->creating_net, &cfg, &sock);
	if (ret < 0)
		return ret;
	WRITE_ONCE(sock->sk->sk_mark, wg->fwmark);
	setup_udp_tunnel_sock(wg->creating_net, sock->sk, &tunnel);
	*skp = sock->sk;
	return 0;
}

static void release_socket(struct sock *sk)
{
	if (!sk)
		return;
	udp_tunnel_sock_release(sk);
}

/*
 * Bind both families to @port; with port 0 the IPv4 socket picks one and
 * the IPv6 socket follows, retrying when IPv6 has it taken.
 */
static int create_pair(struct wg_device *wg, u16 port, struct sock **sk4,
		       struct sock **sk6, u16 *bound)
{
	unsigned int tries;
	int ret = -EADDRINUSE;

	*sk4 = NULL;
	*sk6 = NULL;
	if (!wg->creating_net)
		return -ENETDOWN;

	for (tries = 0; tries < WG_SOCKET_PORT_TRIES; tries++) {
		ret = create_socket(wg, AF_INET, port, sk4);
		if (ret < 0)
			return ret;
		*bound = ntohs(inet_sk(*sk4)->inet_sport);
		if (!ipv6_mod_enabled())
			return 0;
		ret = create_socket(wg, AF_INET6, *bound, sk6);
		if (!ret)
			return 0;
		release_socket(*sk4);
		*sk4 = NULL;
		if (ret != -EADDRINUSE || port)
			return ret;
	}
	return ret;
}

/* Publish a new pair (or none) and release the old one. */
static void swap_sockets(struct wg_device *wg, struct sock *sk4,
			 struct sock *sk6, u16 bound)
{
	struct sock *old4, *old6;

	lockdep_assert_held(&wg->device_update_lock);
	old4 = sock_of(wg, &wg->sock4);
	old6 = sock_of(wg, &wg->sock6);
	rcu_assign_pointer(wg->sock4, sk4);
	rcu_assign_pointer(wg->sock6, sk6);
	wg->bound_port = bound;
	if (old4 || old6)
		synchronize_net();
	release_socket(old4);
	release_socket(old6);
}

int wg_socket_rebind(struct wg_device *wg, u16 port)
{
	struct sock *sk4, *sk6;
	u16 bound = 0;
	int ret;

	ret = create_pair(wg, port, &sk4, &sk6, &bound);
	if (ret < 0)
		return ret;
	swap_sockets(wg, sk4, sk6, bound);
	return 0;
}

/* Open at the configured port, unless already open there. */
int wg_socket_open(struct wg_device *wg)
{
	if (wg->bound_port && (!wg->incoming_port ||
			       wg->bound_port == wg->incoming_port))
		return 0;
	return wg_socket_rebind(wg, wg->incoming_port);
}

void wg_socket_close(struct wg_device *wg)
{
	swap_sockets(wg, NULL, NULL, 0);
}

void wg_socket_set_mark(struct wg_device *wg, u32 mark)
{
	struct sock *sk;

	lockdep_assert_held(&wg->device_update_lock);
	WRITE_ONCE(wg->fwmark, mark);
	sk = sock_of(wg, &wg->sock4);
	if (sk)
		WRITE_ONCE(sk->sk_mark, mark);
	sk = sock_of(wg, &wg->sock6);
	if (sk)
		WRITE_ONCE(sk->sk_mark, mark);
}
