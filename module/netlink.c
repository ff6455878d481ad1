// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration over generic netlink, in the ABI of the in-kernel module
 * (include/uapi/wg_genl.h).
 *
 * SET runs under the device's device_update_lock (no RTNL: ndo_open and
 * ndo_stop take the same mutex, and socket changes only look at
 * netif_running() under it). GET is a dump that may span many messages;
 * each callback takes device_update_lock, and a cursor in a dump_ctx
 * says where to go on. The cursor's pointers stay valid as long as the
 * device's generation counter has not moved; when it has, the message is
 * flagged NLM_F_DUMP_INTR and the dump ends, so userspace starts over.
 */
#include <crypto/algapi.h>
#include <crypto/curve25519.h>
#include <linux/if.h>
#include <linux/slab.h>
#include <linux/time64.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "allowedips.h"
#include "device.h"
#include "events.h"
#include "netlink.h"
#include "peer.h"
#include "peerlookup.h"
#include "queueing.h"
#include "send.h"
#include "socket.h"
#include "wg_events.h"
#include "wg_genl.h"

static struct genl_family genl_family;

/*
 * The policies, as the in-kernel module's since its 6.19 rework (what a
 * request gets is ABI): strict validation of the whole request, nests
 * and all, before anything is applied or even the device looked up. A
 * length out of range is -ERANGE, an unknown flag, attribute or type,
 * trailing bytes or a nest without NLA_F_NESTED -EINVAL. What the policy
 * cannot say (an address that does not fit its family, a missing
 * attribute, protocol version 2) is found while applying, and what was
 * applied before it stays.
 */
static const struct nla_policy allowedip_policy[WGALLOWEDIP_A_MAX + 1] = {
	[WGALLOWEDIP_A_FAMILY] = { .type = NLA_U16 },
	[WGALLOWEDIP_A_IPADDR] = NLA_POLICY_MIN_LEN(sizeof(struct in_addr)),
	[WGALLOWEDIP_A_CIDR_MASK] = { .type = NLA_U8 },
	[WGALLOWEDIP_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __WGALLOWEDIP_F_ALL),
};

static const struct nla_policy peer_policy[WGPEER_A_MAX + 1] = {
	[WGPEER_A_PUBLIC_KEY] = NLA_POLICY_EXACT_LEN(WG_KEY_LEN),
	[WGPEER_A_PRESHARED_KEY] = NLA_POLICY_EXACT_LEN(WG_KEY_LEN),
	[WGPEER_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __WGPEER_F_ALL),
	[WGPEER_A_ENDPOINT] = NLA_POLICY_MIN_LEN(sizeof(struct sockaddr_in)),
	[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL] = { .type = NLA_U16 },
	[WGPEER_A_LAST_HANDSHAKE_TIME] =
		NLA_POLICY_EXACT_LEN(sizeof(struct __kernel_timespec)),
	[WGPEER_A_RX_BYTES] = { .type = NLA_U64 },
	[WGPEER_A_TX_BYTES] = { .type = NLA_U64 },
	[WGPEER_A_ALLOWEDIPS] = NLA_POLICY_NESTED_ARRAY(allowedip_policy),
	[WGPEER_A_PROTOCOL_VERSION] = { .type = NLA_U32 },
};

static const struct nla_policy set_policy[WGDEVICE_A_MAX + 1] = {
	[WGDEVICE_A_IFINDEX] = { .type = NLA_U32 },
	[WGDEVICE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[WGDEVICE_A_PRIVATE_KEY] = NLA_POLICY_EXACT_LEN(WG_KEY_LEN),
	[WGDEVICE_A_PUBLIC_KEY] = NLA_POLICY_EXACT_LEN(WG_KEY_LEN),
	[WGDEVICE_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __WGDEVICE_F_ALL),
	[WGDEVICE_A_LISTEN_PORT] = { .type = NLA_U16 },
	[WGDEVICE_A_FWMARK] = { .type = NLA_U32 },
	[WGDEVICE_A_PEERS] = NLA_POLICY_NESTED_ARRAY(peer_policy),
};

/* A GET names the device and nothing else. */
static const struct nla_policy get_policy[WGDEVICE_A_IFNAME + 1] = {
	[WGDEVICE_A_IFINDEX] = { .type = NLA_U32 },
	[WGDEVICE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

/* Exactly one of ifindex and ifname names the device. */
static struct wg_device *lookup_device(struct net *net, struct nlattr **attrs,
				       int *err)
{
	struct nlattr *ifindex = attrs[WGDEVICE_A_IFINDEX];
	struct nlattr *ifname = attrs[WGDEVICE_A_IFNAME];

	if (!ifindex == !ifname) {
		*err = -EBADR;
		return NULL;
	}
	return wg_device_get(net, ifindex ? nla_get_u32(ifindex) : 0,
			     ifname ? nla_data(ifname) : NULL, err);
}

/* Where the next message of a dump starts. */
struct dump_ctx {
	struct wg_device *wg;
	/* Holds a reference; NULL: start with the first peer. */
	struct wg_peer *next_peer;
	/* In next_peer's allowed IPs; NULL: the whole peer is still due. */
	struct allowedips_node *next_ip;
	/* device_update_gen seen by the previous message; 0 before it. */
	u32 gen;
	bool done;
};

static int wg_get_device_start(struct netlink_callback *cb)
{
	struct nlattr *attrs[WGDEVICE_A_IFNAME + 1];
	struct dump_ctx *ctx;
	int ret;

	ret = nlmsg_parse(cb->nlh, GENL_HDRLEN, attrs, WGDEVICE_A_IFNAME,
			  get_policy, NULL);
	if (ret < 0)
		return ret;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->wg = lookup_device(sock_net(cb->skb->sk), attrs, &ret);
	if (!ctx->wg) {
		kfree(ctx);
		return ret;
	}
	cb->args[0] = (long)ctx;
	return 0;
}

static int wg_get_device_done(struct netlink_callback *cb)
{
	struct dump_ctx *ctx = (struct dump_ctx *)cb->args[0];

	if (!ctx)
		return 0;
	wg_peer_put(ctx->next_peer);
	wg_device_put(ctx->wg);
	kfree(ctx);
	cb->args[0] = 0;
	return 0;
}

static int put_identity(struct sk_buff *skb, struct wg_device *wg)
{
	if (nla_put_u32(skb, WGDEVICE_A_IFINDEX, wg->dev->ifindex) ||
	    nla_put_string(skb, WGDEVICE_A_IFNAME, wg->dev->name))
		return -EMSGSIZE;
	return 0;
}

static int put_device_attrs(struct sk_buff *skb, struct wg_device *wg)
{
	u16 port = wg->bound_port ? wg->bound_port : wg->incoming_port;
	u8 private[WG_KEY_LEN], public[WG_KEY_LEN];
	int ret = 0;

	if (nla_put_u16(skb, WGDEVICE_A_LISTEN_PORT, port) ||
	    nla_put_u32(skb, WGDEVICE_A_FWMARK, wg->fwmark))
		return -EMSGSIZE;
	if (wg_noise_static_identity_get(&wg->static_identity, private,
					 public) &&
	    (nla_put(skb, WGDEVICE_A_PRIVATE_KEY, WG_KEY_LEN, private) ||
	     nla_put(skb, WGDEVICE_A_PUBLIC_KEY, WG_KEY_LEN, public)))
		ret = -EMSGSIZE;
	memzero_explicit(private, sizeof(private));
	return ret;
}

/* Everything about a peer except its public key and allowed IPs. */
static int put_peer_details(struct sk_buff *skb, struct wg_peer *peer)
{
	struct __kernel_timespec when;
	struct wg_endpoint endpoint;
	u8 psk[WG_KEY_LEN];
	struct timespec64 ts;
	int ret;

	wg_peer_get_last_handshake(peer, &ts);
	when.tv_sec = ts.tv_sec;
	when.tv_nsec = ts.tv_nsec;
	wg_noise_handshake_get_psk(&peer->handshake, psk);
	ret = nla_put(skb, WGPEER_A_PRESHARED_KEY, WG_KEY_LEN, psk);
	memzero_explicit(psk, sizeof(psk));
	if (ret ||
	    nla_put(skb, WGPEER_A_LAST_HANDSHAKE_TIME, sizeof(when), &when) ||
	    nla_put_u16(skb, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL,
			peer->persistent_keepalive_interval) ||
	    nla_put_u64_64bit(skb, WGPEER_A_TX_BYTES,
			      atomic64_read(&peer->tx_bytes),
			      WGPEER_A_UNSPEC) ||
	    nla_put_u64_64bit(skb, WGPEER_A_RX_BYTES,
			      atomic64_read(&peer->rx_bytes),
			      WGPEER_A_UNSPEC) ||
	    nla_put_u32(skb, WGPEER_A_PROTOCOL_VERSION, 1))
		return -EMSGSIZE;

	wg_peer_get_endpoint(peer, &endpoint);
	if (endpoint.addr.sa_family == AF_INET)
		return nla_put(skb, WGPEER_A_ENDPOINT, sizeof(endpoint.addr4),
			       &endpoint.addr4);
	if (endpoint.addr.sa_family == AF_INET6)
		return nla_put(skb, WGPEER_A_ENDPOINT, sizeof(endpoint.addr6),
			       &endpoint.addr6);
	return 0;
}

static int put_allowedip(struct sk_buff *skb,
			 const struct allowedips_node *node)
{
	struct nlattr *nest = nla_nest_start(skb, 0);
	u8 ip[16], cidr;
	int family;

	if (!nest)
		return -EMSGSIZE;
	family = wg_allowedips_read_node(node, ip, &cidr);
	if (nla_put_u8(skb, WGALLOWEDIP_A_CIDR_MASK, cidr) ||
	    nla_put(skb, WGALLOWEDIP_A_IPADDR, family == AF_INET ? 4 : 16,
		    ip) ||
	    nla_put_u16(skb, WGALLOWEDIP_A_FAMILY, family)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Put one peer, or as much of it as fits. Returns 0 when it is complete;
 * otherwise -EMSGSIZE and *resume says which allowed IP to go on with
 * (NULL: the peer was not put at all). @from, when set, continues a peer
 * begun in an earlier message: only its key and allowed IPs are sent.
 */
static int put_peer(struct sk_buff *skb, struct wg_peer *peer,
		    struct allowedips_node *from,
		    struct allowedips_node **resume)
{
	struct allowedips_node *node = from;
	struct nlattr *peer_nest, *ips_nest;
	unsigned int written = 0;

	*resume = from;
	peer_nest = nla_nest_start(skb, 0);
	if (!peer_nest)
		return -EMSGSIZE;
	if (nla_put(skb, WGPEER_A_PUBLIC_KEY, WG_KEY_LEN, peer->public_key) ||
	    (!from && put_peer_details(skb, peer)))
		goto cancel;

	if (!node)
		node = list_first_entry_or_null(&peer->allowedips_list,
						struct allowedips_node,
						peer_list);
	if (!node)
		goto complete;

	ips_nest = nla_nest_start(skb, WGPEER_A_ALLOWEDIPS);
	if (!ips_nest)
		goto partial;
	list_for_each_entry_from(node, &peer->allowedips_list, peer_list) {
		if (put_allowedip(skb, node))
			break;
		written++;
	}
	if (written)
		nla_nest_end(skb, ips_nest);
	else
		nla_nest_cancel(skb, ips_nest);
	if (list_entry_is_head(node, &peer->allowedips_list, peer_list))
		goto complete;

partial:
	/* A continuation that carries nothing new is not worth sending. */
	if (from && !written)
		goto cancel;
	nla_nest_end(skb, peer_nest);
	*resume = node;
	return -EMSGSIZE;

complete:
	nla_nest_end(skb, peer_nest);
	*resume = NULL;
	return 0;

cancel:
	nla_nest_cancel(skb, peer_nest);
	return -EMSGSIZE;
}

/*
 * Put the peers from the cursor on. Returns how many peer entries went
 * in, and moves the cursor (or marks the dump done).
 */
static unsigned int put_peers(struct sk_buff *skb, struct dump_ctx *ctx)
{
	struct wg_device *wg = ctx->wg;
	struct allowedips_node *from = ctx->next_ip, *resume = NULL;
	struct wg_peer *peer = ctx->next_peer;
	unsigned int count = 0;

	if (!peer)
		peer = list_first_entry_or_null(&wg->peer_list, struct wg_peer,
						peer_list);
	if (!peer) {
		ctx->done = true;
		return 0;
	}
	list_for_each_entry_from(peer, &wg->peer_list, peer_list) {
		if (put_peer(skb, peer, from, &resume)) {
			/* A partial peer moved the cursor: it went in. */
			if (resume != from)
				count++;
			break;
		}
		count++;
		from = NULL;
	}

	if (list_entry_is_head(peer, &wg->peer_list, peer_list)) {
		ctx->done = true;
		peer = NULL;
	} else {
		wg_peer_get(peer);
	}
	wg_peer_put(ctx->next_peer);
	ctx->next_peer = peer;
	ctx->next_ip = resume;
	return count;
}

static int wg_get_device_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_ctx *ctx = (struct dump_ctx *)cb->args[0];
	struct wg_device *wg = ctx->wg;
	bool first = !ctx->gen;
	struct nlattr *peers;
	unsigned int count;
	int ret = -EMSGSIZE;
	void *hdr;

	if (ctx->done)
		return 0;

	mutex_lock(&wg->device_update_lock);
	cb->seq = wg->device_update_gen;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &genl_family, NLM_F_MULTI, WG_CMD_GET_DEVICE);
	if (!hdr)
		goto out;
	genl_dump_check_consistent(cb, hdr);
	if (put_identity(skb, wg))
		goto cancel;

	/* Changed since the last message: it is flagged, stop here. */
	if (!first && ctx->gen != wg->device_update_gen) {
		ctx->done = true;
		goto end;
	}
	ctx->gen = wg->device_update_gen;

	if (first && put_device_attrs(skb, wg))
		goto cancel;
	peers = nla_nest_start(skb, WGDEVICE_A_PEERS);
	if (!peers)
		goto cancel;
	count = put_peers(skb, ctx);
	if (count) {
		nla_nest_end(skb, peers);
	} else {
		nla_nest_cancel(skb, peers);
		/* Not even one peer fits in a fresh message: give up. */
		if (!first && !ctx->done)
			goto cancel;
	}

end:
	genlmsg_end(skb, hdr);
	mutex_unlock(&wg->device_update_lock);
	return skb->len;

cancel:
	genlmsg_cancel(skb, hdr);
out:
	ctx->done = true;
	mutex_unlock(&wg->device_update_lock);
	return ret;
}

static bool all_zero(const u8 *key)
{
	static const u8 zero[WG_KEY_LEN];

	return !crypto_memneq(key, zero, WG_KEY_LEN);
}

/* A peer's configuration as events compare it (events.h). */
struct peer_config {
	struct wg_endpoint endpoint;
	u8 psk[WG_KEY_LEN];
	u64 allowedips;
	u16 keepalive;
};

static void get_peer_config(struct wg_device *wg, struct wg_peer *peer,
			    struct peer_config *c)
{
	wg_peer_get_endpoint(peer, &c->endpoint);
	wg_noise_handshake_get_psk(&peer->handshake, c->psk);
	c->allowedips = wg_allowedips_digest(&wg->peer_allowedips, peer);
	c->keepalive = peer->persistent_keepalive_interval;
}

/* What differs from @was, in enum wgevent_change bits. */
static u32 peer_changes(const struct peer_config *was,
			const struct peer_config *now)
{
	u32 changes = 0;

	if (memcmp(&was->endpoint.addr6, &now->endpoint.addr6,
		   sizeof(now->endpoint.addr6)))
		changes |= WGEVENT_CHANGE_ENDPOINT;
	if (crypto_memneq(was->psk, now->psk, WG_KEY_LEN))
		changes |= WGEVENT_CHANGE_PRESHARED_KEY;
	if (was->keepalive != now->keepalive)
		changes |= WGEVENT_CHANGE_KEEPALIVE;
	if (was->allowedips != now->allowedips)
		changes |= WGEVENT_CHANGE_ALLOWEDIPS;
	return changes;
}

/*
 * A new identity. The peer that has our new public key, if any, goes:
 * a device does not talk to itself.
 */
static int set_private_key(struct wg_device *wg, const u8 *key)
{
	u8 private[WG_KEY_LEN], public[WG_KEY_LEN], old[WG_KEY_LEN];
	struct wg_peer *peer;
	int ret = 0;

	if (all_zero(key)) {
		wg_device_identity_changed(wg, NULL);
		return 0;
	}

	memcpy(private, key, WG_KEY_LEN);
	curve25519_clamp_secret(private);
	if (wg_noise_static_identity_get(&wg->static_identity, old,
					 NULL) &&
	    !crypto_memneq(private, old, WG_KEY_LEN))
		goto out;
	if (!curve25519_generate_public(public, private)) {
		ret = -EINVAL;
		goto out;
	}
	peer = wg_pubkey_hashtable_lookup(wg->peer_hashtable, public);
	if (peer) {
		wg_peer_remove(peer);
		wg_peer_put(peer);
	}
	wg_device_identity_changed(wg, private);
out:
	memzero_explicit(private, sizeof(private));
	memzero_explicit(old, sizeof(old));
	return ret;
}

/*
 * The port or the fwmark changed: both are part of every peer's flow, so
 * each peer's cached route and source address go, and the next packet is
 * routed afresh.
 */
static void forget_sources(struct wg_device *wg)
{
	struct wg_peer *peer;

	lockdep_assert_held(&wg->device_update_lock);
	list_for_each_entry(peer, &wg->peer_list, peer_list)
		wg_peer_clear_src(peer);
}

static int set_port(struct wg_device *wg, u16 port)
{
	u16 old = wg->incoming_port;
	int ret;

	wg->incoming_port = port;
	if (!netif_running(wg->dev) || !wg->creating_net ||
	    (port && port == wg->bound_port))
		return 0;
	ret = wg_socket_rebind(wg, port);
	if (ret < 0) {
		wg->incoming_port = old;
		return ret;
	}
	forget_sources(wg);
	return 0;
}

static int set_allowedip(struct wg_device *wg, struct wg_peer *peer,
			 struct nlattr *attr)
{
	struct nlattr *tb[WGALLOWEDIP_A_MAX + 1];
	u32 flags = 0;
	int ret, family, len;
	const void *addr;
	u8 cidr;

	ret = nla_parse_nested(tb, WGALLOWEDIP_A_MAX, attr, allowedip_policy,
			       NULL);
	if (ret < 0)
		return ret;
	if (!tb[WGALLOWEDIP_A_FAMILY] || !tb[WGALLOWEDIP_A_IPADDR] ||
	    !tb[WGALLOWEDIP_A_CIDR_MASK])
		return -EINVAL;
	if (tb[WGALLOWEDIP_A_FLAGS])
		flags = nla_get_u32(tb[WGALLOWEDIP_A_FLAGS]);

	family = nla_get_u16(tb[WGALLOWEDIP_A_FAMILY]);
	cidr = nla_get_u8(tb[WGALLOWEDIP_A_CIDR_MASK]);
	len = nla_len(tb[WGALLOWEDIP_A_IPADDR]);
	addr = nla_data(tb[WGALLOWEDIP_A_IPADDR]);
	if (!(family == AF_INET && len == 4 && cidr <= 32) &&
	    !(family == AF_INET6 && len == 16 && cidr <= 128))
		return -EINVAL;

	if (flags & WGALLOWEDIP_F_REMOVE_ME) {
		wg_allowedips_remove(&wg->peer_allowedips, family, addr, cidr,
				     peer);
		return 0;
	}
	return wg_allowedips_insert(&wg->peer_allowedips, family, addr, cidr,
				    peer);
}

/*
 * An endpoint is a sockaddr_in or a sockaddr_in6, its size and family
 * agreeing; anything else (at least as long as a sockaddr_in: the policy)
 * is no endpoint, and ignored, not an error: the in-kernel module's ABI.
 */
static bool parse_endpoint(struct nlattr *attr, struct wg_endpoint *endpoint)
{
	const struct sockaddr *addr = nla_data(attr);
	int len = nla_len(attr);

	memset(endpoint, 0, sizeof(*endpoint));
	if (len == sizeof(struct sockaddr_in) && addr->sa_family == AF_INET)
		memcpy(&endpoint->addr4, addr, len);
	else if (len == sizeof(struct sockaddr_in6) &&
		 addr->sa_family == AF_INET6)
		memcpy(&endpoint->addr6, addr, len);
	else
		return false;
	return true;
}

static int set_peer(struct wg_device *wg, struct nlattr *attr)
{
	struct nlattr *tb[WGPEER_A_MAX + 1], *ip;
	struct peer_config before = { 0 }, after;
	bool listening = false, created = false;
	struct wg_endpoint endpoint;
	struct wg_peer *peer = NULL;
	u8 ours[WG_KEY_LEN];
	bool has_endpoint = false;
	const u8 *public_key;
	u32 flags = 0;
	int ret, rem;

	ret = nla_parse_nested(tb, WGPEER_A_MAX, attr, peer_policy, NULL);
	if (ret < 0)
		return ret;
	if (!tb[WGPEER_A_PUBLIC_KEY])
		return -EINVAL;
	if (tb[WGPEER_A_FLAGS])
		flags = nla_get_u32(tb[WGPEER_A_FLAGS]);
	if (tb[WGPEER_A_PROTOCOL_VERSION] &&
	    nla_get_u32(tb[WGPEER_A_PROTOCOL_VERSION]) != 1)
		return -EPFNOSUPPORT;
	if (tb[WGPEER_A_ENDPOINT])
		has_endpoint = parse_endpoint(tb[WGPEER_A_ENDPOINT], &endpoint);

	public_key = nla_data(tb[WGPEER_A_PUBLIC_KEY]);
	if (wg_noise_static_identity_get(&wg->static_identity, NULL, ours) &&
	    !memcmp(public_key, ours, WG_KEY_LEN))
		return 0;

	peer = wg_pubkey_hashtable_lookup(wg->peer_hashtable, public_key);
	if (flags & WGPEER_F_REMOVE_ME) {
		if (peer)
			wg_peer_remove(peer);
		goto out;
	}
	if (!peer) {
		if (flags & WGPEER_F_UPDATE_ONLY)
			goto out;
		peer = wg_peer_create(wg, public_key, NULL);
		if (IS_ERR(peer)) {
			ret = PTR_ERR(peer);
			peer = NULL;
			goto out;
		}
		wg_peer_get(peer);
		created = true;
	}
	/* A new peer's configuration is compared with none at all. */
	listening = wg_events_listening();
	if (listening && !created)
		get_peer_config(wg, peer, &before);

	if (tb[WGPEER_A_PRESHARED_KEY]) {
		const u8 *psk = nla_data(tb[WGPEER_A_PRESHARED_KEY]);

		wg_noise_handshake_set_psk(&peer->handshake,
					   all_zero(psk) ? NULL : psk);
	}
	if (has_endpoint)
		wg_peer_set_endpoint(peer, &endpoint);
	if (flags & WGPEER_F_REPLACE_ALLOWEDIPS)
		wg_allowedips_remove_by_peer(&wg->peer_allowedips, peer);
	if (tb[WGPEER_A_ALLOWEDIPS]) {
		nla_for_each_nested(ip, tb[WGPEER_A_ALLOWEDIPS], rem) {
			ret = set_allowedip(wg, peer, ip);
			if (ret < 0)
				goto out;
		}
	}
	if (tb[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL]) {
		u16 was = peer->persistent_keepalive_interval;

		WRITE_ONCE(peer->persistent_keepalive_interval,
			   nla_get_u16(tb[WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL]));
		/* Turned on while up: announce ourselves now. */
		if (!was && peer->persistent_keepalive_interval &&
		    netif_running(wg->dev))
			wg_packet_send_keepalive(peer);
	}

out:
	if (peer && !(flags & WGPEER_F_REMOVE_ME) && listening) {
		get_peer_config(wg, peer, &after);
		if (created)
			wg_event_peer_added(peer, peer_changes(&before, &after));
		else
			wg_event_peer_changed(peer, peer_changes(&before, &after));
		memzero_explicit(after.psk, sizeof(after.psk));
	}
	memzero_explicit(before.psk, sizeof(before.psk));
	wg_peer_put(peer);
	return ret;
}

static int set_device(struct sk_buff *skb, struct genl_info *info,
		      struct wg_device *wg)
{
	struct nlattr **attrs = info->attrs;
	struct nlattr *attr;
	u32 flags = 0;
	int ret, rem;

	if (attrs[WGDEVICE_A_FLAGS])
		flags = nla_get_u32(attrs[WGDEVICE_A_FLAGS]);

	/* The port and mark act in the creating netns: ask for rights there. */
	if ((attrs[WGDEVICE_A_LISTEN_PORT] || attrs[WGDEVICE_A_FWMARK]) &&
	    (!wg->creating_net ||
	     !netlink_ns_capable(skb, wg->creating_net->user_ns,
				 CAP_NET_ADMIN)))
		return -EPERM;

	wg_device_config_changed(wg);

	if (attrs[WGDEVICE_A_FWMARK] &&
	    nla_get_u32(attrs[WGDEVICE_A_FWMARK]) != wg->fwmark) {
		wg_socket_set_mark(wg, nla_get_u32(attrs[WGDEVICE_A_FWMARK]));
		forget_sources(wg);
	}
	if (attrs[WGDEVICE_A_LISTEN_PORT]) {
		ret = set_port(wg, nla_get_u16(attrs[WGDEVICE_A_LISTEN_PORT]));
		if (ret < 0)
			return ret;
	}
	if (flags & WGDEVICE_F_REPLACE_PEERS)
		wg_peer_remove_all(wg);
	if (attrs[WGDEVICE_A_PRIVATE_KEY]) {
		ret = set_private_key(wg,
				      nla_data(attrs[WGDEVICE_A_PRIVATE_KEY]));
		if (ret < 0)
			return ret;
	}
	if (attrs[WGDEVICE_A_PEERS]) {
		nla_for_each_nested(attr, attrs[WGDEVICE_A_PEERS], rem) {
			ret = set_peer(wg, attr);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

static int wg_set_device(struct sk_buff *skb, struct genl_info *info)
{
	struct wg_device *wg;
	int ret;

	wg = lookup_device(genl_info_net(info), info->attrs, &ret);
	if (!wg)
		return ret;
	mutex_lock(&wg->device_update_lock);
	ret = set_device(skb, info, wg);
	mutex_unlock(&wg->device_update_lock);
	wg_device_put(wg);
	return ret;
}

static const struct genl_ops genl_ops[] = {
	{
		.cmd = WG_CMD_GET_DEVICE,
		.start = wg_get_device_start,
		.dumpit = wg_get_device_dump,
		.done = wg_get_device_done,
		.policy = get_policy,
		.maxattr = WGDEVICE_A_IFNAME,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = WG_CMD_SET_DEVICE,
		.doit = wg_set_device,
		.policy = set_policy,
		.maxattr = WGDEVICE_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}
};

static struct genl_family genl_family __ro_after_init = {
	.ops = genl_ops,
	.n_ops = ARRAY_SIZE(genl_ops),
	.resv_start_op = WG_CMD_SET_DEVICE + 1,
	.name = WG_GENL_NAME,
	.version = WG_GENL_VERSION,
	.maxattr = WGDEVICE_A_MAX,
	.module = THIS_MODULE,
	.policy = set_policy,
	.netnsok = true,
};

int __init wg_genetlink_init(void)
{
	return genl_register_family(&genl_family);
}

void wg_genetlink_uninit(void)
{
	genl_unregister_family(&genl_family);
}
