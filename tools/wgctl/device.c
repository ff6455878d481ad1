// SPDX-License-Identifier: GPL-2.0
/*
 * The in-memory model of a device and its peers, as read from the kernel or
 * a configuration file.
 */
#include <stdlib.h>
#include <string.h>

#include "wgctl.h"

static void *grow(void *arr, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return arr;
	ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	p = realloc(arr, ncap * size);
	if (!p) {
		perror(PROG);
		exit(1);
	}
	memset((char *)p + *cap * size, 0, (ncap - *cap) * size);
	*cap = ncap;
	return p;
}

struct wg_device *device_new(const char *name)
{
	struct wg_device *dev = calloc(1, sizeof(*dev));

	if (!dev) {
		perror(PROG);
		exit(1);
	}
	if (name)
		snprintf(dev->name, sizeof(dev->name), "%s", name);
	return dev;
}

void device_free(struct wg_device *dev)
{
	size_t i;

	if (!dev)
		return;
	for (i = 0; i < dev->n_peers; i++)
		free(dev->peers[i].aips);
	key_wipe(dev->private_key, sizeof(dev->private_key));
	if (dev->peers)
		key_wipe(dev->peers, dev->cap_peers * sizeof(*dev->peers));
	free(dev->peers);
	free(dev);
}

struct wg_peer *device_add_peer(struct wg_device *dev)
{
	dev->peers = grow(dev->peers, &dev->cap_peers, dev->n_peers + 1,
			  sizeof(*dev->peers));
	return &dev->peers[dev->n_peers++];
}

struct wg_peer *device_find_peer(struct wg_device *dev, const uint8_t *key)
{
	size_t i;

	for (i = 0; i < dev->n_peers; i++)
		if ((dev->peers[i].has & PEER_HAS_PUBLIC_KEY) &&
		    !memcmp(dev->peers[i].public_key, key, WG_KEY_LEN))
			return &dev->peers[i];
	return NULL;
}

struct wg_allowedip *peer_add_aip(struct wg_peer *peer)
{
	peer->aips = grow(peer->aips, &peer->cap_aips, peer->n_aips + 1,
			  sizeof(*peer->aips));
	return &peer->aips[peer->n_aips++];
}

/* Most recent handshake first, never last; stable for equal times. */
static bool handshake_before(const struct wg_peer *a, const struct wg_peer *b)
{
	if (a->handshake_sec != b->handshake_sec)
		return a->handshake_sec > b->handshake_sec;
	return a->handshake_nsec > b->handshake_nsec;
}

void device_sort_peers(struct wg_device *dev)
{
	struct wg_peer tmp;
	size_t i, j;

	/* insertion sort: stable, and quick on the usual already-sorted list */
	for (i = 1; i < dev->n_peers; i++) {
		if (!handshake_before(&dev->peers[i], &dev->peers[i - 1]))
			continue;
		tmp = dev->peers[i];
		j = i;
		while (j > 0 && handshake_before(&tmp, &dev->peers[j - 1])) {
			dev->peers[j] = dev->peers[j - 1];
			j--;
		}
		dev->peers[j] = tmp;
	}
}
