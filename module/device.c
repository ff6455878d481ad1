// SPDX-License-Identifier: GPL-2.0
/*
 * The wireguard netdevice, its rtnl link kind, and what happens to it when
 * the netns that created it goes away.
 */
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/rtnetlink.h>

#include "compat.h"
#include "device.h"
#include "messages.h"
#include "peer.h"
#include "queueing.h"
#include "ratelimiter.h"
#include "send.h"
#include "socket.h"

/* All devices of every netns, under RTNL; for netns teardown. */
static LIST_HEAD(device_list);

/* Coming up: peers with a persistent keepalive announce themselves. */
static void start_peers(struct wg_device *wg)
{
	struct wg_peer *peer;

	lockdep_assert_held(&wg->device_update_lock);
	list_for_each_entry(peer, &wg->peer_list, peer_list)
		if (peer->persistent_keepalive_interval)
			wg_packet_send_keepalive(peer);
}

/*
 * Under RTNL, before the address families hear the device is up: no
 * IPv6 address of its own (nor the multicast reports that come with one,
 * which no peer would take), and no ICMP redirects. Peers behind one
 * device cannot reach each other directly, so a hub must never tell a
 * spoke to try; the kernel sends redirects if either the device or
 * "all" allows them, so "all" goes off in this netns too.
 */
static void quiet_addresses(struct net_device *dev)
{
	struct in_device *in4 = __in_dev_get_rtnl(dev);
	struct inet6_dev *in6 = __in6_dev_get(dev);

	if (in4) {
		IN_DEV_CONF_SET(in4, SEND_REDIRECTS, 0);
		WRITE_ONCE(IPV4_DEVCONF_ALL(dev_net(dev), SEND_REDIRECTS), 0);
	}
	if (in6)
		WRITE_ONCE(in6->cnf.addr_gen_mode, IN6_ADDR_GEN_MODE_NONE);
}

static int wg_open(struct net_device *dev)
{
	struct wg_device *wg = netdev_priv(dev);
	int ret = 0;

	quiet_addresses(dev);
	mutex_lock(&wg->device_update_lock);
	/* Without its creating netns the device can be up but not carry. */
	if (wg->creating_net) {
		ret = wg_socket_open(wg);
		if (!ret) {
			netif_carrier_on(dev);
			start_peers(wg);
		}
	} else {
		netif_carrier_off(dev);
	}
	mutex_unlock(&wg->device_update_lock);
	return ret;
}

static int wg_stop(struct net_device *dev)
{
	struct wg_device *wg = netdev_priv(dev);
	struct wg_peer *peer;

	mutex_lock(&wg->device_update_lock);
	/*
	 * No socket, no new handshake messages; those queued are dropped
	 * before the keys go, or one could install a session afterwards.
	 * Not running any more, so nothing re-arms the timers.
	 */
	wg_socket_close(wg);
	wg_packet_paths_uninit(wg);
	list_for_each_entry(peer, &wg->peer_list, peer_list)
		wg_peer_stop(peer);
	netif_carrier_off(dev);
	mutex_unlock(&wg->device_update_lock);
	return 0;
}

static const struct net_device_ops netdev_ops = {
	.ndo_open = wg_open,
	.ndo_stop = wg_stop,
	.ndo_start_xmit = wg_xmit,	/* send.c */
	.ndo_get_stats64 = dev_get_tstats64,
};

/*
 * A new private key (NULL: none): the handshake takes it, every peer's
 * static-static DH is redone, current sessions may no longer send and the
 * cookie checker answers to the new public key.
 */
void wg_device_identity_changed(struct wg_device *wg, const u8 *private_key)
{
	u8 public_key[WG_KEY_LEN];
	struct wg_peer *peer;
	bool has;

	lockdep_assert_held(&wg->device_update_lock);
	down_write(&wg->static_identity.lock);
	wg_noise_static_identity_set(&wg->static_identity, private_key);
	list_for_each_entry(peer, &wg->peer_list, peer_list) {
		wg_noise_handshake_precompute(&peer->handshake);
		wg_noise_keypairs_expire(&peer->keypairs);
	}
	has = wg->static_identity.has_identity;
	memcpy(public_key, wg->static_identity.static_public, WG_KEY_LEN);
	up_write(&wg->static_identity.lock);
	wg_cookie_checker_set_public(&wg->cookie_checker,
				     has ? public_key : NULL);
}

void wg_device_config_changed(struct wg_device *wg)
{
	lockdep_assert_held(&wg->device_update_lock);
	if (!++wg->device_update_gen)
		wg->device_update_gen = 1;
}

/*
 * Runs once no reference to the device is left, so no configuration
 * request or dump can still be inside it.
 */
static void wg_destruct(struct net_device *dev)
{
	struct wg_device *wg = netdev_priv(dev);

	mutex_lock(&wg->device_update_lock);
	wg_socket_close(wg);
	/* No socket, so no new handshake messages: finish the queued ones. */
	wg_packet_paths_uninit(wg);
	wg_peer_remove_all(wg);
	wg_allowedips_free(&wg->peer_allowedips);
	down_write(&wg->static_identity.lock);
	wg_noise_static_identity_clear(&wg->static_identity);
	up_write(&wg->static_identity.lock);
	wg_cookie_checker_wipe(&wg->cookie_checker);
	mutex_unlock(&wg->device_update_lock);
	/* Before the tables go: in-flight packets still drop sessions. */
	wg_packet_paths_destroy(wg);
	wg_ratelimiter_uninit();
	/*
	 * Readers of the tables are gone after a grace period; the peers
	 * and sessions themselves are freed by RCU callbacks, which release
	 * routes and reach the tables: wait for those too.
	 */
	synchronize_net();
	rcu_barrier();
	kvfree(wg->index_hashtable);
	kvfree(wg->peer_hashtable);
	mutex_destroy(&wg->device_update_lock);
}

static void wg_setup(struct net_device *dev)
{
	struct wg_device *wg = netdev_priv(dev);
	const netdev_features_t features = NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
					   NETIF_F_SG | NETIF_F_GSO |
					   NETIF_F_GSO_SOFTWARE | NETIF_F_HIGHDMA;

	dev->netdev_ops = &netdev_ops;
	dev->header_ops = NULL;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = WG_DATA_HEADROOM;
	dev->needed_tailroom = WG_DATA_TAILROOM;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->mtu = WG_DEFAULT_MTU;
	/*
	 * Any MTU an int holds, less the overhead: as the in-kernel module.
	 * A packet is never bigger than 64 KiB anyway, and padding stops at
	 * the MTU, so a large one only means no padding.
	 */
	dev->min_mtu = 0;
	dev->max_mtu = round_down(INT_MAX, 16) - WG_DATA_OVERHEAD - 8 - 40;
	dev->features |= features;
	dev->hw_features |= features;
	dev->hw_enc_features |= features;
	/* Segmented in software here: any GSO size the stack makes goes. */
	netif_set_tso_max_size(dev, GSO_MAX_SIZE);
	wg_compat_set_lltx(dev);
	/* The route stays on packets we transmit: ICMP errors need it. */
	netif_keep_dst(dev);
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	dev->needs_free_netdev = true;

	memset(wg, 0, sizeof(*wg));
	wg->dev = dev;
}

static int wg_newlink(struct net_device *dev,
		      struct rtnl_newlink_params *params,
		      struct netlink_ext_ack *extack)
{
	struct wg_device *wg = netdev_priv(dev);
	int ret = -ENOMEM;

	wg->creating_net = params->src_net;
	mutex_init(&wg->device_update_lock);
	INIT_LIST_HEAD(&wg->peer_list);
	wg->device_update_gen = 1;
	wg_allowedips_init(&wg->peer_allowedips, &wg->device_update_lock);
	wg->peer_hashtable = wg_pubkey_hashtable_alloc(&wg->device_update_lock);
	wg->index_hashtable = wg_index_hashtable_alloc();
	if (!wg->peer_hashtable || !wg->index_hashtable)
		goto err;
	wg_noise_static_identity_init(&wg->static_identity);
	wg_cookie_checker_init(&wg->cookie_checker);
	/* Unknown-peer events: 10 a second; no messages of its own. */
	ratelimit_state_init(&wg->event_unknown_ratelimit, HZ, 10);
	ratelimit_set_flags(&wg->event_unknown_ratelimit,
			    RATELIMIT_MSG_ON_RELEASE);
	ret = wg_ratelimiter_init();
	if (ret < 0)
		goto err;
	ret = wg_packet_paths_init(wg);
	if (ret < 0)
		goto err_ratelimiter;

	ret = register_netdevice(dev);
	if (ret < 0)
		goto err_paths;
	/* From here on the destructor undoes the above. */
	dev->priv_destructor = wg_destruct;
	list_add(&wg->device_list, &device_list);
	return 0;

err_paths:
	wg_packet_paths_destroy(wg);
err_ratelimiter:
	wg_ratelimiter_uninit();
err:
	kvfree(wg->index_hashtable);
	kvfree(wg->peer_hashtable);
	mutex_destroy(&wg->device_update_lock);
	return ret;
}

/* Older kernels call newlink() with other arguments: see compat.h. */
WG_NEWLINK_ADAPTER(wg_newlink)

static void wg_dellink(struct net_device *dev, struct list_head *head)
{
	struct wg_device *wg = netdev_priv(dev);

	list_del(&wg->device_list);
	/* Off the list, pre_exit no longer tracks creating_net for us. */
	mutex_lock(&wg->device_update_lock);
	wg->creating_net = NULL;
	mutex_unlock(&wg->device_update_lock);
	unregister_netdevice_queue(dev, head);
}

static struct rtnl_link_ops link_ops __read_mostly = {
	.kind = KBUILD_MODNAME,
	.priv_size = sizeof(struct wg_device),
	.setup = wg_setup,
	.newlink = wg_newlink_op(wg_newlink),
	.dellink = wg_dellink,
};

/*
 * A netns is going away: devices it created lose their sockets and their
 * carrier, wherever they live now. Devices living in it are deleted
 * afterwards by the core, through dellink.
 *
 * The peers' cached routes lead through that netns's devices and hold
 * them: they go now, at once, or its teardown waits for them until each
 * peer is removed. With the sockets closed (and a grace period passed in
 * closing them) no sender is inside a cache and none can fill one again:
 * sending stops at the missing socket.
 */
static void wg_device_netns_pre_exit(struct net *net)
{
	struct wg_device *wg;
	struct wg_peer *peer;

	rtnl_lock();
	list_for_each_entry(wg, &device_list, device_list) {
		if (wg->creating_net != net)
			continue;
		mutex_lock(&wg->device_update_lock);
		wg_socket_close(wg);
		list_for_each_entry(peer, &wg->peer_list, peer_list)
			wg_peer_clear_src(peer);
		wg->creating_net = NULL;
		wg_device_config_changed(wg);
		mutex_unlock(&wg->device_update_lock);
		netif_carrier_off(wg->dev);
	}
	rtnl_unlock();
}

static struct pernet_operations pernet_ops = {
	.pre_exit = wg_device_netns_pre_exit,
};

/*
 * The wireguard device @ifindex or @ifname (exactly one is given) in @net,
 * with a reference; NULL with *err set when there is none or it is not
 * ours.
 */
struct wg_device *wg_device_get(struct net *net, int ifindex,
				const char *ifname, int *err)
{
	struct net_device *dev;

	dev = ifname ? dev_get_by_name(net, ifname) :
		       dev_get_by_index(net, ifindex);
	if (!dev) {
		*err = -ENODEV;
		return NULL;
	}
	if (dev->rtnl_link_ops != &link_ops) {
		dev_put(dev);
		*err = -EOPNOTSUPP;
		return NULL;
	}
	return netdev_priv(dev);
}

void wg_device_put(struct wg_device *wg)
{
	dev_put(wg->dev);
}

int __init wg_device_init(void)
{
	int ret;

	ret = register_pernet_device(&pernet_ops);
	if (ret < 0)
		return ret;
	ret = rtnl_link_register(&link_ops);
	if (ret < 0)
		unregister_pernet_device(&pernet_ops);
	return ret;
}

void wg_device_uninit(void)
{
	rtnl_link_unregister(&link_ops);
	unregister_pernet_device(&pernet_ops);
	/* Wait for the RCU callbacks that free peers and trie nodes. */
	rcu_barrier();
}
