// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl metrics: Prometheus text exposition, for a node exporter's textfile
 * collector.
 */
#include <stdlib.h>
#include <string.h>

#include "wgctl.h"

static const char usage[] =
	"Usage: wgctl metrics [<interface> | all]\n"
	"Print peer counters in the Prometheus text exposition format:\n"
	"wireguard_peers, wireguard_peer_receive_bytes_total,\n"
	"wireguard_peer_transmit_bytes_total and wireguard_peer_latest_handshake_seconds.\n";

/* a label value, escaped as the exposition format wants */
static void label(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			printf("\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", stdout);
		else
			putchar(*s);
	}
}

enum metric { M_PEERS, M_RX, M_TX, M_HANDSHAKE };

static const struct {
	const char *name, *type, *help;
} metrics[] = {
	[M_PEERS] = { "wireguard_peers", "gauge", "Number of peers configured on the interface." },
	[M_RX] = { "wireguard_peer_receive_bytes_total", "counter",
		   "Bytes received from the peer." },
	[M_TX] = { "wireguard_peer_transmit_bytes_total", "counter",
		   "Bytes sent to the peer." },
	[M_HANDSHAKE] = { "wireguard_peer_latest_handshake_seconds", "gauge",
			  "Unix time of the latest handshake with the peer, 0 if none." },
};

static void print_metric(enum metric m, struct wg_device **devs, size_t n)
{
	char key[KEY_B64_LEN + 1];
	size_t d, i;

	printf("# HELP %s %s\n# TYPE %s %s\n", metrics[m].name, metrics[m].help,
	       metrics[m].name, metrics[m].type);
	for (d = 0; d < n; d++) {
		if (m == M_PEERS) {
			printf("%s{interface=\"", metrics[m].name);
			label(devs[d]->name);
			printf("\"} %zu\n", devs[d]->n_peers);
			continue;
		}
		for (i = 0; i < devs[d]->n_peers; i++) {
			const struct wg_peer *peer = &devs[d]->peers[i];
			unsigned long long v = m == M_RX ? peer->rx_bytes :
					       m == M_TX ? peer->tx_bytes :
					       (unsigned long long)peer->handshake_sec;

			key_to_base64(key, peer->public_key);
			printf("%s{interface=\"", metrics[m].name);
			label(devs[d]->name);
			printf("\",public_key=\"%s\"} %llu\n", key, v);
		}
	}
}

int cmd_metrics(int argc, char **argv)
{
	struct wg_device **devs = NULL, **bigger, *dev;
	size_t got = 0, cap = 0, i;
	struct iface_walk w;
	int ret;

	if (wants_help(argc, argv)) {
		printf("%s", usage);
		return 0;
	}
	if (argc > 2)
		die_usage(usage);
	/* one interface that cannot be read: reported, and nothing on stdout */
	ret = iface_walk_begin(&w, argc < 2 ? NULL : argv[1]);
	if (ret)
		return ret;
	/* every metric's HELP and TYPE come once, so all devices first */
	while ((dev = iface_walk_next(&w))) {
		if (got == cap) {
			cap = cap ? 2 * cap : 8;
			bigger = realloc(devs, cap * sizeof(*devs));
			if (!bigger) {
				perror(PROG);
				device_free(dev);
				iface_walk_end(&w);
				ret = 1;
				goto out;
			}
			devs = bigger;
		}
		devs[got++] = dev;
	}
	ret = iface_walk_end(&w);
	print_metric(M_PEERS, devs, got);
	print_metric(M_RX, devs, got);
	print_metric(M_TX, devs, got);
	print_metric(M_HANDSHAKE, devs, got);
	if (fflush(stdout)) {
		perror(PROG);
		ret = 1;
	}
out:
	for (i = 0; i < got; i++)
		device_free(devs[i]);
	free(devs);
	return ret;
}
