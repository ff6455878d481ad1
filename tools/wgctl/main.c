// SPDX-License-Identifier: GPL-2.0
/*
 * wgctl: configure wireguard interfaces. The subcommands and their output
 * follow wg(8); see wgctl(8).
 */
#include <stdlib.h>
#include <string.h>

#include "wgctl.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *what;
} commands[] = {
	{ "show", cmd_show, "Shows the current configuration and device information" },
	{ "showconf", cmd_showconf, "Shows the current configuration of a given interface" },
	{ "set", cmd_set, "Change the current configuration, add peers, remove peers, or change peers" },
	{ "setconf", cmd_setconf, "Applies a configuration file to a wireguard interface" },
	{ "addconf", cmd_addconf, "Appends a configuration file to a wireguard interface" },
	{ "syncconf", cmd_syncconf, "Synchronizes a configuration file to a wireguard interface" },
	{ "genkey", cmd_genkey, "Generates a new private key and writes it to stdout" },
	{ "genpsk", cmd_genpsk, "Generates a new preshared key and writes it to stdout" },
	{ "pubkey", cmd_pubkey, "Reads a private key from stdin and writes a public key to stdout" },
	{ "metrics", cmd_metrics, "Prints peer counters in the Prometheus text format" },
	{ "monitor", cmd_monitor, "Prints events of wireguard-oot interfaces as they happen" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s <cmd> [<args>]\n\nAvailable subcommands:\n", PROG);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "Run '%s <cmd> --help' for the arguments of one; see wgctl(8).\n", PROG);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc == 1) {
		char *show[] = { "show", NULL };

		return cmd_show(1, show);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("%s %s\n", PROG, WGCTL_VERSION);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown subcommand '%s'\n", PROG, argv[1]);
	usage(stderr);
	return 1;
}
