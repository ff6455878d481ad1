// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl monitor: follow the events of the "wireguard_event" generic netlink
 * family (include/uapi/wg_events.h) and print one line per event, for people
 * or, with --json, one JSON object per line for programs.
 *
 * The socket subscribes by request (WGEVENT_CMD_SUBSCRIBE, CAP_NET_ADMIN) and
 * also listens to the generic netlink controller's "notify" group, to tell
 * the user when the module is unloaded. Formatting is apart from the socket
 * (monitor_format_event writes to any FILE and takes the time as a
 * parameter) so that tests/test_monitor.c can feed it crafted messages.
 */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "wgctl.h"
#include "wg_events.h"

#define MONITOR_RECV_SIZE 65536
#define MONITOR_RCVBUF (1 << 20) /* asked for; the kernel caps it at rmem_max */

static const char usage[] =
	"Usage: wgctl monitor [<interface> | all] [--json]\n"
	"Print the events of wireguard-oot interfaces as they happen, one line each:\n"
	"peers added, removed or changed, handshakes, endpoint moves and initiations\n"
	"from unknown peers. Default: all interfaces. Needs CAP_NET_ADMIN and the\n"
	"wireguard-oot module with events. Runs until interrupted.\n"
	"  --json   one JSON object per line (see wgctl(8) for the keys)\n";

static const char *const event_names[] = {
	[WGEVENT_CMD_PEER_ADDED] = "peer-added",
	[WGEVENT_CMD_PEER_REMOVED] = "peer-removed",
	[WGEVENT_CMD_PEER_CHANGED] = "peer-changed",
	[WGEVENT_CMD_HANDSHAKE] = "handshake",
	[WGEVENT_CMD_ENDPOINT] = "endpoint",
	[WGEVENT_CMD_UNKNOWN_PEER] = "unknown-peer",
};

static const struct {
	uint32_t bit;
	const char *name;
} change_names[] = {
	{ WGEVENT_CHANGE_ENDPOINT, "endpoint" },
	{ WGEVENT_CHANGE_PRESHARED_KEY, "preshared-key" },
	{ WGEVENT_CHANGE_KEEPALIVE, "keepalive" },
	{ WGEVENT_CHANGE_ALLOWEDIPS, "allowedips" },
};

/* One event, its attributes checked; a malformed attribute counts as absent. */
struct event {
	uint8_t cmd;
	bool has_ifindex, has_key, has_seq, has_dropped, has_changes, has_time, has_rekey;
	uint32_t ifindex;
	const char *ifname;
	uint8_t key[WG_KEY_LEN];
	uint64_t seq, dropped;
	uint32_t changes;
	union wg_endpoint endpoint, old_endpoint; /* family 0: absent */
	int64_t time_sec, time_nsec;
	bool rekey;
};

static bool payload_is(const struct nlattr *a, size_t len)
{
	return mnl_attr_get_payload_len(a) == len;
}

/* A struct sockaddr_in or _in6 whose length agrees with its family. */
static void take_endpoint(union wg_endpoint *ep, const struct nlattr *a)
{
	size_t len = mnl_attr_get_payload_len(a);
	sa_family_t family;

	if (len < sizeof(family))
		return;
	memcpy(&family, mnl_attr_get_payload(a), sizeof(family));
	if ((family == AF_INET && len == sizeof(struct sockaddr_in)) ||
	    (family == AF_INET6 && len == sizeof(struct sockaddr_in6)))
		memcpy(ep, mnl_attr_get_payload(a), len);
}

/* The payload of a into dst when it is len bytes long: whether it was. */
static bool take(void *dst, const struct nlattr *a, size_t len)
{
	if (!payload_is(a, len))
		return false;
	memcpy(dst, mnl_attr_get_payload(a), len);
	return true;
}

static int parse_event(struct event *ev, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g;
	const struct nlattr *a;

	memset(ev, 0, sizeof(*ev));
	if (nlh->nlmsg_len < mnl_nlmsg_size(GENL_HDRLEN))
		return -EBADMSG;
	g = mnl_nlmsg_get_payload(nlh);
	ev->cmd = g->cmd;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(a)) {
		case WGEVENT_A_IFINDEX:
			ev->has_ifindex |= take(&ev->ifindex, a, sizeof(ev->ifindex));
			break;
		case WGEVENT_A_IFNAME:
			if (!mnl_attr_validate(a, MNL_TYPE_NUL_STRING) &&
			    mnl_attr_get_payload_len(a) <= IFNAMSIZ_MAX &&
			    *mnl_attr_get_str(a))
				ev->ifname = mnl_attr_get_str(a);
			break;
		case WGEVENT_A_PUBLIC_KEY:
			ev->has_key |= take(ev->key, a, sizeof(ev->key));
			break;
		case WGEVENT_A_SEQ:
			ev->has_seq |= take(&ev->seq, a, sizeof(ev->seq));
			break;
		case WGEVENT_A_DROPPED:
			ev->has_dropped |= take(&ev->dropped, a, sizeof(ev->dropped));
			break;
		case WGEVENT_A_CHANGES:
			ev->has_changes |= take(&ev->changes, a, sizeof(ev->changes));
			break;
		case WGEVENT_A_ENDPOINT:
			take_endpoint(&ev->endpoint, a);
			break;
		case WGEVENT_A_OLD_ENDPOINT:
			take_endpoint(&ev->old_endpoint, a);
			break;
		case WGEVENT_A_HANDSHAKE_TIME:
			/* struct __kernel_timespec: two 64-bit fields */
			if (payload_is(a, 2 * sizeof(int64_t))) {
				int64_t ts[2];

				memcpy(ts, mnl_attr_get_payload(a), sizeof(ts));
				if (ts[1] >= 0 && ts[1] < 1000000000) {
					ev->time_sec = ts[0];
					ev->time_nsec = ts[1];
					ev->has_time = true;
				}
			}
			break;
		case WGEVENT_A_REKEY:
			if (payload_is(a, sizeof(uint8_t))) {
				ev->rekey = mnl_attr_get_u8(a) != 0;
				ev->has_rekey = true;
			}
			break;
		}
	}
	return 0;
}

/*
 * Local time in ISO 8601 with milliseconds, 2026-11-29T16:40:01.123; with
 * offset, the UTC offset after it as +01:00.
 */
static void format_time(char *buf, size_t len, int64_t sec, int64_t nsec, bool offset)
{
	time_t t = (time_t)sec;
	char zone[8] = "";
	struct tm tm;
	size_t n;

	if (!localtime_r(&t, &tm)) {
		snprintf(buf, len, "?");
		return;
	}
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	if (offset && strftime(zone, sizeof(zone), "%z", &tm) == 5) {
		/* +hhmm into +hh:mm */
		memmove(zone + 4, zone + 3, 3);
		zone[3] = ':';
	} else {
		zone[0] = '\0';
	}
	snprintf(buf + n, len - n, ".%03d%s", (int)(nsec / 1000000), zone);
}

static const char *event_name(uint8_t cmd, char *buf, size_t len)
{
	if (cmd < ARRAY_SIZE(event_names) && event_names[cmd])
		return event_names[cmd];
	snprintf(buf, len, "event-%u", cmd);
	return buf;
}

/* The name of one WGEVENT_CHANGE_ bit; one without a name in hexadecimal. */
static const char *change_name(uint32_t bit, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(change_names); i++)
		if (change_names[i].bit == bit)
			return change_names[i].name;
	snprintf(buf, len, "0x%x", bit);
	return buf;
}

/* "endpoint,allowedips", lowest bit first; "none" for no bit */
static void format_changes(char *buf, size_t len, uint32_t changes)
{
	char other[16];
	size_t n = 0;
	int i;

	snprintf(buf, len, "none");
	for (i = 0; i < 32 && n < len; i++)
		if (changes & (1U << i))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "",
					      change_name(1U << i, other, sizeof(other)));
}

static void print_human(FILE *f, const struct event *ev, const char *when)
{
	char name[24], ep[128], old[128];

	fprintf(f, "%s ", when);
	if (ev->ifname)
		fprintf(f, "%s", ev->ifname);
	else if (ev->has_ifindex)
		fprintf(f, "#%u", ev->ifindex);
	else
		fputc('?', f);
	fprintf(f, " %s peer ", event_name(ev->cmd, name, sizeof(name)));
	if (ev->has_key) {
		char key[KEY_B64_LEN + 1];

		key_to_base64(key, ev->key);
		fputs(key, f);
	} else {
		fputs("(none)", f);
	}
	format_endpoint(ep, sizeof(ep), &ev->endpoint);
	switch (ev->cmd) {
	case WGEVENT_CMD_PEER_ADDED:
	case WGEVENT_CMD_PEER_CHANGED:
		if (ev->endpoint.addr.sa_family)
			fprintf(f, " endpoint %s", ep);
		if (ev->has_changes) {
			char buf[128];

			format_changes(buf, sizeof(buf), ev->changes);
			fprintf(f, " changes %s", buf);
		}
		break;
	case WGEVENT_CMD_HANDSHAKE:
		if (ev->has_rekey)
			fputs(ev->rekey ? " rekey" : " first session", f);
		if (ev->has_time) {
			char buf[128];

			format_time(buf, sizeof(buf), ev->time_sec, ev->time_nsec, false);
			fprintf(f, " at %s", buf);
		}
		if (ev->endpoint.addr.sa_family)
			fprintf(f, " endpoint %s", ep);
		break;
	case WGEVENT_CMD_ENDPOINT:
		format_endpoint(old, sizeof(old), &ev->old_endpoint);
		fprintf(f, " %s -> %s", old, ep);
		break;
	case WGEVENT_CMD_UNKNOWN_PEER:
		if (ev->endpoint.addr.sa_family)
			fprintf(f, " from %s", ep);
		break;
	}
	fputc('\n', f);
}

/* Key k, and null for its value unless has: then the caller writes it. */
static bool json_opt_key(struct json *j, const char *k, bool has)
{
	json_key(j, k);
	if (!has)
		json_null(j);
	return has;
}

static void json_endpoint(struct json *j, const char *k, const union wg_endpoint *ep)
{
	if (json_opt_key(j, k, ep->addr.sa_family)) {
		char buf[128];

		format_endpoint(buf, sizeof(buf), ep);
		json_string(j, buf);
	}
}

static void print_json(FILE *f, const struct event *ev, const char *when)
{
	char name[24];
	struct json j;

	json_init(&j, f);
	json_begin_object(&j);
	json_key(&j, "time");
	json_string(&j, when);
	json_key(&j, "event");
	json_string(&j, event_name(ev->cmd, name, sizeof(name)));
	if (json_opt_key(&j, "ifindex", ev->has_ifindex))
		json_uint(&j, ev->ifindex);
	if (json_opt_key(&j, "ifname", ev->ifname))
		json_string(&j, ev->ifname);
	if (json_opt_key(&j, "public_key", ev->has_key)) {
		char key[KEY_B64_LEN + 1];

		key_to_base64(key, ev->key);
		json_string(&j, key);
	}
	if (json_opt_key(&j, "seq", ev->has_seq))
		json_uint(&j, ev->seq);
	if (json_opt_key(&j, "dropped", ev->has_dropped))
		json_uint(&j, ev->dropped);
	switch (ev->cmd) {
	case WGEVENT_CMD_PEER_ADDED:
	case WGEVENT_CMD_PEER_CHANGED:
		json_endpoint(&j, "endpoint", &ev->endpoint);
		if (json_opt_key(&j, "changes", ev->has_changes)) {
			char other[16];
			int i;

			json_begin_array(&j);
			for (i = 0; i < 32; i++)
				if (ev->changes & (1U << i))
					json_string(&j, change_name(1U << i, other, sizeof(other)));
			json_end_array(&j);
		}
		break;
	case WGEVENT_CMD_HANDSHAKE:
		if (json_opt_key(&j, "handshake_time", ev->has_time)) {
			json_begin_object(&j);
			json_key(&j, "sec");
			json_int(&j, ev->time_sec);
			json_key(&j, "nsec");
			json_int(&j, ev->time_nsec);
			json_end_object(&j);
		}
		if (json_opt_key(&j, "rekey", ev->has_rekey))
			json_bool(&j, ev->rekey);
		json_endpoint(&j, "endpoint", &ev->endpoint);
		break;
	case WGEVENT_CMD_ENDPOINT:
		json_endpoint(&j, "endpoint", &ev->endpoint);
		json_endpoint(&j, "old_endpoint", &ev->old_endpoint);
		break;
	case WGEVENT_CMD_UNKNOWN_PEER:
		json_endpoint(&j, "endpoint", &ev->endpoint);
		break;
	}
	json_end_object(&j);
	fputc('\n', f);
}

void monitor_init(struct monitor *m, bool json)
{
	*m = (struct monitor){ .json = json };
}

/* How many events went missing before this one, from DROPPED and SEQ. */
static uint64_t count_lost(struct monitor *m, const struct event *ev)
{
	uint64_t lost = 0;

	if (ev->has_dropped) {
		if (ev->dropped > m->dropped)
			lost = ev->dropped - m->dropped;
		m->dropped = ev->dropped;
	}
	if (ev->has_seq) {
		/* a lost event both leaves a gap and is counted in DROPPED */
		if (ev->seq > m->seq + 1 && ev->seq - m->seq - 1 > lost)
			lost = ev->seq - m->seq - 1;
		m->seq = ev->seq;
	}
	return lost;
}

int monitor_format_event(FILE *f, struct monitor *m, const struct nlmsghdr *nlh,
			 const struct timespec *now)
{
	struct event ev;
	char when[48];
	uint64_t lost;
	int ret;

	ret = parse_event(&ev, nlh);
	if (ret)
		return ret;
	lost = count_lost(m, &ev);
	format_time(when, sizeof(when), now->tv_sec, now->tv_nsec, m->json);
	if (m->json) {
		print_json(f, &ev, when);
		return 0;
	}
	if (lost)
		fprintf(f, "%s %llu events lost\n", when, (unsigned long long)lost);
	print_human(f, &ev, when);
	return 0;
}

void monitor_format_overrun(FILE *f, const struct monitor *m, const struct timespec *now)
{
	char when[48];

	format_time(when, sizeof(when), now->tv_sec, now->tv_nsec, false);
	/* JSON lines stay JSON: then the notice goes to standard error */
	if (m->json)
		fprintf(stderr, "%s: %s events lost (receive buffer overrun)\n", PROG, when);
	else
		fprintf(f, "%s events lost (receive buffer overrun)\n", when);
}

/* --- the generic netlink controller -------------------------------------- */

int monitor_parse_family(const struct nlmsghdr *nlh, const char *group,
			 struct monitor_family *out)
{
	const struct nlattr *a, *g, *ga;

	memset(out, 0, sizeof(*out));
	if (nlh->nlmsg_len < mnl_nlmsg_size(GENL_HDRLEN))
		return -EBADMSG;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (payload_is(a, sizeof(uint16_t)))
				out->id = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			if (!group)
				break;
			mnl_attr_for_each_nested(g, a) {
				const char *name = NULL;
				uint32_t id = 0;

				mnl_attr_for_each_nested(ga, g) {
					if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_NAME &&
					    !mnl_attr_validate(ga, MNL_TYPE_NUL_STRING))
						name = mnl_attr_get_str(ga);
					if (mnl_attr_get_type(ga) == CTRL_ATTR_MCAST_GRP_ID &&
					    payload_is(ga, sizeof(uint32_t)))
						id = mnl_attr_get_u32(ga);
				}
				if (name && id && !strcmp(name, group))
					out->group = id;
			}
			break;
		}
	}
	return out->id ? 0 : -ENOENT;
}

bool monitor_family_gone(const struct nlmsghdr *nlh, uint16_t id)
{
	const struct genlmsghdr *g;
	const struct nlattr *a;

	if (nlh->nlmsg_type != GENL_ID_CTRL || nlh->nlmsg_len < mnl_nlmsg_size(GENL_HDRLEN))
		return false;
	g = mnl_nlmsg_get_payload(nlh);
	if (g->cmd != CTRL_CMD_DELFAMILY)
		return false;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_NAME &&
		    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING) &&
		    !strcmp(mnl_attr_get_str(a), WGEVENT_GENL_NAME))
			return true;
		if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID && payload_is(a, sizeof(uint16_t)) &&
		    mnl_attr_get_u16(a) == id)
			return true;
	}
	return false;
}

/* --- the socket ---------------------------------------------------------- */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct conn {
	struct mnl_socket *nl;
	uint32_t portid, seq;
	char *buf;
};

static struct nlmsghdr *put_genl(char *buf, uint16_t type, uint8_t cmd, uint8_t version,
				 uint32_t seq)
{
	/* the padding of attributes too: requests are small */
	memset(buf, 0, 256);
	return nl_genl_header(buf, type, NLM_F_ACK, cmd, version, seq);
}

/* The error of an ack (0, or -errno), or 1 when nlh is not the ack of seq. */
static int ack_of(const struct nlmsghdr *nlh, uint32_t seq)
{
	const struct nlmsgerr *e;

	if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_seq != seq)
		return 1;
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return -EBADMSG;
	e = mnl_nlmsg_get_payload(nlh);
	return e->error > 0 ? -e->error : e->error;
}

/* CTRL_CMD_GETFAMILY of name: its id and the id of its multicast group. */
static int get_family(struct conn *c, const char *name, const char *group,
		      struct monitor_family *out)
{
	struct nlmsghdr *nlh;
	bool have = false;
	uint32_t seq = ++c->seq;
	int ret;

	nlh = put_genl(c->buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, seq);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n;
		int len;

		n = mnl_socket_recvfrom(c->nl, c->buf, MONITOR_RECV_SIZE);
		if (n < 0) {
			if (errno == EINTR && !stop_signal)
				continue;
			return -errno;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)c->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			ret = ack_of(nlh, seq);
			if (ret < 1)
				return ret ? ret : have ? 0 : -ENOENT;
			if (nlh->nlmsg_type == GENL_ID_CTRL &&
			    !monitor_parse_family(nlh, group, out))
				have = true;
		}
	}
}

static int conn_open(struct conn *c)
{
	int size = MONITOR_RCVBUF;

	memset(c, 0, sizeof(*c));
	c->buf = malloc(MONITOR_RECV_SIZE);
	c->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!c->buf || !c->nl || mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	/* fewer lost events in a burst; not fatal when refused */
	setsockopt(mnl_socket_get_fd(c->nl), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	c->portid = mnl_socket_get_portid(c->nl);
	c->seq = (uint32_t)time(NULL);
	return 0;
}

static void conn_close(struct conn *c)
{
	if (c->nl)
		mnl_socket_close(c->nl);
	free(c->buf);
}

static void now_realtime(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}

/*
 * Flush what was printed. Returns 0, 1 when stdout is gone (a closed pipe:
 * the caller exits quietly with 0), or -1 on another write error.
 */
static int flush_out(void)
{
	if (fflush(stdout) != EOF && !ferror(stdout))
		return 0;
	if (errno == EPIPE)
		return 1;
	fprintf(stderr, "%s: monitor: writing the events: %s\n", PROG, strerror(errno));
	return -1;
}

static int subscribe_error(int err, const char *ifname)
{
	switch (-err) {
	case EPERM:
	case EACCES:
		fprintf(stderr, "%s: monitor needs CAP_NET_ADMIN\n", PROG);
		break;
	case ENOENT:
	case EOPNOTSUPP:
		fprintf(stderr, "%s: the wireguard-oot module with events is not loaded\n", PROG);
		break;
	case ENODEV:
		fprintf(stderr, "%s: unknown interface '%s'\n", PROG, ifname ? ifname : "all");
		break;
	default:
		fprintf(stderr, "%s: monitor: subscribing to the events of %s: %s\n", PROG,
			ifname ? ifname : "all interfaces", strerror(-err));
	}
	return 1;
}

static int lookup_error(int err)
{
	fprintf(stderr, "%s: monitor: looking up the netlink families: %s\n", PROG,
		strerror(-err));
	return 1;
}

/* Read and print until a signal, a closed stdout, an error or the module's end. */
static int run(struct conn *c, struct monitor *m, uint16_t family, uint32_t sub_seq,
	       const char *ifname)
{
	struct pollfd fds[2] = {
		{ .fd = mnl_socket_get_fd(c->nl), .events = POLLIN },
		/* no events asked: POLLERR/POLLHUP say the reader of stdout is gone */
		{ .fd = STDOUT_FILENO, .events = 0 },
	};
	struct nlmsghdr *nlh;
	struct timespec now;
	sigset_t block, old;
	ssize_t n;
	int ret, len;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	for (;;) {
		/* signals are let in only while waiting: none is missed */
		if (!stop_signal && ppoll(fds, 2, NULL, &old) < 0 && errno != EINTR) {
			ret = -errno;
			fprintf(stderr, "%s: monitor: %s\n", PROG, strerror(-ret));
			return 1;
		}
		if (stop_signal)
			return flush_out() < 0 ? 1 : 0;
		if (fds[1].revents & (POLLERR | POLLHUP))
			return 0;
		/* no stdout at all: then a write tells */
		if (fds[1].revents & POLLNVAL)
			fds[1].fd = -1;
		if (!(fds[0].revents & (POLLIN | POLLERR)))
			continue;
		n = mnl_socket_recvfrom(c->nl, c->buf, MONITOR_RECV_SIZE);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			if (errno == ENOBUFS) {
				now_realtime(&now);
				monitor_format_overrun(stdout, m, &now);
				ret = flush_out();
				if (ret)
					return ret < 0 ? 1 : 0;
				continue;
			}
			fprintf(stderr, "%s: monitor: receiving events: %s\n", PROG,
				strerror(errno));
			return 1;
		}
		now_realtime(&now);
		len = (int)n;
		for (nlh = (struct nlmsghdr *)c->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			ret = ack_of(nlh, sub_seq);
			if (ret < 0)
				return subscribe_error(ret, ifname);
			if (nlh->nlmsg_type == family) {
				monitor_format_event(stdout, m, nlh, &now);
			} else if (monitor_family_gone(nlh, family)) {
				if (flush_out() > 0)
					return 0;
				fprintf(stderr, "%s: monitor: the module went away\n", PROG);
				return 1;
			}
		}
		ret = flush_out();
		if (ret)
			return ret < 0 ? 1 : 0;
	}
}

int cmd_monitor(int argc, char **argv)
{
	struct monitor_family ev_family, ctrl;
	const char *ifname = NULL;
	struct sigaction sa;
	struct monitor m;
	bool json = false;
	uint32_t ifindex = 0, sub_seq;
	struct nlmsghdr *nlh;
	struct conn c;
	int i, ret;

	if (wants_help(argc, argv)) {
		printf("%s", usage);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && !json)
			json = true;
		else if (!ifname && argv[i][0] != '-')
			ifname = argv[i];
		else
			die_usage(usage);
	}
	if (ifname && !strcmp(ifname, "all"))
		ifname = NULL;
	if (ifname) {
		if (strlen(ifname) >= IFNAMSIZ) {
			fprintf(stderr, "%s: interface name '%s' is too long (at most %d characters)\n",
				PROG, ifname, IFNAMSIZ - 1);
			return 1;
		}
		ifindex = if_nametoindex(ifname);
		if (!ifindex) {
			fprintf(stderr, "%s: unknown interface '%s'\n", PROG, ifname);
			return 1;
		}
	}

	/* a closed pipe shows as EPIPE on a write, checked after each line */
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	ret = conn_open(&c);
	if (ret) {
		fprintf(stderr, "%s: monitor: netlink socket: %s\n", PROG, strerror(-ret));
		conn_close(&c);
		return 1;
	}
	ret = get_family(&c, WGEVENT_GENL_NAME, NULL, &ev_family);
	if (!ret)
		ret = get_family(&c, "nlctrl", "notify", &ctrl);
	if (!ret && !ctrl.group) {
		fprintf(stderr, "%s: monitor: the nlctrl family has no notify group\n", PROG);
		conn_close(&c);
		return 1;
	}
	if (ret) {
		if (stop_signal)
			ret = 0;
		else if (ret == -ENOENT)
			ret = subscribe_error(ret, ifname);
		else
			ret = lookup_error(ret);
		conn_close(&c);
		return ret;
	}
	/* the controller's announcements first, so that no unload is missed */
	if (mnl_socket_setsockopt(c.nl, NETLINK_ADD_MEMBERSHIP, &ctrl.group,
				  sizeof(ctrl.group)) < 0) {
		fprintf(stderr, "%s: monitor: joining the nlctrl notify group: %s\n", PROG,
			strerror(errno));
		conn_close(&c);
		return 1;
	}
	sub_seq = ++c.seq;
	nlh = put_genl(c.buf, ev_family.id, WGEVENT_CMD_SUBSCRIBE, WGEVENT_GENL_VERSION, sub_seq);
	if (ifindex)
		mnl_attr_put_u32(nlh, WGEVENT_A_IFINDEX, ifindex);
	if (mnl_socket_sendto(c.nl, nlh, nlh->nlmsg_len) < 0) {
		ret = subscribe_error(-errno, ifname);
		conn_close(&c);
		return ret;
	}
	monitor_init(&m, json);
	ret = run(&c, &m, ev_family.id, sub_seq, ifname);
	conn_close(&c);
	return ret;
}
