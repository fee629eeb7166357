#!/usr/bin/env bash
# devports wait and status against real listeners started and stopped in the background: wait
# returns 0 once a server that starts a second later listens, 1 when nothing comes, 0 with --free
# once the server is stopped, --http tells a listener that never answers from http.server, a
# signal ends it with 128 + the signal; bad input is one line on stderr and exit 2; status names
# http.server's port. Bounds are generous (20 s); nothing is timed beyond them.
set -u
DEVPORTS=${1:?usage: e2e_wait_status.sh DEVPORTS}
case $DEVPORTS in /*) ;; *) DEVPORTS=$PWD/$DEVPORTS ;; esac # tmux runs it from elsewhere
# As root, in a network namespace of its own: the status line names only this test's servers,
# whatever else listens on the machine (a benchmark's thousands of listeners fill its width).
. "$(dirname "$0")/lib/netns.sh"
own_netns preferred "$@"
tests=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
. "$(dirname "$0")/lib/procs.sh"
. "$(dirname "$0")/lib/report.sh"
tmp=$(mktemp -d)
at_exit 'rm -rf "$tmp"'

# three TCP ports nobody holds, on 127.0.0.1 and ::
read -r web idle none <<EOF
$(python3 - <<'PY'
import socket
ports = []
while len(ports) < 3:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
    try:
        t = socket.socket(socket.AF_INET6); t.bind(("::", p)); t.close()
    except OSError:
        continue
    if p not in ports:
        ports.append(p)
print(*ports)
PY
)
EOF
[ -n "${none:-}" ] || fail "no three free ports"

# one_line FILE: the file holds exactly one line
one_line() { [ "$(wc -l <"$1")" -eq 1 ]; }

# Bad input: one line on stderr, exit 2, nothing on stdout.
bad() {
	"$DEVPORTS" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
	[ $rc -eq 2 ] || fail "devports $*: exit $rc, want 2"
	one_line "$tmp/err" || fail "devports $*: not one line on stderr: $(cat "$tmp/err")"
	[ -s "$tmp/out" ] && fail "devports $*: wrote to stdout: $(cat "$tmp/out")"
	return 0
}
bad wait notaport
bad wait 70000
bad wait 0
bad wait "$none" --timeout abc
bad wait "$none" --timeout -1
bad wait "$none" --open --free
bad wait "$none" --free --http
bad wait
bad status --format '{port} {x}'
bad status --max many
"$DEVPORTS" status --format '{port} {x}' 2>&1 | grep -q 'devports: --format: unknown field "x" (port, label, process, project, pid, flags)' ||
	fail "status --format with an unknown field does not name it"
pass "bad input (a port that is not one, a time-out that is not a number, an unknown field): one line, exit 2"

# Nothing comes: exit 1 after the time-out, and the line says so.
"$DEVPORTS" wait "$none" --timeout 1 >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || fail "wait on a port nothing opens: exit $rc, want 1"
grep -q "timed out after 1 s: nothing listens on :$none" "$tmp/err" || fail "time-out line: $(cat "$tmp/err")"
"$DEVPORTS" wait "$none" --timeout 1 -q >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 1 ] && [ ! -s "$tmp/out" ] || fail "wait -q: exit $rc, output: $(cat "$tmp/out")"
pass "wait --timeout 1 on a port nothing opens: exit 1 (-q: silent)"

# A server that starts a second later: wait returns 0 once it listens.
start_group sh -c "sleep 1; exec python3 -m http.server $web --bind 127.0.0.1 >/dev/null 2>&1"
server=$last_group
"$DEVPORTS" wait "$web" --timeout 20 >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 0 ] || fail "wait for a server starting 1 s later: exit $rc: $(cat "$tmp/err")"
grep -q "^:$web is open (python3, pid [0-9]*) after [0-9.]* s$" "$tmp/out" || fail "open line: $(cat "$tmp/out")"
"$DEVPORTS" wait "$web" --http --timeout 20 >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 0 ] || fail "wait --http on http.server: exit $rc: $(cat "$tmp/err")"
grep -q "^:$web answers HTTP 200" "$tmp/out" || fail "HTTP line: $(cat "$tmp/out")"
pass "wait returns 0 once a delayed http.server listens, --http once it answers: $(cat "$tmp/out")"

# status: one line that names http.server's port.
"$DEVPORTS" status --max 1000 >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 0 ] && one_line "$tmp/out" || fail "status: exit $rc, $(cat "$tmp/out" "$tmp/err")"
grep -q "$web Python http.server" "$tmp/out" || fail "status does not name :$web: $(cat "$tmp/out")"
"$DEVPORTS" status --max 1000 --format '{port}={process}' --sep ',' >"$tmp/out"
tr ',' '\n' <"$tmp/out" | grep -qx "$web=python3" || fail "status --format: $(cat "$tmp/out")"
LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$tmp/out") && fail "status wrote a control character"
pass "status: $(grep -o "$web Python http.server" <(sed 's/ · /\n/g' <<<"$("$DEVPORTS" status --max 1000)"))"

# --free: held now (exit 1 and who holds it), free once the server is stopped a second later.
"$DEVPORTS" wait "$web" --free --timeout 0.5 >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || fail "wait --free on a held port: exit $rc, want 1"
grep -q ":$web is still held (python3, pid" "$tmp/err" || fail "still held line: $(cat "$tmp/err")"
{ # bash's "Killed" notice of the server goes nowhere; devports' stderr to $tmp/err
	(sleep 1; kill -KILL -- "-$server") &
	killer=$!
	"$DEVPORTS" wait "$web" --free --timeout 20 >"$tmp/out" 2>"$tmp/err"; rc=$?
	wait "$killer"
	stop_group "$server"
} 2>/dev/null
[ $rc -eq 0 ] || fail "wait --free after the server stopped: exit $rc: $(cat "$tmp/err")"
grep -q "^:$web is free after" "$tmp/out" || fail "free line: $(cat "$tmp/out")"
pass "wait --free: 1 while held, 0 once the server is stopped"

# A listener on :: that accepts nothing and never speaks: open, but --http times out.
start_group python3 -c "
import socket, time
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('::', $idle)); s.listen(8)
time.sleep(120)"
"$DEVPORTS" wait "$idle" --timeout 20 >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 0 ] || fail "wait on a listener on ::: exit $rc: $(cat "$tmp/err")"
"$DEVPORTS" wait "$idle" --http --timeout 2 >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || fail "wait --http on a listener that never answers: exit $rc, want 1"
grep -q "timed out after 2 s: :$idle listens (python3, pid [0-9]*) but does not answer HTTP" "$tmp/err" ||
	fail "HTTP time-out line: $(cat "$tmp/err")"
pass "a listener on :: that never answers: wait 0, wait --http 1"

# A signal ends a wait at once, with 128 + the signal.
"$DEVPORTS" wait "$none" --timeout 60 2>"$tmp/err" &
waiter=$!
sleep 0.5
kill -TERM "$waiter"
wait "$waiter"; rc=$?
[ $rc -eq 143 ] || fail "wait ended by SIGTERM: exit $rc, want 143"
pass "SIGTERM ends a wait with 143"

# status in a real tmux status line (tmux 3.2 or later, whose server runs in the foreground, so
# that it ends with this script): an inner tmux shows `status --tmux` in its status-right, an outer
# one attached to it captures the line. The AirPlay Receiver is red, Vite (open to the LAN)
# yellow, and a process named "#[fg=red]#(touch x)..." shows its name: no style, no command run.
if ! command -v tmux >/dev/null || ! tmux -V | grep -Eq '^tmux (3\.[2-9]|[4-9])'; then
	echo "SKIP: status in tmux's status line (needs tmux 3.2 or later)"
	exit 0
fi
cd "$tmp" || fail "cd $tmp"
inner=devports-inner-$$ outer=devports-outer-$$
at_exit "tmux -L $inner kill-server 2>/dev/null; tmux -L $outer kill-server 2>/dev/null"
for sock in "$inner" "$outer"; do
	start_group tmux -L "$sock" -D -f /dev/null </dev/null >/dev/null 2>&1
	for _ in $(seq 50); do tmux -L "$sock" ls >/dev/null 2>&1 && break; sleep 0.1; done
done
scenario=$tests/fixtures/scenarios/status.json
config=$tests/fixtures/status_config
tmux -L "$inner" new-session -d -s s -x 200 -y 5 -c "$tmp" "sleep 30" || fail "inner tmux"
tmux -L "$inner" set -g status-interval 1 >/dev/null
tmux -L "$inner" set -g status-right-length 190 >/dev/null
tmux -L "$inner" set -g status-right "#(XDG_CONFIG_HOME='$config' '$DEVPORTS' status --demo '$scenario' --tmux --max 150)" >/dev/null
tmux -L "$outer" new-session -d -s o -x 200 -y 6 -c "$tmp" "TERM=screen tmux -L $inner attach -t s" ||
	fail "outer tmux"
for _ in $(seq 100); do
	line=$(tmux -L "$outer" capture-pane -p -e -t o | grep 9999)
	[ -n "$line" ] && break
	sleep 0.1
done
[ -n "$line" ] || fail "no status line in tmux: $(tmux -L "$outer" capture-pane -p -t o)"
esc=$(printf '\033')
case $line in *"${esc}[31m5000 AirPlay Receiver!"*) ;; *) fail "AirPlay not red: $(printf %s "$line" | cat -v)" ;; esac
case $line in *"${esc}[33m5173 Vite!"*) ;; *) fail "Vite not yellow: $(printf %s "$line" | cat -v)" ;; esac
case $line in *'9999 #[fg=red]#(touch x)\e[5m'*) ;; *) fail "the process name's markup: $(printf %s "$line" | cat -v)" ;; esac
[ -e "$tmp/x" ] && fail "tmux ran a command from a process name"
pass "status in tmux's status-right: hints coloured, a process name's tmux markup shown as text"
