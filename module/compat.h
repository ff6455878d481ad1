/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels we build for, each behind a test of the
 * feature itself rather than of a version number. Nothing else in the module
 * may use #if on LINUX_VERSION_CODE.
 */
#ifndef _WG_COMPAT_H
#define _WG_COMPAT_H

#include <linux/netdevice.h>

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

#endif /* _WG_COMPAT_H */
