#!/usr/bin/env bash
# Watched ports (issue 12, part 4), in a real tmux: a private tmux server (dp-watch-PID) with the
# dashboard in window 0 and a client attached to its session from a pane of the test's outer
# server, looking at window 1. A python3 listener is watched with w (after / to its port) and
# killed: tmux shows the message (show-messages lists it), the dashboard's window gets the bell
# flag, and the dashboard keeps a "down" row; started again, it is "back". Then the config's
# watch list (XDG_CONFIG_HOME in the test's folder): a server run in window 1 and stopped there
# with Ctrl-C raises the message too. Last, outside tmux (under script(1)): the bell, OSC 9 and
# OSC 777 in the dashboard's output.
set -u
DEVPORTS=${1:?usage: e2e_watch.sh DEVPORTS}
. "$(dirname "$0")/lib/tmux.sh"
need_tmux
command -v python3 >/dev/null || skip "python3 is not installed"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/dp-watch.XXXXXX")
inner_cleanup() {
	ti kill-server 2>/dev/null || true
	[ -n "$INNER_SOCKET" ] && rm -f "$INNER_SOCKET"
	rm -rf "$TMP"
	return 0
}
at_exit inner_cleanup
fail() {
	echo "FAIL: $*"
	echo "---- dashboard ----"
	ti capture-pane -p -t w:0 2>/dev/null || true
	echo "---- tmux messages ----"
	ti show-messages 2>/dev/null | tail -5 || true
	exit 1
}

# The outer server's pane 't', where the inner client runs.
start_pane 120 40

start_inner_tmux "dp-watch-$$"
SH="env -i TMUX=\"\$TMUX\" TMUX_PANE=\"\$TMUX_PANE\" XDG_CONFIG_HOME=$TMP PATH=$PATH HOME=${HOME:-/root} TERM=tmux-256color LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile"
ti new-session -d -s w -n dash -x 100 -y 30 "$SH"
ti new-window -d -t w:1 -n srv "$SH"
PANE_SESSIONS="$PANE_SESSIONS $(ti list-panes -a -F '#{pane_pid}' | tr '\n' ' ')"

# A client, attached from the outer pane, looking at window 1: the dashboard is not visible.
tm send-keys -t t "TMUX= tmux -L $INNER attach -t w:1" Enter
for i in $(seq 50); do
	[ -n "$(ti list-clients 2>/dev/null)" ] && break
	sleep 0.1
done
[ -n "$(ti list-clients)" ] || fail "no client attached to the inner server"

screen() { ti capture-pane -p -t w:0; }
messages() { ti show-messages 2>/dev/null; }
# wait_message TEXT SECONDS: until tmux's message log has TEXT.
wait_message() {
	local deadline
	deadline=$(deadline_ms "$2")
	while [ "$(now_ms)" -lt "$deadline" ]; do
		messages | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
bell() { ti display-message -p -t w:0 '#{window_bell_flag}'; }
listen() { # listen PORT: a python3 listener, started in this script's shell
	start_group python3 -m http.server "$1" --bind 127.0.0.1 >/dev/null 2>&1
	for i in $(seq 50); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2)" \
			2>/dev/null && return 0
		sleep 0.1
	done
	fail "the listener on :$1 did not start"
}

port=$(free_port)
listen "$port"
srv=$last_group
ti send-keys -t w:0 "$DEVPORTS -i 0.5" Enter
wait_for "listening ·" 5 || fail "the dashboard did not start"
ti send-keys -t w:0 / "$port" Enter
wait_re "^. *$port tcp +python3" 5 || fail "no row for :$port"
[ "$(bell)" = 0 ] || fail "the bell flag is set before anything happened"
ti send-keys -t w:0 w
wait_re "^◉ *$port tcp +python3" 3 || fail "the row has no watch mark after w"
wait_for "watching :$port" 2 || fail "w does not say it watches :$port"
pass "w watches :$port (mark and status line)"

stop_group "$srv"
wait_message ":$port python3 went down" 5 || fail "tmux never showed ':$port python3 went down'"
pass "tmux show-messages lists ':$port python3 went down'"
for i in $(seq 20); do
	[ "$(bell)" = 1 ] && break
	sleep 0.1
done
[ "$(bell)" = 1 ] || fail "window 0's bell flag is not set"
pass "the dashboard's window has the bell flag (#{window_bell_flag} is 1)"
wait_re "^◉ *$port tcp +— down since [0-9:]+ \(was python3, pid [0-9]+\)" 3 ||
	fail "no down row for :$port"
sleep 6 # longer than a tombstone lives
screen | grep -qE "^◉ *$port tcp +— down since" || fail "the down row expired"
pass "the dashboard keeps a down row for :$port"

listen "$port"
wait_message ":$port is back (python3, pid $last_group)" 5 ||
	fail "tmux never showed ':$port is back (python3, pid $last_group)'"
wait_re "^[◉+] *$port tcp +python3" 3 || fail "the row is not back"
pass "back: ':$port is back (python3, pid $last_group)', and the row with it"
stop_group "$last_group"
ti send-keys -t w:0 w
wait_for "not watching :$port" 3 || fail "w again does not stop watching"
wait_no_re "^. *$port tcp" 8 || fail "the unwatched down row stays"
pass "w again: not watched, the down row goes"
ti send-keys -t w:0 q
wait_no_re "listening ·" 3 || fail "the dashboard did not quit"

# The config's watch list, and a server stopped with Ctrl-C in the client's window.
port2=$(free_port)
port4=$(free_port) # never up: a down row from the start
while [ "$port4" = "$port2" ]; do port4=$(free_port); done
mkdir -p "$TMP/devports"
printf '{"watch": [%s, "%s/tcp", "5353/udp"]}\n' "$port2" "$port4" >"$TMP/devports/config.json"
XDG_CONFIG_HOME=$TMP "$DEVPORTS" config check | grep -q "^watch *$port2/tcp, $port4/tcp, 5353/udp" ||
	fail "config check does not list the watch list"
ti send-keys -t w:1 "python3 -m http.server $port2 --bind 127.0.0.1" Enter
for i in $(seq 50); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $port2), 0.2)" \
		2>/dev/null && break
	sleep 0.1
done
ti send-keys -t w:0 "clear; $DEVPORTS -i 0.5" Enter
wait_for "listening ·" 5 || fail "the dashboard did not start again"
ti send-keys -t w:0 / "$port4" Enter
wait_re "^◉ *$port4 tcp +— down since [0-9:]+ *$" 5 || fail "no down row for :$port4, never up"
pass "the config's :$port4, never up, has a down row from the start"
ti send-keys -t w:0 / Escape
ti send-keys -t w:0 / "$port2" Enter
wait_re "^◉ *$port2 tcp +python3" 5 || fail "the config's watched port has no mark"
ti send-keys -t w:1 C-c
wait_message ":$port2 python3 went down" 5 || fail "tmux never showed ':$port2 python3 went down'"
pass "config watch list: Ctrl-C of the server in window 1 raised ':$port2 python3 went down'"
ti send-keys -t w:0 q
wait_no_re "listening ·" 3 || fail "the dashboard did not quit"

# Outside tmux: the bell and a desktop notification, OSC 9 and OSC 777, in what the dashboard
# writes to its terminal (script(1) gives it one and keeps every byte).
command -v script >/dev/null || skip "script (util-linux) is not installed"
port3=$(free_port)
printf '{"watch": [%s]}\n' "$port3" >"$TMP/devports/config.json"
listen "$port3"
srv3=$last_group
start_group env -u TMUX -u TMUX_PANE XDG_CONFIG_HOME="$TMP" TERM=xterm LANG=C.UTF-8 \
	script -qfec "$DEVPORTS -i 0.3" "$TMP/typescript" </dev/null >/dev/null 2>&1
dash=$last_group
deadline=$(deadline_ms 5)
until grep -aq "listening" "$TMP/typescript" 2>/dev/null; do
	[ "$(now_ms)" -lt "$deadline" ] || fail "the dashboard under script did not start"
	sleep 0.1
done
sleep 1 # a poll or two with :$port3 up
stop_group "$srv3"
osc() {
	python3 - "$TMP/typescript" "$port3" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
text = (":%s python3 went down" % sys.argv[2]).encode()
ok = (b"\x07\x1b]9;devports " + text + b"\x07" in d
      and b"\x1b]777;notify;devports;" + text + b"\x07" in d)
sys.exit(0 if ok else 1)
PY
}
deadline=$(deadline_ms 5)
until osc; do
	[ "$(now_ms)" -lt "$deadline" ] || fail "no BEL + OSC 9 + OSC 777 ':$port3 python3 went down' outside tmux"
	sleep 0.2
done
stop_group "$dash"
pass "outside tmux: BEL, OSC 9 and OSC 777 ':$port3 python3 went down'"
