#!/usr/bin/env bash
# devports who, kill and free from a script, on ports picked now: exit codes, a server behind
# `sh -c` stopped and its port freed, no kill without a terminal unless --yes, the first free port
# after two taken ones.
set -u
DEVPORTS=${1:?usage: e2e_cli_kill.sh DEVPORTS}
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
. "$(dirname "$0")/lib/procs.sh"
. "$(dirname "$0")/lib/report.sh"
# three consecutive ports nobody holds
base=$(python3 - <<'PY'
import socket
for _ in range(200):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
    if p + 2 > 65535: continue
    try:
        for q in (p, p + 1, p + 2):
            t = socket.socket(); t.bind(("127.0.0.1", q)); t.close()
        print(p); break
    except OSError:
        pass
PY
)
[ -n "$base" ] || fail "no three free consecutive ports"
listening() { python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null; }
serve() { # serve PORT: a python http.server behind sh -c (both ended at exit, as a group)
	start_group sh -c "python3 -m http.server $1 --bind 127.0.0.1 >/dev/null 2>&1; true"
	for _ in $(seq 50); do listening "$1" && return 0; sleep 0.1; done
	fail "http.server did not start on :$1"
}

"$DEVPORTS" who "$base" >/dev/null; rc=$?
[ $rc -eq 1 ] || fail "who on a free port: exit $rc, want 1"
"$DEVPORTS" who 0 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "who 0: exit $rc, want 2"
"$DEVPORTS" who 70000 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "who 70000: exit $rc, want 2"
pass "who: 1 for a free port, 2 for a bad one"

serve "$base"
serve $((base + 1))
out=$("$DEVPORTS" who "$base"); rc=$?
[ $rc -eq 0 ] || fail "who on a held port: exit $rc, want 0"
echo "$out" | grep -q "python3" || fail "who does not name python3: $out"
"$DEVPORTS" who "$base" --json | python3 -c "import json,sys; d=json.load(sys.stdin); assert d['listeners'][0]['port'] == $base" ||
	fail "who --json"
pass "who: 0 and python3 for a held port, --json parses"

got=$("$DEVPORTS" free "$base"); rc=$?
[ $rc -eq 0 ] && [ "$got" = $((base + 2)) ] || fail "free $base with $base and $((base + 1)) taken: '$got' (exit $rc), want $((base + 2))"
pass "free $base prints $got"

"$DEVPORTS" kill "$base" </dev/null >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "kill without a terminal nor --yes: exit $rc, want 2"
listening "$base" || fail "kill without --yes stopped the server"
pass "kill without a terminal and without --yes refuses (exit 2)"

out=$("$DEVPORTS" kill "$base" --yes); rc=$?
[ $rc -eq 0 ] || fail "kill --yes: exit $rc, want 0: $out"
listening "$base" && fail ":$base still held after kill"
echo "$out" | grep -q "stopped :$base python3" || fail "kill did not say what it stopped: $out"
echo "$out" | grep -q ":$base is free" || fail "kill did not say the port is free: $out"
pass "kill $base on sh -c python3 -m http.server frees it: $(echo "$out" | sed -n 2p)"

out=$("$DEVPORTS" kill "$base" --yes); rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q "already free" || fail "kill on a free port: exit $rc: $out"
"$DEVPORTS" kill "$((base + 1))" --yes --signal NOPE 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "kill --signal NOPE: exit $rc, want 2"
pass "kill on a free port exits 0; a bad signal name exits 2"

# A pid is never taken for a port: "kill PID" looks at the port numbered PID.
server=$(pgrep -f "http.server $((base + 1))" | head -1)
if [ -n "$server" ] && [ "$server" -le 65535 ] && ! "$DEVPORTS" who "$server" >/dev/null; then
	out=$("$DEVPORTS" kill "$server" --yes); rc=$?
	[ $rc -eq 0 ] && echo "$out" | grep -q ":$server is already free" || fail "kill $server: $out"
	kill -0 "$server" || fail "kill PID signalled the process with that pid"
	pass "kill $server (a pid) looked at port $server and signalled nothing"
fi
