// SPDX-License-Identifier: GPL-2.0
/*
 * The wireguard netdevice and its rtnl link kind.
 */
#include <linux/if_arp.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>

#include "compat.h"
#include "device.h"
#include "messages.h"

/* All devices of every netns, under RTNL; for netns teardown. */
static LIST_HEAD(device_list);

static int wg_open(struct net_device *dev)
{
	netif_carrier_on(dev);
	return 0;
}

static int wg_stop(struct net_device *dev)
{
	netif_carrier_off(dev);
	return 0;
}

static netdev_tx_t wg_xmit(struct sk_buff *skb, struct net_device *dev)
{
	/* No peers can be reached yet: count and drop. */
	DEV_STATS_INC(dev, tx_dropped);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops netdev_ops = {
	.ndo_open = wg_open,
	.ndo_stop = wg_stop,
	.ndo_start_xmit = wg_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
};

static void wg_destruct(struct net_device *dev)
{
	struct wg_device *wg = netdev_priv(dev);

	put_net(wg->creating_net);
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
	dev->needed_headroom = 0;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->mtu = WG_DEFAULT_MTU;
	dev->min_mtu = 0;
	dev->max_mtu = ETH_MAX_MTU - WG_DATA_OVERHEAD - 8 - 40;
	dev->features |= features;
	dev->hw_features |= features;
	dev->hw_enc_features |= features;
	wg_compat_set_lltx(dev);
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	dev->needs_free_netdev = true;
	dev->priv_destructor = wg_destruct;

	memset(wg, 0, sizeof(*wg));
	wg->dev = dev;
}

static int wg_newlink(struct net *src_net, struct net_device *dev,
		      struct nlattr *tb[], struct nlattr *data[],
		      struct netlink_ext_ack *extack)
{
	struct wg_device *wg = netdev_priv(dev);
	int ret;

	wg->creating_net = get_net(src_net);
	mutex_init(&wg->device_update_lock);

	ret = register_netdevice(dev);
	if (ret < 0) {
		/* The destructor is not run for a device never registered. */
		put_net(wg->creating_net);
		wg->creating_net = NULL;
		mutex_destroy(&wg->device_update_lock);
		return ret;
	}
	list_add(&wg->device_list, &device_list);
	return 0;
}

static void wg_dellink(struct net_device *dev, struct list_head *head)
{
	struct wg_device *wg = netdev_priv(dev);

	list_del(&wg->device_list);
	unregister_netdevice_queue(dev, head);
}

static struct rtnl_link_ops link_ops __read_mostly = {
	.kind = KBUILD_MODNAME,
	.priv_size = sizeof(struct wg_device),
	.setup = wg_setup,
	.newlink = wg_newlink,
	.dellink = wg_dellink,
};

int __init wg_device_init(void)
{
	return rtnl_link_register(&link_ops);
}

void wg_device_uninit(void)
{
	rtnl_link_unregister(&link_ops);
}
