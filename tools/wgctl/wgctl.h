/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wgctl: shared types and the functions each file offers the others.
 */
#ifndef WGCTL_H
#define WGCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "wg_genl.h"

#define PROG "wgctl"

#define KEY_B64_LEN 44 /* 32 bytes in padded base64, without the NUL */
#define IFNAMSIZ_MAX 16 /* IFNAMSIZ, including the NUL */

struct wg_allowedip {
	uint16_t family;
	uint8_t cidr;
	uint32_t flags; /* WGALLOWEDIP_F_* */
	union {
		struct in_addr ip4;
		struct in6_addr ip6;
	};
};

union wg_endpoint {
	struct sockaddr addr;
	struct sockaddr_in addr4;
	struct sockaddr_in6 addr6;
};

enum {
	PEER_HAS_PUBLIC_KEY = 1U << 0,
	PEER_HAS_PRESHARED_KEY = 1U << 1,
	PEER_HAS_KEEPALIVE = 1U << 2,
};

struct wg_peer {
	uint32_t has;   /* PEER_HAS_* */
	uint32_t flags; /* WGPEER_F_* */
	uint8_t public_key[WG_KEY_LEN];
	uint8_t preshared_key[WG_KEY_LEN];
	union wg_endpoint endpoint; /* family 0: none */
	int64_t handshake_sec;
	int64_t handshake_nsec;
	uint64_t rx_bytes, tx_bytes;
	uint16_t keepalive;
	struct wg_allowedip *aips;
	size_t n_aips, cap_aips;
};

enum {
	DEV_HAS_PRIVATE_KEY = 1U << 0,
	DEV_HAS_PUBLIC_KEY = 1U << 1,
	DEV_HAS_LISTEN_PORT = 1U << 2,
	DEV_HAS_FWMARK = 1U << 3,
};

struct wg_device {
	char name[16];
	uint32_t ifindex;
	uint32_t has;   /* DEV_HAS_* */
	uint32_t flags; /* WGDEVICE_F_* */
	uint8_t private_key[WG_KEY_LEN];
	uint8_t public_key[WG_KEY_LEN];
	uint16_t listen_port;
	uint32_t fwmark;
	struct wg_peer *peers;
	size_t n_peers, cap_peers;
};

/* device.c: the in-memory model */
struct wg_device *device_new(const char *name);
void device_free(struct wg_device *dev);
struct wg_peer *device_add_peer(struct wg_device *dev);
struct wg_peer *device_find_peer(struct wg_device *dev, const uint8_t *key);
struct wg_allowedip *peer_add_aip(struct wg_peer *peer);
void device_sort_peers(struct wg_device *dev);

/* keys.c */
bool key_is_zero(const uint8_t key[WG_KEY_LEN]);
void key_to_base64(char out[KEY_B64_LEN + 1], const uint8_t key[WG_KEY_LEN]);
bool key_from_base64(uint8_t key[WG_KEY_LEN], const char *b64);
int keys_init(void);
int key_command_start(int argc, char **argv, const char *usage);
void key_generate_private(uint8_t key[WG_KEY_LEN]);
void key_generate_random(uint8_t key[WG_KEY_LEN]);
int key_public_from_private(uint8_t pub[WG_KEY_LEN], const uint8_t priv[WG_KEY_LEN]);
int key_read_file(uint8_t key[WG_KEY_LEN], bool *present, const char *path);
void key_wipe(void *p, size_t len);

/* parse.c: values shared by the config file and `set` */
int parse_port(uint16_t *port, const char *s);
int parse_fwmark(uint32_t *mark, const char *s);
int parse_keepalive(uint16_t *secs, const char *s);
int parse_cidr(struct wg_allowedip *aip, const char *s);
int parse_allowedips(struct wg_peer *peer, const char *list, bool incremental_ok,
		     bool *incremental);
int parse_endpoint(union wg_endpoint *ep, const char *s);
extern char parse_error[256];

/* format.c */
void format_endpoint(char *buf, size_t len, const union wg_endpoint *ep);
void format_aip(char *buf, size_t len, const struct wg_allowedip *aip);

/* config.c */
struct config_parser {
	const char *path;
	unsigned int line;
	struct wg_device *dev;
	enum { SEC_NONE, SEC_INTERFACE, SEC_PEER } section;
	bool seen_interface;
	struct wg_peer *peer;
};
void config_begin(struct config_parser *p, struct wg_device *dev, const char *path);
int config_line(struct config_parser *p, const char *line);
int config_finish(struct config_parser *p);
int config_read_file(struct wg_device *dev, const char *path);

/* netlink.c */
struct nlmsghdr;
int nl_get_device(struct wg_device **out, const char *ifname);
int nl_set_device(const struct wg_device *dev);
int nl_list_interfaces(char ***names, size_t *count);
void nl_free_names(char **names, size_t count);
int nl_report(int err, const char *ifname);
/* the netlink and generic netlink headers of a request (NLM_F_REQUEST | flags) */
struct nlmsghdr *nl_genl_header(char *buf, uint16_t type, uint16_t flags, uint8_t cmd,
				uint8_t version, uint32_t seq);
/* testing hook: size of a SET message buffer, and a sink instead of the kernel */
extern size_t nl_set_buffer_size;
extern int (*nl_set_sink)(const void *msg, size_t len);

/* walk.c: "<interface> | all" for show and metrics (see walk.c for errors) */
struct iface_walk {
	bool all;
	struct wg_device *first; /* the one named interface, until next() */
	char **names;            /* all: the listing, walked by next() */
	size_t n, next;
	int status;              /* 1 once an interface's error was reported */
};
int iface_walk_begin(struct iface_walk *w, const char *target);
struct wg_device *iface_walk_next(struct iface_walk *w);
int iface_walk_end(struct iface_walk *w);

/* json.c */
struct json {
	FILE *f;
	int depth;
	bool need_comma[32];
	bool after_key;
};
void json_init(struct json *j, FILE *f);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_uint(struct json *j, uint64_t v);
void json_int(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* output of the show family, shared by show.c, json and metrics */
void device_to_json(struct json *j, const struct wg_device *dev);

/* set.c: the arguments of `set` after the interface name, into dev */
int set_parse_args(struct wg_device *dev, int argc, char **argv);

/* subcommands */
int cmd_genkey(int argc, char **argv);
int cmd_genpsk(int argc, char **argv);
int cmd_pubkey(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_showconf(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_setconf(int argc, char **argv);
int cmd_addconf(int argc, char **argv);
int cmd_syncconf(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_monitor(int argc, char **argv);

/* monitor.c: the events of include/uapi/wg_events.h, formatted apart from the socket */
struct timespec;
struct monitor {
	bool json;
	uint64_t seq;     /* the last WGEVENT_A_SEQ seen, 0 before the first event */
	uint64_t dropped; /* the last WGEVENT_A_DROPPED seen */
};
struct monitor_family {
	uint16_t id;
	uint32_t group; /* id of the multicast group asked for, 0 if it has none */
};
void monitor_init(struct monitor *m, bool json);
/* one event message: its line, after an "N events lost" line when some were */
int monitor_format_event(FILE *f, struct monitor *m, const struct nlmsghdr *nlh,
			 const struct timespec *now);
void monitor_format_overrun(FILE *f, const struct monitor *m, const struct timespec *now);
/* a CTRL_CMD_GETFAMILY reply; group: the name of a multicast group, or NULL */
int monitor_parse_family(const struct nlmsghdr *nlh, const char *group,
			 struct monitor_family *out);
/* a CTRL_CMD_DELFAMILY announcement of the events family */
bool monitor_family_gone(const struct nlmsghdr *nlh, uint16_t id);

/* main.c */
bool wants_help(int argc, char **argv);
void die_usage(const char *usage);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
