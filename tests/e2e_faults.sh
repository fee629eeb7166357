#!/usr/bin/env bash
# Faults seen from the command line and the dashboard, with real listeners (python3):
# - netlink unavailable: `devports --json --proc-net` lists the same listeners as `--json`;
# - a process renames itself: the dashboard (-i 0.2) shows the new name within 2 s;
# - as root: a listener of root seen by nobody (its fd directory is EACCES) is kept, hidden, with
#   its port and user, in --json and in `devports list`.
set -u
DEVPORTS=${1:?usage: e2e_faults.sh DEVPORTS}
. "$(dirname "$0")/lib/tmux.sh"
need_tmux
command -v python3 >/dev/null || skip "python3 is not installed"
tmp=$(mktemp -d)
at_exit 'rm -rf "$tmp"'

# listen NAME PROTO ADDR: a python3 listener named NAME, started in the background; sets $port.
# It renames itself to NAME-2 once $tmp/rename-NAME exists.
listen() {
	start_group python3 - "$1" "$2" "$3" "$tmp" >"$tmp/port-$1" <<'PY'
import os, socket, sys, time
name, proto, addr, tmp = sys.argv[1:5]
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM)
if fam == socket.AF_INET6:
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind((addr, 0))
if proto == "tcp":
    s.listen()
with open("/proc/self/comm", "w") as f:
    f.write(name)
print(s.getsockname()[1], flush=True)
flag = os.path.join(tmp, "rename-" + name)
for _ in range(1200):  # at most 2 minutes
    if os.path.exists(flag):
        with open("/proc/self/comm", "w") as f:
            f.write(name + "-2")
        os.unlink(flag)
    time.sleep(0.05)
PY
	local i
	for i in $(seq 50); do
		[ -s "$tmp/port-$1" ] && break
		sleep 0.1
	done
	[ -s "$tmp/port-$1" ] || fail "listener $1 did not start"
	port=$(cat "$tmp/port-$1")
}

listen dp-f-tcp4 tcp 127.0.0.1 && p_tcp4=$port
listen dp-f-tcp6 tcp ::1 && p_tcp6=$port
listen dp-f-dual tcp :: && p_dual=$port
listen dp-f-udp4 udp 127.0.0.1 && p_udp4=$port
listen dp-f-udp6 udp :: && p_udp6=$port
ports="$p_tcp4 $p_tcp6 $p_dual $p_udp4 $p_udp6"

"$DEVPORTS" --json >"$tmp/netlink.json" || fail "devports --json failed"
"$DEVPORTS" --json --proc-net >"$tmp/proc.json" || fail "devports --json --proc-net failed"
python3 - "$tmp/netlink.json" "$tmp/proc.json" $ports <<'PY' || fail "--proc-net differs from netlink"
import json, sys
ports = {int(p) for p in sys.argv[3:]}
def rows(path):
    doc = json.load(open(path))
    keep = ("port", "proto", "family", "address", "v6only", "inode", "uid", "owner_hidden")
    out = []
    for l in doc["listeners"]:
        if l["port"] in ports:
            p = (l["processes"] or [{}])[0]
            out.append(tuple(l[k] for k in keep) + (p.get("pid"), p.get("name"),
                       len(l["processes"]), l["owner"]))
    return doc["backend"], sorted(out, key=repr)
b1, a = rows(sys.argv[1])
b2, b = rows(sys.argv[2])
assert b1 == "linux netlink" and b2 == "linux /proc", (b1, b2)
assert len(a) == len(ports), "netlink lists %d of %d listeners: %s" % (len(a), len(ports), a)
if a != b:
    print("netlink:", a, "\n/proc:  ", b)
    sys.exit(1)
PY
pass "--proc-net lists the same $(echo $ports | wc -w) listeners as netlink"

start_pane 100 20
start_dashboard 0.2 5
tm send-keys -t t / "$p_tcp4" Enter
wait_re "$(row_re "$p_tcp4").*dp-f-tcp4" 3 || fail "row :$p_tcp4 does not name dp-f-tcp4"
touch "$tmp/rename-dp-f-tcp4"
t0=$(now_ms)
wait_re "$(row_re "$p_tcp4").*dp-f-tcp4-2" 2 || fail "the new name did not show within 2 s"
pass "a renamed process shows its new name in the dashboard after $(($(now_ms) - t0)) ms"
tm send-keys -t t q

[ "$(id -u)" -eq 0 ] || skip "the EACCES case needs root (the rest passed)"
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed (the rest passed)"
as_nobody() { HOME=/nonexistent setpriv --reuid=65534 --regid=65534 --clear-groups "$DEVPORTS" "$@"; }
as_nobody --json >"$tmp/nobody.json" || fail "devports --json as nobody failed"
python3 - "$tmp/nobody.json" "$p_tcp4" <<'PY' || fail "nobody's view of a root listener"
import json, sys
doc, port = json.load(open(sys.argv[1])), int(sys.argv[2])
rows = [l for l in doc["listeners"] if l["port"] == port and l["proto"] == "tcp"]
assert len(rows) == 1, rows
l = rows[0]
assert l["owner_hidden"] is True and l["processes"] == [], l
assert l["uid"] == 0 and l["user"] == "root", l
PY
as_nobody list | grep -E "^ *$p_tcp4 +tcp " | grep -q "hidden" ||
	fail "devports list as nobody does not show :$p_tcp4 hidden: $(as_nobody list | grep -E " $p_tcp4 ")"
pass "as nobody, root's listener is kept: hidden, uid 0, user root"
