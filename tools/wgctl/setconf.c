// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl setconf, addconf, syncconf: apply a configuration file.
 */
#include <errno.h>
#include <string.h>

#include "wgctl.h"

static const char setconf_usage[] =
	"Usage: wgctl setconf <interface> <configuration-file>\n"
	"Replace the configuration of <interface> with the file's: peers not in\n"
	"the file are removed (and their sessions with them).\n";
static const char addconf_usage[] =
	"Usage: wgctl addconf <interface> <configuration-file>\n"
	"Add the file's configuration to <interface>: its peers are added or\n"
	"updated, other peers stay.\n";
static const char syncconf_usage[] =
	"Usage: wgctl syncconf <interface> <configuration-file>\n"
	"Make <interface> match the file, changing only what differs: peers not in\n"
	"the file are removed, the others are updated in place and keep their\n"
	"sessions.\n";

enum mode { SETCONF, ADDCONF, SYNCCONF };

/*
 * Removals for the running peers the file does not name, and explicit
 * values for what the file leaves out, so the device converges on it.
 */
static int sync_with_running(struct wg_device *want)
{
	struct wg_device *running;
	size_t i, n_file = want->n_peers;
	int ret;

	ret = nl_get_device(&running, want->name);
	if (ret)
		return ret;
	for (i = 0; i < n_file; i++) {
		struct wg_peer *peer = &want->peers[i];

		if (!(peer->has & PEER_HAS_PRESHARED_KEY)) {
			memset(peer->preshared_key, 0, WG_KEY_LEN);
			peer->has |= PEER_HAS_PRESHARED_KEY;
		}
		if (!(peer->has & PEER_HAS_KEEPALIVE)) {
			peer->keepalive = 0;
			peer->has |= PEER_HAS_KEEPALIVE;
		}
	}
	for (i = 0; i < running->n_peers; i++) {
		struct wg_peer *old = &running->peers[i], *gone;
		size_t k;
		bool found = false;

		for (k = 0; k < n_file && !found; k++)
			found = !memcmp(want->peers[k].public_key, old->public_key, WG_KEY_LEN);
		if (found)
			continue;
		gone = device_add_peer(want);
		memcpy(gone->public_key, old->public_key, WG_KEY_LEN);
		gone->has = PEER_HAS_PUBLIC_KEY;
		gone->flags = WGPEER_F_REMOVE_ME;
	}
	device_free(running);
	return 0;
}

static int apply(int argc, char **argv, enum mode mode, const char *usage)
{
	struct wg_device *dev;
	int ret;

	if (wants_help(argc, argv)) {
		printf("%s", usage);
		return 0;
	}
	if (argc != 3)
		die_usage(usage);
	if (strlen(argv[1]) >= IFNAMSIZ_MAX)
		return nl_report(-ENAMETOOLONG, argv[1]);
	dev = device_new(argv[1]);
	if (config_read_file(dev, argv[2])) {
		device_free(dev);
		return 1;
	}
	if (mode == SETCONF)
		dev->flags |= WGDEVICE_F_REPLACE_PEERS;
	ret = mode == SYNCCONF ? sync_with_running(dev) : 0;
	if (!ret)
		ret = nl_set_device(dev);
	device_free(dev);
	return ret ? nl_report(ret, argv[1]) : 0;
}

int cmd_setconf(int argc, char **argv)
{
	return apply(argc, argv, SETCONF, setconf_usage);
}

int cmd_addconf(int argc, char **argv)
{
	return apply(argc, argv, ADDCONF, addconf_usage);
}

int cmd_syncconf(int argc, char **argv)
{
	return apply(argc, argv, SYNCCONF, syncconf_usage);
}
