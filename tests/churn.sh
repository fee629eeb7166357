#!/usr/bin/env bash
# Churn: for SECONDS (default 30), dp_churn starts and stops 50 loopback listeners a second (TCP
# and UDP, IPv4 and IPv6, some with a worker that inherits the socket, some renamed) on ports
# FIRST..FIRST+999 (CHURN_FIRST_PORT, a multiple of 1000, default 23000), while the dashboard runs
# at -i 0.2 in a tmux pane, filtered on the range's first digits so that churn rows are on screen
# however many other listeners the machine has, and `devports --json` runs in a loop. Checks:
# - the dashboard stays alive and keeps its title, and shows churn rows while the churn runs;
# - every JSON document parses, with schema_version 2 and a listeners array, and some of them
#   hold churn listeners;
# - once the churn has stopped (every one of its processes has exited), every churn row is gone
#   from the pane within the tombstone time (5 s) plus a poll and a draw: 6 s; `devports --json`
#   has none;
# - q then exits with 0 (with the sanitizer build: no leak, no error on stderr).
# usage: churn.sh DEVPORTS DP_CHURN [SECONDS]
set -u
DEVPORTS=${1:?usage: churn.sh DEVPORTS DP_CHURN [SECONDS]}
CHURN=${2:?usage: churn.sh DEVPORTS DP_CHURN [SECONDS]}
SECONDS_CHURN=${3:-30}
FIRST=${CHURN_FIRST_PORT:-23000}
NPORTS=1000
LAST=$((FIRST + NPORTS - 1))
[ $((FIRST % 1000)) -eq 0 ] || { echo "CHURN_FIRST_PORT must be a multiple of 1000"; exit 2; }
GONE_WITHIN=6 # seconds: the tombstone time (5 s), one poll (0.2 s), a draw
. "$(dirname "$0")/lib/tmux.sh"
need_tmux
command -v python3 >/dev/null || skip "python3 is not installed"
tmp=$(mktemp -d)
at_exit 'rm -rf "$tmp"'

# The churn ports among the list rows of a pane capture on stdin (a margin mark, port, protocol).
churn_rows() {
	awk -v lo="$FIRST" -v hi="$LAST" \
		'match($0, /^[ +-] *[0-9]+ (tcp|udp) /) { split(substr($0, 2), f, " ");
		 if (f[1] + 0 >= lo && f[1] + 0 <= hi) print }'
}

# Ports in the range that something held before the churn: not ours, never checked.
ss -Htuln 2>/dev/null | awk -v lo="$FIRST" -v hi="$LAST" \
	'{ n = split($5, a, ":"); p = a[n] + 0; if (p >= lo && p <= hi) print p }' | sort -u >"$tmp/held"
[ -s "$tmp/held" ] && echo "note: ports held before the churn, ignored: $(tr '\n' ' ' <"$tmp/held")"
not_held() { grep -vwFf "$tmp/held" || true; }
[ -s "$tmp/held" ] || not_held() { cat; }

# The dashboard, with the sanitizers' options passed through to the pane.
env_line="ASAN_OPTIONS='${ASAN_OPTIONS:-}' UBSAN_OPTIONS='${UBSAN_OPTIONS:-}'"
start_pane 120 50
tm send-keys -t t "$env_line $DEVPORTS -i 0.2 2>$tmp/dash.err; echo dash-\"\"exit-\$?" Enter
wait_for "listening ·" 10 || fail "the dashboard did not start"
tm send-keys -t t / "${FIRST%???}" Enter
shell=$(tm list-panes -t t -F '#{pane_pid}')
dash=$(pgrep -P "$shell" | head -1)
[ -n "$dash" ] || fail "no dashboard process under the pane's shell"

# `devports --json` in a loop until $tmp/stop exists: each document must parse.
start_group python3 - "$DEVPORTS" "$tmp" "$FIRST" "$LAST" <<'PY'
import json, os, subprocess, sys
exe, tmp, lo, hi = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
docs = with_churn = 0
while not os.path.exists(os.path.join(tmp, "stop")):
    r = subprocess.run([exe, "--json"], capture_output=True)
    bad = None
    if r.returncode != 0:
        bad = "exit %d: %s" % (r.returncode, r.stderr.decode(errors="replace")[-2000:])
    else:
        try:
            doc = json.loads(r.stdout.decode("utf-8"))
            if doc.get("schema_version") != 2 or not isinstance(doc.get("listeners"), list):
                bad = "unexpected document"
        except ValueError as e:
            bad = "does not parse: %s" % e
    if bad:
        with open(os.path.join(tmp, "bad.json"), "wb") as f:
            f.write(r.stdout)
        print("FAIL: devports --json document %d: %s (kept in bad.json)" % (docs + 1, bad))
        sys.exit(1)
    docs += 1
    with_churn += any(lo <= l["port"] <= hi for l in doc["listeners"])
print("json: %d documents parsed, %d with churn listeners" % (docs, with_churn))
sys.exit(0 if docs >= 3 and with_churn >= 1 else 2)
PY
json_pid=$last_group

start_group "$CHURN" -t "$SECONDS_CHURN" -p "$FIRST" -n "$NPORTS" >"$tmp/churn.out"
churn_pid=$last_group
seen=0 looks=0
while kill -0 "$churn_pid" 2>/dev/null; do
	kill -0 "$dash" 2>/dev/null || fail "the dashboard died during the churn: $(cat "$tmp/dash.err")"
	shot=$(screen)
	printf '%s\n' "$shot" | grep -q "listening ·" || fail "the dashboard lost its title"
	[ -n "$(printf '%s\n' "$shot" | churn_rows | not_held)" ] && seen=$((seen + 1))
	looks=$((looks + 1))
	sleep 1
done
wait "$churn_pid"
stopped=$(now_ms)
cat "$tmp/churn.out"
[ "$seen" -gt 0 ] || fail "no churn row was ever on screen ($looks looks)"
pass "the dashboard ran through $SECONDS_CHURN s of churn and showed churn rows in $seen of $looks looks"

touch "$tmp/stop"
wait "$json_pid"
rc=$?
[ "$rc" -eq 0 ] || fail "the --json loop failed (exit $rc)"
pass "every devports --json document parsed"

deadline=$((stopped + GONE_WITHIN * 1000))
while [ "$(now_ms)" -lt "$deadline" ]; do
	[ -z "$(screen | churn_rows | not_held)" ] && break
	sleep 0.2
done
left=$(screen | churn_rows | not_held)
[ -z "$left" ] || fail "rows outlived the tombstone time ($GONE_WITHIN s after the churn):
$left"
pass "every churn row gone $(($(now_ms) - stopped)) ms after the churn stopped"
kill -0 "$dash" 2>/dev/null || fail "the dashboard died after the churn"

"$DEVPORTS" --json >"$tmp/after.json" || fail "devports --json failed after the churn"
stale=$(python3 - "$tmp/after.json" "$FIRST" "$LAST" <<'PY'
import json, sys
lo, hi = int(sys.argv[2]), int(sys.argv[3])
doc = json.load(open(sys.argv[1]))
print(" ".join("%s:%d" % (l["proto"], l["port"]) for l in doc["listeners"] if lo <= l["port"] <= hi))
PY
)
for p in $(cat "$tmp/held"); do stale=$(printf '%s' "$stale" | tr ' ' '\n' | grep -v ":$p\$" | tr '\n' ' '); done
[ -z "${stale// /}" ] || fail "devports --json still lists churn listeners: $stale"
pass "devports --json lists no churn listener"

tm send-keys -t t q
wait_for "dash-exit-" 20 || fail "the dashboard did not quit"
screen | grep -q "dash-exit-0" || fail "the dashboard exited with an error: $(screen | grep dash-exit-) $(cat "$tmp/dash.err")"
[ -s "$tmp/dash.err" ] && fail "the dashboard wrote to stderr: $(head -c 4000 "$tmp/dash.err")"
pass "q exits 0 with nothing on stderr"
