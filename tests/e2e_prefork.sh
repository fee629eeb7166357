#!/usr/bin/env bash
# A pre-fork server (a parent binds and listens, then forks two workers that inherit the socket) is
# one row: `devports list` shows "python3 ×3" with the parent's pid, `--json` has one entry whose
# processes are the parent then the workers, and in the dashboard (tmux) the row shows ×3, inspect
# lists the three holders, and the kill box says the socket is shared.
set -u
DEVPORTS=${1:?usage: e2e_prefork.sh DEVPORTS}
. "$(dirname "$0")/lib/tmux.sh"
need_tmux
command -v python3 >/dev/null || skip "python3 is not installed"
command -v setsid >/dev/null || skip "setsid is not installed"
group=
out=$(mktemp -d)
# The server runs in a process group of its own: ended whole on every way out.
trap 'cleanup_tmux; [ -n "$group" ] && kill -9 -- "-$group" 2>/dev/null; rm -rf "$out"' EXIT

setsid python3 -c "
import os, signal, socket, sys, time
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(16)
workers = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        while True: time.sleep(60)
    workers.append(pid)
print(s.getsockname()[1], os.getpid(), *workers, flush=True)
while True: time.sleep(60)
" >"$out/pids" 2>/dev/null &
group=$!
for _ in $(seq 50); do [ -s "$out/pids" ] && break; sleep 0.1; done
read -r port parent w1 w2 <"$out/pids" || fail "the pre-fork server did not start"
[ "$parent" = "$group" ] || fail "setsid did not run the server as the group leader"

# devports list: one row for the port, ×3, the parent's pid
"$DEVPORTS" list >"$out/list" || fail "devports list failed"
rows=$(grep -cE "^ *$port +tcp " "$out/list")
[ "$rows" = 1 ] || { cat "$out/list"; fail "list shows $rows rows for :$port, want 1"; }
grep -E "^ *$port +tcp +127\.0\.0\.1 +$parent +[^ ]+ +python3 ×3 " "$out/list" >/dev/null ||
	{ cat "$out/list"; fail "list row for :$port is not 'python3 ×3' with pid $parent"; }
pass "list: one row for :$port, python3 ×3, pid $parent"

# --json: one entry, three processes, the parent first
"$DEVPORTS" --json >"$out/json" || fail "devports --json failed"
python3 - "$out/json" "$port" "$parent" "$w1" "$w2" <<'PY' || fail "--json does not have one entry with the three holders"
import json, sys
doc = json.load(open(sys.argv[1]))
port, parent, w1, w2 = map(int, sys.argv[2:])
assert doc["schema_version"] == 2, doc["schema_version"]
rows = [l for l in doc["listeners"] if l["port"] == port and l["proto"] == "tcp"]
assert len(rows) == 1, rows
pids = [p["pid"] for p in rows[0]["processes"]]
assert pids == [parent] + sorted([w1, w2]), pids
roles = [p["role"] for p in rows[0]["processes"]]
assert roles == ["parent", "worker", "worker"], roles
PY
pass "--json: one entry, processes $parent (parent), $w1 and $w2 (workers)"

# the dashboard
start_pane 100 30
start_dashboard 0.5
tm send-keys -t t / "$port" Enter
wait_re "$(row_re "$port").*python3 ×3" 3 || fail "no ×3 row for :$port in the dashboard"
n=$(screen | grep -cE "$(row_re "$port")")
[ "$n" = 1 ] || fail "the dashboard shows $n rows for :$port, want 1"
pass "dashboard: one row for :$port with python3 ×3"
tm send-keys -t t i
wait_for "holders" 3 || fail "inspect shows no holders"
for pid in "$parent" "$w1" "$w2"; do
	screen | grep -q "$pid" || fail "inspect does not list pid $pid"
done
wait_re "$parent parent python3" 2 || fail "inspect does not call $parent the parent"
pass "inspect lists the three holders"
tm send-keys -t t Escape
wait_for "k kill" 2 || fail "Esc did not return to the list"
tm send-keys -t t k
wait_for "stop python3 (pid $parent)?" 2 || fail "the kill box does not target the parent"
wait_for "the socket is shared" 2 || fail "the kill box does not say the socket is shared"
pass "k targets the parent $parent and says the socket is shared"
tm send-keys -t t n
tm send-keys -t t q
