// SPDX-License-Identifier: GPL-2.0
/*
 * monitor.c: event messages of the "wireguard_event" family, built here with
 * libmnl as the module would send them, through monitor_format_event into
 * the human and the JSON line; lost events; the controller messages that
 * give the family, the notify group and the module's departure. With
 * "--lines FILE", the JSON lines are also written to FILE for run.sh to
 * check each with a real parser.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "check.h"
#include "wgctl.h"
#include "wg_events.h"

#define FAMILY 0x1d

static char msgbuf[4096];
static FILE *lines_out;

/* s into buf with its newlines as \n */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; *s && n + 3 < len; s++) {
		if (*s == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
		} else {
			buf[n++] = *s;
		}
	}
	buf[n] = '\0';
	return buf;
}

/* like CHECK_STR, for lines: one line of output whatever the strings hold */
static void check_lines(const char *got, const char *want, const char *what)
{
	if (!strcmp(got, want)) {
		CHECK(1, "%s", what);
	} else {
		static char g[1024], w[1024];

		CHECK(0, "%s: got '%s', want '%s'", what, shown(got, g, sizeof(g)),
		      shown(want, w, sizeof(w)));
	}
}

/* 2026-11-29T16:40:01.123 UTC */
static const struct timespec now = { 1795970401, 123456789 };
#define NOW_HUMAN "2026-11-29T16:40:01.123"
#define NOW_JSON "2026-11-29T16:40:01.123+00:00"

static struct nlmsghdr *event(uint8_t cmd, uint16_t type)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(msgbuf, 0, sizeof(msgbuf));
	nlh = mnl_nlmsg_put_header(msgbuf);
	nlh->nlmsg_type = type;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = WGEVENT_GENL_VERSION;
	return nlh;
}

/* the attributes every event has: device, peer, seq, dropped */
static struct nlmsghdr *common(uint8_t cmd, uint8_t key_byte, uint64_t seq, uint64_t dropped)
{
	struct nlmsghdr *nlh = event(cmd, FAMILY);
	uint8_t key[WG_KEY_LEN];

	memset(key, key_byte, sizeof(key));
	mnl_attr_put_u32(nlh, WGEVENT_A_IFINDEX, 7);
	mnl_attr_put_strz(nlh, WGEVENT_A_IFNAME, "wg0");
	mnl_attr_put(nlh, WGEVENT_A_PUBLIC_KEY, sizeof(key), key);
	mnl_attr_put_u64(nlh, WGEVENT_A_SEQ, seq);
	mnl_attr_put_u64(nlh, WGEVENT_A_DROPPED, dropped);
	return nlh;
}

static void put_v4(struct nlmsghdr *nlh, uint16_t type, const char *addr, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, addr, &sin.sin_addr);
	mnl_attr_put(nlh, type, sizeof(sin), &sin);
}

static void put_v6(struct nlmsghdr *nlh, uint16_t type, const char *addr, uint16_t port)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	inet_pton(AF_INET6, addr, &sin6.sin6_addr);
	mnl_attr_put(nlh, type, sizeof(sin6), &sin6);
}

static void put_time(struct nlmsghdr *nlh, int64_t sec, int64_t nsec)
{
	int64_t ts[2] = { sec, nsec };

	mnl_attr_put(nlh, WGEVENT_A_HANDSHAKE_TIME, sizeof(ts), ts);
}

/* What monitor_format_event prints for nlh with m; the caller frees it. */
static char *format(struct monitor *m, const struct nlmsghdr *nlh, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*ret = monitor_format_event(f, m, nlh, &now);
	fclose(f);
	if (m->json && lines_out)
		fputs(buf, lines_out);
	return buf;
}

/* The human and the JSON line of one event, each from a fresh monitor. */
static void both(const struct nlmsghdr *nlh, const char *human, const char *json,
		 const char *what)
{
	struct monitor m;
	char *s, w[128];
	int ret;

	monitor_init(&m, false);
	s = format(&m, nlh, &ret);
	snprintf(w, sizeof(w), "%s (human)", what);
	CHECK(!ret, "%s: formatted", w);
	check_lines(s, human, w);
	free(s);
	monitor_init(&m, true);
	s = format(&m, nlh, &ret);
	snprintf(w, sizeof(w), "%s (json)", what);
	check_lines(s, json, w);
	free(s);
}

#define K1 "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="
#define K2 "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI="
#define JHEAD(ev, key, seq, dropped)                                               \
	"{\"time\":\"" NOW_JSON "\",\"event\":\"" ev "\",\"ifindex\":7,\"ifname\":\"wg0\"," \
	"\"public_key\":\"" key "\",\"seq\":" #seq ",\"dropped\":" #dropped

static void test_events(void)
{
	struct nlmsghdr *nlh;

	nlh = common(WGEVENT_CMD_PEER_ADDED, 1, 1, 0);
	mnl_attr_put_u32(nlh, WGEVENT_A_CHANGES,
			 WGEVENT_CHANGE_ENDPOINT | WGEVENT_CHANGE_ALLOWEDIPS);
	put_v4(nlh, WGEVENT_A_ENDPOINT, "192.0.2.1", 51820);
	both(nlh, NOW_HUMAN " wg0 peer-added peer " K1
		  " endpoint 192.0.2.1:51820 changes endpoint,allowedips\n",
	     JHEAD("peer-added", K1, 1, 0) ",\"endpoint\":\"192.0.2.1:51820\","
	     "\"changes\":[\"endpoint\",\"allowedips\"]}\n", "peer-added, IPv4 endpoint");

	nlh = common(WGEVENT_CMD_PEER_REMOVED, 2, 1, 0);
	both(nlh, NOW_HUMAN " wg0 peer-removed peer " K2 "\n",
	     JHEAD("peer-removed", K2, 1, 0) "}\n", "peer-removed");

	nlh = common(WGEVENT_CMD_PEER_CHANGED, 1, 1, 0);
	mnl_attr_put_u32(nlh, WGEVENT_A_CHANGES,
			 WGEVENT_CHANGE_PRESHARED_KEY | WGEVENT_CHANGE_KEEPALIVE | 0x100);
	put_v6(nlh, WGEVENT_A_ENDPOINT, "fd00::1", 51820);
	both(nlh, NOW_HUMAN " wg0 peer-changed peer " K1
		  " endpoint [fd00::1]:51820 changes preshared-key,keepalive,0x100\n",
	     JHEAD("peer-changed", K1, 1, 0) ",\"endpoint\":\"[fd00::1]:51820\","
	     "\"changes\":[\"preshared-key\",\"keepalive\",\"0x100\"]}\n",
	     "peer-changed, IPv6 endpoint, a change without a name");

	nlh = common(WGEVENT_CMD_PEER_CHANGED, 1, 1, 0);
	mnl_attr_put_u32(nlh, WGEVENT_A_CHANGES, 0);
	both(nlh, NOW_HUMAN " wg0 peer-changed peer " K1 " changes none\n",
	     JHEAD("peer-changed", K1, 1, 0) ",\"endpoint\":null,\"changes\":[]}\n",
	     "peer-changed, no change bit");

	nlh = common(WGEVENT_CMD_PEER_ADDED, 1, 1, 0);
	mnl_attr_put_u32(nlh, WGEVENT_A_CHANGES, 0x80000300 | WGEVENT_CHANGE_KEEPALIVE);
	both(nlh, NOW_HUMAN " wg0 peer-added peer " K1 " changes keepalive,0x100,0x200,0x80000000\n",
	     JHEAD("peer-added", K1, 1, 0) ",\"endpoint\":null,"
	     "\"changes\":[\"keepalive\",\"0x100\",\"0x200\",\"0x80000000\"]}\n",
	     "peer-added, bits without names one by one");

	/* no endpoint, no changes: a missing optional attribute is null */
	nlh = common(WGEVENT_CMD_PEER_CHANGED, 1, 1, 0);
	both(nlh, NOW_HUMAN " wg0 peer-changed peer " K1 "\n",
	     JHEAD("peer-changed", K1, 1, 0) ",\"endpoint\":null,\"changes\":null}\n",
	     "peer-changed without endpoint or changes");

	nlh = common(WGEVENT_CMD_HANDSHAKE, 1, 1, 0);
	put_time(nlh, 1795970400, 999000000);
	mnl_attr_put_u8(nlh, WGEVENT_A_REKEY, 1);
	put_v4(nlh, WGEVENT_A_ENDPOINT, "198.51.100.7", 4500);
	both(nlh, NOW_HUMAN " wg0 handshake peer " K1
		  " rekey at 2026-11-29T16:40:00.999 endpoint 198.51.100.7:4500\n",
	     JHEAD("handshake", K1, 1, 0) ",\"handshake_time\":{\"sec\":1795970400,"
	     "\"nsec\":999000000},\"rekey\":true,\"endpoint\":\"198.51.100.7:4500\"}\n",
	     "handshake, rekey");

	nlh = common(WGEVENT_CMD_HANDSHAKE, 2, 1, 0);
	put_time(nlh, 1795970401, 5000000);
	mnl_attr_put_u8(nlh, WGEVENT_A_REKEY, 0);
	both(nlh, NOW_HUMAN " wg0 handshake peer " K2
		  " first session at 2026-11-29T16:40:01.005\n",
	     JHEAD("handshake", K2, 1, 0) ",\"handshake_time\":{\"sec\":1795970401,"
	     "\"nsec\":5000000},\"rekey\":false,\"endpoint\":null}\n",
	     "handshake, first session, no endpoint");

	nlh = common(WGEVENT_CMD_ENDPOINT, 1, 1, 0);
	put_v6(nlh, WGEVENT_A_ENDPOINT, "2001:db8::2", 51821);
	put_v4(nlh, WGEVENT_A_OLD_ENDPOINT, "192.0.2.1", 51820);
	both(nlh, NOW_HUMAN " wg0 endpoint peer " K1
		  " 192.0.2.1:51820 -> [2001:db8::2]:51821\n",
	     JHEAD("endpoint", K1, 1, 0) ",\"endpoint\":\"[2001:db8::2]:51821\","
	     "\"old_endpoint\":\"192.0.2.1:51820\"}\n", "endpoint, IPv4 to IPv6");

	nlh = common(WGEVENT_CMD_ENDPOINT, 1, 1, 0);
	put_v4(nlh, WGEVENT_A_ENDPOINT, "203.0.113.9", 1024);
	both(nlh, NOW_HUMAN " wg0 endpoint peer " K1 " (none) -> 203.0.113.9:1024\n",
	     JHEAD("endpoint", K1, 1, 0) ",\"endpoint\":\"203.0.113.9:1024\","
	     "\"old_endpoint\":null}\n", "endpoint without an old one");

	nlh = common(WGEVENT_CMD_UNKNOWN_PEER, 2, 1, 0);
	put_v4(nlh, WGEVENT_A_ENDPOINT, "203.0.113.5", 33000);
	both(nlh, NOW_HUMAN " wg0 unknown-peer peer " K2 " from 203.0.113.5:33000\n",
	     JHEAD("unknown-peer", K2, 1, 0) ",\"endpoint\":\"203.0.113.5:33000\"}\n",
	     "unknown-peer");

	/* an event this wgctl does not know yet: the common part only */
	nlh = common(42, 2, 1, 0);
	both(nlh, NOW_HUMAN " wg0 event-42 peer " K2 "\n",
	     JHEAD("event-42", K2, 1, 0) "}\n", "a future event");
}

static void test_malformed(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET6 };
	struct nlmsghdr *nlh;
	uint8_t short_key[16] = { 0 };
	struct monitor m;
	char *s;
	int ret;

	/* wrong lengths count as absent; no name: the index stands in */
	nlh = event(WGEVENT_CMD_HANDSHAKE, FAMILY);
	mnl_attr_put_u32(nlh, WGEVENT_A_IFINDEX, 9);
	mnl_attr_put(nlh, WGEVENT_A_PUBLIC_KEY, sizeof(short_key), short_key);
	mnl_attr_put_u32(nlh, WGEVENT_A_SEQ, 1);
	mnl_attr_put(nlh, WGEVENT_A_ENDPOINT, sizeof(sin), &sin); /* family says v6 */
	put_time(nlh, 1, 1000000000);
	mnl_attr_put_u16(nlh, WGEVENT_A_REKEY, 1);
	both(nlh, NOW_HUMAN " #9 handshake peer (none)\n",
	     "{\"time\":\"" NOW_JSON "\",\"event\":\"handshake\",\"ifindex\":9,\"ifname\":null,"
	     "\"public_key\":null,\"seq\":null,\"dropped\":null,\"handshake_time\":null,"
	     "\"rekey\":null,\"endpoint\":null}\n", "malformed attributes are absent");

	/* too short for a generic netlink header */
	memset(msgbuf, 0, sizeof(msgbuf));
	nlh = mnl_nlmsg_put_header(msgbuf);
	nlh->nlmsg_type = FAMILY;
	monitor_init(&m, false);
	s = format(&m, nlh, &ret);
	CHECK(ret < 0 && !*s, "no genl header: refused, nothing printed");
	free(s);
}

/*
 * A peer-removed with seq and dropped through m: whether its human output
 * begins with "<lost> events lost" or, for lost 0, tells of no loss at all.
 */
static bool lost_line(struct monitor *m, uint64_t seq, uint64_t dropped, unsigned int lost)
{
	bool ok;
	char *s;
	int ret;

	s = format(m, common(WGEVENT_CMD_PEER_REMOVED, 1, seq, dropped), &ret);
	if (lost) {
		char want[64];

		snprintf(want, sizeof(want), NOW_HUMAN " %u events lost\n", lost);
		ok = !strncmp(s, want, strlen(want));
	} else {
		ok = !strstr(s, "lost");
	}
	free(s);
	return ok;
}

static void test_lost(void)
{
	struct monitor m, j;
	char *s;
	int ret;

	monitor_init(&m, false);
	monitor_init(&j, true);
	CHECK(lost_line(&m, 1, 0, 0), "seq 1, dropped 0: nothing lost");
	CHECK(lost_line(&m, 2, 0, 0), "seq 2: nothing lost");

	/* dropped grew by 3 and seq jumped by 3: the same 3 events */
	s = format(&m, common(WGEVENT_CMD_PEER_REMOVED, 1, 6, 3), &ret);
	check_lines(s, NOW_HUMAN " 3 events lost\n" NOW_HUMAN " wg0 peer-removed peer " K1 "\n",
		  "dropped 0 -> 3 with seq 2 -> 6");
	free(s);

	/* a gap in seq alone */
	CHECK(lost_line(&m, 9, 3, 2), "seq 6 -> 9, dropped unchanged: 2 lost");

	/* dropped alone (the module's queue was full before a seq was taken) */
	CHECK(lost_line(&m, 10, 5, 2), "dropped 3 -> 5, seq contiguous: 2 lost");
	CHECK(lost_line(&m, 11, 5, 0), "steady again: nothing lost");

	/* the first event of a subscription already tells of losses */
	monitor_init(&m, false);
	CHECK(lost_line(&m, 4, 0, 3), "first event with seq 4: 3 lost");

	/* JSON: no extra line, the count in every object */
	s = format(&j, common(WGEVENT_CMD_PEER_REMOVED, 1, 1, 0), &ret);
	free(s);
	s = format(&j, common(WGEVENT_CMD_PEER_REMOVED, 1, 5, 3), &ret);
	check_lines(s, JHEAD("peer-removed", K1, 5, 3) "}\n", "json: dropped in the object");
	free(s);

	/* the socket's own overrun */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		monitor_init(&m, false);
		monitor_format_overrun(f, &m, &now);
		fclose(f);
		check_lines(buf, NOW_HUMAN " events lost (receive buffer overrun)\n", "overrun");
		free(buf);
	}
}

/* A controller message cmd naming family name, with its id unless 0. */
static struct nlmsghdr *ctrl(uint8_t cmd, const char *name, uint16_t id)
{
	struct nlmsghdr *nlh = event(cmd, GENL_ID_CTRL);

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (id)
		mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, id);
	return nlh;
}

static void test_controller(void)
{
	struct monitor_family fam;
	struct nlmsghdr *nlh;
	struct nlattr *groups, *g;

	/* CTRL_CMD_NEWFAMILY, the reply to GETFAMILY for "nlctrl" */
	nlh = ctrl(CTRL_CMD_NEWFAMILY, "nlctrl", GENL_ID_CTRL);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 2);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	g = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "other");
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 0x30);
	mnl_attr_nest_end(nlh, g);
	g = mnl_attr_nest_start(nlh, 2);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 0x10);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "notify");
	mnl_attr_nest_end(nlh, g);
	mnl_attr_nest_end(nlh, groups);
	CHECK(!monitor_parse_family(nlh, "notify", &fam) && fam.id == GENL_ID_CTRL &&
	      fam.group == 0x10, "nlctrl: id %u, notify group %u", fam.id, fam.group);
	CHECK(!monitor_parse_family(nlh, "absent", &fam) && fam.group == 0,
	      "a group that is not there: 0");

	nlh = ctrl(CTRL_CMD_NEWFAMILY, WGEVENT_GENL_NAME, 0);
	CHECK(monitor_parse_family(nlh, NULL, &fam) == -ENOENT, "no family id: -ENOENT");

	CHECK(monitor_family_gone(ctrl(CTRL_CMD_DELFAMILY, WGEVENT_GENL_NAME, FAMILY), FAMILY),
	      "DELFAMILY wireguard_event: gone");
	CHECK(!monitor_family_gone(ctrl(CTRL_CMD_DELFAMILY, "wireguard", FAMILY + 1), FAMILY),
	      "DELFAMILY of another family: not gone");
	CHECK(!monitor_family_gone(ctrl(CTRL_CMD_NEWFAMILY, WGEVENT_GENL_NAME, FAMILY), FAMILY),
	      "NEWFAMILY wireguard_event: not gone");
}

/* local time: the human line without offset, the JSON time with it */
static void test_zone(void)
{
	struct nlmsghdr *nlh = common(WGEVENT_CMD_PEER_REMOVED, 1, 1, 0);

	setenv("TZ", "CET-1", 1);
	tzset();
	both(nlh, "2026-11-29T17:40:01.123 wg0 peer-removed peer " K1 "\n",
	     "{\"time\":\"2026-11-29T17:40:01.123+01:00\",\"event\":\"peer-removed\","
	     "\"ifindex\":7,\"ifname\":\"wg0\",\"public_key\":\"" K1 "\",\"seq\":1,"
	     "\"dropped\":0}\n", "UTC+1");
	setenv("TZ", "UTC", 1);
	tzset();
}

int main(int argc, char **argv)
{
	setenv("TZ", "UTC", 1);
	tzset();
	if (argc > 2 && !strcmp(argv[1], "--lines"))
		lines_out = fopen(argv[2], "w");
	test_events();
	test_malformed();
	test_lost();
	test_controller();
	test_zone();
	if (lines_out)
		fclose(lines_out);
	return check_failed ? 1 : 0;
}
