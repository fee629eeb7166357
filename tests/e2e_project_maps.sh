#!/usr/bin/env bash
# Project maps: the guide's own .devports.yml in a folder. `free --project api-gateway` prints
# 5000, then 5001 while another process holds 5000; `free --all` one line per project; with a
# server of the project on 5001 and another process on 5000, --json and the dashboard (in tmux)
# say api-gateway runs on its fallback because of that process, and flag 5000's owner
# (unexpected_owner naming the file); service_type labels the project's server. Bad input: a
# malformed .devports.yml names its line and column and the rest runs; a 10 MB one is not read;
# a hostile project name reaches the terminal made safe; --config reads a .devports.yml given by
# path. The guide's ports are fixed (5000, 3000...), so the test runs in a network namespace of
# its own: it needs root (it skips otherwise).
set -u
DEVPORTS=${1:?usage: e2e_project_maps.sh DEVPORTS}
case $DEVPORTS in /*) ;; *) DEVPORTS=$PWD/$DEVPORTS ;; esac
. "$(dirname "$0")/lib/netns.sh"
own_netns required "$@"
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
. "$(dirname "$0")/lib/tmux.sh"
need_tmux
tmp=$(mktemp -d)
at_exit 'rm -rf "$tmp"'
guide=$tmp/guide
mkdir -p "$guide/sub"
cat >"$guide/.devports.yml" <<'YML'
projects:
  api-gateway:
    preferred_port: 5000
    fallback_ports: [5001, 5002, 5100]
    service_type: flask
  frontend-dashboard:
    preferred_port: 3000
    fallback_ports: [3001, 3002]
    service_type: node
YML

# wait_listen PORT: until something listens on 127.0.0.1:PORT (5 s)
wait_listen() {
	local i
	for i in $(seq 50); do
		ss -Htln "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

out=$(cd "$guide" && "$DEVPORTS" free --project api-gateway) || fail "free --project: exit $?"
[ "$out" = 5000 ] || fail "free --project api-gateway with 5000 free: '$out', want 5000"
pass "free --project api-gateway: 5000 (the preferred port binds)"

# another process (not the project's) on 5000, started outside the project
start_group env -C "$tmp" python3 -m http.server 5000 --bind 127.0.0.1 >/dev/null 2>&1
squatter=$last_group
wait_listen 5000 || fail "http.server did not listen on 5000"
out=$(cd "$guide/sub" && "$DEVPORTS" free --project api-gateway) || fail "free --project: exit $?"
[ "$out" = 5001 ] || fail "free --project api-gateway with 5000 held: '$out', want 5001"
out=$(cd "$guide" && "$DEVPORTS" free --all) || fail "free --all: exit $?"
[ "$out" = "$(printf 'api-gateway 5001\nfrontend-dashboard 3000')" ] || fail "free --all: '$out'"
out=$("$DEVPORTS" --config "$guide/.devports.yml" free --project frontend-dashboard) ||
	fail "--config FILE.yml free --project: exit $?"
[ "$out" = 3000 ] || fail "--config .devports.yml free --project frontend-dashboard: '$out'"
"$DEVPORTS" --config "$guide/.devports.yml" config check | grep -qx "  api-gateway: 5000, 5001, 5002, 5100 · flask" ||
	fail "config check of a .devports.yml does not list api-gateway"
pass "free --project (from a subfolder): 5001 while another process holds 5000; free --all: a line a project; --config names the file"

# the project's own server on its fallback, run from the project's folder
if /usr/bin/python3 -c 'import flask' 2>/dev/null; then
	cat >"$guide/app.py" <<'PY'
from flask import Flask
app = Flask(__name__)
@app.route("/")
def index():
    return "api"
app.run(host="127.0.0.1", port=5001)
PY
	start_group env -C "$guide" /usr/bin/python3 app.py >"$tmp/flask.log" 2>&1
	want_label=Flask
else
	start_group env -C "$guide" python3 -c 'import http.server as h; h.HTTPServer(("127.0.0.1", 5001), h.SimpleHTTPRequestHandler).serve_forever()' >"$tmp/flask.log" 2>&1
	want_label=Flask
fi
wait_listen 5001 || fail "the project's server did not listen on 5001: $(cat "$tmp/flask.log")"
pid5000=$(ss -Htlnp "sport = :5000" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)

(cd "$guide" && "$DEVPORTS" --json) >"$tmp/json" || fail "--json: exit $?"
python3 - "$tmp/json" "$pid5000" "$want_label" <<'PY' || fail "--json: $(cat "$tmp/json")"
import json, sys
doc = json.load(open(sys.argv[1]))
rows = {l["port"]: l for l in doc["listeners"] if l["proto"] == "tcp"}
fb = rows[5001]
hints = {h["kind"]: h["text"] for h in fb["hints"]}
want = f"api-gateway runs on its fallback port 5001: its preferred 5000 is held by python3 (pid {sys.argv[2]})"
assert hints.get("on_fallback") == want, hints
if fb["label"]["source"] == "project":
    assert fb["label"]["text"] == sys.argv[3], fb["label"]
    assert fb["label"]["from"] == "guide/.devports.yml: api-gateway, service_type flask", fb["label"]
squat = {h["kind"]: h["text"] for h in rows[5000]["hints"]}
assert squat.get("unexpected_owner") == f"expected api-gateway (guide/.devports.yml), not python3 (pid {sys.argv[2]})", squat
PY
pass "--json: 5001 on_fallback names 5000's process; 5000 unexpected_owner names .devports.yml"

start_pane 120 20
tm send-keys -t t "cd '$guide' && $DEVPORTS -i 0.5" Enter
wait_for "listening ·" 5 || fail "the dashboard did not start"
tm send-keys -t t / 5001 Enter
wait_for "api-gateway runs on its fallback port 5001: its preferred 5000 is held by python3" 5 ||
	fail "the dashboard does not say api-gateway is on its fallback because of 5000's process"
pass "dashboard: the selected 5001 row says api-gateway is on its fallback, because of python3 on 5000"
tm send-keys -t t q
stop_group "$squatter"

# bad input: a malformed map names its line and column, and the rest still runs
bad=$tmp/bad
mkdir -p "$bad"
printf 'projects:\n  web:\n    preferred_port: [5000\n' >"$bad/.devports.yml"
(cd "$bad" && "$DEVPORTS" list) >"$tmp/out" 2>"$tmp/err" || fail "list beside a malformed .devports.yml: exit $?"
grep -qF "bad/.devports.yml:4:1: invalid YAML:" "$tmp/err" || fail "no line and column for the malformed map: $(cat "$tmp/err")"
grep -q "^5001 " "$tmp/out" || fail "list beside a malformed map lost the listeners: $(cat "$tmp/out")"
(cd "$bad" && "$DEVPORTS" free --project web) 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "free --project with only a malformed map: exit $rc, want 2"
head -c 10485760 /dev/zero | tr '\0' '#' >"$bad/.devports.yml"
(cd "$bad" && "$DEVPORTS" list) >/dev/null 2>"$tmp/err" || fail "list beside a 10 MB map: exit $?"
grep -qF ".devports.yml: larger than 1 MiB: not read" "$tmp/err" || fail "a 10 MB map: $(cat "$tmp/err")"
printf 'projects:\n  "evil\\e]0;pwned\\a\\e[2J":\n    preferred_port: 5100\n' >"$bad/.devports.yml"
(cd "$bad" && "$DEVPORTS" free --all) >"$tmp/out" 2>&1
grep -q $'\e' "$tmp/out" && fail "a hostile project name reached the terminal raw: $(od -c "$tmp/out" | head)"
grep -qF 'evil\e]0;pwned' "$tmp/out" || fail "the hostile name is not shown made safe: $(cat "$tmp/out")"
pass "bad input: a malformed map names line and column, a 10 MB one is not read, a hostile name is made safe; the rest runs"
