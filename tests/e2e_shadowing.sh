#!/usr/bin/env bash
# The AirPlay story through the real binary: a python3 renamed ControlCenter listens on
# 0.0.0.0:PORT and [::]:PORT and answers HTTP like the AirPlay Receiver (403, AirTunes); a python3
# http.server stands for Flask on 127.0.0.1:PORT. Every socket sets SO_REUSEPORT, which is what
# lets them share the port on Linux. PORT is 5000 when it is free (then the hint speaks of
# AirPlay), else 7000, else one the kernel picks (the generic wording).
# Checks: `devports who PORT` gives the python row the hint naming ControlCenter and ends with
# the two localhost lines; `--json` says which destinations reach each entry (reached_by); and a
# real HTTP request to [::1]:PORT is answered by the process devports names for ::1, one to
# 127.0.0.1:PORT by the python server.
set -u
DEVPORTS=${1:?usage: e2e_shadowing.sh DEVPORTS}
. "$(dirname "$0")/lib/procs.sh"
. "$(dirname "$0")/lib/report.sh"
command -v python3 >/dev/null || skip "python3 is not installed"
out=$(mktemp -d)
at_exit 'rm -rf "$out"'

port=0
for p in 5000 7000; do
	"$DEVPORTS" who "$p" --no-cache >/dev/null 2>&1
	if [ $? = 1 ]; then port=$p; break; fi # 1: nothing holds it
done

# ControlCenter: both wildcards, one process; answers every request with AirPlay's 403 and its pid.
start_group python3 - "$port" >"$out/cc" 2>&1 <<'PY'
import ctypes, os, select, socket, sys
ctypes.CDLL(None).prctl(15, b"ControlCenter", 0, 0, 0)  # PR_SET_NAME
port, socks = int(sys.argv[1]), []
for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind((addr, port))
    s.listen(16)
    port = s.getsockname()[1]
    socks.append(s)
print(port, os.getpid(), flush=True)
while True:
    for s in select.select(socks, [], [])[0]:
        c, _ = s.accept()
        c.recv(4096)
        body = b"pid %d\n" % os.getpid()
        c.sendall(b"HTTP/1.0 403 Forbidden\r\nServer: AirTunes/595.13.1\r\nContent-Length: %d\r\n\r\n%s"
                  % (len(body), body))
        c.close()
PY
for _ in $(seq 50); do [ -s "$out/cc" ] && break; sleep 0.1; done
read -r port cc <"$out/cc" || fail "the ControlCenter stand-in did not start: $(cat "$out/cc")"

# The dev server on 127.0.0.1:PORT.
start_group python3 - "$port" >"$out/py" 2>&1 <<'PY'
import http.server, os, socket, sys
class Server(http.server.HTTPServer):
    def server_bind(self):
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"pid %d\n" % os.getpid()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
srv = Server(("127.0.0.1", int(sys.argv[1])), Handler)
print(os.getpid(), flush=True)
srv.serve_forever()
PY
for _ in $(seq 50); do [ -s "$out/py" ] && break; sleep 0.1; done
read -r py <"$out/py" || fail "the python server did not start: $(cat "$out/py")"
pycomm=$(cat "/proc/$py/comm")
[ "$(cat "/proc/$cc/comm")" = ControlCenter ] || fail "the stand-in is not named ControlCenter"

# who: the hint on the python row, then one line a destination
"$DEVPORTS" who "$port" --no-cache >"$out/who" || fail "devports who $port failed"
if [ "$port" = 5000 ] || [ "$port" = 7000 ]; then
	hint="localhost may reach ControlCenter (AirPlay) on [::]:$port, not this server — use 127.0.0.1:$port, or turn AirPlay off"
else
	hint="localhost (::1) reaches ControlCenter (pid $cc) on [::]:$port, not this server — use 127.0.0.1:$port"
fi
awk -v row="tcp 127.0.0.1:$port " 'index($0, row) == 1 { on = 1; next } /^tcp / { on = 0 } on' \
	"$out/who" >"$out/pyrow"
grep -qxF "    ! $hint" "$out/pyrow" || { cat "$out/who"; fail "the python row lacks: $hint"; }
pass "who $port: the python row says \"$hint\""
printf 'localhost (::1) → ControlCenter (pid %s)\nlocalhost (127.0.0.1) → %s (pid %s)\n' \
	"$cc" "$pycomm" "$py" >"$out/want"
tail -n 2 "$out/who" | diff "$out/want" - >/dev/null ||
	{ cat "$out/who"; fail "who does not end with the two localhost lines"; }
[ -z "$(tail -n 3 "$out/who" | head -n 1)" ] || { cat "$out/who"; fail "no blank line before them"; }
pass "who $port ends with: localhost (::1) → ControlCenter, localhost (127.0.0.1) → $pycomm"

# --json: reached_by on every entry, the hint's kind
"$DEVPORTS" --json --no-cache >"$out/json" || fail "devports --json failed"
python3 - "$out/json" "$port" "$cc" "$py" <<'PY' || fail "--json: reached_by or the hint is wrong"
import json, sys
doc = json.load(open(sys.argv[1]))
port, cc, py = map(int, sys.argv[2:])
assert doc["schema_version"] == 2, doc["schema_version"]
rows = {l["address"]: l for l in doc["listeners"] if l["port"] == port and l["proto"] == "tcp"}
assert set(rows) == {"0.0.0.0", "*", "127.0.0.1"}, sorted(rows)
assert rows["127.0.0.1"]["reached_by"] == ["127.0.0.1"], rows["127.0.0.1"]["reached_by"]
assert rows["*"]["reached_by"] == ["::1"], rows["*"]["reached_by"]
assert rows["0.0.0.0"]["reached_by"] == [], rows["0.0.0.0"]["reached_by"]
assert [p["pid"] for p in rows["127.0.0.1"]["processes"]] == [py]
assert [p["pid"] for p in rows["*"]["processes"]] == [cc]
kinds = [h["kind"] for h in rows["127.0.0.1"]["hints"]]
assert kinds == ["localhost_shadowed"], kinds
for l in doc["listeners"]:
    assert "reached_by" in l, l
    assert (l["reached_by"] is None) == (l["proto"] == "udp"), l
PY
pass "--json: 127.0.0.1 reached by 127.0.0.1, * by ::1, 0.0.0.0 by nothing; the hint is localhost_shadowed"

# The kernel agrees: ::1 is answered by the process devports names, 127.0.0.1 by python.
python3 - "$port" "$cc" "$py" <<'PY' || fail "the connections reached other processes than devports says"
import sys, urllib.error, urllib.request
port, cc, py = sys.argv[1:]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    opener.open("http://[::1]:%s/" % port, timeout=5)
    raise SystemExit("[::1] answered 200, not AirPlay's 403")
except urllib.error.HTTPError as e:
    body = e.read().decode()
    assert e.code == 403 and e.headers["Server"].startswith("AirTunes"), (e.code, e.headers)
    assert body == "pid %s\n" % cc, body
body = opener.open("http://127.0.0.1:%s/" % port, timeout=5).read().decode()
assert body == "pid %s\n" % py, body
PY
pass "GET [::1]:$port: 403 from ControlCenter (pid $cc); GET 127.0.0.1:$port: 200 from pid $py"
