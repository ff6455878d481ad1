// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl metrics: Prometheus text exposition, for a node exporter's textfile
 * collector.
 */
#include <errno.h>
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
	struct wg_device **devs = NULL;
	char **names = NULL, *one[1];
	size_t n = 0, got = 0, i;
	int ret = 0, err;
	bool all;

	if (wants_help(argc, argv)) {
		printf("%s", usage);
		return 0;
	}
	if (argc > 2)
		die_usage(usage);
	all = argc < 2 || !strcmp(argv[1], "all");
	if (all) {
		err = nl_list_interfaces(&names, &n);
		if (err)
			return nl_report(err, "interfaces");
	} else {
		one[0] = argv[1];
		n = 1;
	}
	devs = calloc(n ? n : 1, sizeof(*devs));
	if (!devs) {
		perror(PROG);
		return 1;
	}
	for (i = 0; i < n; i++) {
		const char *name = all ? names[i] : one[0];

		err = nl_get_device(&devs[got], name);
		if (err) {
			if (all && err == -ENODEV)
				continue;
			ret = nl_report(err, name);
			goto out;
		}
		got++;
	}
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
	if (all)
		nl_free_names(names, n);
	return ret;
}
