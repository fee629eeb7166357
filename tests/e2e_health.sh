#!/usr/bin/env bash
# devports health against real listeners started by this test: a python3 server whose paths answer
# 200, 500, after 0.3 s and after 3 s; a socket that listens and never accepts; a port nothing
# holds. `devports health` prints one line per check with its state and exits 1 when one fails,
# 0 when all pass, 2 on a bad file (malformed YAML named with its line and column, a 10 MB file,
# a remote host refused) or when there is nothing to check; `health --json` and `--json`'s
# listener entries carry the results; the dashboard shows them in its HEALTH column and inspect.
# The only times involved are time-outs and delays far apart (a 1 s time-out against a 3 s
# answer, a 0.3 s answer against a 100 ms warning threshold); nothing is timed beyond them.
set -u
DEVPORTS=${1:?usage: e2e_health.sh DEVPORTS}
case $DEVPORTS in /*) ;; *) DEVPORTS=$PWD/$DEVPORTS ;; esac # tmux runs it from elsewhere
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
. "$(dirname "$0")/lib/tmux.sh"
tmp=$(mktemp -d)
at_exit 'rm -rf "$tmp"'

read -r web silent closed <<EOF
$(python3 - <<'PY'
import socket
ports = set()
while len(ports) < 3:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); ports.add(s.getsockname()[1]); s.close()
print(*ports)
PY
)
EOF
[ -n "${closed:-}" ] || fail "no three free ports"

# The server: /ok 200, /err 500, /lag 200 after 0.3 s, /slow 200 after 3 s.
start_group python3 - "$web" >/dev/null 2>&1 <<'PY'
import sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        delay = {"/lag": 0.3, "/slow": 3}.get(self.path, 0)
        time.sleep(delay)
        self.send_response(500 if self.path == "/err" else 200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def do_HEAD(self):
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
# A listener that never accepts: connections complete in the kernel and nothing answers.
start_group python3 -c "
import socket, sys, time
s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(8); time.sleep(600)" "$silent"
for i in $(seq 50); do
	"$DEVPORTS" who "$web" >/dev/null 2>&1 && "$DEVPORTS" who "$silent" >/dev/null 2>&1 && break
	sleep 0.1
done
"$DEVPORTS" who "$web" >/dev/null 2>&1 || fail "the test server did not start on :$web"

mkdir -p "$tmp/all" "$tmp/good" "$tmp/bad" "$tmp/big" "$tmp/far" "$tmp/none"
cat >"$tmp/all/healthcheck.yml" <<EOF
services:
  web:
    checks:
      - type: http
        port: $web
        path: /ok
        expected_status: 200
      - type: tcp
        port: $web
  broken:
    checks:
      - type: http
        url: http://127.0.0.1:$web/err
  sluggish:
    checks:
      - type: response_time
        url: http://127.0.0.1:$web/lag
        warning_threshold: 100
        threshold: 20000
        timeout: 20
  stuck:
    checks:
      - type: http
        url: http://127.0.0.1:$web/slow
        timeout: 1
  silent:
    checks:
      - type: http
        host: 127.0.0.1
        port: $silent
        timeout: 1
  gone:
    checks:
      - type: tcp
        host: 127.0.0.1
        port: $closed
      - type: query
        query: SELECT 1
EOF

# run DIR ARGS...: devports health in DIR; stdout in $tmp/out, stderr in $tmp/err, exit in $rc.
run() {
	local dir=$1
	shift
	(cd "$dir" && "$DEVPORTS" health "$@" >"$tmp/out" 2>"$tmp/err"); rc=$?
}
# line SERVICE TYPE STATE TEXT-REGEX: $tmp/out has that check's line.
line() {
	grep -qE "^$1 +$2 +.* $3 +$4" "$tmp/out" ||
		fail "no line '$1 $2 ... $3 $4' in: $(cat "$tmp/out") $(cat "$tmp/err")"
}

run "$tmp/all"
[ $rc -eq 1 ] || fail "health with failing checks: exit $rc, want 1: $(cat "$tmp/out" "$tmp/err")"
line web http ok "200 in [0-9]+ ms"
line web tcp ok "connected in [0-9]+ ms"
line broken http failing "500 in [0-9]+ ms \(expected 2xx or 3xx\)"
line sluggish response_time slow "200 in [0-9]+ ms \(over the warning threshold\)"
line stuck http failing "no answer in 1 s"
line silent http failing "no answer in 1 s"
line gone tcp down "connection refused"
grep -q "services.gone.checks\[1\]: type query is not supported" "$tmp/err" ||
	fail "the query check is not reported as not supported: $(cat "$tmp/err")"
[ "$(grep -c . "$tmp/out")" -eq 8 ] || fail "not one line per check: $(cat "$tmp/out")"
pass "health: ok, tcp ok, 500 failing, slow, time-out failing, never-accepting failing, closed down; exit 1"

run "$tmp/all" --json
[ $rc -eq 1 ] || fail "health --json: exit $rc, want 1"
python3 - "$tmp/out" "$web" <<'PY' || fail "health --json: $(cat "$tmp/out")"
import json, sys
d = json.load(open(sys.argv[1]))
got = {(c["service"], c["type"]): c for c in d["checks"]}
want = {("web", "http"): "ok", ("web", "tcp"): "ok", ("broken", "http"): "failing",
        ("sluggish", "response_time"): "slow", ("stuck", "http"): "failing",
        ("silent", "http"): "failing", ("gone", "tcp"): "down"}
assert {k: c["state"] for k, c in got.items()} == want, got
assert got[("broken", "http")]["status"] == 500
assert got[("web", "http")]["status"] == 200 and got[("web", "http")]["ms"] > 0
assert got[("gone", "tcp")]["status"] is None
assert got[("web", "http")]["url"] == "http://localhost:%s/ok" % sys.argv[2]
assert got[("web", "http")]["checked_at"].endswith("Z")
assert d["errors"] == [] and any("query is not supported" in w for w in d["warnings"])
PY
pass "health --json: states, status codes, times, warnings"

(cd "$tmp/all" && "$DEVPORTS" --json >"$tmp/out" 2>"$tmp/err") || fail "--json: exit $?"
python3 - "$tmp/out" "$web" "$silent" <<'PY' || fail "--json's health: $(cat "$tmp/err")"
import json, sys
d = json.load(open(sys.argv[1]))
web, silent = int(sys.argv[2]), int(sys.argv[3])
rows = {l["port"]: l for l in d["listeners"] if l["proto"] == "tcp"}
states = sorted(h["state"] for h in rows[web]["health"])
assert states == ["failing", "failing", "ok", "ok", "slow"], states
assert [h["state"] for h in rows[silent]["health"]] == ["failing"]
assert all(l["health"] is None for l in d["listeners"] if l["proto"] == "udp")
assert all(l["health"] == [] for p, l in rows.items() if p not in (web, silent))
PY
pass "--json: each listener's health, [] without checks, null for UDP"

cat >"$tmp/good/healthcheck.yml" <<EOF
services:
  web:
    checks:
      - {type: http, url: "http://127.0.0.1:$web/ok", method: HEAD}
      - {type: response_time, port: $web, host: 127.0.0.1, path: /ok, threshold: 20000}
EOF
run "$tmp/good"
[ $rc -eq 0 ] || fail "health with passing checks: exit $rc: $(cat "$tmp/out" "$tmp/err")"
line web http ok "200 in"
pass "every check passes: exit 0"

printf 'services:\n  web:\n    checks:\n      - type: tcp\n        port: [\n' >"$tmp/bad/healthcheck.yml"
run "$tmp/bad"
[ $rc -eq 2 ] || fail "a malformed file: exit $rc, want 2"
grep -qE "healthcheck.yml:[0-9]+:[0-9]+: invalid YAML" "$tmp/err" ||
	fail "the malformed file's line and column are not named: $(cat "$tmp/err")"
pass "malformed YAML: named with its line and column, exit 2"

head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' '#' >"$tmp/big/healthcheck.yml"
run "$tmp/big"
[ $rc -eq 2 ] || fail "a 10 MB file: exit $rc, want 2"
grep -q "big/healthcheck.yml: " "$tmp/err" || fail "the 10 MB file is not named: $(cat "$tmp/err")"
pass "a 10 MB file: refused, named: $(head -1 "$tmp/err")"

printf 'services:\n  far:\n    checks:\n      - {type: http, url: "http://192.0.2.1/\\e[31m"}\n      - {type: tcp, host: 192.0.2.1, port: 22}\n' >"$tmp/far/healthcheck.yml"
run "$tmp/far"
[ $rc -eq 2 ] || fail "remote checks: exit $rc, want 2"
grep -q "192.0.2.1 is not this machine: refused" "$tmp/err" || fail "remote not refused: $(cat "$tmp/err")"
grep -q $'\e' "$tmp/err" && fail "an escape sequence reached the terminal: $(cat -v "$tmp/err")"
pass "a remote host is refused without allow_remote; escapes never reach the terminal"

run "$tmp/none"
[ $rc -eq 2 ] || fail "nothing to check: exit $rc, want 2"
grep -q "no health checks" "$tmp/err" || fail "nothing to check: $(cat "$tmp/err")"
pass "nothing to check: exit 2, said"

# The dashboard, run in the folder of the checks.
need_tmux
start_pane 160 40
tm send-keys -t t "cd $tmp/all && $DEVPORTS -i 1" Enter
wait_for "listening ·" 5 || fail "the dashboard did not start"
wait_for "HEALTH" 10 || fail "no HEALTH column"
# filter PORT: the list shows PORT's rows (other tests' listeners may fill the screen)
filter() {
	tm send-keys -t t Escape
	sleep 0.2
	tm send-keys -t t "/" && tm send-keys -t t "$1" Enter
	wait_re "$(row_re "$1")" 5 || fail "the filter did not keep :$1"
}
# :web's worst check is failing with a 500; the never-accepting listener fails with no answer
filter "$silent"
wait_re "$(row_re "$silent").* failing " 15 || fail "the HEALTH column does not show :$silent failing"
filter "$web"
wait_re "$(row_re "$web").* 500 " 15 || fail "the HEALTH column does not show :$web's 500"
pass "the dashboard's HEALTH column: :$web 500, :$silent failing"
tm send-keys -t t i
wait_for "health" 5 || fail "inspect shows no health line"
wait_re "sluggish response_time: slow, 200 in [0-9]+ ms" 5 || fail "inspect does not show the slow check"
wait_re "web http: ok, 200 in [0-9]+ ms" 5 || fail "inspect does not show the ok check"
pass "inspect shows each check of the port with its result"
tm send-keys -t t Escape q
wait_for "$ " 5 || fail "the dashboard did not quit"

# A malformed file: the dashboard runs, and says so in its status line and event log.
tm send-keys -t t "clear; cd $tmp/bad && $DEVPORTS -i 1" Enter
wait_for "listening ·" 5 || fail "the dashboard did not start beside a malformed file"
wait_re "health: .*healthcheck.yml:[0-9]+:[0-9]+: invalid YAML" 10 ||
	fail "the status line does not name the malformed file"
tm send-keys -t t e
wait_re "health: .*invalid YAML" 5 || fail "the event log does not name the malformed file"
pass "the dashboard beside a malformed file: named in the status line and the event log"
tm send-keys -t t q
exit 0
