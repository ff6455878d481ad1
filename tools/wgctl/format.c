// SPDX-License-Identifier: GPL-2.0
/*
 * Text forms of endpoints and allowed IPs, as wg(8) prints them.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <string.h>

#include "wgctl.h"

void format_endpoint(char *buf, size_t len, const union wg_endpoint *ep)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	socklen_t alen;

	if (ep->addr.sa_family == AF_INET) {
		alen = sizeof(ep->addr4);
	} else if (ep->addr.sa_family == AF_INET6) {
		alen = sizeof(ep->addr6);
	} else {
		snprintf(buf, len, "(none)");
		return;
	}
	if (getnameinfo(&ep->addr, alen, host, sizeof(host), serv, sizeof(serv),
			NI_NUMERICHOST | NI_NUMERICSERV | NI_DGRAM)) {
		snprintf(buf, len, "(invalid)");
		return;
	}
	if (ep->addr.sa_family == AF_INET6)
		snprintf(buf, len, "[%s]:%s", host, serv);
	else
		snprintf(buf, len, "%s:%s", host, serv);
}

void format_aip(char *buf, size_t len, const struct wg_allowedip *aip)
{
	char addr[INET6_ADDRSTRLEN];

	if (!inet_ntop(aip->family, &aip->ip6, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "?");
	snprintf(buf, len, "%s/%u", addr, aip->cidr);
}
