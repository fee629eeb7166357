# tests/lib/procs.sh - processes started by a test script: each one in a process group of its
# own, and every group ended when the script exits, however it exits (the end, a failure, a
# signal: bash runs the EXIT trap then too). Source it before starting anything: it sets the EXIT
# trap, so a script adds its own cleanup with at_exit instead of a trap of its own. Works with
# set -u and set -e, and with bash 3.2 (macOS).
#
# SIGKILL runs no trap: ctest's time-out kills the test's whole tree of processes instead (so a
# test starts nothing that leaves that tree: tmux's server runs with -D, see tests/lib/tmux.sh).

DP_GROUPS=()
DP_AT_EXIT=()

# start_group CMD [ARG...]: runs CMD in the background, in a new process group whose id is its
# pid, stored in $last_group. The group exists when this returns (job control sets it in the
# shell and in the child), so that stop_group cannot miss it. Redirections given to start_group
# apply to CMD (a here-document for `python3 -` too).
start_group() {
	set -m
	"$@" &
	last_group=$!
	set +m
	DP_GROUPS+=("$last_group")
}

# group_members PGID: the processes of the group that have not exited (zombies excluded).
group_members() {
	ps -A -o pid= -o pgid= -o stat= 2>/dev/null | awk -v g="$1" '$2 == g && $3 !~ /^Z/ { print $1 }'
}

# group_exists PGID: whether a process of the group is still there (a zombie too: until it is
# reaped, the group's id cannot be given to another).
group_exists() {
	ps -A -o pgid= 2>/dev/null | awk -v g="$1" '$1 == g { found = 1 } END { exit !found }'
}

# stop_group PGID: kills the whole group (SIGKILL), reaps its leader when it is our child, waits
# (up to 2 s) until none of it runs, and forgets it. A group that has no process left is not
# signalled (its id may be another's by now): after `wait PID`, stop_group only forgets it.
stop_group() {
	local g=$1 i kept=()
	case $g in '' | *[!0-9]* | 0 | 1) return 0 ;; esac
	if group_exists "$g"; then
		kill -KILL -- "-$g" 2>/dev/null || true
		wait "$g" 2>/dev/null || true
	fi
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		[ -z "$(group_members "$g")" ] && break
		sleep 0.1
	done
	for i in ${DP_GROUPS[@]+"${DP_GROUPS[@]}"}; do
		[ "$i" = "$g" ] || kept+=("$i")
	done
	DP_GROUPS=(${kept[@]+"${kept[@]}"})
}

# stop_groups: stop_group for every group start_group started.
stop_groups() {
	local g
	for g in ${DP_GROUPS[@]+"${DP_GROUPS[@]}"}; do
		stop_group "$g"
	done
}

# at_exit CODE: runs CODE (with eval) when the script exits, after every group has been stopped;
# what was added last runs first.
at_exit() {
	DP_AT_EXIT=("$1" ${DP_AT_EXIT[@]+"${DP_AT_EXIT[@]}"})
}

dp_on_exit() {
	local code
	set +e
	trap '' HUP INT TERM # the cleanup runs to its end
	stop_groups
	for code in ${DP_AT_EXIT[@]+"${DP_AT_EXIT[@]}"}; do
		eval "$code"
	done
}

trap dp_on_exit EXIT
