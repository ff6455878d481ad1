// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl show: the pretty terminal view, the script-friendly fields and dump
 * (byte for byte what wg(8) prints), and --json.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wgctl.h"

static const char usage[] =
	"Usage: wgctl show [--json] [<interface> | all | interfaces] [<field>]\n"
	"Show the configuration and runtime state of wireguard interfaces.\n"
	"  <field>  one of: public-key private-key listen-port fwmark peers\n"
	"           preshared-keys endpoints allowed-ips latest-handshakes\n"
	"           persistent-keepalive transfer dump\n"
	"  --json   one JSON document (see wgctl(8) for the schema); not with <field>\n"
	"Without arguments, shows all interfaces. Colour is used on a terminal\n"
	"(WG_COLOR_MODE=always|never|auto); private and preshared keys are shown\n"
	"as (hidden) unless WG_HIDE_KEYS=never.\n";

#define RESET "\x1b[0m"
#define BOLD "\x1b[1m"
#define GREEN "\x1b[32m"
#define YELLOW "\x1b[33m"
#define CYAN "\x1b[36m"

static bool colour;

static const char *c(const char *code)
{
	return colour ? code : "";
}

static void setup_colour(void)
{
	const char *mode = getenv("WG_COLOR_MODE");

	if (mode && !strcmp(mode, "always"))
		colour = true;
	else if (mode && !strcmp(mode, "never"))
		colour = false;
	else
		colour = isatty(STDOUT_FILENO);
}

static bool hide_keys(void)
{
	const char *v = getenv("WG_HIDE_KEYS");

	return !v || strcmp(v, "never");
}

static const char *b64(const uint8_t *key)
{
	static char buf[4][KEY_B64_LEN + 1];
	static int next;

	next = (next + 1) % 4;
	key_to_base64(buf[next], key);
	return buf[next];
}

/* "1 day, 3 hours, 1 minute, 5 seconds"; empty for 0 */
static void pretty_time(char *out, size_t len, uint64_t secs)
{
	static const struct {
		uint64_t size;
		const char *name;
	} units[] = {
		{ 365ULL * 24 * 3600, "year" }, { 24 * 3600, "day" }, { 3600, "hour" },
		{ 60, "minute" }, { 1, "second" },
	};
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		uint64_t n = secs / units[i].size;

		secs %= units[i].size;
		if (!n)
			continue;
		used += (size_t)snprintf(out + used, used < len ? len - used : 0,
					 "%s%llu %s%s%s%s", used ? ", " : "",
					 (unsigned long long)n, c(CYAN), units[i].name,
					 n == 1 ? "" : "s", c(RESET));
	}
}

static void pretty_bytes(char *out, size_t len, uint64_t b)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b;
	size_t u = 0;

	if (b < 1024) {
		snprintf(out, len, "%llu %sB%s", (unsigned long long)b, c(CYAN), c(RESET));
		return;
	}
	v /= 1024;
	while (u + 1 < ARRAY_SIZE(units) && v >= 1024) {
		v /= 1024;
		u++;
	}
	snprintf(out, len, "%.2f %s%s%s", v, c(CYAN), units[u], c(RESET));
}

static void pretty_handshake(char *out, size_t len, const struct wg_peer *peer)
{
	int64_t ago = (int64_t)time(NULL) - peer->handshake_sec;
	char t[256];

	if (ago < 0) {
		snprintf(out, len, "%sSystem clock wound backward; connection problems may ensue.%s",
			 c(YELLOW), c(RESET));
		return;
	}
	if (!ago) {
		snprintf(out, len, "Now");
		return;
	}
	pretty_time(t, sizeof(t), (uint64_t)ago);
	snprintf(out, len, "%s ago", t);
}

static void pretty_print(struct wg_device *dev)
{
	char buf[512], a[64];
	size_t i, k;

	printf("%s%s%sinterface%s: %s%s%s\n", c(RESET), c(GREEN), c(BOLD), c(RESET), c(GREEN),
	       dev->name, c(RESET));
	if (dev->has & DEV_HAS_PUBLIC_KEY)
		printf("  %spublic key%s: %s\n", c(BOLD), c(RESET), b64(dev->public_key));
	if (dev->has & DEV_HAS_PRIVATE_KEY)
		printf("  %sprivate key%s: %s\n", c(BOLD), c(RESET),
		       hide_keys() ? "(hidden)" : b64(dev->private_key));
	if (dev->listen_port)
		printf("  %slistening port%s: %u\n", c(BOLD), c(RESET), dev->listen_port);
	if (dev->fwmark)
		printf("  %sfwmark%s: 0x%x\n", c(BOLD), c(RESET), dev->fwmark);

	device_sort_peers(dev);
	for (i = 0; i < dev->n_peers; i++) {
		struct wg_peer *peer = &dev->peers[i];

		printf("\n%s%speer%s: %s%s%s\n", c(YELLOW), c(BOLD), c(RESET), c(YELLOW),
		       b64(peer->public_key), c(RESET));
		if (peer->has & PEER_HAS_PRESHARED_KEY)
			printf("  %spreshared key%s: %s\n", c(BOLD), c(RESET),
			       hide_keys() ? "(hidden)" : b64(peer->preshared_key));
		if (peer->endpoint.addr.sa_family) {
			format_endpoint(buf, sizeof(buf), &peer->endpoint);
			printf("  %sendpoint%s: %s\n", c(BOLD), c(RESET), buf);
		}
		printf("  %sallowed ips%s: ", c(BOLD), c(RESET));
		for (k = 0; k < peer->n_aips; k++) {
			char *slash;

			format_aip(a, sizeof(a), &peer->aips[k]);
			slash = strchr(a, '/');
			*slash = '\0';
			printf("%s%s%s/%s%s", k ? ", " : "", a, c(CYAN), c(RESET), slash + 1);
		}
		printf("%s\n", peer->n_aips ? "" : "(none)");
		if (peer->handshake_sec) {
			pretty_handshake(buf, sizeof(buf), peer);
			printf("  %slatest handshake%s: %s\n", c(BOLD), c(RESET), buf);
		}
		if (peer->rx_bytes || peer->tx_bytes) {
			char rx[64], tx[64];

			pretty_bytes(rx, sizeof(rx), peer->rx_bytes);
			pretty_bytes(tx, sizeof(tx), peer->tx_bytes);
			printf("  %stransfer%s: %s received, %s sent\n", c(BOLD), c(RESET), rx, tx);
		}
		if (peer->keepalive) {
			pretty_time(buf, sizeof(buf), peer->keepalive);
			printf("  %spersistent keepalive%s: every %s\n", c(BOLD), c(RESET), buf);
		}
	}
}

static const char *key_or_none(const uint8_t *key, bool present)
{
	return present ? b64(key) : "(none)";
}

static void print_aips(const struct wg_peer *peer, char sep)
{
	char a[64];
	size_t k;

	if (!peer->n_aips) {
		fputs("(none)", stdout);
		return;
	}
	for (k = 0; k < peer->n_aips; k++) {
		format_aip(a, sizeof(a), &peer->aips[k]);
		if (k)
			putchar(sep);
		fputs(a, stdout);
	}
}

static void print_fwmark(uint32_t fwmark)
{
	if (fwmark)
		printf("0x%x", fwmark);
	else
		fputs("off", stdout);
}

static void print_keepalive(uint16_t k)
{
	if (k)
		printf("%u", k);
	else
		fputs("off", stdout);
}

enum field {
	F_PUBLIC_KEY, F_PRIVATE_KEY, F_LISTEN_PORT, F_FWMARK, F_PEERS, F_PRESHARED_KEYS,
	F_ENDPOINTS, F_ALLOWED_IPS, F_LATEST_HANDSHAKES, F_PERSISTENT_KEEPALIVE,
	F_TRANSFER, F_DUMP,
};

static const char *const field_names[] = {
	[F_PUBLIC_KEY] = "public-key",
	[F_PRIVATE_KEY] = "private-key",
	[F_LISTEN_PORT] = "listen-port",
	[F_FWMARK] = "fwmark",
	[F_PEERS] = "peers",
	[F_PRESHARED_KEYS] = "preshared-keys",
	[F_ENDPOINTS] = "endpoints",
	[F_ALLOWED_IPS] = "allowed-ips",
	[F_LATEST_HANDSHAKES] = "latest-handshakes",
	[F_PERSISTENT_KEEPALIVE] = "persistent-keepalive",
	[F_TRANSFER] = "transfer",
	[F_DUMP] = "dump",
};

/* the index in field_names, or -1 */
static int field_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(field_names); i++)
		if (!strcmp(name, field_names[i]))
			return (int)i;
	return -1;
}

static void field_print(const struct wg_device *dev, enum field f, bool prefix)
{
	char buf[512];
	size_t i;

#define PFX() do { if (prefix) printf("%s\t", dev->name); } while (0)
	switch (f) {
	case F_PUBLIC_KEY:
		PFX();
		printf("%s\n", key_or_none(dev->public_key, dev->has & DEV_HAS_PUBLIC_KEY));
		return;
	case F_PRIVATE_KEY:
		PFX();
		printf("%s\n", key_or_none(dev->private_key, dev->has & DEV_HAS_PRIVATE_KEY));
		return;
	case F_LISTEN_PORT:
		PFX();
		printf("%u\n", dev->listen_port);
		return;
	case F_FWMARK:
		PFX();
		print_fwmark(dev->fwmark);
		putchar('\n');
		return;
	case F_DUMP:
		PFX();
		printf("%s\t%s\t%u\t",
		       key_or_none(dev->private_key, dev->has & DEV_HAS_PRIVATE_KEY),
		       key_or_none(dev->public_key, dev->has & DEV_HAS_PUBLIC_KEY),
		       dev->listen_port);
		print_fwmark(dev->fwmark);
		putchar('\n');
		break;
	case F_ENDPOINTS:
		/* wg(8) prints the interface name once, before the first peer only */
		PFX();
		break;
	default:
		break;
	}
	for (i = 0; i < dev->n_peers; i++) {
		const struct wg_peer *peer = &dev->peers[i];

		if (f != F_ENDPOINTS)
			PFX();
		if (f != F_PEERS)
			printf("%s\t", b64(peer->public_key));
		switch (f) {
		case F_PEERS:
			printf("%s", b64(peer->public_key));
			break;
		case F_PRESHARED_KEYS:
			fputs(key_or_none(peer->preshared_key, peer->has & PEER_HAS_PRESHARED_KEY),
			      stdout);
			break;
		case F_ENDPOINTS:
			format_endpoint(buf, sizeof(buf), &peer->endpoint);
			fputs(buf, stdout);
			break;
		case F_ALLOWED_IPS:
			print_aips(peer, ' ');
			break;
		case F_LATEST_HANDSHAKES:
			printf("%lld", (long long)peer->handshake_sec);
			break;
		case F_TRANSFER:
			printf("%llu\t%llu", (unsigned long long)peer->rx_bytes,
			       (unsigned long long)peer->tx_bytes);
			break;
		case F_PERSISTENT_KEEPALIVE:
			print_keepalive(peer->keepalive);
			break;
		case F_DUMP:
			fputs(key_or_none(peer->preshared_key, peer->has & PEER_HAS_PRESHARED_KEY),
			      stdout);
			format_endpoint(buf, sizeof(buf), &peer->endpoint);
			printf("\t%s\t", buf);
			print_aips(peer, ',');
			printf("\t%lld\t%llu\t%llu\t", (long long)peer->handshake_sec,
			       (unsigned long long)peer->rx_bytes,
			       (unsigned long long)peer->tx_bytes);
			print_keepalive(peer->keepalive);
			break;
		default:
			break;
		}
		putchar('\n');
	}
#undef PFX
}

void device_to_json(struct json *j, const struct wg_device *dev)
{
	char buf[512];
	size_t i, k;

	json_begin_object(j);
	json_key(j, "name");
	json_string(j, dev->name);
	json_key(j, "public_key");
	if (dev->has & DEV_HAS_PUBLIC_KEY)
		json_string(j, b64(dev->public_key));
	else
		json_null(j);
	json_key(j, "listen_port");
	json_uint(j, dev->listen_port);
	json_key(j, "fwmark");
	json_uint(j, dev->fwmark);
	json_key(j, "peers");
	json_begin_array(j);
	for (i = 0; i < dev->n_peers; i++) {
		const struct wg_peer *peer = &dev->peers[i];

		json_begin_object(j);
		json_key(j, "public_key");
		json_string(j, b64(peer->public_key));
		json_key(j, "preshared_key");
		json_bool(j, peer->has & PEER_HAS_PRESHARED_KEY);
		json_key(j, "endpoint");
		if (peer->endpoint.addr.sa_family) {
			format_endpoint(buf, sizeof(buf), &peer->endpoint);
			json_string(j, buf);
		} else {
			json_null(j);
		}
		json_key(j, "allowed_ips");
		json_begin_array(j);
		for (k = 0; k < peer->n_aips; k++) {
			format_aip(buf, sizeof(buf), &peer->aips[k]);
			json_string(j, buf);
		}
		json_end_array(j);
		json_key(j, "latest_handshake");
		json_int(j, peer->handshake_sec);
		json_key(j, "rx_bytes");
		json_uint(j, peer->rx_bytes);
		json_key(j, "tx_bytes");
		json_uint(j, peer->tx_bytes);
		json_key(j, "persistent_keepalive");
		json_uint(j, peer->keepalive);
		json_end_object(j);
	}
	json_end_array(j);
	json_end_object(j);
}

static int show_interfaces(void)
{
	char **names;
	size_t n, i;
	int ret;

	ret = nl_list_interfaces(&names, &n);
	if (ret)
		return nl_report(ret, "interfaces");
	for (i = 0; i < n; i++)
		printf("%s%c", names[i], i + 1 < n ? ' ' : '\n');
	nl_free_names(names, n);
	return 0;
}

/* --json: the envelope around the interfaces is opened and closed here only */
static void show_json(struct iface_walk *w)
{
	struct wg_device *dev;
	struct json j;

	json_init(&j, stdout);
	json_begin_object(&j);
	json_key(&j, "interfaces");
	json_begin_array(&j);
	while ((dev = iface_walk_next(w))) {
		device_to_json(&j, dev);
		device_free(dev);
	}
	json_end_array(&j);
	json_end_object(&j);
	putchar('\n');
}

/* the terminal view (field < 0), or one field per line for scripts */
static void show_text(struct iface_walk *w, int field)
{
	struct wg_device *dev;
	bool first = true;

	while ((dev = iface_walk_next(w))) {
		if (field >= 0) {
			field_print(dev, (enum field)field, w->all);
		} else {
			if (!first)
				putchar('\n');
			pretty_print(dev);
		}
		first = false;
		device_free(dev);
	}
}

int cmd_show(int argc, char **argv)
{
	const char *target = "all";
	struct iface_walk w;
	int field = -1, ret;
	bool json = false;

	if (wants_help(argc, argv)) {
		printf("%s", usage);
		return 0;
	}
	argc--;
	argv++;
	if (argc && !strcmp(argv[0], "--json")) {
		json = true;
		argc--;
		argv++;
	}
	if (argc > 2)
		die_usage(usage);
	if (argc >= 1)
		target = argv[0];
	if (argc == 2) {
		field = field_lookup(argv[1]);
		if (field < 0) {
			fprintf(stderr, "%s: show: unknown keyword '%s'\n", PROG, argv[1]);
			die_usage(usage);
		}
		if (json)
			die_usage(usage);
	}
	if (!strcmp(target, "interfaces")) {
		if (argc != 1 || json)
			die_usage(usage);
		return show_interfaces();
	}
	/* one interface that cannot be read: reported, and nothing on stdout */
	ret = iface_walk_begin(&w, target);
	if (ret)
		return ret;
	setup_colour();
	if (json)
		show_json(&w);
	else
		show_text(&w, field);
	ret = iface_walk_end(&w);
	if (fflush(stdout)) {
		perror(PROG);
		return 1;
	}
	return ret;
}
