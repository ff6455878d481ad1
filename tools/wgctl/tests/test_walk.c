// SPDX-License-Identifier: GPL-2.0
/*
 * walk.c through show and metrics, against a pretend kernel: netlink.c is
 * replaced by the nl_* functions below. "gone" vanishes between the listing
 * and its read (-ENODEV), "denied" cannot be read (-EPERM).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "wgctl.h"

/* --- the pretend kernel --------------------------------------------------- */

static const char *const *listing; /* NULL: listing fails */

size_t nl_set_buffer_size = 4096;
int (*nl_set_sink)(const void *msg, size_t len);

int nl_list_interfaces(char ***names, size_t *count)
{
	size_t i, n = 0;

	if (!listing)
		return -EPERM;
	while (listing[n])
		n++;
	*names = calloc(n ? n : 1, sizeof(**names));
	for (i = 0; i < n; i++)
		(*names)[i] = strdup(listing[i]);
	*count = n;
	return 0;
}

void nl_free_names(char **names, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

int nl_get_device(struct wg_device **out, const char *ifname)
{
	if (!strcmp(ifname, "gone") || !strcmp(ifname, "nosuch0"))
		return -ENODEV;
	if (!strcmp(ifname, "denied"))
		return -EPERM;
	*out = device_new(ifname);
	(*out)->listen_port = 51820;
	device_add_peer(*out)->rx_bytes = 7;
	return 0;
}

int nl_set_device(const struct wg_device *dev)
{
	(void)dev;
	return -EPERM;
}

int nl_report(int err, const char *ifname)
{
	fprintf(stderr, "report %s %d\n", ifname, err);
	return 1;
}

/* --- running a subcommand with stdout and stderr captured ------------------- */

struct run {
	int status;
	char out[8192], err[1024];
};

static void slurp(char *buf, size_t len, FILE *f)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void run(struct run *r, int (*cmd)(int, char **), int argc, ...)
{
	FILE *out = tmpfile(), *err = tmpfile();
	int saved_out, saved_err, i;
	char *argv[8] = { NULL };
	va_list ap;

	va_start(ap, argc);
	for (i = 0; i < argc && i < 7; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	dup2(fileno(out), STDOUT_FILENO);
	dup2(fileno(err), STDERR_FILENO);
	r->status = cmd(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	slurp(r->out, sizeof(r->out), out);
	slurp(r->err, sizeof(r->err), err);
}

int main(void)
{
	static const char *const some[] = { "wg0", "gone", "denied", "wg1", NULL };
	static const char *const none[] = { NULL };
	static struct run r;

	setenv("WG_COLOR_MODE", "never", 1);

	/* all: the vanished one silently skipped, the other error reported */
	listing = some;
	run(&r, cmd_show, 3, "show", "all", "listen-port");
	CHECK_STR(r.out, "wg0\t51820\nwg1\t51820\n", "show all listen-port");
	CHECK_STR(r.err, "report denied -1\n", "show all: only the unreadable one is reported");
	CHECK(r.status == 1, "show all: status %d after an error", r.status);

	run(&r, cmd_show, 1, "show");
	CHECK_STR(r.out, "interface: wg0\n  listening port: 51820\n\n"
			 "peer: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
			 "  allowed ips: (none)\n  transfer: 7 B received, 0 B sent\n"
			 "\ninterface: wg1\n  listening port: 51820\n\n"
			 "peer: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
			 "  allowed ips: (none)\n  transfer: 7 B received, 0 B sent\n",
		  "show: the pretty view, one blank line between interfaces");

	run(&r, cmd_show, 2, "show", "--json");
	CHECK(!strncmp(r.out, "{\"interfaces\":[{\"name\":\"wg0\"", 28) &&
	      strstr(r.out, "]},{\"name\":\"wg1\"") &&
	      !strcmp(r.out + strlen(r.out) - 5, "]}]}\n"),
	      "show --json: one envelope around both: %s", r.out);
	CHECK(r.status == 1, "show --json all: status %d after an error", r.status);

	run(&r, cmd_metrics, 1, "metrics");
	CHECK(strstr(r.out, "wireguard_peers{interface=\"wg0\"} 1\n"
			    "wireguard_peers{interface=\"wg1\"} 1\n"),
	      "metrics all: the readable interfaces are printed: %s", r.out);
	CHECK_STR(r.err, "report denied -1\n", "metrics all: only the unreadable one is reported");
	CHECK(r.status == 1, "metrics all: status %d after an error", r.status);

	/* all, nothing to show: an empty envelope, success */
	listing = none;
	run(&r, cmd_show, 3, "show", "--json", "all");
	CHECK_STR(r.out, "{\"interfaces\":[]}\n", "show --json with no interfaces");
	CHECK(r.status == 0, "show --json with no interfaces: status %d", r.status);
	run(&r, cmd_show, 1, "show");
	CHECK(!r.out[0] && !r.err[0] && !r.status, "show with no interfaces: silent");
	run(&r, cmd_metrics, 2, "metrics", "all");
	CHECK(!strncmp(r.out, "# HELP wireguard_peers ", 23) && !r.status,
	      "metrics with no interfaces: the HELP and TYPE lines only");

	/* the listing fails: reported, nothing printed */
	listing = NULL;
	run(&r, cmd_show, 2, "show", "--json");
	CHECK(!r.out[0] && r.status == 1, "show --json: failed listing prints nothing");
	CHECK_STR(r.err, "report interfaces -1\n", "show: failed listing reported");
	run(&r, cmd_metrics, 1, "metrics");
	CHECK(!r.out[0] && r.status == 1, "metrics: failed listing prints nothing");

	/* one named interface: its error, even -ENODEV, is reported; no output */
	listing = some;
	run(&r, cmd_show, 3, "show", "--json", "nosuch0");
	CHECK(!r.out[0] && r.status == 1, "show --json nosuch0: no envelope, status %d", r.status);
	CHECK_STR(r.err, "report nosuch0 -19\n", "show --json nosuch0: reported");
	run(&r, cmd_show, 3, "show", "denied", "dump");
	CHECK(!r.out[0] && r.status == 1, "show denied dump: nothing, status %d", r.status);
	run(&r, cmd_metrics, 2, "metrics", "nosuch0");
	CHECK(!r.out[0] && r.status == 1, "metrics nosuch0: nothing, status %d", r.status);
	CHECK_STR(r.err, "report nosuch0 -19\n", "metrics nosuch0: reported");
	run(&r, cmd_show, 3, "show", "--json", "wg1");
	CHECK(!strncmp(r.out, "{\"interfaces\":[{\"name\":\"wg1\"", 28) && !r.status,
	      "show --json wg1: %s", r.out);
	run(&r, cmd_show, 3, "show", "wg1", "listen-port");
	CHECK_STR(r.out, "51820\n", "show wg1 listen-port: no name prefix");
	return check_failed ? 1 : 0;
}
