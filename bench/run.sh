#!/usr/bin/env bash
# Benchmarks devports against `ss -tulnpH` on the load of bench/load.c (devports_load).
#   bench/run.sh [laptop|heavy|scale|both|all] [RUNS] one-shot: devports --json vs ss (a first
#       run, with no owner cache, and a second one, and `who PORT` with it), per-poll cost
#       (both = laptop heavy; all = laptop heavy scale; scale = 2,500 listeners in 2,600
#       processes of 10 fds each)
#   DASHBOARD=60 bench/run.sh heavy                  also the dashboard's CPU over 60 s at 1 Hz,
#       and again while 50 listeners a second start and stop elsewhere (tests' dp_churn)
#   BUILD=build-bench bench/run.sh                   binaries from another build directory
#   LOAD=path/to/load bench/run.sh                   another load generator with the same
#       interface (default: the build's devports_load)
#   BEFORE=build-old bench/run.sh                    also an older build, in the same run: its
#       one-shot beside this one's and ss, and its dashboard
#   ISOLATE=1 bench/run.sh                           in a network namespace of its own: the
#       listeners are the load's only (processes are still all the machine's), so other work's
#       listeners coming and going do not reach the dashboard or the comparison
# Needs root (the load changes uids), a built tree (./build unless BUILD is set), ss (iproute2),
# tmux for DASHBOARD, and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${ISOLATE:-}" ]; then
	command -v unshare >/dev/null && command -v ip >/dev/null ||
		{ echo "bench: ISOLATE needs unshare (util-linux) and ip (iproute2)"; exit 2; }
	exec env -u ISOLATE BENCH_NETNS="its own" unshare --net -- sh -c 'ip link set lo up && exec "$0" "$@"' \
		"$PWD/bench/run.sh" "$@"
fi
scenarios=${1:-both}
runs=${2:-21}
[ "$scenarios" = both ] && scenarios="laptop heavy"
[ "$scenarios" = all ] && scenarios="laptop heavy scale"
build=$(cd "${BUILD:-build}" 2>/dev/null && pwd) || build=
bin=$build/devports
load=${LOAD:-$build/devports_load}
[ -n "$build" ] && [ -x "$bin" ] && [ -x "$build/devports_pollbench" ] && [ -x "$load" ] ||
	{ echo "bench: build first (cmake -B build && cmake --build build), or set BUILD"; exit 2; }
before=
if [ -n "${BEFORE:-}" ]; then
	before=$(cd "$BEFORE" 2>/dev/null && pwd)/devports
	[ -x "$before" ] || { echo "bench: no devports in BEFORE=$BEFORE"; exit 2; }
fi
churn=$build/tests/dp_churn
[ "$(id -u)" = 0 ] || { echo "bench: run as root (the load generator changes uids)"; exit 2; }
command -v ss >/dev/null || { echo "bench: ss not found: apt-get install iproute2"; exit 2; }
[ -z "${DASHBOARD:-}" ] || command -v tmux >/dev/null || { echo "bench: tmux not found"; exit 2; }

echo "bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, kernel $(uname -r), $bin," \
	"network namespace: ${BENCH_NETNS:-shared}"
tmp=$(mktemp -d)
load_pid=
stop_load() {
	if [ -n "$load_pid" ]; then
		kill "$load_pid" 2>/dev/null || true
		wait "$load_pid" 2>/dev/null || true
	fi
	load_pid=
}
trap 'stop_load; tmux -L devports-bench kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT

# Ends the dashboard's tmux server and waits (up to 5 s) until the dashboard (pid $1) and the
# server are gone: a new server started on the same socket while the old one is still ending its
# panes fails with "server exited unexpectedly" (the dashboard itself quits at once on the
# hang-up; its process is reaped when the old server is gone).
stop_tmux() {
	tmux -L devports-bench kill-server 2>/dev/null || true
	for _ in $(seq 50); do
		{ [ -z "${1:-}" ] || ! kill -0 "$1" 2>/dev/null; } &&
			! tmux -L devports-bench has-session 2>/dev/null && return 0
		sleep 0.1
	done
}

# The dashboard (binary $2, named $3) CPU time and peak RSS over $1 seconds, after it has
# settled. CPU time from schedstat (nanoseconds; the pass that starts the dashboard is over and
# its threads gone by then). With $dumps (this run's netlink dumps, ms) it prints the ratio.
dashboard() {
	local secs=$1 exe=$2 name=$3 dp c0 c1 hwm
	tmux -L devports-bench -f /dev/null new-session -d -x 120 -y 40 \
		"exec env TERM=tmux-256color $exe -i 1"
	sleep 3
	dp=$(tmux -L devports-bench display-message -p '#{pane_pid}')
	[ "$(cat "/proc/$dp/comm" 2>/dev/null)" = devports ] ||
		{ echo "  dashboard: not running"; stop_tmux "$dp"; return; }
	read -r c0 _ < "/proc/$dp/schedstat"
	sleep "$secs"
	read -r c1 _ < "/proc/$dp/schedstat"
	hwm=$(awk '/VmHWM/ {print $2}' "/proc/$dp/status")
	tmux -L devports-bench capture-pane -p | grep -m1 . | cut -c1-100 | sed 's/^/  dashboard top line: /'
	awk -v ns=$((c1 - c0)) -v secs="$secs" -v hwm="$hwm" -v name="$name" -v dumps="${dumps:-}" 'BEGIN {
		cpu = ns / 1e9; tick = 1000 * cpu / secs
		printf "  %s: %.3f s CPU in %d s = %.3f %% of a core, %.2f ms a tick, peak RSS %.1f MB", name,
		cpu, secs, 100 * cpu / secs, tick, hwm / 1024
		if (dumps > 0) printf ", %.2fx this run'"'"'s netlink dumps (%.3f ms)", tick / dumps, dumps
		printf "\n" }'
	stop_tmux "$dp"
}

# dashboard, then the same while dp_churn starts and stops 50 listeners a second.
dashboards() {
	local secs=$1 exe=$2 name=$3 cpid
	dashboard "$secs" "$exe" "$name"
	if [ -x "$churn" ]; then
		"$churn" -t $((secs + 10)) -r 50 >/dev/null 2>&1 &
		cpid=$!
		dashboard "$secs" "$exe" "$name under churn (50 listeners/s)"
		kill "$cpid" 2>/dev/null || true
		wait "$cpid" 2>/dev/null || true
	fi
}

for sc in $scenarios; do
	echo "== $sc (load average $(cut -d' ' -f1-3 /proc/loadavg))"
	mkfifo "$tmp/ready.$sc"
	case $sc in
	scale) args=(custom -P 2600 -F 10 -L 2500) ;;
	*) args=("$sc") ;;
	esac
	"$load" "${args[@]}" -t 15 -o "$tmp/$sc" >"$tmp/ready.$sc" &
	load_pid=$!
	read -r line <"$tmp/ready.$sc"
	echo "  load: $line"
	# the owner cache: a first run (its folder emptied before each) and a second one (the
	# cache the run before it wrote), each checked against the load; `who` on its first port
	cache=$tmp/cache.$sc
	port=$(awk -F'\t' '!/^#/ { print $4; exit }' "$tmp/$sc/expected.tsv")
	DEVPORTS_CACHE_DIR=$cache "$bin" --json | bench/check.py "$tmp/$sc/expected.tsv" "first run" ||
		echo "  check (first run): FAILED"
	DEVPORTS_CACHE_DIR=$cache "$bin" --json | bench/check.py "$tmp/$sc/expected.tsv" cached ||
		echo "  check (cached): FAILED"
	bench/compare.py "$runs" ${before:+-- "$before" --json} \
		-- --fresh-cache="$cache.first" "$bin" --json -- --cache="$cache" "$bin" --json \
		-- --cache="$cache" "$bin" who "$port" -- ss -tulnpH
	"$build/devports_pollbench" 100 ${DASHBOARD:+30} | tee "$tmp/poll.$sc" | sed 's/^/  poll: /'
	dumps=$(awk '/^netlink dumps:/ { print $4 }' "$tmp/poll.$sc")
	if [ -n "${DASHBOARD:-}" ]; then
		[ -z "$before" ] || dashboards "$DASHBOARD" "$before" "dashboard before"
		dashboards "$DASHBOARD" "$bin" "dashboard"
	fi
	stop_load
done
