// SPDX-License-Identifier: GPL-2.0
/*
 * Crafted and random requests to the "wireguard" generic netlink family.
 *
 *   genl-fuzz errors IFNAME            each malformed request gets its errno
 *   genl-fuzz remove-ip IFNAME KEY IP/CIDR
 *                                      WGALLOWEDIP_F_REMOVE_ME on one prefix
 *   genl-fuzz update-only IFNAME KEY KEEPALIVE
 *                                      WGPEER_F_UPDATE_ONLY with a keepalive
 *   genl-fuzz random IFNAME COUNT [SEED]
 *                                      random attribute soup; any errno goes
 *   genl-fuzz flip IFNAME KEY IPV4A IPV4B PORT SECONDS MS
 *                                      move the peer's endpoint back and forth
 *                                      between two addresses every MS ms,
 *                                      ending on IPV4A
 *
 * KEY is base64 as wg prints it. Exits non-zero on any mismatch.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>

#include "genl.h"
#include "wg_genl.h"

static struct mnl_socket *nl;
static uint16_t family_id;
static unsigned int seq;
static const char *ifname;
/* Big enough for any request here and for a page-sized reply. */
#define BUF_SIZE 65536
static char msgbuf[BUF_SIZE];

/* Send @nlh; 0 or the negative errno the kernel answered with. */
static int transact(struct nlmsghdr *nlh)
{
	static char reply[BUF_SIZE * 4];

	return genl_transact(nl, nlh, reply, sizeof(reply), true, NULL, NULL);
}

static void resolve_family(void)
{
	static char reply[BUF_SIZE];

	family_id = genl_family(nl, WG_GENL_NAME, ++seq, msgbuf, reply,
				sizeof(reply), true);
	if (!family_id) {
		fprintf(stderr, "no %s genl family\n", WG_GENL_NAME);
		exit(2);
	}
}

static struct nlmsghdr *start(uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(msgbuf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = WG_GENL_VERSION;
	return nlh;
}

static struct nlmsghdr *start_set(void)
{
	struct nlmsghdr *nlh = start(WG_CMD_SET_DEVICE, 0);

	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, ifname);
	return nlh;
}

static const uint8_t some_key[WG_KEY_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

/* A SET whose one peer has @key and whatever @fill adds. */
static struct nlmsghdr *one_peer(void (*fill)(struct nlmsghdr *nlh))
{
	struct nlmsghdr *nlh = start_set();
	struct nlattr *peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
	struct nlattr *peer = mnl_attr_nest_start(nlh, 0);

	mnl_attr_put(nlh, WGPEER_A_PUBLIC_KEY, WG_KEY_LEN, some_key);
	if (fill)
		fill(nlh);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, peers);
	return nlh;
}

/* An allowed IP with these raw fields; a negative value leaves it out. */
static void put_ip(struct nlmsghdr *nlh, int family, const void *addr,
		   int addr_len, int cidr, long flags)
{
	struct nlattr *ips = mnl_attr_nest_start(nlh, WGPEER_A_ALLOWEDIPS);
	struct nlattr *ip = mnl_attr_nest_start(nlh, 0);

	if (family >= 0)
		mnl_attr_put_u16(nlh, WGALLOWEDIP_A_FAMILY, family);
	if (addr_len >= 0)
		mnl_attr_put(nlh, WGALLOWEDIP_A_IPADDR, addr_len, addr);
	if (cidr >= 0)
		mnl_attr_put_u8(nlh, WGALLOWEDIP_A_CIDR_MASK, cidr);
	if (flags >= 0)
		mnl_attr_put_u32(nlh, WGALLOWEDIP_A_FLAGS, flags);
	mnl_attr_nest_end(nlh, ip);
	mnl_attr_nest_end(nlh, ips);
}

static const uint8_t addr16[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

/* The malformed requests, one builder each. */
static struct nlmsghdr *no_device(void)
{
	return start(WG_CMD_SET_DEVICE, 0);
}

static struct nlmsghdr *both_index_and_name(void)
{
	struct nlmsghdr *nlh = start_set();

	mnl_attr_put_u32(nlh, WGDEVICE_A_IFINDEX, 1);
	return nlh;
}

static struct nlmsghdr *missing_device(void)
{
	struct nlmsghdr *nlh = start(WG_CMD_SET_DEVICE, 0);

	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, "nosuchdev0");
	return nlh;
}

static struct nlmsghdr *missing_index(void)
{
	struct nlmsghdr *nlh = start(WG_CMD_SET_DEVICE, 0);

	mnl_attr_put_u32(nlh, WGDEVICE_A_IFINDEX, 0x7ffffff0);
	return nlh;
}

static struct nlmsghdr *not_wireguard(void)
{
	struct nlmsghdr *nlh = start(WG_CMD_SET_DEVICE, 0);

	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, "lo");
	return nlh;
}

static struct nlmsghdr *name_too_long(void)
{
	struct nlmsghdr *nlh = start(WG_CMD_SET_DEVICE, 0);

	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, "abcdefghijklmnopqrstuvwxyz");
	return nlh;
}

static struct nlmsghdr *index_short(void)
{
	struct nlmsghdr *nlh = start(WG_CMD_SET_DEVICE, 0);

	mnl_attr_put_u16(nlh, WGDEVICE_A_IFINDEX, 1);
	return nlh;
}

static struct nlmsghdr *device_flags_unknown(void)
{
	struct nlmsghdr *nlh = start_set();

	mnl_attr_put_u32(nlh, WGDEVICE_A_FLAGS, 1U << 1);
	return nlh;
}

static struct nlmsghdr *private_key_16(void)
{
	struct nlmsghdr *nlh = start_set();

	mnl_attr_put(nlh, WGDEVICE_A_PRIVATE_KEY, 16, some_key);
	return nlh;
}

static struct nlmsghdr *port_as_u32(void)
{
	struct nlmsghdr *nlh = start_set();

	mnl_attr_put_u32(nlh, WGDEVICE_A_LISTEN_PORT, 1234);
	return nlh;
}

static struct nlmsghdr *fwmark_as_u8(void)
{
	struct nlmsghdr *nlh = start_set();

	mnl_attr_put_u8(nlh, WGDEVICE_A_FWMARK, 1);
	return nlh;
}

static struct nlmsghdr *unknown_device_attr(void)
{
	struct nlmsghdr *nlh = start_set();

	mnl_attr_put_u32(nlh, WGDEVICE_A_MAX + 5, 1);
	return nlh;
}

static struct nlmsghdr *peer_without_key(void)
{
	struct nlmsghdr *nlh = start_set();
	struct nlattr *peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
	struct nlattr *peer = mnl_attr_nest_start(nlh, 0);

	mnl_attr_put_u16(nlh, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 5);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, peers);
	return nlh;
}

static struct nlmsghdr *peer_key_16(void)
{
	struct nlmsghdr *nlh = start_set();
	struct nlattr *peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
	struct nlattr *peer = mnl_attr_nest_start(nlh, 0);

	mnl_attr_put(nlh, WGPEER_A_PUBLIC_KEY, 16, some_key);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, peers);
	return nlh;
}

static void psk_16(struct nlmsghdr *nlh)
{
	mnl_attr_put(nlh, WGPEER_A_PRESHARED_KEY, 16, some_key);
}

static void peer_flags_unknown(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, WGPEER_A_FLAGS, 1U << 3);
}

static void protocol_2(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, WGPEER_A_PROTOCOL_VERSION, 2);
}

static void protocol_as_u16(struct nlmsghdr *nlh)
{
	mnl_attr_put_u16(nlh, WGPEER_A_PROTOCOL_VERSION, 1);
}

static void keepalive_as_u32(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 5);
}

static void endpoint_short(struct nlmsghdr *nlh)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	mnl_attr_put(nlh, WGPEER_A_ENDPOINT, 8, &sin);
}

static void endpoint_odd_size(struct nlmsghdr *nlh)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };

	mnl_attr_put(nlh, WGPEER_A_ENDPOINT, sizeof(sin6) - 4, &sin6);
}

static void endpoint_wrong_family(struct nlmsghdr *nlh)
{
	struct sockaddr_in sin = { .sin_family = AF_INET6 };

	mnl_attr_put(nlh, WGPEER_A_ENDPOINT, sizeof(sin), &sin);
}

static void cidr_33(struct nlmsghdr *nlh)
{
	put_ip(nlh, AF_INET, addr16, 4, 33, -1);
}

static void cidr_129(struct nlmsghdr *nlh)
{
	put_ip(nlh, AF_INET6, addr16, 16, 129, -1);
}

static void v4_with_16_bytes(struct nlmsghdr *nlh)
{
	put_ip(nlh, AF_INET, addr16, 16, 8, -1);
}

static void v6_with_4_bytes(struct nlmsghdr *nlh)
{
	put_ip(nlh, AF_INET6, addr16, 4, 8, -1);
}

static void ip_3_bytes(struct nlmsghdr *nlh)
{
	put_ip(nlh, AF_INET, addr16, 3, 8, -1);
}

static void ip_family_unknown(struct nlmsghdr *nlh)
{
	put_ip(nlh, AF_UNIX, addr16, 4, 8, -1);
}

static void ip_without_cidr(struct nlmsghdr *nlh)
{
	put_ip(nlh, AF_INET, addr16, 4, -1, -1);
}

static void ip_without_family(struct nlmsghdr *nlh)
{
	put_ip(nlh, -1, addr16, 4, 8, -1);
}

static void ip_flags_unknown(struct nlmsghdr *nlh)
{
	put_ip(nlh, AF_INET, addr16, 4, 8, 1U << 1);
}

static void cidr_as_u32(struct nlmsghdr *nlh)
{
	struct nlattr *ips = mnl_attr_nest_start(nlh, WGPEER_A_ALLOWEDIPS);
	struct nlattr *ip = mnl_attr_nest_start(nlh, 0);

	mnl_attr_put_u16(nlh, WGALLOWEDIP_A_FAMILY, AF_INET);
	mnl_attr_put(nlh, WGALLOWEDIP_A_IPADDR, 4, addr16);
	mnl_attr_put_u32(nlh, WGALLOWEDIP_A_CIDR_MASK, 8);
	mnl_attr_nest_end(nlh, ip);
	mnl_attr_nest_end(nlh, ips);
}

#define PEER_CASE(fill) one_peer_##fill
#define DEFINE_PEER_CASE(fill) \
	static struct nlmsghdr *one_peer_##fill(void) { return one_peer(fill); }
DEFINE_PEER_CASE(psk_16)
DEFINE_PEER_CASE(peer_flags_unknown)
DEFINE_PEER_CASE(protocol_2)
DEFINE_PEER_CASE(protocol_as_u16)
DEFINE_PEER_CASE(keepalive_as_u32)
DEFINE_PEER_CASE(endpoint_short)
DEFINE_PEER_CASE(endpoint_odd_size)
DEFINE_PEER_CASE(endpoint_wrong_family)
DEFINE_PEER_CASE(cidr_33)
DEFINE_PEER_CASE(cidr_129)
DEFINE_PEER_CASE(v4_with_16_bytes)
DEFINE_PEER_CASE(v6_with_4_bytes)
DEFINE_PEER_CASE(ip_3_bytes)
DEFINE_PEER_CASE(ip_family_unknown)
DEFINE_PEER_CASE(ip_without_cidr)
DEFINE_PEER_CASE(ip_without_family)
DEFINE_PEER_CASE(ip_flags_unknown)
DEFINE_PEER_CASE(cidr_as_u32)

static struct nlmsghdr *get_no_device(void)
{
	return start(WG_CMD_GET_DEVICE, NLM_F_DUMP);
}

static struct nlmsghdr *get_not_wireguard(void)
{
	struct nlmsghdr *nlh = start(WG_CMD_GET_DEVICE, NLM_F_DUMP);

	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, "lo");
	return nlh;
}

static struct nlmsghdr *get_missing(void)
{
	struct nlmsghdr *nlh = start(WG_CMD_GET_DEVICE, NLM_F_DUMP);

	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, "nosuchdev0");
	return nlh;
}

static struct nlmsghdr *get_ok(void)
{
	struct nlmsghdr *nlh = start(WG_CMD_GET_DEVICE, NLM_F_DUMP);

	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, ifname);
	return nlh;
}

static struct nlmsghdr *set_ok(void)
{
	return one_peer(NULL);
}

/*
 * The errno of each, as 7.2's in-kernel module answers (its policy since
 * the 6.19 rework): a length out of range is -ERANGE, an unknown flag
 * -EINVAL, an endpoint whose size and family disagree is ignored.
 * compare-inkernel.sh checks many more against that module itself.
 */
static const struct bad_case {
	const char *name;
	struct nlmsghdr *(*build)(void);
	int expect;
} bad_cases[] = {
	{ "neither ifindex nor ifname", no_device, -EBADR },
	{ "both ifindex and ifname", both_index_and_name, -EBADR },
	{ "no such ifname", missing_device, -ENODEV },
	{ "no such ifindex", missing_index, -ENODEV },
	{ "not a wireguard device", not_wireguard, -EOPNOTSUPP },
	{ "ifname of 26 chars", name_too_long, -EINVAL },
	{ "ifindex as u16", index_short, -EINVAL },
	{ "unknown device flag", device_flags_unknown, -EINVAL },
	{ "16-byte private key", private_key_16, -ERANGE },
	{ "listen port as u32", port_as_u32, -EINVAL },
	{ "fwmark as u8", fwmark_as_u8, -EINVAL },
	{ "unknown device attribute", unknown_device_attr, -EINVAL },
	{ "peer without public key", peer_without_key, -EINVAL },
	{ "16-byte public key", peer_key_16, -ERANGE },
	{ "16-byte preshared key", PEER_CASE(psk_16), -ERANGE },
	{ "unknown peer flag", PEER_CASE(peer_flags_unknown), -EINVAL },
	{ "protocol version 2", PEER_CASE(protocol_2), -EPFNOSUPPORT },
	{ "protocol version as u16", PEER_CASE(protocol_as_u16), -EINVAL },
	{ "keepalive as u32", PEER_CASE(keepalive_as_u32), -EINVAL },
	{ "8-byte endpoint", PEER_CASE(endpoint_short), -ERANGE },
	{ "24-byte endpoint, ignored", PEER_CASE(endpoint_odd_size), 0 },
	{ "endpoint family/size mismatch, ignored", PEER_CASE(endpoint_wrong_family), 0 },
	{ "IPv4 cidr 33", PEER_CASE(cidr_33), -EINVAL },
	{ "IPv6 cidr 129", PEER_CASE(cidr_129), -EINVAL },
	{ "IPv4 with 16 bytes", PEER_CASE(v4_with_16_bytes), -EINVAL },
	{ "IPv6 with 4 bytes", PEER_CASE(v6_with_4_bytes), -EINVAL },
	{ "3-byte address", PEER_CASE(ip_3_bytes), -ERANGE },
	{ "address family AF_UNIX", PEER_CASE(ip_family_unknown), -EINVAL },
	{ "allowed IP without cidr", PEER_CASE(ip_without_cidr), -EINVAL },
	{ "allowed IP without family", PEER_CASE(ip_without_family), -EINVAL },
	{ "unknown allowed-IP flag", PEER_CASE(ip_flags_unknown), -EINVAL },
	{ "cidr as u32", PEER_CASE(cidr_as_u32), -EINVAL },
	{ "GET without device", get_no_device, -EBADR },
	{ "GET of a non-wireguard device", get_not_wireguard, -EOPNOTSUPP },
	{ "GET of a missing device", get_missing, -ENODEV },
	{ "GET", get_ok, 0 },
	{ "SET of one plain peer", set_ok, 0 },
};

static int run_errors(void)
{
	unsigned int i, failed = 0;
	int got;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		got = transact(bad_cases[i].build());
		if (got != bad_cases[i].expect) {
			fprintf(stderr, "FAIL %s: got %d (%s), want %d (%s)\n",
				bad_cases[i].name, got, strerror(-got),
				bad_cases[i].expect,
				strerror(-bad_cases[i].expect));
			failed++;
		} else {
			printf("ok   %s: %d\n", bad_cases[i].name, got);
		}
	}
	return failed ? 1 : 0;
}

static int decode_key(uint8_t key[WG_KEY_LEN], const char *b64)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	unsigned int bits = 0, n = 0;
	const char *p, *c;

	if (strlen(b64) != 44 || b64[43] != '=')
		return -1;
	for (p = b64; p < b64 + 43; p++) {
		c = strchr(alphabet, *p);
		if (!c || !*p)
			return -1;
		acc = (acc << 6) | (uint32_t)(c - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n < WG_KEY_LEN)
				key[n++] = (acc >> bits) & 0xff;
		}
	}
	return n == WG_KEY_LEN ? 0 : -1;
}

/* "10.0.0.0/24" or "fd00::/64" into family, address and cidr. */
static int parse_prefix(const char *text, int *family, uint8_t addr[16],
			int *cidr)
{
	char copy[64], *slash;

	snprintf(copy, sizeof(copy), "%s", text);
	slash = strchr(copy, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	*cidr = atoi(slash + 1);
	*family = strchr(copy, ':') ? AF_INET6 : AF_INET;
	return inet_pton(*family, copy, addr) == 1 ? 0 : -1;
}

static struct nlmsghdr *start_peer(const uint8_t key[WG_KEY_LEN],
				   struct nlattr **peers,
				   struct nlattr **peer)
{
	struct nlmsghdr *nlh = start_set();

	*peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
	*peer = mnl_attr_nest_start(nlh, 0);
	mnl_attr_put(nlh, WGPEER_A_PUBLIC_KEY, WG_KEY_LEN, key);
	return nlh;
}

static int run_remove_ip(const char *b64, const char *prefix)
{
	struct nlattr *peers, *peer;
	struct nlmsghdr *nlh;
	uint8_t key[WG_KEY_LEN], addr[16];
	int family, cidr, ret;

	if (decode_key(key, b64) || parse_prefix(prefix, &family, addr, &cidr)) {
		fprintf(stderr, "bad key or prefix\n");
		return 2;
	}
	nlh = start_peer(key, &peers, &peer);
	put_ip(nlh, family, addr, family == AF_INET ? 4 : 16, cidr,
	       WGALLOWEDIP_F_REMOVE_ME);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, peers);
	ret = transact(nlh);
	if (ret)
		fprintf(stderr, "remove-ip: %s\n", strerror(-ret));
	return ret ? 1 : 0;
}

static int run_update_only(const char *b64, int keepalive)
{
	struct nlattr *peers, *peer;
	struct nlmsghdr *nlh;
	uint8_t key[WG_KEY_LEN];
	int ret;

	if (decode_key(key, b64)) {
		fprintf(stderr, "bad key\n");
		return 2;
	}
	nlh = start_peer(key, &peers, &peer);
	mnl_attr_put_u32(nlh, WGPEER_A_FLAGS, WGPEER_F_UPDATE_ONLY);
	mnl_attr_put_u16(nlh, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, keepalive);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, peers);
	ret = transact(nlh);
	if (ret)
		fprintf(stderr, "update-only: %s\n", strerror(-ret));
	return ret ? 1 : 0;
}

static int set_endpoint(const uint8_t *key, const struct sockaddr_in *sin)
{
	struct nlattr *peers, *peer;
	struct nlmsghdr *nlh;

	nlh = start_peer(key, &peers, &peer);
	mnl_attr_put(nlh, WGPEER_A_ENDPOINT, sizeof(*sin), sin);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, peers);
	return transact(nlh);
}

static int run_flip(const char *b64, const char *a, const char *b, int port,
		    int seconds, int ms)
{
	struct timespec pause = { ms / 1000, (ms % 1000) * 1000000L };
	struct sockaddr_in sin[2] = { { .sin_family = AF_INET },
				      { .sin_family = AF_INET } };
	time_t end = time(NULL) + seconds;
	uint8_t key[WG_KEY_LEN];
	unsigned long moves = 0;
	int ret;

	if (decode_key(key, b64) || inet_pton(AF_INET, a, &sin[0].sin_addr) != 1 ||
	    inet_pton(AF_INET, b, &sin[1].sin_addr) != 1) {
		fprintf(stderr, "bad arguments\n");
		return 2;
	}
	sin[0].sin_port = htons(port);
	sin[1].sin_port = htons(port);
	do {
		ret = set_endpoint(key, &sin[1]);
		nanosleep(&pause, NULL);
		if (!ret)
			ret = set_endpoint(key, &sin[0]);
		nanosleep(&pause, NULL);
		if (ret) {
			fprintf(stderr, "flip: %s\n", strerror(-ret));
			return 1;
		}
		moves += 2;
	} while (time(NULL) < end);
	printf("%lu moves\n", moves);
	return 0;
}

/* Random payloads, half of them of the length the type wants. */
static void put_random(struct nlmsghdr *nlh, uint16_t type, int right_len)
{
	static const int lens[] = { 0, 1, 2, 3, 4, 8, 15, 16, 20, 28, 32, 33 };
	uint8_t payload[40];
	unsigned int i;
	int len;

	len = rand() % 2 ? right_len : lens[rand() % 12];
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = rand() % 4 ? rand() : 0;
	mnl_attr_put(nlh, type, len, payload);
}

static void random_allowedips(struct nlmsghdr *nlh)
{
	static const int want[] = { 4, 2, 16, 1, 4, 4 };
	struct nlattr *ips = mnl_attr_nest_start(nlh, WGPEER_A_ALLOWEDIPS);
	int n = rand() % 4, i, k, type;

	for (i = 0; i < n; i++) {
		struct nlattr *ip = mnl_attr_nest_start(nlh, i);

		for (k = rand() % 5; k >= 0; k--) {
			type = rand() % 6;
			if (type == WGALLOWEDIP_A_FAMILY)
				mnl_attr_put_u16(nlh, type, rand() % 2 ? AF_INET : AF_INET6);
			else if (type == WGALLOWEDIP_A_CIDR_MASK)
				mnl_attr_put_u8(nlh, type, rand() % 140);
			else
				put_random(nlh, type, want[type]);
		}
		mnl_attr_nest_end(nlh, ip);
	}
	mnl_attr_nest_end(nlh, ips);
}

static struct nlmsghdr *random_set(void)
{
	static const int want[] = { 4, 32, 32, 4, 16, 2, 16, 8, 8, 0, 4, 4 };
	struct nlmsghdr *nlh = start(WG_CMD_SET_DEVICE, 0);
	struct nlattr *peers, *peer;
	int n, i, k, type;

	if (rand() % 8)
		mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, ifname);
	if (rand() % 4 == 0)
		put_random(nlh, rand() % 10, 4);
	if (rand() % 4 == 0)
		mnl_attr_put_u32(nlh, WGDEVICE_A_FLAGS, rand() % 3);
	if (rand() % 8 == 0)
		put_random(nlh, WGDEVICE_A_PRIVATE_KEY, 32);
	peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
	for (n = rand() % 4, i = 0; i < n; i++) {
		peer = mnl_attr_nest_start(nlh, i);
		if (rand() % 8)
			put_random(nlh, WGPEER_A_PUBLIC_KEY, 32);
		for (k = rand() % 6; k >= 0; k--) {
			type = 2 + rand() % 10;
			if (type == WGPEER_A_ALLOWEDIPS)
				random_allowedips(nlh);
			else if (type == WGPEER_A_FLAGS)
				mnl_attr_put_u32(nlh, type, rand() % 8);
			else
				put_random(nlh, type, want[type]);
		}
		mnl_attr_nest_end(nlh, peer);
	}
	mnl_attr_nest_end(nlh, peers);
	return nlh;
}

static int run_random(unsigned long count, unsigned int seed)
{
	unsigned long i, ok = 0;

	srand(seed);
	for (i = 0; i < count; i++) {
		if (!transact(random_set()))
			ok++;
		if (i % 16 == 0 && transact(get_ok()) && errno != EINTR) {
			fprintf(stderr, "GET failed during the fuzz\n");
			return 1;
		}
	}
	printf("%lu random requests, %lu accepted\n", count, ok);
	return transact(get_ok()) ? 1 : 0;
}

int main(int argc, char *argv[])
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s errors|remove-ip|update-only|random|flip IFNAME ...\n",
			argv[0]);
		return 2;
	}
	ifname = argv[2];
	nl = genl_open();
	resolve_family();

	if (!strcmp(argv[1], "errors"))
		return run_errors();
	if (!strcmp(argv[1], "remove-ip") && argc == 5)
		return run_remove_ip(argv[3], argv[4]);
	if (!strcmp(argv[1], "update-only") && argc == 5)
		return run_update_only(argv[3], atoi(argv[4]));
	if (!strcmp(argv[1], "flip") && argc == 9)
		return run_flip(argv[3], argv[4], argv[5], atoi(argv[6]),
				atoi(argv[7]), atoi(argv[8]));
	if (!strcmp(argv[1], "random") && argc >= 4)
		return run_random(strtoul(argv[3], NULL, 0),
				  argc > 4 ? (unsigned int)atoi(argv[4]) :
					   (unsigned int)time(NULL));
	fprintf(stderr, "bad arguments\n");
	return 2;
}
