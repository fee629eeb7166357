#!/usr/bin/env bash
# tmux panes (issue 12): a private tmux server ("inner", its own socket) with two sessions and
# several windows, Python http.servers started inside chosen panes. `devports who PORT --json`
# names each server's pane; the dashboard, run in a pane of session s1 and watched by a real
# client (a tmux client attached from a pane of the test's own outer server), shows the pane in
# its PANE column and in inspect, and g moves that client to the server's pane, in another
# session and in its own, as `display-message -p` says; on a server outside tmux g says why not.
set -u
DEVPORTS=${1:?usage: e2e_tmux_panes.sh DEVPORTS}
. "$(dirname "$0")/lib/tmux.sh"
need_tmux
command -v python3 >/dev/null || skip "python3 is not installed"

inner_cleanup() {
	ti kill-server 2>/dev/null || true
	[ -n "$INNER_SOCKET" ] && rm -f "$INNER_SOCKET"
	return 0
}
at_exit inner_cleanup

# The outer server and its pane 't', where the inner client will run.
start_pane 120 40

start_inner_tmux "dp-test-$$-inner"
# A clean shell that keeps what tmux gives a pane: TMUX (its server's socket) and TMUX_PANE.
SH="env -i TMUX=\"\$TMUX\" TMUX_PANE=\"\$TMUX_PANE\" PATH=$PATH HOME=${HOME:-/root} TERM=tmux-256color LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile"
ti new-session -d -s s1 -n dash -x 120 -y 40 "$SH"
ti new-window -d -t s1:1 -n spare "$SH"
ti new-session -d -s s2 -n misc -x 120 -y 40 "$SH"
ti new-window -d -t s2:1 -n web "$SH"
ti split-window -d -t s2:1 "$SH"
ti new-window -d -t s2:2 -n more "$SH"
# Whatever runs in the inner panes ends with the test too (tests/lib/tmux.sh's cleanup).
PANE_SESSIONS="$PANE_SESSIONS $(ti list-panes -a -F '#{pane_pid}' | tr '\n' ' ')"
[ "$(ti list-panes -t s2:1 | wc -l)" = 2 ] || fail "s2:1 should have two panes"

port=$(free_port)
port_own=$(free_port)
while [ "$port_own" = "$port" ]; do port_own=$(free_port); done
ti send-keys -t s2:1.1 "exec python3 -m http.server $port --bind 127.0.0.1" Enter
ti send-keys -t s1:1.0 "exec python3 -m http.server $port_own --bind 127.0.0.1" Enter
for p in "$port" "$port_own"; do
	for i in $(seq 50); do
		python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $p), 0.2)" \
			2>/dev/null && break
		sleep 0.1
	done
done

# JSON: TMUX names the server's socket, as it does inside one of its panes.
json=$(TMUX="$INNER_SOCKET,1,0" "$DEVPORTS" who "$port" --json) || fail "who $port failed"
got=$(printf '%s' "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
t = [l["tmux"] for l in d["listeners"] if l["proto"] == "tcp"][0]
print("%s %s %s %s %s %s" % (t["session"], t["window"], t["pane"], t["target"], t["window_name"], t["command"]))')
[ "$got" = "s2 1 1 s2:1.1 web python3" ] || fail "who $port --json: tmux is '$got', not s2 1 1 s2:1.1 web python3"
pass "who $port --json names pane s2:1.1 (window web, python3)"

json=$(TMUX="$INNER_SOCKET,1,0" "$DEVPORTS" --json) || fail "--json failed"
got=$(printf '%s' "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for l in d["listeners"]:
	if l["port"] in ('"$port, $port_own"') and l["proto"] == "tcp":
		print(l["port"], l["tmux"]["target"] if l["tmux"] else None)' | sort | tr '\n' ' ')
want=$(printf '%s\n' "$port s2:1.1" "$port_own s1:1.0" | sort | tr '\n' ' ')
[ "$got" = "$want" ] || fail "--json: '$got', not '$want'"
pass "--json names both servers' panes"

# No server at TMUX's socket, none at the default one: null, and no wait.
json=$(TMUX="/nonexistent/dp-$$,1,0" "$DEVPORTS" who "$port" --json)
printf '%s' "$json" | grep -q '"tmux":	null' || fail "without a tmux server tmux is not null"
json=$(env -u TMUX TMUX_TMPDIR=/nonexistent "$DEVPORTS" who "$port" --json)
printf '%s' "$json" | grep -q '"tmux":	null' || fail "outside tmux with no default server tmux is not null"
pass "no tmux server: \"tmux\": null"

# A client: attached to s1 from the outer pane, as a user's terminal would be.
tm send-keys -t t "TMUX= tmux -L $INNER attach -t s1:0" Enter
for i in $(seq 50); do
	[ -n "$(ti list-clients 2>/dev/null)" ] && break
	sleep 0.1
done
[ -n "$(ti list-clients)" ] || fail "no client attached to the inner server"
where() { ti display-message -p '#{session_name}:#{window_index}.#{pane_index}'; }
[ "$(where)" = "s1:0.0" ] || fail "the client starts in $(where), not s1:0.0"

# The dashboard in s1:0, with a server outside tmux too (a child of this script).
port_out=$(free_port)
while [ "$port_out" = "$port" ] || [ "$port_out" = "$port_own" ]; do port_out=$(free_port); done
start_group python3 -m http.server "$port_out" --bind 127.0.0.1 >/dev/null 2>&1
screen() { ti capture-pane -p -t s1:0.0; }
ti send-keys -t s1:0.0 "$DEVPORTS -i 0.5" Enter
wait_for "listening ·" 3 || fail "the dashboard did not start"
ti send-keys -t s1:0.0 / "$port" Enter
wait_re "$(row_re "$port").* s2:1\.1 " 5 || fail "row :$port does not show pane s2:1.1"
screen | grep -q " PANE " || fail "no PANE column"
wait_re "g → tmux s2:1\.1 · .*http\.server $port" 2 || fail "the status line does not name the pane"
pass "the dashboard's row :$port shows pane s2:1.1"

ti send-keys -t s1:0.0 i
wait_re "tmux +s2:1\.1 · window web · running python3" 3 || fail "inspect has no tmux line"
pass "inspect says s2:1.1 · window web · running python3"
ti send-keys -t s1:0.0 Escape
wait_for "PANE" 2 || fail "Esc did not go back to the list"

ti send-keys -t s1:0.0 g
for i in $(seq 30); do
	[ "$(where)" = "s2:1.1" ] && break
	sleep 0.1
done
[ "$(where)" = "s2:1.1" ] || fail "g: the client is in $(where), not s2:1.1"
[ "$(ti list-clients -F '#{client_session}')" = "s2" ] || fail "the client's session is not s2"
pass "g switched the client to s2:1.1 (another session)"

# Back to the dashboard; a server in a window of the dashboard's own session.
ti switch-client -t s1:0.0
ti send-keys -t s1:0.0 Escape / "$port_own" Enter
wait_re "$(row_re "$port_own").* s1:1\.0 " 5 || fail "row :$port_own does not show pane s1:1.0"
ti send-keys -t s1:0.0 g
for i in $(seq 30); do
	[ "$(where)" = "s1:1.0" ] && break
	sleep 0.1
done
[ "$(where)" = "s1:1.0" ] || fail "g: the client is in $(where), not s1:1.0"
pass "g selected window 1 of the client's own session"

# A server in no pane: g stays and says why.
ti switch-client -t s1:0.0
ti send-keys -t s1:0.0 Escape / "$port_out" Enter
wait_re "$(row_re "$port_out")" 5 || fail "row :$port_out did not appear"
ti send-keys -t s1:0.0 g
wait_for "this row's process is in no tmux pane" 2 || fail "g on a server outside tmux did not say why"
[ "$(where)" = "s1:0.0" ] || fail "g on a server outside tmux moved the client to $(where)"
pass "g on a server in no pane says so and stays"

ti send-keys -t s1:0.0 q
wait_for '$ ' 2 || fail "the dashboard did not quit"
pass "quit"
