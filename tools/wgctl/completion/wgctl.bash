# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# bash completion for wgctl(8)

_wgctl_interfaces() {
	wgctl show interfaces 2>/dev/null
}

# COMPREPLY=( compgen's lines ), one word each: a file name may hold spaces,
# and no word is split again or taken as a glob
_wgctl_reply() {
	mapfile -t COMPREPLY < <(compgen "$@")
}

_wgctl() {
	local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]:-} prev i
	local commands="show showconf set setconf addconf syncconf genkey genpsk pubkey metrics monitor"
	local fields="public-key private-key listen-port fwmark peers preshared-keys endpoints
		allowed-ips latest-handshakes persistent-keepalive transfer dump"
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		_wgctl_reply -W "$commands --help" -- "$cur"
		return 0
	fi
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	case "$cmd" in
	show)
		i=2
		[ "${COMP_WORDS[2]:-}" = --json ] && i=3
		if [ "$COMP_CWORD" -eq 2 ]; then
			_wgctl_reply -W "$(_wgctl_interfaces) all interfaces --json --help" -- "$cur"
		elif [ "$COMP_CWORD" -eq "$i" ]; then
			_wgctl_reply -W "$(_wgctl_interfaces) all" -- "$cur"
		elif [ "$i" = 2 ] && [ "$COMP_CWORD" -eq 3 ] && [ "$prev" != interfaces ]; then
			_wgctl_reply -W "$fields" -- "$cur"
		fi
		;;
	metrics)
		[ "$COMP_CWORD" -eq 2 ] &&
			_wgctl_reply -W "$(_wgctl_interfaces) all --help" -- "$cur"
		;;
	monitor)
		# [<interface> | all] and --json, in either order, once each
		local w have_if=0 have_json=0
		for ((i = 2; i < COMP_CWORD; i++)); do
			w=${COMP_WORDS[i]}
			case "$w" in
			--json) have_json=1 ;;
			-*) ;;
			*) have_if=1 ;;
			esac
		done
		w=""
		[ "$have_if" = 0 ] && w="$(_wgctl_interfaces) all"
		[ "$have_json" = 0 ] && w="$w --json"
		[ "$COMP_CWORD" -eq 2 ] && w="$w --help"
		_wgctl_reply -W "$w" -- "$cur"
		;;
	showconf)
		[ "$COMP_CWORD" -eq 2 ] &&
			_wgctl_reply -W "$(_wgctl_interfaces) --help" -- "$cur"
		;;
	setconf | addconf | syncconf)
		if [ "$COMP_CWORD" -eq 2 ]; then
			_wgctl_reply -W "$(_wgctl_interfaces) --help" -- "$cur"
		elif [ "$COMP_CWORD" -eq 3 ]; then
			_wgctl_reply -f -- "$cur"
		fi
		;;
	set)
		if [ "$COMP_CWORD" -eq 2 ]; then
			_wgctl_reply -W "$(_wgctl_interfaces) --help" -- "$cur"
			return 0
		fi
		case "$prev" in
		private-key | preshared-key)
			_wgctl_reply -f -- "$cur"
			return 0
			;;
		listen-port | fwmark | peer | endpoint | persistent-keepalive | allowed-ips)
			return 0
			;;
		esac
		local in_peer=0
		for ((i = 3; i < COMP_CWORD; i++)); do
			[ "${COMP_WORDS[i]}" = peer ] && in_peer=1
		done
		if [ "$in_peer" = 1 ]; then
			_wgctl_reply -W "peer remove update-only preshared-key endpoint
				persistent-keepalive allowed-ips" -- "$cur"
		else
			_wgctl_reply -W "listen-port fwmark private-key peer" -- "$cur"
		fi
		;;
	esac
	return 0
}

complete -F _wgctl wgctl
