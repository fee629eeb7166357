#!/usr/bin/env bash
# The owner cache, through the real binary: a one-shot run writes it (folder 0700, file 0600) and
# the next one uses it; with it, `--json` and `who` answer exactly as with --no-cache for this
# test's listeners (TCP and UDP, IPv4 and IPv6, loopback and wildcard, a pre-fork pair) - also
# after an old process opens a new listener, after a worker is forked, after a cached holder lets
# a socket go, and when the file is garbage (replaced by a good one, silently). --no-cache writes
# nothing.
set -u
DEVPORTS=${1:?usage: e2e_owner_cache.sh DEVPORTS}
. "$(dirname "$0")/lib/procs.sh"
. "$(dirname "$0")/lib/report.sh"
command -v python3 >/dev/null || skip "python3 is not installed"
out=$(mktemp -d)
at_exit 'rm -rf "$out"'
export DEVPORTS_CACHE_DIR=$out/cache

# The server: opens its listeners, forks a worker sharing the first, prints
# "port... pid worker", then obeys commands on its FIFO: "open" opens one more TCP listener in
# this (old) process and prints its port; "fork" forks one more worker; "close" closes the IPv6
# UDP socket in this process (its workers keep it).
mkfifo "$out/cmd"
start_group python3 - "$out/cmd" >"$out/server" 2>&1 <<'PY'
import os, socket, sys, time
def listen(fam, typ, addr):
    s = socket.socket(fam, typ)
    s.bind((addr, 0))
    if typ == socket.SOCK_STREAM:
        s.listen(16)
    return s
socks = [listen(socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1"),
         listen(socket.AF_INET, socket.SOCK_STREAM, "0.0.0.0"),
         listen(socket.AF_INET6, socket.SOCK_STREAM, "::1"),
         listen(socket.AF_INET6, socket.SOCK_DGRAM, "::1"),
         listen(socket.AF_INET, socket.SOCK_DGRAM, "127.0.0.1")]
def worker():
    pid = os.fork()
    if pid == 0:
        while True:
            time.sleep(60)
    return pid
w = worker()
print(*[s.getsockname()[1] for s in socks], os.getpid(), w, flush=True)
for line in open(sys.argv[1]):
    if line.strip() == "open":
        socks.append(listen(socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1"))
        print(socks[-1].getsockname()[1], flush=True)
    elif line.strip() == "fork":
        print(worker(), flush=True)
    elif line.strip() == "close":
        socks[3].close()
        print("closed", flush=True)
while True:
    time.sleep(60)
PY
exec 3>"$out/cmd" # keeps the FIFO open: each command is one line
for _ in $(seq 50); do [ -s "$out/server" ] && break; sleep 0.1; done
read -r p1 p2 p3 p4 p5 pid worker <"$out/server" || fail "the server did not start"
ports="$p1 $p2 $p3 $p4 $p5"
ours="$pid $worker"

# same ONE TWO PORTS PID: the server's rows on PORTS (held by a process of $ours: another
# listener of the machine may share a port number on another address) of two `--json` documents
# are the same (every field but rss_kib and threads, which move), each port has one, and PID
# leads every one (- : any).
same() {
	python3 - "$@" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
ports = set(map(int, sys.argv[3].split()))
ours = set(map(int, sys.argv[5].split()))
lead = None if sys.argv[4] == "-" else int(sys.argv[4])
def rows(doc):
    out = {}
    for l in doc["listeners"]:
        if l["port"] in ports and ours & {p["pid"] for p in l["processes"]}:
            for p in l["processes"]:
                p.pop("rss_kib", None); p.pop("threads", None)
            out[(l["proto"], l["address"], l["port"])] = l
    return out
ra, rb = rows(a), rows(b)
if ra != rb:
    show = lambda r: json.dumps({" ".join(map(str, k)): v for k, v in r.items()}, indent=1)
    sys.exit(f"the rows differ:\n{show(ra)}\n{show(rb)}")
if {k[2] for k in ra} != ports:
    sys.exit(f"rows for {sorted(k[2] for k in ra)}, want {sorted(ports)}")
for k, l in ra.items():
    pids = [p["pid"] for p in l["processes"]]
    if not pids or (lead is not None and pids[0] != lead):
        sys.exit(f"{k}: processes {pids}, want {lead} first")
PY
}

# shows FILE port|pid N: whether a `--json` document has a row of the server's ($ours) on port
# N, or a process N.
shows() {
	python3 -c '
import json, sys
doc = json.load(open(sys.argv[1])); n = int(sys.argv[3]); ours = set(map(int, sys.argv[4].split()))
pids = lambda l: {p["pid"] for p in l["processes"]}
hit = any(l["port"] == n and ours & pids(l) if sys.argv[2] == "port" else n in pids(l)
          for l in doc["listeners"])
sys.exit(0 if hit else 1)' "$@" "$ours"
}

# check WHAT PORTS PID: a cached run and a --no-cache run agree on PORTS; the cache was used.
check() {
	"$DEVPORTS" --json >"$out/cached.json" 2>"$out/err" || fail "$1: devports --json failed"
	[ -s "$out/err" ] && { cat "$out/err"; fail "$1: devports wrote to stderr"; }
	"$DEVPORTS" --json --no-cache >"$out/plain.json" || fail "$1: --no-cache failed"
	same "$out/cached.json" "$out/plain.json" "$2" "$3" "$ours" || fail "$1: cached and --no-cache differ"
}

[ ! -e "$DEVPORTS_CACHE_DIR" ] || fail "the cache folder exists before the first run"
"$DEVPORTS" --json --no-cache >/dev/null || fail "devports --json --no-cache failed"
[ ! -e "$DEVPORTS_CACHE_DIR" ] || fail "--no-cache created the cache folder"
pass "--no-cache reads and writes nothing"

"$DEVPORTS" --json >"$out/first.json" || fail "the first run failed"
[ "$(stat -c %a "$DEVPORTS_CACHE_DIR")" = 700 ] || fail "the cache folder is not 0700"
[ "$(stat -c %a "$DEVPORTS_CACHE_DIR/owners")" = 600 ] || fail "the cache file is not 0600"
head -c 8 "$DEVPORTS_CACHE_DIR/owners" | grep -q DPOWNERS || fail "the cache file has no header"
pass "the first run wrote the cache: folder 0700, file 0600"

check "second run" "$ports" "$pid"
pass "second run: the same rows as --no-cache for :$p1 :$p2 :$p3 :$p4 :$p5"
python3 - "$out/cached.json" "$p1" "$pid" "$worker" <<'PY' || fail "the pre-fork pair is not one row of $pid and $worker"
import json, sys
doc = json.load(open(sys.argv[1]))
port, parent, worker = map(int, sys.argv[2:])
row = [l for l in doc["listeners"] if l["port"] == port and parent in {p["pid"] for p in l["processes"]}]
assert len(row) == 1 and [p["pid"] for p in row[0]["processes"]] == [parent, worker], row
PY
pass "second run: :$p1 held by $pid and its worker $worker"

"$DEVPORTS" who "$p1" >"$out/who.cached" || fail "who :$p1 (cached) failed"
"$DEVPORTS" who "$p1" --no-cache >"$out/who.plain" || fail "who :$p1 --no-cache failed"
cmp -s "$out/who.cached" "$out/who.plain" || { diff "$out/who.cached" "$out/who.plain"; fail "who differs"; }
grep -q "pid $pid" "$out/who.cached" || fail "who :$p1 does not name pid $pid"
pass "who :$p1 answers the same with the cache"

echo open >&3
for _ in $(seq 50); do [ "$(wc -l <"$out/server")" -ge 2 ] && break; sleep 0.1; done
p6=$(sed -n 2p "$out/server")
[ -n "$p6" ] || fail "the server did not open its new listener"
check "new listener in an old process" "$ports $p6" "$pid"
shows "$out/cached.json" port "$p6" || fail "the new listener :$p6 is missing"
pass "a listener opened later by a cached process (:$p6) is found, pid $pid"

echo fork >&3
for _ in $(seq 50); do [ "$(wc -l <"$out/server")" -ge 3 ] && break; sleep 0.1; done
w2=$(sed -n 3p "$out/server")
[ -n "$w2" ] || fail "the server did not fork"
ours="$ours $w2"
check "a worker forked after the cache" "$ports $p6" "$pid"
shows "$out/cached.json" pid "$w2" || fail "the worker $w2 forked after the cache was written is missing"
pass "a worker forked after the cache was written ($w2) is found"

echo close >&3
for _ in $(seq 50); do [ "$(wc -l <"$out/server")" -ge 4 ] && break; sleep 0.1; done
check "a holder let go" "$p1 $p2 $p3 $p5 $p6" "$pid"
check "a holder let go" "$p4" -
python3 - "$out/cached.json" "$p4" "$worker" "$w2" <<'PY' || fail ":$p4 is not held by the workers alone"
import json, sys
doc = json.load(open(sys.argv[1]))
port, w1, w2 = map(int, sys.argv[2:])
row = [l for l in doc["listeners"] if l["port"] == port and {w1, w2} & {p["pid"] for p in l["processes"]}]
assert len(row) == 1 and sorted(p["pid"] for p in row[0]["processes"]) == sorted([w1, w2]), row
PY
pass "a cached holder that let its socket go (:$p4) is dropped, its workers stay"

head -c 4096 /dev/urandom >"$DEVPORTS_CACHE_DIR/owners"
check "a garbage file" "$p1 $p2 $p3 $p5 $p6" "$pid"
check "a garbage file" "$p4" -
head -c 8 "$DEVPORTS_CACHE_DIR/owners" | grep -q DPOWNERS || fail "the garbage file was not replaced"
pass "a garbage cache file changes nothing, says nothing, and is replaced"
exit 0
