// SPDX-License-Identifier: GPL-2.0
/*
 * Events (events.h; the ABI is include/uapi/wg_events.h). What happened is
 * copied into a small fixed record where it happened, any context, then
 * waits in a bounded ring; a work item sends each record to every socket
 * that subscribed for the record's device and netns, one unicast message
 * each, and counts what it could not deliver. Nothing is built while
 * nobody listens, and a storm of events costs at most a full ring and
 * its drop counter.
 *
 * Lifetimes: a record holds no pointer, only copies (names, keys, the
 * netns cookie), so it outlives any peer, device or netns it names. A
 * subscription holds its socket's netns without a reference: the socket
 * holds one, and the subscription is removed (on NETLINK_URELEASE, under
 * subs_lock) before the socket goes; the sender uses subscriptions under
 * subs_lock only. At module exit the devices are gone first, so nothing
 * queues more; the work is finished, then the family and the notifier
 * go, and the subscriptions are freed.
 */
#include <linux/notifier.h>
#include <linux/netlink.h>
#include <linux/ratelimit.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "device.h"
#include "endpoint.h"
#include "events.h"
#include "peer.h"
#include "wg_events.h"

/* Records waiting to be sent, for all devices. */
#define WG_EVENT_RING 256
/* Announcements of a peer's endpoint moving: one a second. */
#define WG_EVENT_ENDPOINT_INTERVAL HZ

struct wg_event {
	u8 cmd;
	u8 rekey;
	u32 ifindex;
	u32 changes;
	u64 net_cookie;
	char ifname[IFNAMSIZ];
	u8 public_key[WG_KEY_LEN];
	struct wg_endpoint endpoint;
	struct wg_endpoint old;
	struct timespec64 when;
};

struct wg_event_sub {
	struct list_head list;
	struct net *net;	/* the socket's; see the top of the file */
	u64 net_cookie;
	u32 portid;
	u32 ifindex;		/* 0: every device */
	u64 seq;
	u64 dropped;
	u64 ring_dropped_seen;
};

static atomic_t listeners = ATOMIC_INIT(0);
static DEFINE_MUTEX(subs_lock);
static LIST_HEAD(subs);

static DEFINE_SPINLOCK(ring_lock);
static struct wg_event ring[WG_EVENT_RING];
static unsigned int ring_head, ring_tail;	/* free-running */
static u64 ring_dropped;

static struct genl_family event_family;

static void send_worker(struct work_struct *work);
static DECLARE_WORK(send_work, send_worker);

static bool nobody_listens(void)
{
	return likely(!atomic_read(&listeners));
}

bool wg_events_listening(void)
{
	return !nobody_listens();
}

static void queue_event(const struct wg_event *ev)
{
	spin_lock_bh(&ring_lock);
	if (ring_head - ring_tail < WG_EVENT_RING)
		ring[ring_head++ % WG_EVENT_RING] = *ev;
	else
		ring_dropped++;
	spin_unlock_bh(&ring_lock);
	queue_work(system_wq, &send_work);
}

static void event_init(struct wg_event *ev, u8 cmd, struct wg_device *wg)
{
	memset(ev, 0, sizeof(*ev));
	ev->cmd = cmd;
	ev->ifindex = wg->dev->ifindex;
	ev->net_cookie = dev_net(wg->dev)->net_cookie;
	strscpy(ev->ifname, wg->dev->name, sizeof(ev->ifname));
}

static void peer_event_init(struct wg_event *ev, u8 cmd, struct wg_peer *peer)
{
	event_init(ev, cmd, peer->device);
	memcpy(ev->public_key, peer->public_key, WG_KEY_LEN);
}

/* A peer added or changed by configuration: what changed, where it is. */
static void config_event(struct wg_peer *peer, u8 cmd, u32 changes)
{
	struct wg_event ev;

	if (nobody_listens())
		return;
	peer_event_init(&ev, cmd, peer);
	ev.changes = changes;
	wg_peer_get_endpoint(peer, &ev.endpoint);
	queue_event(&ev);
}

void wg_event_peer_added(struct wg_peer *peer, u32 changes)
{
	config_event(peer, WGEVENT_CMD_PEER_ADDED, changes);
}

/* Nothing changed, nothing to say (a repeated configuration). */
void wg_event_peer_changed(struct wg_peer *peer, u32 changes)
{
	if (changes)
		config_event(peer, WGEVENT_CMD_PEER_CHANGED, changes);
}

void wg_event_peer_removed(struct wg_peer *peer)
{
	struct wg_event ev;

	if (nobody_listens())
		return;
	peer_event_init(&ev, WGEVENT_CMD_PEER_REMOVED, peer);
	queue_event(&ev);
}

void wg_event_handshake(struct wg_peer *peer, bool rekey)
{
	struct wg_event ev;

	if (nobody_listens())
		return;
	peer_event_init(&ev, WGEVENT_CMD_HANDSHAKE, peer);
	ev.rekey = rekey;
	wg_peer_get_last_handshake(peer, &ev.when);
	wg_peer_get_endpoint(peer, &ev.endpoint);
	queue_event(&ev);
}

/*
 * At most one a second per peer: a move within the second is remembered
 * (event_endpoint_pending), and the next authenticated packet after it
 * (wg_peer_roam() calls here with @old NULL while one is pending)
 * announces where the peer is then, from where it was last announced.
 * Under the endpoint lock, which orders the moves of one peer.
 */
void wg_event_endpoint(struct wg_peer *peer, const struct wg_endpoint *old)
{
	bool announce = false;
	struct wg_event ev;

	if (nobody_listens())
		return;
	peer_event_init(&ev, WGEVENT_CMD_ENDPOINT, peer);
	write_lock_bh(&peer->endpoint_lock);
	if (old && !peer->event_endpoint_pending)
		peer->event_endpoint_old = *old;
	if (peer->event_endpoint_at &&
	    time_before(jiffies,
			peer->event_endpoint_at + WG_EVENT_ENDPOINT_INTERVAL)) {
		if (old)
			peer->event_endpoint_pending = true;
	} else {
		peer->event_endpoint_at = jiffies | 1;
		peer->event_endpoint_pending = false;
		ev.old = peer->event_endpoint_old;
		ev.endpoint = peer->endpoint;
		announce = true;
	}
	write_unlock_bh(&peer->endpoint_lock);
	if (announce)
		queue_event(&ev);
}

void wg_event_unknown_peer(struct wg_device *wg, const u8 *public_key,
			   const struct sk_buff *skb)
{
	struct wg_event ev;

	if (nobody_listens())
		return;
	if (!__ratelimit(&wg->event_unknown_ratelimit)) {
		/* Rate-limited: lost to every listener, and they are told. */
		spin_lock_bh(&ring_lock);
		ring_dropped++;
		spin_unlock_bh(&ring_lock);
		return;
	}
	event_init(&ev, WGEVENT_CMD_UNKNOWN_PEER, wg);
	memcpy(ev.public_key, public_key, WG_KEY_LEN);
	wg_endpoint_from_skb(&ev.endpoint, skb);
	queue_event(&ev);
}

/* Sending ----------------------------------------------------------------- */

static int put_endpoint(struct sk_buff *skb, int type,
			const struct wg_endpoint *endpoint)
{
	if (endpoint->addr.sa_family == AF_INET)
		return nla_put(skb, type, sizeof(endpoint->addr4),
			       &endpoint->addr4);
	if (endpoint->addr.sa_family == AF_INET6)
		return nla_put(skb, type, sizeof(endpoint->addr6),
			       &endpoint->addr6);
	return 0;
}

static int fill_event(struct sk_buff *skb, const struct wg_event *ev,
		      const struct wg_event_sub *sub)
{
	struct __kernel_timespec when;

	if (nla_put_u32(skb, WGEVENT_A_IFINDEX, ev->ifindex) ||
	    nla_put_string(skb, WGEVENT_A_IFNAME, ev->ifname) ||
	    nla_put(skb, WGEVENT_A_PUBLIC_KEY, WG_KEY_LEN, ev->public_key) ||
	    nla_put_u64_64bit(skb, WGEVENT_A_SEQ, sub->seq, WGEVENT_A_PAD) ||
	    nla_put_u64_64bit(skb, WGEVENT_A_DROPPED, sub->dropped,
			      WGEVENT_A_PAD) ||
	    put_endpoint(skb, WGEVENT_A_ENDPOINT, &ev->endpoint))
		return -EMSGSIZE;
	switch (ev->cmd) {
	case WGEVENT_CMD_PEER_ADDED:
	case WGEVENT_CMD_PEER_CHANGED:
		return nla_put_u32(skb, WGEVENT_A_CHANGES, ev->changes);
	case WGEVENT_CMD_HANDSHAKE:
		when.tv_sec = ev->when.tv_sec;
		when.tv_nsec = ev->when.tv_nsec;
		if (nla_put(skb, WGEVENT_A_HANDSHAKE_TIME, sizeof(when), &when))
			return -EMSGSIZE;
		return nla_put_u8(skb, WGEVENT_A_REKEY, ev->rekey);
	case WGEVENT_CMD_ENDPOINT:
		return put_endpoint(skb, WGEVENT_A_OLD_ENDPOINT, &ev->old);
	}
	return 0;
}

static void remove_sub(struct wg_event_sub *sub)
{
	lockdep_assert_held(&subs_lock);
	list_del(&sub->list);
	atomic_dec(&listeners);
	kfree(sub);
}

/* Under subs_lock. @lost: records the ring had no room for, so far. */
static void deliver(struct wg_event_sub *sub, const struct wg_event *ev,
		    u64 lost)
{
	struct sk_buff *skb;
	void *hdr;
	int ret;

	/* Each lost record may have been for this subscription. */
	if (lost != sub->ring_dropped_seen) {
		sub->seq += lost - sub->ring_dropped_seen;
		sub->dropped += lost - sub->ring_dropped_seen;
		sub->ring_dropped_seen = lost;
	}
	if (sub->net_cookie != ev->net_cookie ||
	    (sub->ifindex && sub->ifindex != ev->ifindex))
		return;
	sub->seq++;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		goto lost;
	hdr = genlmsg_put(skb, 0, 0, &event_family, 0, ev->cmd);
	if (!hdr || fill_event(skb, ev, sub)) {
		nlmsg_free(skb);
		goto lost;
	}
	genlmsg_end(skb, hdr);
	ret = genlmsg_unicast(sub->net, skb, sub->portid);
	if (ret == -ECONNREFUSED)
		remove_sub(sub);	/* its socket is gone */
	else if (ret)
		goto lost;
	return;
lost:
	sub->dropped++;
}

static void send_worker(struct work_struct *work)
{
	struct wg_event_sub *sub, *next;
	struct wg_event ev;
	u64 lost;

	for (;;) {
		spin_lock_bh(&ring_lock);
		if (ring_tail == ring_head) {
			spin_unlock_bh(&ring_lock);
			return;
		}
		ev = ring[ring_tail++ % WG_EVENT_RING];
		lost = ring_dropped;
		spin_unlock_bh(&ring_lock);

		mutex_lock(&subs_lock);
		list_for_each_entry_safe(sub, next, &subs, list)
			deliver(sub, &ev, lost);
		mutex_unlock(&subs_lock);
		cond_resched();
	}
}

/* Subscriptions ----------------------------------------------------------- */

static struct wg_event_sub *find_sub(struct net *net, u32 portid)
{
	struct wg_event_sub *sub;

	lockdep_assert_held(&subs_lock);
	list_for_each_entry(sub, &subs, list)
		if (sub->net == net && sub->portid == portid)
			return sub;
	return NULL;
}

static int wg_event_subscribe(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct wg_event_sub *sub;
	u32 ifindex = 0;

	if (info->attrs[WGEVENT_A_IFINDEX]) {
		struct wg_device *wg;
		int ret;

		/* One of ours, in this netns; it may go later. */
		ifindex = nla_get_u32(info->attrs[WGEVENT_A_IFINDEX]);
		wg = wg_device_get(net, ifindex, NULL, &ret);
		if (!wg)
			return ret;
		wg_device_put(wg);
	}
	mutex_lock(&subs_lock);
	sub = find_sub(net, info->snd_portid);
	if (!sub) {
		sub = kzalloc(sizeof(*sub), GFP_KERNEL);
		if (!sub) {
			mutex_unlock(&subs_lock);
			return -ENOMEM;
		}
		sub->net = net;
		sub->net_cookie = net->net_cookie;
		sub->portid = info->snd_portid;
		spin_lock_bh(&ring_lock);
		sub->ring_dropped_seen = ring_dropped;
		spin_unlock_bh(&ring_lock);
		list_add_tail(&sub->list, &subs);
		atomic_inc(&listeners);
	}
	sub->ifindex = ifindex;
	mutex_unlock(&subs_lock);
	return 0;
}

static int wg_event_unsubscribe(struct sk_buff *skb, struct genl_info *info)
{
	struct wg_event_sub *sub;

	mutex_lock(&subs_lock);
	sub = find_sub(genl_info_net(info), info->snd_portid);
	if (sub)
		remove_sub(sub);
	mutex_unlock(&subs_lock);
	return 0;
}

/* A generic-netlink socket closed: its subscription ends with it. */
static int release_notify(struct notifier_block *nb, unsigned long state,
			  void *data)
{
	struct netlink_notify *n = data;
	struct wg_event_sub *sub;

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	mutex_lock(&subs_lock);
	sub = find_sub(n->net, n->portid);
	if (sub)
		remove_sub(sub);
	mutex_unlock(&subs_lock);
	return NOTIFY_DONE;
}

static struct notifier_block release_notifier = {
	.notifier_call = release_notify,
};

static const struct nla_policy event_policy[WGEVENT_A_MAX + 1] = {
	[WGEVENT_A_IFINDEX] = { .type = NLA_U32 },
};

static const struct genl_ops event_ops[] = {
	{
		.cmd = WGEVENT_CMD_SUBSCRIBE,
		.doit = wg_event_subscribe,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = WGEVENT_CMD_UNSUBSCRIBE,
		.doit = wg_event_unsubscribe,
		.flags = GENL_UNS_ADMIN_PERM,
	}
};

static struct genl_family event_family __ro_after_init = {
	.ops = event_ops,
	.n_ops = ARRAY_SIZE(event_ops),
	.name = WGEVENT_GENL_NAME,
	.version = WGEVENT_GENL_VERSION,
	.maxattr = WGEVENT_A_MAX,
	.policy = event_policy,
	.module = THIS_MODULE,
	.netnsok = true,
};

int __init wg_events_init(void)
{
	int ret;

	ret = netlink_register_notifier(&release_notifier);
	if (ret)
		return ret;
	ret = genl_register_family(&event_family);
	if (ret)
		netlink_unregister_notifier(&release_notifier);
	return ret;
}

void wg_events_uninit(void)
{
	struct wg_event_sub *sub, *next;

	/* The devices are gone: nothing queues more. */
	flush_work(&send_work);
	genl_unregister_family(&event_family);
	netlink_unregister_notifier(&release_notifier);
	mutex_lock(&subs_lock);
	list_for_each_entry_safe(sub, next, &subs, list)
		remove_sub(sub);
	mutex_unlock(&subs_lock);
}
