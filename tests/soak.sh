#!/usr/bin/env bash
# Soak: the dashboard (-i 0.2) under valgrind memcheck in a tmux pane for MINUTES of churn
# (dp_churn: 50 short-lived loopback listeners a second), measuring the heap it holds.
#
# Heap in use is what memcheck counts as allocated and not freed (reachable, possibly lost and
# lost blocks), asked of the running process through vgdb. It is measured when the machine is
# quiet, so that both numbers hold the same listeners: "start" after a warm-up churn of WARM
# seconds (default 30) at four times the soak's rate, so that every buffer kept from poll to poll
# has grown past what the soak's churn needs (a buffer that doubles later for a busier moment
# would look like growth), once its tombstones have expired; "end" the same way after the soak.
# While the churn runs the heap is sampled every minute.
# Fails on any memcheck error, on a definitely or indirectly lost block (during the run or at
# exit), when the dashboard dies, and when the heap grew between start and end by more than the
# noise: 64 KiB or 32 blocks.
#
# As root it runs in a network namespace of its own (unshare -n) so that only the churn's
# listeners are there: other listeners coming and going on the machine would move the heap.
#
# usage: soak.sh BUILD_DIR MINUTES     (BUILD_DIR holds devports and tests/dp_churn)
# env: SOAK_WARM (seconds, default 30), SOAK_REPORT (a file that receives the summary lines)
set -u
BUILD=${1:?usage: soak.sh BUILD_DIR MINUTES}
MINUTES=${2:?usage: soak.sh BUILD_DIR MINUTES}
WARM=${SOAK_WARM:-30}
MAX_GROWTH=65536
MAX_BLOCKS=32
DEVPORTS=$(cd "$BUILD" && pwd)/devports
CHURN=$(cd "$BUILD" && pwd)/tests/dp_churn
FIRST=23000

if [ -z "${SOAK_NETNS:-}" ] && [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
	exec unshare -n env SOAK_NETNS=1 bash "$0" "$@"
fi
. "$(dirname "$0")/lib/tmux.sh"
need_tmux
command -v valgrind >/dev/null && command -v vgdb >/dev/null || skip "valgrind is not installed"
[ -x "$DEVPORTS" ] && [ -x "$CHURN" ] || { echo "FAIL: no devports or tests/dp_churn in $BUILD"; exit 1; }
where="this machine's network namespace"
if [ -n "${SOAK_NETNS:-}" ]; then
	ip link set lo up || { echo "FAIL: cannot bring up loopback in the namespace"; exit 1; }
	where="a network namespace of its own"
fi
tmp=$(mktemp -d)
at_exit 'rm -rf "$tmp"'

report() {
	echo "$*"
	[ -n "${SOAK_REPORT:-}" ] && echo "$*" >>"$SOAK_REPORT"
	return 0
}

# leak_summary: reads memcheck's LEAK SUMMARY lines on stdin; prints "BYTES BLOCKS LOST": heap in
# use (every kind), its blocks, and the definitely or indirectly lost bytes among them.
leak_summary() {
	awk '/definitely lost:|indirectly lost:|possibly lost:|still reachable:/ {
		lost = $0 ~ /(definitely|indirectly) lost/
		sub(/.*(lost|reachable): /, ""); gsub(/\([^)]*\)/, ""); gsub(/,/, "")
		bytes += $1; blocks += $4; if (lost) l += $1 }
		END { print bytes + 0, blocks + 0, l + 0 }'
}

# heap LABEL: asks the running dashboard's memcheck for a leak summary; sets HEAP_BYTES,
# HEAP_BLOCKS and LOST, and reports one line.
heap() {
	local out
	# No ptrace (--max-invoke-ms=0: it may be forbidden, and the dashboard wakes 5 times a second
	# to take the request anyway); a dashboard that stops answering fails after a minute.
	out=$(vgdb --vgdb-prefix="$tmp/vgdb" --pid="$vg" --max-invoke-ms=0 --cmd-time-out=60 \
		leak_check summary 2>&1) ||
		fail "vgdb could not reach the dashboard: $out"
	read -r HEAP_BYTES HEAP_BLOCKS LOST < <(printf '%s\n' "$out" | leak_summary)
	report "$(printf 'soak: %-30s heap in use %9d bytes in %6d blocks, lost %d' "$1" \
		"$HEAP_BYTES" "$HEAP_BLOCKS" "$LOST")"
	[ "$LOST" -eq 0 ] || fail "memcheck found lost blocks: $(printf '%s\n' "$out" | grep lost)"
}

alive() { kill -0 "$vg" 2>/dev/null || fail "the dashboard died: $(tail -30 "$tmp/vg.log")"; }

# churn SECONDS [RATE]: runs the churn (RATE listeners a second, default 50), checking every 5 s
# that the dashboard lives, and sampling the heap every minute when SAMPLE is set.
churn() {
	local t0 next_sample
	start_group "$CHURN" -t "$1" -r "${2:-50}" -p "$FIRST" >"$tmp/churn.out"
	churn_pid=$last_group
	t0=$(now_ms)
	next_sample=$((t0 + 60000))
	while kill -0 "$churn_pid" 2>/dev/null; do
		alive
		if [ -n "${SAMPLE:-}" ] && [ "$(now_ms)" -ge "$next_sample" ]; then
			heap "churn, minute $(((next_sample - t0) / 60000))"
			next_sample=$((next_sample + 60000))
		fi
		start_group sleep 5
		wait "$last_group" 2>/dev/null
		stop_group "$last_group"
	done
	wait "$churn_pid"
	stop_group "$churn_pid"
	cat "$tmp/churn.out"
}

# Quiet: the churn's tombstones (5 s) expire; then one listener comes and goes, so that the
# dashboard's rows are rebuilt for an empty list (they keep the size of the last change until the
# next one: after a churn, room for its few hundred tombstones), and its tombstone expires too.
settle() {
	sleep 6
	"$CHURN" -t 1 -r 1 -p "$FIRST" >/dev/null
	sleep 6
	alive
}

start_pane 120 40
tm send-keys -t t "valgrind --log-file=$tmp/vg.log --vgdb=yes --vgdb-prefix=$tmp/vgdb \
--leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
$DEVPORTS -i 0.2; echo soak-\"\"exit-\$?" Enter
wait_for "listening ·" 60 || fail "the dashboard did not start under valgrind"
vg=$(pgrep -P "$(tm list-panes -t t -F '#{pane_pid}')" | head -1)
[ -n "$vg" ] || fail "no valgrind process under the pane's shell"
report "soak: $MINUTES min of churn (50 listeners/s) after $WARM s of warm-up (200/s), devports -i 0.2 under valgrind memcheck, in $where"
started=$(now_ms)

churn "$WARM" 200
settle
heap "start (quiet, after warm-up)"
start_bytes=$HEAP_BYTES start_blocks=$HEAP_BLOCKS

SAMPLE=1 churn $((MINUTES * 60))
settle
heap "end (quiet, after the soak)"
growth=$((HEAP_BYTES - start_bytes)) blocks=$((HEAP_BLOCKS - start_blocks))
report "soak: growth $growth bytes, $blocks blocks (noise allowed: $MAX_GROWTH bytes, $MAX_BLOCKS blocks)"

tm send-keys -t t q
wait_for "soak-exit-" 120 || fail "the dashboard did not quit"
code=$(screen | sed -n 's/.*soak-exit-\([0-9]*\).*/\1/p' | tail -1)
summary=$(grep -E "in use at exit|definitely lost:|indirectly lost:|possibly lost:|still reachable:|ERROR SUMMARY" \
	"$tmp/vg.log" | sed 's/^==[0-9]*== *//')
report "soak: at exit (after $((($(now_ms) - started) / 1000)) s): $(printf '%s' "$summary" | tr '\n' ';' | sed 's/;/; /g')"
[ "$code" = 0 ] || fail "the dashboard exited with $code under valgrind:
$(grep -v '^==[0-9]*== *$' "$tmp/vg.log" | tail -60)"
read -r _ _ lost < <(leak_summary <"$tmp/vg.log")
[ "$lost" -eq 0 ] || fail "$lost bytes definitely or indirectly lost at exit"
[ "$growth" -le "$MAX_GROWTH" ] && [ "$blocks" -le "$MAX_BLOCKS" ] ||
	fail "the heap grew by $growth bytes and $blocks blocks over the soak"
pass "soak: no memcheck error, no leak, heap growth $growth bytes ($blocks blocks)"
