#!/usr/bin/env bash
# The dashboard on the real backend in a 60x20 tmux pane: a listener started after launch appears
# within 2 s with its process, dims when it is killed, then disappears.
set -u
DEVPORTS=${1:?usage: e2e_dashboard.sh DEVPORTS}
. "$(dirname "$0")/lib/tmux.sh"
need_tmux
command -v python3 >/dev/null || skip "python3 is not installed"

start_pane 60 20
start_dashboard 0.5

port=$(free_port)
start_group python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1
server=$last_group
tm send-keys -t t / "$port" Enter  # a filter keeps the row on screen in a busy machine
wait_re "$(row_re "$port")" 2.5 || fail "row :$port did not appear within 2 s"
screen | grep -E "$(row_re "$port")" | grep -q "python3" || fail "row :$port does not name python3"
pass "row :$port appeared with python3"

kill "$server"
wait "$server" 2>/dev/null
sleep 1.2
line=$(tm capture-pane -e -p -t t | grep -F "$port" | grep -F " tcp ")
[ -n "$line" ] || fail "the tombstone of :$port is not shown"
# SGR 2 (dim), alone or with others such as 7 (reverse, when the cursor is on it).
printf '%s' "$line" | grep -qP '\e\[(\d+;)*2(;\d+)*m' || fail "the tombstone of :$port is not dim: $line"
pass "row :$port dims when its server is killed"
wait_no_re "$(row_re "$port")" 7 || fail "the tombstone of :$port outlived 5 s"
pass "row :$port disappears"
tm send-keys -t t q
