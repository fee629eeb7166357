# tests/lib/netns.sh - an end-to-end script in a network namespace of its own (unshare -n), so that
# only its own listeners are there: a fixed port is free, a status line or a list names only them,
# whatever else listens on the machine. Source it near the top, then call own_netns.

# own_netns required|preferred ARGS...: as root, runs this script again ("$0" ARGS...) in a new
# network namespace with loopback up. Without root (or unshare): `required` skips (exit 77) with
# the reason, `preferred` goes on in this machine's namespace. In the namespace it returns.
own_netns() {
	local want=$1
	shift
	if [ -z "${DP_NETNS:-}" ]; then
		if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
			exec unshare -n env DP_NETNS=1 bash "$0" "$@"
		fi
		[ "$want" = required ] &&
			{ echo "SKIP: needs root and unshare -n (a network namespace of its own)"; exit 77; }
		return 0
	fi
	ip link set lo up || { echo "FAIL: cannot bring up loopback in the namespace"; exit 1; }
}
