// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink layer, through libmnl: the "wireguard" generic netlink family
 * (GET_DEVICE dumps, SET_DEVICE requests split over page-sized messages) and
 * the rtnetlink link dump that lists wireguard interfaces.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "wgctl.h"

#define RECV_SIZE 65536 /* more than the kernel ever puts in one dump skb */
#define DUMP_RETRY_SECONDS 10 /* an interrupted dump is retried this long */

size_t nl_set_buffer_size;
int (*nl_set_sink)(const void *msg, size_t len);

struct genl {
	struct mnl_socket *nl;
	uint16_t family;
	uint32_t portid;
	uint32_t seq;
	char *buf;
};

struct transact_ctx {
	mnl_cb_t cb;
	void *data;
	int done_err;
};

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct transact_ctx *ctx = data;

	return ctx->cb(nlh, ctx->data);
}

/* -errno from the NLMSG_DONE payload of a dump that failed half way */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct transact_ctx *ctx = data;

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		int e = *(int *)mnl_nlmsg_get_payload(nlh);

		if (e < 0) {
			ctx->done_err = e;
			errno = -e;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	(void)data;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error) {
		errno = e->error < 0 ? -e->error : e->error;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/*
 * Send one request and run cb on every reply until the ack or NLMSG_DONE.
 * Returns 0 or -errno; *intr tells whether a dump was interrupted.
 */
static int transact(struct mnl_socket *nl, char *buf, struct nlmsghdr *req, uint32_t portid,
		    mnl_cb_t cb, void *data, bool *intr)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = noop_cb, [NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb, [NLMSG_OVERRUN] = noop_cb,
	};
	struct transact_ctx ctx = { .cb = cb, .data = data };
	uint32_t seq = req->nlmsg_seq;

	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, RECV_SIZE);
		int ret;

		if (n < 0)
			return -errno;
		if (intr) {
			const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
			int len = (int)n;

			for (; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len))
				if (h->nlmsg_flags & NLM_F_DUMP_INTR)
					*intr = true;
		}
		errno = 0;
		ret = mnl_cb_run2(buf, (size_t)n, seq, portid, data_cb, &ctx, ctl,
				  NLMSG_MIN_TYPE);
		if (ret < 0) {
			if (ctx.done_err)
				return ctx.done_err;
			return errno ? -errno : -EPROTO;
		}
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID &&
		    !mnl_attr_validate(attr, MNL_TYPE_U16))
			*(uint16_t *)data = mnl_attr_get_u16(attr);
	}
	return MNL_CB_OK;
}

struct nlmsghdr *nl_genl_header(char *buf, uint16_t type, uint16_t flags, uint8_t cmd,
				uint8_t version, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

static void genl_close(struct genl *g)
{
	if (g->nl)
		mnl_socket_close(g->nl);
	free(g->buf);
	memset(g, 0, sizeof(*g));
}

/* Another try at an interrupted dump, until DUMP_RETRY_SECONDS have passed. */
static bool retry_dump(const struct timespec *start, unsigned int tries)
{
	struct timespec now, pause = { 0, 1000000L * (tries < 50 ? tries : 50) };

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - start->tv_sec >= DUMP_RETRY_SECONDS)
		return false;
	nanosleep(&pause, NULL);
	return true;
}

static int genl_open(struct genl *g)
{
	struct nlmsghdr *nlh;
	int ret;

	memset(g, 0, sizeof(*g));
	g->buf = malloc(RECV_SIZE);
	g->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!g->buf || !g->nl || mnl_socket_bind(g->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		genl_close(g);
		return ret;
	}
	g->portid = mnl_socket_get_portid(g->nl);
	g->seq = (uint32_t)time(NULL);
	nlh = nl_genl_header(g->buf, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY, 1, ++g->seq);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, WG_GENL_NAME);
	ret = transact(g->nl, g->buf, nlh, g->portid, family_cb, &g->family, NULL);
	if (!ret && !g->family)
		ret = -ENOENT;
	if (ret) {
		genl_close(g);
		return ret == -ENOENT ? -EPFNOSUPPORT : ret;
	}
	return 0;
}

int nl_report(int err, const char *ifname)
{
	err = err < 0 ? -err : err;
	/* no family: no wireguard interface can exist, so say what the name is */
	if (err == EPFNOSUPPORT && strcmp(ifname, "interfaces"))
		err = if_nametoindex(ifname) ? EOPNOTSUPP : ENODEV;
	switch (err) {
	case ENODEV:
		fprintf(stderr, "%s: unknown interface '%s'\n", PROG, ifname);
		break;
	case EOPNOTSUPP:
		fprintf(stderr, "%s: '%s' is not a wireguard interface\n", PROG, ifname);
		break;
	case EPERM:
	case EACCES:
		fprintf(stderr, "%s: %s: permission denied (CAP_NET_ADMIN is required)\n",
			PROG, ifname);
		break;
	case EPFNOSUPPORT:
		fprintf(stderr, "%s: the wireguard netlink family is missing: is the module loaded?\n",
			PROG);
		break;
	case EINTR:
		fprintf(stderr, "%s: %s: the configuration kept changing while being read; try again\n",
			PROG, ifname);
		break;
	case ENAMETOOLONG:
		fprintf(stderr, "%s: interface name '%s' is too long (at most %d characters)\n",
			PROG, ifname, IFNAMSIZ - 1);
		break;
	default:
		fprintf(stderr, "%s: %s: %s\n", PROG, ifname, strerror(err));
	}
	return 1;
}

/* --- GET_DEVICE ---------------------------------------------------------- */

static bool attr_len(const struct nlattr *a, size_t len)
{
	return mnl_attr_get_payload_len(a) == len;
}

static void parse_aip(struct wg_peer *peer, const struct nlattr *nest)
{
	struct wg_allowedip aip = { 0 };
	const struct nlattr *a;
	bool have_addr = false, have_cidr = false;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case WGALLOWEDIP_A_FAMILY:
			if (attr_len(a, 2))
				aip.family = mnl_attr_get_u16(a);
			break;
		case WGALLOWEDIP_A_IPADDR:
			if (attr_len(a, 4) || attr_len(a, 16)) {
				memcpy(&aip.ip6, mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
				have_addr = true;
			}
			break;
		case WGALLOWEDIP_A_CIDR_MASK:
			if (attr_len(a, 1)) {
				aip.cidr = mnl_attr_get_u8(a);
				have_cidr = true;
			}
			break;
		}
	}
	if (have_addr && have_cidr && (aip.family == AF_INET || aip.family == AF_INET6))
		*peer_add_aip(peer) = aip;
}

static void parse_peer(struct wg_device *dev, const struct nlattr *nest)
{
	const struct nlattr *a, *key = NULL;
	struct wg_peer *peer = NULL;
	size_t len;

	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == WGPEER_A_PUBLIC_KEY && attr_len(a, WG_KEY_LEN))
			key = a;
	if (!key)
		return;
	/* a peer whose allowed IPs did not fit continues in the next message */
	if (dev->n_peers)
		peer = &dev->peers[dev->n_peers - 1];
	if (!peer || memcmp(peer->public_key, mnl_attr_get_payload(key), WG_KEY_LEN)) {
		peer = device_add_peer(dev);
		memcpy(peer->public_key, mnl_attr_get_payload(key), WG_KEY_LEN);
		peer->has |= PEER_HAS_PUBLIC_KEY;
	}
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case WGPEER_A_PRESHARED_KEY:
			if (attr_len(a, WG_KEY_LEN)) {
				memcpy(peer->preshared_key, mnl_attr_get_payload(a), WG_KEY_LEN);
				if (!key_is_zero(peer->preshared_key))
					peer->has |= PEER_HAS_PRESHARED_KEY;
			}
			break;
		case WGPEER_A_ENDPOINT:
			len = mnl_attr_get_payload_len(a);
			if (len == sizeof(struct sockaddr_in) || len == sizeof(struct sockaddr_in6))
				memcpy(&peer->endpoint, mnl_attr_get_payload(a), len);
			break;
		case WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL:
			if (attr_len(a, 2)) {
				peer->keepalive = mnl_attr_get_u16(a);
				peer->has |= PEER_HAS_KEEPALIVE;
			}
			break;
		case WGPEER_A_LAST_HANDSHAKE_TIME:
			if (attr_len(a, 16)) {
				const int64_t *ts = mnl_attr_get_payload(a);

				peer->handshake_sec = ts[0];
				peer->handshake_nsec = ts[1];
			}
			break;
		case WGPEER_A_RX_BYTES:
			if (attr_len(a, 8))
				peer->rx_bytes = mnl_attr_get_u64(a);
			break;
		case WGPEER_A_TX_BYTES:
			if (attr_len(a, 8))
				peer->tx_bytes = mnl_attr_get_u64(a);
			break;
		case WGPEER_A_ALLOWEDIPS: {
			const struct nlattr *n;

			mnl_attr_for_each_nested(n, a)
				parse_aip(peer, n);
			break;
		}
		}
	}
}

static int device_cb(const struct nlmsghdr *nlh, void *data)
{
	struct wg_device *dev = data;
	const struct nlattr *a, *p;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(a)) {
		case WGDEVICE_A_IFINDEX:
			if (attr_len(a, 4))
				dev->ifindex = mnl_attr_get_u32(a);
			break;
		case WGDEVICE_A_IFNAME:
			if (!mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
				snprintf(dev->name, sizeof(dev->name), "%s", mnl_attr_get_str(a));
			break;
		case WGDEVICE_A_PRIVATE_KEY:
			if (attr_len(a, WG_KEY_LEN)) {
				memcpy(dev->private_key, mnl_attr_get_payload(a), WG_KEY_LEN);
				if (!key_is_zero(dev->private_key))
					dev->has |= DEV_HAS_PRIVATE_KEY;
			}
			break;
		case WGDEVICE_A_PUBLIC_KEY:
			if (attr_len(a, WG_KEY_LEN)) {
				memcpy(dev->public_key, mnl_attr_get_payload(a), WG_KEY_LEN);
				if (!key_is_zero(dev->public_key))
					dev->has |= DEV_HAS_PUBLIC_KEY;
			}
			break;
		case WGDEVICE_A_LISTEN_PORT:
			if (attr_len(a, 2)) {
				dev->listen_port = mnl_attr_get_u16(a);
				dev->has |= DEV_HAS_LISTEN_PORT;
			}
			break;
		case WGDEVICE_A_FWMARK:
			if (attr_len(a, 4)) {
				dev->fwmark = mnl_attr_get_u32(a);
				dev->has |= DEV_HAS_FWMARK;
			}
			break;
		case WGDEVICE_A_PEERS:
			mnl_attr_for_each_nested(p, a)
				parse_peer(dev, p);
			break;
		}
	}
	return MNL_CB_OK;
}

int nl_get_device(struct wg_device **out, const char *ifname)
{
	struct wg_device *dev = NULL;
	struct timespec start;
	unsigned int tries;
	struct genl g;
	bool intr;
	int ret;

	*out = NULL;
	if (strlen(ifname) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	ret = genl_open(&g);
	if (ret)
		return ret;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (tries = 0;; tries++) {
		struct nlmsghdr *nlh;

		device_free(dev);
		dev = device_new(ifname);
		intr = false;
		nlh = nl_genl_header(g.buf, g.family, NLM_F_DUMP, WG_CMD_GET_DEVICE,
				     WG_GENL_VERSION, ++g.seq);
		mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, ifname);
		ret = transact(g.nl, g.buf, nlh, g.portid, device_cb, dev, &intr);
		/* the kernel may also end a dump it cannot continue with -EINTR */
		if (ret == -EINTR) {
			intr = true;
			ret = 0;
		}
		if (ret || !intr || !retry_dump(&start, tries))
			break;
		/* what is left of the broken dump must not meet the next one */
		genl_close(&g);
		ret = genl_open(&g);
		if (ret) {
			device_free(dev);
			return ret;
		}
	}
	if (!ret && intr)
		ret = -EINTR;
	genl_close(&g);
	if (ret) {
		device_free(dev);
		return ret;
	}
	snprintf(dev->name, sizeof(dev->name), "%s", ifname);
	*out = dev;
	return 0;
}

/* --- SET_DEVICE ---------------------------------------------------------- */

struct set_state {
	const struct wg_device *dev;
	size_t peer, aip; /* where the next message continues */
	bool first;
};

static bool put_aip(struct nlmsghdr *nlh, size_t size, const struct wg_allowedip *aip, int idx)
{
	struct nlattr *n = mnl_attr_nest_start_check(nlh, size, (uint16_t)idx);

	if (!n)
		return false;
	if (!mnl_attr_put_check(nlh, size, WGALLOWEDIP_A_FAMILY, 2, &aip->family) ||
	    !mnl_attr_put_check(nlh, size, WGALLOWEDIP_A_IPADDR,
				aip->family == AF_INET ? 4 : 16, &aip->ip6) ||
	    !mnl_attr_put_check(nlh, size, WGALLOWEDIP_A_CIDR_MASK, 1, &aip->cidr) ||
	    (aip->flags &&
	     !mnl_attr_put_check(nlh, size, WGALLOWEDIP_A_FLAGS, 4, &aip->flags))) {
		mnl_attr_nest_cancel(nlh, n);
		return false;
	}
	mnl_attr_nest_end(nlh, n);
	return true;
}

/* The peer's own attributes, sent once, with its first part. */
static bool put_peer_head(struct nlmsghdr *nlh, size_t size, const struct wg_peer *peer)
{
	size_t eplen = 0;

	if (peer->flags &&
	    !mnl_attr_put_check(nlh, size, WGPEER_A_FLAGS, 4, &peer->flags))
		return false;
	if ((peer->has & PEER_HAS_PRESHARED_KEY) &&
	    !mnl_attr_put_check(nlh, size, WGPEER_A_PRESHARED_KEY, WG_KEY_LEN,
				peer->preshared_key))
		return false;
	if (peer->endpoint.addr.sa_family == AF_INET)
		eplen = sizeof(peer->endpoint.addr4);
	else if (peer->endpoint.addr.sa_family == AF_INET6)
		eplen = sizeof(peer->endpoint.addr6);
	if (eplen && !mnl_attr_put_check(nlh, size, WGPEER_A_ENDPOINT, eplen, &peer->endpoint))
		return false;
	if ((peer->has & PEER_HAS_KEEPALIVE) &&
	    !mnl_attr_put_check(nlh, size, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 2,
				&peer->keepalive))
		return false;
	return true;
}

/*
 * Fill one message from where the last one stopped. Returns 0 when it holds
 * something, -EMSGSIZE when not even one allowed IP fits in an empty message.
 */
static int fill_set(struct set_state *st, struct nlmsghdr *nlh, size_t size)
{
	const struct wg_device *dev = st->dev;
	struct nlattr *peers, *pn, *an;
	size_t in_msg = 0;

	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, dev->name);
	if (st->first) {
		if (dev->has & DEV_HAS_PRIVATE_KEY)
			mnl_attr_put(nlh, WGDEVICE_A_PRIVATE_KEY, WG_KEY_LEN, dev->private_key);
		if (dev->has & DEV_HAS_LISTEN_PORT)
			mnl_attr_put_u16(nlh, WGDEVICE_A_LISTEN_PORT, dev->listen_port);
		if (dev->has & DEV_HAS_FWMARK)
			mnl_attr_put_u32(nlh, WGDEVICE_A_FWMARK, dev->fwmark);
		if (dev->flags)
			mnl_attr_put_u32(nlh, WGDEVICE_A_FLAGS, dev->flags);
	}
	if (st->peer >= dev->n_peers)
		return 0;
	peers = mnl_attr_nest_start_check(nlh, size, WGDEVICE_A_PEERS);
	if (!peers)
		return -EMSGSIZE;
	for (; st->peer < dev->n_peers; st->peer++, st->aip = 0) {
		const struct wg_peer *peer = &dev->peers[st->peer];
		size_t before = st->aip;

		pn = mnl_attr_nest_start_check(nlh, size, (uint16_t)in_msg);
		if (!pn || !mnl_attr_put_check(nlh, size, WGPEER_A_PUBLIC_KEY, WG_KEY_LEN,
					       peer->public_key))
			goto full_cancel;
		if (!st->aip && !put_peer_head(nlh, size, peer))
			goto full_cancel;
		if (st->aip < peer->n_aips) {
			an = mnl_attr_nest_start_check(nlh, size, WGPEER_A_ALLOWEDIPS);
			if (!an)
				goto full_cancel;
			for (; st->aip < peer->n_aips; st->aip++)
				if (!put_aip(nlh, size, &peer->aips[st->aip],
					     (int)(st->aip - before)))
					break;
			if (st->aip == before) {
				mnl_attr_nest_cancel(nlh, an);
				goto full_cancel;
			}
			mnl_attr_nest_end(nlh, an);
			if (st->aip < peer->n_aips) {
				/* the rest of this peer goes in the next message */
				mnl_attr_nest_end(nlh, pn);
				break;
			}
		}
		mnl_attr_nest_end(nlh, pn);
		in_msg++;
	}
	mnl_attr_nest_end(nlh, peers);
	return 0;

full_cancel:
	if (pn)
		mnl_attr_nest_cancel(nlh, pn);
	if (!in_msg) {
		mnl_attr_nest_cancel(nlh, peers);
		return -EMSGSIZE;
	}
	mnl_attr_nest_end(nlh, peers);
	return 0;
}

static int ack_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

int nl_set_device(const struct wg_device *dev)
{
	struct set_state st = { .dev = dev, .first = true };
	size_t size = nl_set_buffer_size ? nl_set_buffer_size : (size_t)MNL_SOCKET_BUFFER_SIZE;
	struct genl g = { 0 };
	char *msg;
	int ret = 0;

	if (strlen(dev->name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	msg = calloc(1, size);
	if (!msg)
		return -ENOMEM;
	if (!nl_set_sink) {
		ret = genl_open(&g);
		if (ret) {
			free(msg);
			return ret;
		}
	}
	do {
		struct nlmsghdr *nlh;

		memset(msg, 0, size);
		nlh = nl_genl_header(msg, g.family, NLM_F_ACK, WG_CMD_SET_DEVICE, WG_GENL_VERSION,
				     ++g.seq);
		ret = fill_set(&st, nlh, size);
		if (ret)
			break;
		st.first = false;
		if (nl_set_sink)
			ret = nl_set_sink(nlh, nlh->nlmsg_len);
		else
			ret = transact(g.nl, g.buf, nlh, g.portid, ack_cb, NULL, NULL);
	} while (!ret && st.peer < dev->n_peers);
	key_wipe(msg, size);
	free(msg);
	genl_close(&g);
	return ret;
}

/* --- interface list ------------------------------------------------------ */

struct names {
	char **v;
	size_t n;
};

static bool is_wireguard_kind(const struct nlattr *a)
{
	const char *s = mnl_attr_get_payload(a);
	size_t len = mnl_attr_get_payload_len(a);

	return len >= 9 && !memcmp(s, "wireguard", 9) && (len == 9 || !s[9]);
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a, *i;
	const char *name = NULL;
	bool wg = false;
	struct names *names = data;
	char **v;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) == IFLA_IFNAME &&
		    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			name = mnl_attr_get_str(a);
		if (mnl_attr_get_type(a) != IFLA_LINKINFO)
			continue;
		mnl_attr_for_each_nested(i, a)
			if (mnl_attr_get_type(i) == IFLA_INFO_KIND && is_wireguard_kind(i))
				wg = true;
	}
	if (!name || !wg)
		return MNL_CB_OK;
	v = realloc(names->v, (names->n + 1) * sizeof(*v));
	if (!v)
		return MNL_CB_ERROR;
	names->v = v;
	names->v[names->n] = strdup(name);
	if (!names->v[names->n])
		return MNL_CB_ERROR;
	names->n++;
	return MNL_CB_OK;
}

void nl_free_names(char **names, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

int nl_list_interfaces(char ***out, size_t *count)
{
	struct names names = { 0 };
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct timespec start;
	unsigned int tries;
	struct nlattr *li;
	int ret = 0;
	bool intr;
	char *buf;

	buf = malloc(RECV_SIZE);
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!buf || !nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (tries = 0;; tries++) {
		nl_free_names(names.v, names.n);
		memset(&names, 0, sizeof(names));
		intr = false;
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = RTM_GETLINK;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		nlh->nlmsg_seq = (uint32_t)time(NULL) + (uint32_t)tries;
		ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
		ifi->ifi_family = AF_UNSPEC;
		/* the kernel filters on the kind; link_cb checks it again */
		li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "wireguard");
		mnl_attr_nest_end(nlh, li);
		ret = transact(nl, buf, nlh, mnl_socket_get_portid(nl), link_cb, &names, &intr);
		if (ret || !intr || !retry_dump(&start, tries))
			break;
	}
out:
	if (nl)
		mnl_socket_close(nl);
	free(buf);
	if (ret) {
		nl_free_names(names.v, names.n);
		return ret;
	}
	*out = names.v;
	*count = names.n;
	return 0;
}
