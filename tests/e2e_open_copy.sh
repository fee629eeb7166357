#!/usr/bin/env bash
# o and y (issue 12): the real binary in a private tmux server with set-clipboard on, a Python
# http.server on 127.0.0.1 and a UDP socket. y puts the row's URL in tmux's paste buffer (the OSC 52
# sequence reached the pane's terminal: `tmux show-buffer`); o runs $BROWSER, here a script that
# writes its arguments to a file, with the URL as its one argument, and leaves no zombie; a UDP row
# says it has no URL; with no browser at all, o says what to do.
set -u
DEVPORTS=${1:?usage: e2e_open_copy.sh DEVPORTS}
. "$(dirname "$0")/lib/tmux.sh"
need_tmux
command -v python3 >/dev/null || skip "python3 is not installed"
SOCK="dp-open-$$" # tm() talks to this server

WORK=$(mktemp -d /tmp/dp-open-XXXXXX)
at_exit 'rm -rf "$WORK"'
BROWSER_SCRIPT="$WORK/browser"
cat >"$BROWSER_SCRIPT" <<'SH'
#!/bin/sh
# writes its arguments, one a line after their count, where DP_OPEN_OUT says
{ echo "$#"; for a in "$@"; do echo "$a"; done; } >"$DP_OPEN_OUT.tmp" && mv "$DP_OPEN_OUT.tmp" "$DP_OPEN_OUT"
SH
chmod +x "$BROWSER_SCRIPT"

port=$(free_port)
uport=$(free_port)
while [ "$uport" = "$port" ]; do uport=$(free_port); done
start_group python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1
start_group python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', $uport))
time.sleep(600)" >/dev/null 2>&1
for i in $(seq 50); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
	sleep 0.1
done

start_pane 160 30
tm set-option -g set-clipboard on >/dev/null
tm show-buffer >/dev/null 2>&1 && fail "tmux has a paste buffer before y"
tm send-keys -t t "BROWSER='/nonexistent/dp-browser:$BROWSER_SCRIPT' DP_OPEN_OUT='$WORK/argv' $DEVPORTS -i 0.5" Enter
wait_for "listening ·" 3 || fail "the dashboard did not start"
tm send-keys -t t / "$port" Enter
wait_re "$(row_re "$port")" 5 || fail "row :$port did not appear"

url="http://localhost:$port/"
tm send-keys -t t y
wait_for "copied $url (OSC 52)" 3 || fail "y did not say it copied $url"
for i in $(seq 30); do
	[ "$(tm show-buffer 2>/dev/null)" = "$url" ] && break
	sleep 0.1
done
[ "$(tm show-buffer 2>/dev/null)" = "$url" ] ||
	fail "tmux's paste buffer is '$(tm show-buffer 2>&1)', not $url"
pass "y: tmux's paste buffer holds $url (OSC 52 with set-clipboard on)"

tm send-keys -t t o
wait_for "opened $url with $BROWSER_SCRIPT" 3 || fail "o did not say it opened $url"
for i in $(seq 50); do
	[ -f "$WORK/argv" ] && break
	sleep 0.1
done
[ "$(cat "$WORK/argv" 2>/dev/null)" = "$(printf '1\n%s' "$url")" ] ||
	fail "the browser got '$(cat "$WORK/argv" 2>&1)', not the one argument $url"
pass "o: \$BROWSER's second entry got $url as its one argument"

# The browser has exited; the dashboard reaps it at a later turn: no zombie under it.
pane_pid=$(tm display-message -p -t t '#{pane_pid}')
dash=$(ps -A -o pid= -o ppid= -o comm= | awk -v p="$pane_pid" '$2 == p && $3 == "devports" { print $1 }')
[ -n "$dash" ] || fail "no devports process under the pane's shell"
for i in $(seq 30); do
	[ -z "$(ps -A -o ppid= -o stat= | awk -v p="$dash" '$1 == p')" ] && break
	sleep 0.1
done
left=$(ps -A -o pid= -o ppid= -o stat= -o comm= | awk -v p="$dash" '$2 == p')
[ -z "$left" ] || fail "the dashboard still has children: $left"
pass "o: the browser was reaped, no zombie left"

# In inspect too.
tm delete-buffer 2>/dev/null
tm send-keys -t t i
wait_for "Esc back" 3 || fail "inspect did not open"
tm send-keys -t t y
wait_for "copied $url (OSC 52)" 3 || fail "y in inspect did not say it copied $url"
for i in $(seq 30); do
	[ "$(tm show-buffer 2>/dev/null)" = "$url" ] && break
	sleep 0.1
done
[ "$(tm show-buffer 2>/dev/null)" = "$url" ] || fail "y in inspect: the buffer is not $url"
pass "y in inspect copies $url"
tm send-keys -t t Escape

# A UDP row: no URL, nothing copied, nothing opened.
tm delete-buffer 2>/dev/null
rm -f "$WORK/argv"
tm send-keys -t t Escape / "$uport" Enter
wait_re "$(row_re "$uport" udp)" 5 || fail "row :$uport udp did not appear"
tm send-keys -t t o
wait_for "udp :$uport has no URL" 3 || fail "o on a UDP row did not say it has no URL"
wait_gone "udp :$uport has no URL" 6 || fail "the message did not go"
tm send-keys -t t y
wait_for "udp :$uport has no URL" 3 || fail "y on a UDP row did not say it has no URL"
tm show-buffer >/dev/null 2>&1 && fail "y on a UDP row copied something"
[ -f "$WORK/argv" ] && fail "o on a UDP row ran the browser"
pass "UDP :$uport: \"udp :$uport has no URL\", nothing copied or opened"

tm send-keys -t t q
wait_gone "listening ·" 2 || fail "the dashboard did not quit"

# No browser at all: neither $BROWSER nor xdg-open on PATH.
tm send-keys -t t "clear; env -u BROWSER PATH=/nonexistent $DEVPORTS -i 0.5" Enter
wait_for "listening ·" 3 || fail "the dashboard did not start (no PATH)"
tm send-keys -t t / "$port" Enter
wait_re "$(row_re "$port")" 5 || fail "row :$port did not appear (no PATH)"
tm send-keys -t t o
wait_for "no browser: set \$BROWSER or install xdg-utils" 3 || fail "o with no browser did not say what to do"
pass "o with no browser says: no browser: set \$BROWSER or install xdg-utils"
tm send-keys -t t q
wait_gone "listening ·" 2 || fail "the dashboard did not quit"
pass "quit"
