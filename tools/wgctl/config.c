// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration file format of wg(8): [Interface] and [Peer] sections of
 * Key = Value lines. '#' starts a comment, whitespace anywhere is ignored,
 * section names and keys are case-insensitive.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wgctl.h"

static int error_at(struct config_parser *p, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s:%u: ", PROG, p->path, p->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

void config_begin(struct config_parser *p, struct wg_device *dev, const char *path)
{
	memset(p, 0, sizeof(*p));
	p->path = path;
	p->dev = dev;
}

static int check_peer(struct config_parser *p)
{
	if (p->peer && !(p->peer->has & PEER_HAS_PUBLIC_KEY))
		return error_at(p, "[Peer] section has no PublicKey");
	return 0;
}

static int set_key(struct config_parser *p, uint8_t *key, const char *value, const char *name)
{
	if (!key_from_base64(key, value))
		return error_at(p, "bad key for %s: a key is %d characters of base64",
				name, KEY_B64_LEN);
	return 0;
}

static int interface_value(struct config_parser *p, const char *key, const char *value)
{
	struct wg_device *dev = p->dev;

	if (!strcasecmp(key, "PrivateKey")) {
		if (set_key(p, dev->private_key, value, "PrivateKey"))
			return -1;
		dev->has |= DEV_HAS_PRIVATE_KEY;
	} else if (!strcasecmp(key, "ListenPort")) {
		if (parse_port(&dev->listen_port, value))
			return error_at(p, "%s", parse_error);
		dev->has |= DEV_HAS_LISTEN_PORT;
	} else if (!strcasecmp(key, "FwMark")) {
		if (parse_fwmark(&dev->fwmark, value))
			return error_at(p, "%s", parse_error);
		dev->has |= DEV_HAS_FWMARK;
	} else {
		return error_at(p, "unknown keyword '%s' in [Interface]", key);
	}
	return 0;
}

static int peer_value(struct config_parser *p, const char *key, const char *value)
{
	struct wg_peer *peer = p->peer;

	if (!strcasecmp(key, "PublicKey")) {
		if (set_key(p, peer->public_key, value, "PublicKey"))
			return -1;
		peer->has |= PEER_HAS_PUBLIC_KEY;
	} else if (!strcasecmp(key, "PresharedKey")) {
		if (set_key(p, peer->preshared_key, value, "PresharedKey"))
			return -1;
		peer->has |= PEER_HAS_PRESHARED_KEY;
	} else if (!strcasecmp(key, "AllowedIPs")) {
		if (parse_allowedips(peer, value, false, NULL))
			return error_at(p, "%s", parse_error);
	} else if (!strcasecmp(key, "Endpoint")) {
		if (parse_endpoint(&peer->endpoint, value))
			return error_at(p, "%s", parse_error);
	} else if (!strcasecmp(key, "PersistentKeepalive")) {
		if (parse_keepalive(&peer->keepalive, value))
			return error_at(p, "%s", parse_error);
		peer->has |= PEER_HAS_KEEPALIVE;
	} else {
		return error_at(p, "unknown keyword '%s' in [Peer]", key);
	}
	return 0;
}

/* One line, without its newline. */
int config_line(struct config_parser *p, const char *raw)
{
	size_t n = strlen(raw), i, j = 0;
	char *line, *eq;
	int ret;

	p->line++;
	line = malloc(n + 1);
	if (!line)
		return error_at(p, "%s", strerror(errno));
	for (i = 0; i < n && raw[i] != '#'; i++)
		if (!isspace((unsigned char)raw[i]))
			line[j++] = raw[i];
	line[j] = '\0';

	ret = 0;
	if (!j)
		goto out;
	if (line[0] == '[') {
		ret = check_peer(p);
		if (ret)
			goto out;
		if (!strcasecmp(line, "[Interface]")) {
			p->section = SEC_INTERFACE;
			p->seen_interface = true;
			p->peer = NULL;
		} else if (!strcasecmp(line, "[Peer]")) {
			p->section = SEC_PEER;
			p->peer = device_add_peer(p->dev);
			p->peer->flags = WGPEER_F_REPLACE_ALLOWEDIPS;
		} else {
			ret = error_at(p, "unknown section '%s'", line);
		}
		goto out;
	}
	eq = strchr(line, '=');
	if (!eq || eq == line) {
		ret = error_at(p, "expected Key = Value or a [Section], got '%s'", line);
		goto out;
	}
	*eq = '\0';
	if (p->section == SEC_INTERFACE)
		ret = interface_value(p, line, eq + 1);
	else if (p->section == SEC_PEER)
		ret = peer_value(p, line, eq + 1);
	else
		ret = error_at(p, "'%s' outside of an [Interface] or [Peer] section", line);
out:
	key_wipe(line, n + 1);
	free(line);
	return ret;
}

int config_finish(struct config_parser *p)
{
	return check_peer(p);
}

int config_read_file(struct wg_device *dev, const char *path)
{
	struct config_parser p;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(errno));
		return -1;
	}
	config_begin(&p, dev, path);
	while ((len = getline(&line, &cap, f)) >= 0) {
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		ret = config_line(&p, line);
		if (ret)
			break;
	}
	if (!ret && ferror(f)) {
		fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(errno));
		ret = -1;
	}
	if (!ret)
		ret = config_finish(&p);
	if (line) {
		key_wipe(line, cap);
		free(line);
	}
	fclose(f);
	return ret;
}
