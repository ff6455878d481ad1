/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels we build for, each behind a test of the
 * feature itself rather than of a version number. Nothing else in the module
 * may use #if on LINUX_VERSION_CODE.
 *
 * The module is written against the newest API; the shims below give older
 * kernels the same spelling. Where the preprocessor cannot see a feature (a
 * type, or a prototype's arguments), Kbuild greps the kernel's header for it
 * and passes a WG_HAVE_* define (see wg-probe there).
 */
#ifndef _WG_COMPAT_H
#define _WG_COMPAT_H

#include <crypto/blake2s.h>
#include <linux/netdevice.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <net/rtnetlink.h>
#include <net/udp_tunnel.h>

/*
 * 6.5 moved the software GSO helpers (skb_gso_segment) and SKB_GSO_CB out
 * of the core headers into <net/gso.h>: without SKB_GSO_CB here, they
 * live there.
 */
#ifndef SKB_GSO_CB
#define WG_HAVE_NET_GSO_H 1
#include <net/gso.h>
#endif

/* 6.12 turned the NETIF_F_LLTX feature bit into the dev->lltx flag. */
#ifdef NETIF_F_LLTX
#define WG_HAVE_LLTX_FEATURE 1
#endif

static inline void wg_compat_set_lltx(struct net_device *dev)
{
#ifdef WG_HAVE_LLTX_FEATURE
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

/*
 * from_timer() became timer_container_of(). (timer_delete() and
 * timer_delete_sync(), which replaced del_timer*(), are in every kernel we
 * build for, Debian's 6.1 included.)
 */
#ifndef timer_container_of
#define timer_container_of(var, timer, field) from_timer(var, timer, field)
#endif

/*
 * A workqueue now says it is bound to CPUs with WQ_PERCPU, and one that
 * says neither WQ_PERCPU nor WQ_UNBOUND is warned about. Before, saying
 * neither was how to ask for a bound one.
 */
#ifndef WG_HAVE_WQ_PERCPU
#define WQ_PERCPU 0
#endif

/*
 * newlink() used to take the netns and attributes one by one; now they
 * come packed in struct rtnl_newlink_params. We write newlink() the new
 * way, and on older kernels the op is an adapter that packs them.
 * WG_NEWLINK_ADAPTER(fn) defines it; wg_newlink_op(fn) names the op.
 */
#ifdef WG_HAVE_NEWLINK_PARAMS
#define WG_NEWLINK_ADAPTER(fn)
#define wg_newlink_op(fn) fn
#else
struct rtnl_newlink_params {
	struct net *src_net;
	struct nlattr **tb;
	struct nlattr **data;
};

#define WG_NEWLINK_ADAPTER(fn)						\
static int fn##_unpacked(struct net *src_net, struct net_device *dev,	\
			 struct nlattr *tb[], struct nlattr *data[],	\
			 struct netlink_ext_ack *extack)		\
{									\
	struct rtnl_newlink_params params = {				\
		.src_net = src_net,					\
		.tb = tb,						\
		.data = data,						\
	};								\
									\
	return fn(dev, &params, extack);				\
}

#define wg_newlink_op(fn) fn##_unpacked
#endif

/*
 * The BLAKE2s library's state was struct blake2s_state before it became
 * struct blake2s_ctx, and its one-shot blake2s() took (out, in, key,
 * outlen, inlen, keylen) before it took (key, keylen, in, inlen, out,
 * outlen). A macro named like the function it calls does not expand
 * again, so the old blake2s() is called with the arguments reordered.
 */
#ifndef WG_HAVE_BLAKE2S_CTX
#define blake2s_ctx blake2s_state
#endif
#ifndef WG_HAVE_BLAKE2S_KEY_FIRST
#define blake2s(key, keylen, in, inlen, out, outlen) \
	blake2s(out, in, key, outlen, inlen, keylen)
#endif

/*
 * setup_udp_tunnel_sock() and udp_tunnel_sock_release() took the struct
 * socket before they took its struct sock.
 */
#ifndef WG_HAVE_SETUP_UDP_TUNNEL_SK
#define setup_udp_tunnel_sock(net, sk, cfg) \
	setup_udp_tunnel_sock(net, (sk)->sk_socket, cfg)
#endif
#ifndef WG_HAVE_UDP_TUNNEL_RELEASE_SK
#define udp_tunnel_sock_release(sk) udp_tunnel_sock_release((sk)->sk_socket)
#endif

/*
 * udp_tunnel_xmit_skb() and udp_tunnel6_xmit_skb() gained a last argument,
 * the IPCB/IP6CB flags to set on the packet; before, they set none, as we
 * ask with 0.
 */
#ifndef WG_HAVE_XMIT_IPCB_FLAGS
#define udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, df, sport,	\
			    dport, xnet, nocheck, ipcb_flags)		\
	udp_tunnel_xmit_skb(rt, sk, skb, src, dst, tos, ttl, df, sport,	\
			    dport, xnet, nocheck)
#endif
#ifndef WG_HAVE_XMIT_IP6CB_FLAGS
#define udp_tunnel6_xmit_skb(dst, sk, skb, dev, saddr, daddr, prio, ttl,	\
			     label, sport, dport, nocheck, ip6cb_flags)	\
	udp_tunnel6_xmit_skb(dst, sk, skb, dev, saddr, daddr, prio, ttl,	\
			     label, sport, dport, nocheck)
#endif

#endif /* _WG_COMPAT_H */
