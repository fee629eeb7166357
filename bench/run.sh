#!/usr/bin/env bash
# Benchmarks devports against `ss -tulnpH` on the generated load from ../shared/bench.
#   bench/run.sh [laptop|heavy|both] [RUNS]          one-shot: devports --json vs ss, per-poll cost
#   DASHBOARD=60 bench/run.sh heavy                  also the dashboard's CPU over 60 s at 1 Hz
# Needs root (the load changes uids), a built tree in ./build, ss (iproute2) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
scenarios=${1:-both}
runs=${2:-21}
[ "$scenarios" = both ] && scenarios="laptop heavy"
shared=$(cd ../shared/bench && pwd)
bin=$PWD/build/devports
[ -x "$bin" ] || { echo "bench: build first (cmake -B build && cmake --build build)"; exit 2; }
[ "$(id -u)" = 0 ] || { echo "bench: run as root (the load generator changes uids)"; exit 2; }
command -v ss >/dev/null || { echo "bench: ss not found: apt-get install iproute2"; exit 2; }
make -s -C "$shared" load >/dev/null

tmp=$(mktemp -d)
load_pid=
stop_load() { [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null && wait "$load_pid" 2>/dev/null; load_pid=; }
trap 'stop_load; tmux -L devports-bench kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

for sc in $scenarios; do
	echo "== $sc"
	mkfifo "$tmp/ready.$sc"
	"$shared/load" "$sc" -t 10 -o "$tmp/$sc" >"$tmp/ready.$sc" &
	load_pid=$!
	read -r line <"$tmp/ready.$sc"
	echo "  load: $line"
	exp=$(tail -n +2 "$tmp/$sc/expected.tsv" | wc -l)
	got=$("$bin" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["listeners"]))')
	echo "  expected.tsv lists $exp listeners; devports --json reports $got entries (one per pid)"
	"$(dirname "$0")/compare.py" "$runs" -- "$bin" --json -- ss -tulnpH
	./build/devports_pollbench 100 | sed 's/^/  poll: /'
	if [ -n "${DASHBOARD:-}" ]; then
		secs=$DASHBOARD
		tmux -L devports-bench -f /dev/null new-session -d -x 120 -y 40 "TERM=tmux-256color $bin -i 1"
		sleep 3
		dp=$(pgrep -n -f "^$bin -i 1")
		read -r u0 s0 < <(awk '{print $14, $15}' "/proc/$dp/stat")
		sleep "$secs"
		read -r u1 s1 < <(awk '{print $14, $15}' "/proc/$dp/stat")
		hz=$(getconf CLK_TCK)
		hwm=$(awk '/VmHWM/ {print $2}' "/proc/$dp/status")
		awk -v t=$((u1 + s1 - u0 - s0)) -v hz="$hz" -v secs="$secs" -v hwm="$hwm" 'BEGIN {
			cpu = t / hz; printf "  dashboard: %.2f s CPU in %d s = %.3f %% of a core, %.2f ms a tick, peak RSS %.1f MB\n",
			cpu, secs, 100 * cpu / secs, 1000 * cpu / secs, hwm / 1024 }'
		tmux -L devports-bench kill-server
	fi
	stop_load
done
