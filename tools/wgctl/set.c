// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl set: change a device from the command line, with every argument of
 * `wg set`, and "allowed-ips +a,-b" to add or remove single prefixes.
 */
#include <errno.h>
#include <string.h>

#include "wgctl.h"

static const char usage[] =
	"Usage: wgctl set <interface> [listen-port <port>] [fwmark <fwmark>]\n"
	"         [private-key <file>] [peer <base64-public-key> [remove] [update-only]\n"
	"         [preshared-key <file>] [endpoint <ip>:<port>]\n"
	"         [persistent-keepalive <seconds>] [allowed-ips <ip>/<cidr>[,...]] ]...\n"
	"An allowed-ips list replaces the peer's list; an element with a leading '+'\n"
	"is added to it instead and one with a leading '-' is removed from it.\n"
	"Key files holding nothing (/dev/null) remove the key.\n";

static int bad(const char *what)
{
	fprintf(stderr, "%s: set: %s\n", PROG, what);
	return -1;
}

/* Fill dev from the arguments after the interface name. */
int set_parse_args(struct wg_device *dev, int argc, char **argv)
{
	struct wg_peer *peer = NULL;
	bool present, incremental;
	int i;

	for (i = 0; i < argc; i++) {
		const char *kw = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		/* keywords without a value */
		if (peer && !strcmp(kw, "remove")) {
			peer->flags |= WGPEER_F_REMOVE_ME;
			continue;
		}
		if (peer && !strcmp(kw, "update-only")) {
			peer->flags |= WGPEER_F_UPDATE_ONLY;
			continue;
		}
		if (!val) {
			fprintf(stderr, "%s: set: '%s' needs a value\n", PROG, kw);
			return -1;
		}
		i++;
		if (!strcmp(kw, "peer")) {
			peer = device_add_peer(dev);
			if (!key_from_base64(peer->public_key, val)) {
				fprintf(stderr, "%s: set: bad key '%s': a key is %d characters of base64\n",
					PROG, val, KEY_B64_LEN);
				return -1;
			}
			peer->has |= PEER_HAS_PUBLIC_KEY;
		} else if (!peer && !strcmp(kw, "listen-port")) {
			if (parse_port(&dev->listen_port, val))
				return bad(parse_error);
			dev->has |= DEV_HAS_LISTEN_PORT;
		} else if (!peer && !strcmp(kw, "fwmark")) {
			if (parse_fwmark(&dev->fwmark, val))
				return bad(parse_error);
			dev->has |= DEV_HAS_FWMARK;
		} else if (!peer && !strcmp(kw, "private-key")) {
			if (key_read_file(dev->private_key, &present, val))
				return -1;
			dev->has |= DEV_HAS_PRIVATE_KEY;
		} else if (peer && !strcmp(kw, "preshared-key")) {
			if (key_read_file(peer->preshared_key, &present, val))
				return -1;
			peer->has |= PEER_HAS_PRESHARED_KEY;
		} else if (peer && !strcmp(kw, "endpoint")) {
			if (parse_endpoint(&peer->endpoint, val))
				return bad(parse_error);
		} else if (peer && !strcmp(kw, "persistent-keepalive")) {
			if (parse_keepalive(&peer->keepalive, val))
				return bad(parse_error);
			peer->has |= PEER_HAS_KEEPALIVE;
		} else if (peer && !strcmp(kw, "allowed-ips")) {
			if (parse_allowedips(peer, val, true, &incremental))
				return bad(parse_error);
			if (!incremental)
				peer->flags |= WGPEER_F_REPLACE_ALLOWEDIPS;
		} else {
			fprintf(stderr, "%s: set: unknown keyword '%s'%s\n", PROG, kw,
				peer ? " for a peer" : "");
			return -1;
		}
	}
	return 0;
}

static bool removes_prefixes(const struct wg_device *dev)
{
	size_t i, k;

	for (i = 0; i < dev->n_peers; i++)
		for (k = 0; k < dev->peers[i].n_aips; k++)
			if (dev->peers[i].aips[k].flags & WGALLOWEDIP_F_REMOVE_ME)
				return true;
	return false;
}

int cmd_set(int argc, char **argv)
{
	struct wg_device *dev;
	int ret;

	if (wants_help(argc, argv)) {
		printf("%s", usage);
		return 0;
	}
	if (argc < 2)
		die_usage(usage);
	dev = device_new(argv[1]);
	if (strlen(argv[1]) >= sizeof(dev->name)) {
		device_free(dev);
		return nl_report(-ENAMETOOLONG, argv[1]);
	}
	if (set_parse_args(dev, argc - 2, argv + 2)) {
		device_free(dev);
		return 1;
	}
	ret = nl_set_device(dev);
	if (ret == -EINVAL && removes_prefixes(dev))
		fprintf(stderr, "%s: %s: the kernel refused the request; a module without "
			"WGALLOWEDIP_F_REMOVE_ME cannot remove single allowed IPs (-prefix)\n",
			PROG, argv[1]);
	else if (ret)
		nl_report(ret, argv[1]);
	device_free(dev);
	return ret ? 1 : 0;
}
