#!/usr/bin/env bash
# A smoke test of the native backend on a real machine (CI runs it on macOS; it works on Linux
# too): a python3 http.server on 127.0.0.1:8765 must show in `devports --json` with its process
# data, reached by 127.0.0.1, and when ControlCenter (the AirPlay Receiver) holds port 5000, its row must show without
# sudo, labelled, with the airplay hint.
# usage: tests/macos_smoke.sh [DEVPORTS]   (default ./build/devports)
set -u
DEVPORTS=${1:-./build/devports}
PORT=8765
. "$(dirname "$0")/lib/procs.sh"
tmp=$(mktemp -d)
at_exit 'rm -rf "$tmp"'
start_group python3 -m http.server "$PORT" --bind 127.0.0.1 >/dev/null 2>&1
server=$last_group

listening() {
	python3 -c 'import socket,sys; s=socket.socket(); s.settimeout(0.5); sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))))' "$1"
}
for _ in $(seq 100); do
	listening "$PORT" && break
	sleep 0.1
done
listening "$PORT" || { echo "FAIL: python3 http.server did not start on $PORT"; exit 1; }

"$DEVPORTS" --json >"$tmp/user.json" || { echo "FAIL: devports --json exited $?"; exit 1; }

# check.py JSON PORT PID: the row of PORT must be python3's (pid PID) with its process data.
cat >"$tmp/check.py" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
port, pid = int(sys.argv[2]), int(sys.argv[3])
print("backend:", doc["backend"], "-", len(doc["listeners"]), "listeners")
rows = [l for l in doc["listeners"] if l["port"] == port and l["proto"] == "tcp"]
assert rows, f"no row for tcp port {port}"
row = rows[0]
assert row["address"] == "127.0.0.1", row
p = row["processes"][0] if row["processes"] else None
assert p is not None, f"the owner of {port} is hidden: {row}"
assert p["pid"] == pid or "python" in (p["name"] + p["exe"]).lower(), p
assert "http.server" in p["cmdline"], f"arguments missing: {p}"
assert p["cwd"], f"working directory missing: {p}"
assert p["started"], f"start time missing: {p}"
assert row["reached_by"] == ["127.0.0.1"], f"127.0.0.1 must reach it: {row['reached_by']}"
print(f"PASS: :{port} is {p['name']} (pid {p['pid']}): {p['cmdline']}, reached by 127.0.0.1")
PY
python3 "$tmp/check.py" "$tmp/user.json" "$PORT" "$server" || exit 1

# ControlCenter: only where it runs as this user and holds 5000 (AirPlay Receiver on); lsof
# answers for the user's own processes without sudo.
cc=$(pgrep -x -u "$(id -u)" ControlCenter 2>/dev/null | head -n 1)
if [ -z "$cc" ] || ! lsof -a -p "$cc" -nP -iTCP:5000 -sTCP:LISTEN >/dev/null 2>&1; then
	echo "SKIP: ControlCenter does not hold port 5000 here"
	exit 0
fi
python3 - "$tmp/user.json" "$cc" <<'PY' || exit 1
import json, sys
doc = json.load(open(sys.argv[1]))
pid = int(sys.argv[2])
rows = [l for l in doc["listeners"] if l["port"] == 5000
        and any(p["pid"] == pid for p in l["processes"])]
assert rows, f"ControlCenter (pid {pid}) holds 5000 but devports does not show it"
for row in rows:
    assert row["processes"][0]["name"] == "ControlCenter", row
    assert row["label"] and row["label"]["text"], row
    assert any(h["kind"] == "airplay" for h in row["hints"]), row
    print(f"PASS: :5000 {row['address']} is ControlCenter (pid {pid}), {row['label']['text']}")
PY
