/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink plumbing for the test tools that talk to the "wireguard"
 * family with libmnl (genl-fuzz, genl-probe): the socket, one request and
 * its replies, and the family id.
 */
#ifndef GENL_H
#define GENL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>

static inline void die(const char *what)
{
	perror(what);
	exit(2);
}

/* A generic netlink socket bound to a port of its own; dies without one. */
static inline struct mnl_socket *genl_open(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_GENERIC);

	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink socket");
	return nl;
}

/*
 * Send @nlh on @nl and run each reply, read into @buf of @size bytes,
 * through @cb with @data until the kernel's ack. 0, or the negative errno
 * the kernel answered with. A failed send is fatal; so is a failed
 * receive when @recv_fatal, else it gives its negative errno.
 */
static inline int genl_transact(struct mnl_socket *nl, struct nlmsghdr *nlh,
				void *buf, size_t size, bool recv_fatal,
				mnl_cb_t cb, void *data)
{
	unsigned int portid = mnl_socket_get_portid(nl);
	ssize_t len;
	int ret;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("sendto");
	for (;;) {
		len = mnl_socket_recvfrom(nl, buf, size);
		if (len < 0) {
			if (recv_fatal)
				die("recvfrom");
			return -errno;
		}
		ret = mnl_cb_run(buf, len, nlh->nlmsg_seq, portid, cb, data);
		if (ret == MNL_CB_ERROR)
			return -errno;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

/* CTRL_ATTR_FAMILY_ID of a CTRL_CMD_GETFAMILY reply into the u16 @data. */
static inline int genl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == CTRL_ATTR_FAMILY_ID)
			*(uint16_t *)data = mnl_attr_get_u16(attr);
	return MNL_CB_OK;
}

/*
 * The id of the generic netlink family @name, asked for with sequence
 * number @seq, the request built in @msgbuf and the replies read into @buf
 * (as genl_transact() has them); 0 when there is no such family or the
 * kernel refuses to say.
 */
static inline uint16_t genl_family(struct mnl_socket *nl, const char *name,
				   unsigned int seq, void *msgbuf, void *buf,
				   size_t size, bool recv_fatal)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(msgbuf);
	struct genlmsghdr *g;
	uint16_t id = 0;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (genl_transact(nl, nlh, buf, size, recv_fatal, genl_family_cb,
			  &id) < 0)
		return 0;
	return id;
}

#endif
