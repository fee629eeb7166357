#!/usr/bin/env bash
# A docker-proxy row names its container. A stand-in docker-proxy (a python3 script of that name,
# started with docker-proxy's real arguments) listens on 127.0.0.1:PORT, and a local server on a
# unix socket answers GET /containers/json like Docker's Engine API (tests/support/fake_engine.py)
# with a container "web" (nginx:1.25) publishing PORT -> 80/tcp.
# Checks, through the real binary with DOCKER_HOST=unix://<the socket>: `devports --json` and
# `who PORT --json` label the row {"text": "web", "source": "container"} with the container
# object; `who PORT` prints its container line; the dashboard (tmux, when there is one) labels
# the row web once its thread has the answer, and inspect shows the container. With no socket (and with a tcp:// DOCKER_HOST)
# the row is still "Docker proxy" with its docker_target hint, and the reason is given.
set -u
DEVPORTS=${1:?usage: e2e_containers.sh DEVPORTS}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/tmux.sh" # procs.sh and report.sh too; tmux itself only for the dashboard's part
command -v python3 >/dev/null || skip "python3 is not installed"
out=$(mktemp -d)
at_exit 'rm -rf "$out"'

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# The stand-in: its command name is docker-proxy (the kernel names a script's process after it).
mkdir "$out/bin"
{
	echo "#!$(python3 -c "import sys; print(sys.executable)")" # the interpreter itself, not a shim
	cat <<'PY'
import signal, socket, sys
args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
s = socket.socket(socket.AF_INET6 if ":" in args["-host-ip"] else socket.AF_INET)
s.bind((args["-host-ip"], int(args["-host-port"])))
s.listen(8)
print("listening", flush=True)
while True:
    signal.pause()
PY
} >"$out/bin/docker-proxy"
chmod +x "$out/bin/docker-proxy"
start_group "$out/bin/docker-proxy" -proto tcp -host-ip 127.0.0.1 -host-port "$port" \
	-container-ip 172.17.0.2 -container-port 80 >"$out/proxy" 2>&1
for _ in $(seq 50); do [ -s "$out/proxy" ] && break; sleep 0.1; done
grep -q listening "$out/proxy" || fail "the docker-proxy stand-in did not start: $(cat "$out/proxy")"
proxy=$last_group
[ "$(cat "/proc/$proxy/comm")" = docker-proxy ] || fail "the stand-in is not named docker-proxy: $(cat "/proc/$proxy/comm")"

start_group python3 "$HERE/support/fake_engine.py" "$out/engine.sock" ok "$port" >"$out/engine" 2>&1
for _ in $(seq 50); do [ -s "$out/engine" ] && break; sleep 0.1; done
[ -S "$out/engine.sock" ] || fail "the fake engine did not start: $(cat "$out/engine")"

# check_json FILE WANT: the row on PORT as WANT says: "web" (its container) or a reason
check_json() {
	python3 - "$1" "$port" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
port, want = int(sys.argv[2]), sys.argv[3]
rows = [l for l in doc["listeners"] if l["port"] == port and l["proto"] == "tcp"]
assert len(rows) == 1, rows
row = rows[0]
assert row["processes"][0]["name"] == "docker-proxy", row["processes"]
kinds = [h["kind"] for h in row["hints"]]
assert "docker_target" in kinds, kinds
if want == "web":
    assert row["label"]["text"] == "web" and row["label"]["source"] == "container", row["label"]
    assert row["label"]["from"] == "docker: container web, image nginx:1.25", row["label"]
    c = row["container"]
    assert c["engine"] == "docker" and c["name"] == "web" and c["image"] == "nginx:1.25", c
    assert c["port"] == 80 and c["id"].startswith("4f2a9c1e"), c
    assert "container_unknown" not in row, row
else:
    assert row["label"]["text"] == "Docker proxy" and row["label"]["source"] == "process", row["label"]
    assert row["container"] is None, row["container"]
    assert row["container_unknown"] == want, row["container_unknown"]
PY
}

export DOCKER_HOST="unix://$out/engine.sock"
"$DEVPORTS" --json --no-cache >"$out/json" || fail "devports --json failed"
check_json "$out/json" web || { cat "$out/json"; fail "--json: the row does not name its container"; }
pass "--json: label {web, container}, container {docker, web, nginx:1.25, port 80}"
"$DEVPORTS" who "$port" --json --no-cache >"$out/who.json" || fail "devports who $port --json failed"
check_json "$out/who.json" web || { cat "$out/who.json"; fail "who --json: no container"; }
pass "who $port --json: the same"
"$DEVPORTS" who "$port" --no-cache >"$out/who" || fail "devports who $port failed"
grep -qxF "    container  web · nginx:1.25 · port 80/tcp · docker" "$out/who" ||
	{ cat "$out/who"; fail "who: no container line"; }
grep -q "web$" <(head -n 1 "$out/who") || { cat "$out/who"; fail "who: the label is not web"; }
pass "who $port: labelled web, with its container line"

# The dashboard: the row becomes web when the engine's answer comes, inspect names the container.
if command -v tmux >/dev/null && (need_tmux) >/dev/null 2>&1; then
	start_pane 110 30
	tm send-keys -t t "DOCKER_HOST=$DOCKER_HOST $DEVPORTS -i 0.5" Enter
	wait_for "listening ·" 5 || fail "the dashboard did not start"
	tm send-keys -t t / "$port" Enter
	wait_re "$(row_re "$port").* web " 5 || fail "the dashboard's row for :$port is not web"
	tm send-keys -t t i
	wait_for "container   web · nginx:1.25 · port 80/tcp · docker" 3 ||
		fail "inspect shows no container line"
	tm send-keys -t t Escape
	wait_for "k kill" 2 || fail "Esc did not return to the list"
	tm send-keys -t t q
	wait_gone "listening ·" 3 || fail "the dashboard did not quit at once"
	pass "dashboard: :$port labelled web; inspect: container web · nginx:1.25 · port 80/tcp · docker"
fi

# No socket: today's label and hint, and why.
export DOCKER_HOST="unix://$out/none.sock"
"$DEVPORTS" --json --no-cache >"$out/json" || fail "devports --json failed"
check_json "$out/json" "no Docker socket at $out/none.sock" ||
	{ cat "$out/json"; fail "--json without a socket"; }
"$DEVPORTS" who "$port" --no-cache >"$out/who" || fail "devports who $port failed"
grep -qxF "    container  not known — no Docker socket at $out/none.sock" "$out/who" ||
	{ cat "$out/who"; fail "who: no reason"; }
pass "no socket: Docker proxy with its docker_target hint; container_unknown and who say why"

export DOCKER_HOST=tcp://127.0.0.1:2375
"$DEVPORTS" --json --no-cache >"$out/json" || fail "devports --json failed"
check_json "$out/json" "DOCKER_HOST=tcp://127.0.0.1:2375 is not supported: devports asks the engine on a unix socket only" ||
	{ cat "$out/json"; fail "--json with a tcp:// DOCKER_HOST"; }
pass "a tcp:// DOCKER_HOST: not supported, and said so"

unset DOCKER_HOST
if [ ! -e /var/run/docker.sock ] && [ ! -e /run/podman/podman.sock ] &&
	{ [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -e "$XDG_RUNTIME_DIR/podman/podman.sock" ]; }; then
	"$DEVPORTS" --json --no-cache >"$out/json" || fail "devports --json failed"
	check_json "$out/json" "no Docker socket at /var/run/docker.sock (nor Podman's)" ||
		{ cat "$out/json"; fail "--json without DOCKER_HOST and without Docker"; }
	pass "no DOCKER_HOST, no Docker here: no Docker socket at /var/run/docker.sock"
fi
