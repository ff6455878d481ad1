// SPDX-License-Identifier: GPL-2.0
/*
 * One crafted request to the "wireguard" generic netlink family, described
 * on the command line; prints the errno it got ("0", or "-22 Invalid argument").
 *
 *   genl-probe COMMAND ITEM...
 *   genl-probe batch IFNAME     one "COMMAND ITEM..." a line on stdin; after
 *                               each, what IFNAME holds, then IFNAME is
 *                               put back to no peers, no key, port and
 *                               fwmark 0
 *
 * get is a dump of WG_CMD_GET_DEVICE, set a WG_CMD_SET_DEVICE; get-do is
 * a GET without NLM_F_DUMP, set-dump a SET with it, cmd=N command N (no
 * dump), set-version=N a SET with genl version N. Each ITEM
 * appends to the innermost open nest:
 *
 *   T:u8=N  T:u16=N  T:u32=N  T:u64=N   an integer of that width
 *   T:str=S                             S with its NUL
 *   T:raw=S                             S without the NUL
 *   T:zero=N                            N zero bytes
 *   T:key=B                             32 bytes, each B (0..255)
 *   T:in4=ADDR  T:in6=ADDR              an address, 4 or 16 bytes
 *   T:sin=ADDR:PORT  T:sin6=ADDR:PORT   a sockaddr_in or sockaddr_in6
 *   T:sin.fam=F                         a sockaddr_in of family F
 *   T{ ... }                            a nest, flagged NLA_F_NESTED
 *   T( ... )                            a nest without NLA_F_NESTED
 *   tail=N                              N bytes after the last attribute
 *
 * T is the attribute type, a number. Exits 0 whatever the kernel says;
 * 2 when the request cannot be sent.
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

#include <libmnl/libmnl.h>

#include "genl.h"
#include "wg_genl.h"

#define BUF_SIZE 65536
#define MAX_DEPTH 8

static struct mnl_socket *nl;
static uint16_t family_id;
static char msgbuf[BUF_SIZE];
static char reply[BUF_SIZE * 4];

static void usage(const char *why)
{
	fprintf(stderr, "genl-probe: %s\nusage: genl-probe COMMAND ITEM... | batch IFNAME\n",
		why);
	exit(2);
}

/* Run the reply to @nlh through @cb: 0 or the negative errno. */
static int transact(struct nlmsghdr *nlh, mnl_cb_t cb)
{
	return genl_transact(nl, nlh, reply, sizeof(reply), false, cb, NULL);
}

static void resolve_family(void)
{
	family_id = genl_family(nl, WG_GENL_NAME, 1, msgbuf, reply,
				sizeof(reply), false);
	if (!family_id)
		usage("no " WG_GENL_NAME " genl family");
}

static unsigned long number(const char *text, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(text, &end, 0);
	if (errno || *end || end == text || v > max)
		usage("bad number");
	return v;
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type, int family,
		     const char *text)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (family == AF_INET) {
		if (inet_pton(AF_INET, text, &a4) != 1)
			usage("bad IPv4 address");
		mnl_attr_put(nlh, type, sizeof(a4), &a4);
	} else {
		if (inet_pton(AF_INET6, text, &a6) != 1)
			usage("bad IPv6 address");
		mnl_attr_put(nlh, type, sizeof(a6), &a6);
	}
}

/* ADDR:PORT, the port after the last colon. */
static void put_sockaddr(struct nlmsghdr *nlh, uint16_t type, int family,
			 const char *text)
{
	const char *colon = strrchr(text, ':');
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char addr[INET6_ADDRSTRLEN];
	uint16_t port;

	if (!colon || (size_t)(colon - text) >= sizeof(addr))
		usage("bad ADDR:PORT");
	memcpy(addr, text, colon - text);
	addr[colon - text] = '\0';
	port = htons(number(colon + 1, 65535));
	if (family == AF_INET) {
		sin.sin_port = port;
		if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
			usage("bad IPv4 address");
		mnl_attr_put(nlh, type, sizeof(sin), &sin);
	} else {
		sin6.sin6_port = port;
		if (inet_pton(AF_INET6, addr, &sin6.sin6_addr) != 1)
			usage("bad IPv6 address");
		mnl_attr_put(nlh, type, sizeof(sin6), &sin6);
	}
}

static void put_item(struct nlmsghdr *nlh, uint16_t type, const char *kind,
		     const char *value)
{
	uint8_t bytes[256];
	size_t n;

	if (!strcmp(kind, "u8")) {
		mnl_attr_put_u8(nlh, type, number(value, UINT8_MAX));
	} else if (!strcmp(kind, "u16")) {
		mnl_attr_put_u16(nlh, type, number(value, UINT16_MAX));
	} else if (!strcmp(kind, "u32")) {
		mnl_attr_put_u32(nlh, type, number(value, UINT32_MAX));
	} else if (!strcmp(kind, "u64")) {
		mnl_attr_put_u64(nlh, type, strtoull(value, NULL, 0));
	} else if (!strcmp(kind, "str")) {
		mnl_attr_put_strz(nlh, type, value);
	} else if (!strcmp(kind, "raw")) {
		mnl_attr_put(nlh, type, strlen(value), value);
	} else if (!strcmp(kind, "zero")) {
		n = number(value, sizeof(bytes));
		memset(bytes, 0, n);
		mnl_attr_put(nlh, type, n, bytes);
	} else if (!strcmp(kind, "key")) {
		memset(bytes, number(value, 255), WG_KEY_LEN);
		mnl_attr_put(nlh, type, WG_KEY_LEN, bytes);
	} else if (!strcmp(kind, "in4")) {
		put_addr(nlh, type, AF_INET, value);
	} else if (!strcmp(kind, "in6")) {
		put_addr(nlh, type, AF_INET6, value);
	} else if (!strcmp(kind, "sin")) {
		put_sockaddr(nlh, type, AF_INET, value);
	} else if (!strcmp(kind, "sin6")) {
		put_sockaddr(nlh, type, AF_INET6, value);
	} else if (!strcmp(kind, "sin.fam")) {
		struct sockaddr_in sin = { .sin_family = number(value, 65535) };

		mnl_attr_put(nlh, type, sizeof(sin), &sin);
	} else {
		usage("unknown item kind");
	}
}

/* The request of ITEM... in msgbuf: a get or set (@cmd) of the family. */
static struct nlmsghdr *build(const char *cmd, int argc, char **argv)
{
	struct nlattr *open_nests[MAX_DEPTH];
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	unsigned int depth = 0;
	static unsigned int seq = 1;
	int i;

	nlh = mnl_nlmsg_put_header(msgbuf);
	nlh->nlmsg_type = family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->version = WG_GENL_VERSION;
	if (!strcmp(cmd, "get")) {
		g->cmd = WG_CMD_GET_DEVICE;
		nlh->nlmsg_flags |= NLM_F_DUMP;
	} else if (!strcmp(cmd, "set")) {
		g->cmd = WG_CMD_SET_DEVICE;
	} else if (!strcmp(cmd, "get-do")) {
		g->cmd = WG_CMD_GET_DEVICE;
	} else if (!strcmp(cmd, "set-dump")) {
		g->cmd = WG_CMD_SET_DEVICE;
		nlh->nlmsg_flags |= NLM_F_DUMP;
	} else if (!strncmp(cmd, "cmd=", 4)) {
		g->cmd = number(cmd + 4, 255);
	} else if (!strncmp(cmd, "set-version=", 12)) {
		g->cmd = WG_CMD_SET_DEVICE;
		g->version = number(cmd + 12, 255);
	} else {
		usage("the command is get, set, get-do, set-dump, cmd=N or set-version=N");
	}

	for (i = 0; i < argc; i++) {
		char item[256], *end, *eq;
		size_t len = strlen(argv[i]);
		unsigned long type;

		/* A copy: the items of batch() are used again. */
		if (len >= sizeof(item))
			usage("an item is too long");
		memcpy(item, argv[i], len + 1);

		if (!strcmp(item, "}") || !strcmp(item, ")")) {
			if (!depth)
				usage("a close without an open");
			mnl_attr_nest_end(nlh, open_nests[--depth]);
			continue;
		}
		if (!strncmp(item, "tail=", 5)) {
			len = number(item + 5, 64);
			memset(mnl_nlmsg_get_payload_tail(nlh), 0, len);
			nlh->nlmsg_len += len;
			continue;
		}
		type = strtoul(item, &end, 0);
		if (end == item || type > UINT16_MAX)
			usage("an item starts with its attribute type");
		if ((!strcmp(end, "{") || !strcmp(end, "(")) && len > 1) {
			if (depth == MAX_DEPTH)
				usage("nested too deep");
			open_nests[depth] = mnl_attr_nest_start(nlh, type);
			/* libmnl flags every nest; "(" takes it off again. */
			if (*end == '(')
				open_nests[depth]->nla_type &= ~NLA_F_NESTED;
			depth++;
			continue;
		}
		eq = strchr(end, '=');
		if (*end != ':' || !eq)
			usage("an item is T:KIND=VALUE, T{, T(, }, ) or tail=N");
		*eq = '\0';
		put_item(nlh, type, end + 1, eq + 1);
	}
	if (depth)
		usage("a nest is not closed");
	return nlh;
}

static void print_result(int ret)
{
	if (ret)
		printf("%d %s\n", ret, strerror(-ret));
	else
		printf("0\n");
}

static void print_endpoint(const struct nlattr *attr)
{
	const struct sockaddr_in6 *sin6 = mnl_attr_get_payload(attr);
	const struct sockaddr_in *sin = mnl_attr_get_payload(attr);
	char addr[INET6_ADDRSTRLEN] = "?";

	if (mnl_attr_get_payload_len(attr) == sizeof(*sin)) {
		inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof(addr));
		printf(" endpoint %s:%u", addr, ntohs(sin->sin_port));
	} else {
		inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof(addr));
		printf(" endpoint [%s]:%u", addr, ntohs(sin6->sin6_port));
	}
}

static void print_allowedip(const struct nlattr *nest)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	const struct nlattr *attr;
	int family = 0, cidr = -1;
	const void *ip = NULL;

	mnl_attr_for_each_nested(attr, nest) {
		switch (mnl_attr_get_type(attr)) {
		case WGALLOWEDIP_A_FAMILY:
			family = mnl_attr_get_u16(attr);
			break;
		case WGALLOWEDIP_A_IPADDR:
			ip = mnl_attr_get_payload(attr);
			break;
		case WGALLOWEDIP_A_CIDR_MASK:
			cidr = mnl_attr_get_u8(attr);
			break;
		}
	}
	if (ip)
		inet_ntop(family, ip, addr, sizeof(addr));
	printf(" %s/%d", addr, cidr);
}

/* A peer in one line: its key's first byte, and what is set. */
static void print_peer(const struct nlattr *nest)
{
	static const uint8_t zero[WG_KEY_LEN];
	const struct nlattr *attr, *ip;

	printf("    peer");
	mnl_attr_for_each_nested(attr, nest) {
		switch (mnl_attr_get_type(attr)) {
		case WGPEER_A_PUBLIC_KEY:
			printf(" %02x..",
			       *(uint8_t *)mnl_attr_get_payload(attr));
			break;
		case WGPEER_A_PRESHARED_KEY:
			if (memcmp(mnl_attr_get_payload(attr), zero,
				   WG_KEY_LEN))
				printf(" psk");
			break;
		case WGPEER_A_ENDPOINT:
			print_endpoint(attr);
			break;
		case WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL:
			if (mnl_attr_get_u16(attr))
				printf(" keepalive %u", mnl_attr_get_u16(attr));
			break;
		case WGPEER_A_ALLOWEDIPS:
			printf(" allowed");
			mnl_attr_for_each_nested(ip, attr)
				print_allowedip(ip);
			break;
		}
	}
	printf("\n");
}

static int device_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *attr, *peer;

	(void)data;
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(attr)) {
		case WGDEVICE_A_PRIVATE_KEY:
			printf("    private key\n");
			break;
		case WGDEVICE_A_LISTEN_PORT:
			if (mnl_attr_get_u16(attr))
				printf("    port %u\n", mnl_attr_get_u16(attr));
			break;
		case WGDEVICE_A_FWMARK:
			if (mnl_attr_get_u32(attr))
				printf("    fwmark %u\n", mnl_attr_get_u32(attr));
			break;
		case WGDEVICE_A_PEERS:
			mnl_attr_for_each_nested(peer, attr)
				print_peer(peer);
			break;
		}
	}
	return MNL_CB_OK;
}

/*
 * Each line of stdin one request: the line, its result, and what the
 * device holds after it; then the device is put back to nothing.
 */
static void batch(char *ifname)
{
	char name_item[64], *words[256], line[4096], *word;
	char *reset[] = { name_item, "5:u32=1", "3:zero=32", "6:u16=0",
			  "7:u32=0" };
	char *dump[] = { name_item };
	int n, ret;

	snprintf(name_item, sizeof(name_item), "2:str=%s", ifname);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		printf("%s -> ", line);
		n = 0;
		for (word = strtok(line, " \t"); word && n < 256;
		     word = strtok(NULL, " \t"))
			words[n++] = word;
		if (!n)
			usage("an empty line");
		print_result(transact(build(words[0], n - 1, words + 1), NULL));
		ret = transact(build("get", 1, dump), device_cb);
		if (ret)
			printf("    dump: %d %s\n", ret, strerror(-ret));
		ret = transact(build("set", 5, reset), NULL);
		if (ret)
			printf("    reset: %d %s\n", ret, strerror(-ret));
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage("no command");
	nl = genl_open();
	resolve_family();
	if (!strcmp(argv[1], "batch")) {
		if (argc != 3)
			usage("batch takes an interface name");
		batch(argv[2]);
	} else {
		print_result(transact(build(argv[1], argc - 2, argv + 2),
				      NULL));
	}
	mnl_socket_close(nl);
	return 0;
}
