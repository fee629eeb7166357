#!/usr/bin/env bash
# The kill box in the real dashboard, in tmux: a python3 listener that ignores SIGTERM on a port
# picked now; select it, k, y: it reports "still running"; K: it is gone and the port is free
# within 1 s. Then inspect (i) shows the process and Esc returns.
set -u
DEVPORTS=${1:?usage: e2e_kill.sh DEVPORTS}
. "$(dirname "$0")/lib/tmux.sh"
need_tmux
command -v python3 >/dev/null || skip "python3 is not installed"

port_free() { ! python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null; }

port=$(free_port)
start_group python3 -c "
import signal, socket
signal.signal(signal.SIGTERM, signal.SIG_IGN)
s = socket.socket(); s.bind(('127.0.0.1', $port)); s.listen(8)
while True: signal.pause()
" >/dev/null 2>&1
server=$last_group
for _ in $(seq 50); do port_free "$port" || break; sleep 0.1; done
port_free "$port" && fail "the test server did not start on :$port"

start_pane 100 30
start_dashboard 0.5
tm send-keys -t t / "$port" Enter # the filter puts the row under the cursor
wait_for "$port" 3 || fail "row :$port did not appear"

tm send-keys -t t i
wait_for "ancestry" 3 || fail "inspect did not open"
wait_for "GET http://127.0.0.1:$port/ → no HTTP answer in 1 s" 3 || fail "no HTTP check result"
screen | grep -q "pid         $server" || fail "inspect does not show pid $server"
pass "inspect shows pid $server and the HTTP check timed out (the server never answers)"
tm send-keys -t t Escape
wait_for "k kill" 2 || fail "Esc did not return to the list"

tm send-keys -t t k
wait_for "stop python3 (pid $server)?" 2 || fail "no kill box for pid $server"
screen | grep -q "tcp 127.0.0.1:$port" || fail "the box does not list :$port"
pass "k opens the box on pid $server"
tm send-keys -t t y
wait_for "still running after 5 s" 8 || fail "no 'still running' after 5 s"
kill -0 "$server" 2>/dev/null || fail "pid $server died without SIGKILL"
pass "y: still running after 5 s, press K to force"
tm send-keys -t t K
t0=$(now_ms)
while ! port_free "$port"; do
	[ $(($(now_ms) - t0)) -lt 1000 ] || fail ":$port still held 1 s after K"
	sleep 0.05
done
{ wait "$server"; } 2>/dev/null # reaped without the shell's "Killed" line
wait_for "with SIGKILL in" 2 || fail "no 'stopped ... with SIGKILL' in the status line"
pass "K: pid gone and :$port free in $(($(now_ms) - t0)) ms"
tm send-keys -t t q
