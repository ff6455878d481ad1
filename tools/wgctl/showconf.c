// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl showconf: the running configuration in the configuration file format.
 */
#include <string.h>

#include "wgctl.h"

static const char usage[] =
	"Usage: wgctl showconf <interface>\n"
	"Print the current configuration of <interface> in the format that\n"
	"setconf, addconf and syncconf read.\n";

static void print_conf(const struct wg_device *dev)
{
	char buf[512], b64[KEY_B64_LEN + 1];
	size_t i, k;

	printf("[Interface]\n");
	if (dev->listen_port)
		printf("ListenPort = %u\n", dev->listen_port);
	if (dev->fwmark)
		printf("FwMark = 0x%x\n", dev->fwmark);
	if (dev->has & DEV_HAS_PRIVATE_KEY) {
		key_to_base64(b64, dev->private_key);
		printf("PrivateKey = %s\n", b64);
		key_wipe(b64, sizeof(b64));
	}
	/* a blank line after each section but the last peer */
	putchar('\n');
	for (i = 0; i < dev->n_peers; i++) {
		const struct wg_peer *peer = &dev->peers[i];

		key_to_base64(b64, peer->public_key);
		printf("[Peer]\nPublicKey = %s\n", b64);
		if (peer->has & PEER_HAS_PRESHARED_KEY) {
			key_to_base64(b64, peer->preshared_key);
			printf("PresharedKey = %s\n", b64);
			key_wipe(b64, sizeof(b64));
		}
		if (peer->n_aips) {
			printf("AllowedIPs = ");
			for (k = 0; k < peer->n_aips; k++) {
				format_aip(buf, sizeof(buf), &peer->aips[k]);
				printf("%s%s", k ? ", " : "", buf);
			}
			putchar('\n');
		}
		if (peer->endpoint.addr.sa_family) {
			format_endpoint(buf, sizeof(buf), &peer->endpoint);
			printf("Endpoint = %s\n", buf);
		}
		if (peer->keepalive)
			printf("PersistentKeepalive = %u\n", peer->keepalive);
		if (i + 1 < dev->n_peers)
			putchar('\n');
	}
}

int cmd_showconf(int argc, char **argv)
{
	struct wg_device *dev;
	int ret;

	if (wants_help(argc, argv)) {
		printf("%s", usage);
		return 0;
	}
	if (argc != 2)
		die_usage(usage);
	ret = nl_get_device(&dev, argv[1]);
	if (ret)
		return nl_report(ret, argv[1]);
	print_conf(dev);
	device_free(dev);
	if (fflush(stdout)) {
		perror(PROG);
		return 1;
	}
	return 0;
}
