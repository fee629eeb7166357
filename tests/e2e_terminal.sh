#!/usr/bin/env bash
# The terminal: resizing to 40 columns (and below), and a clean shell after q and after SIGTERM.
set -u
DEVPORTS=${1:?usage: e2e_terminal.sh DEVPORTS}
. "$(dirname "$0")/lib/tmux.sh"
need_tmux
tmp=$(mktemp -d)
at_exit 'rm -rf "$tmp"'

start_pane 100 30
tm send-keys -t t "stty -a > $tmp/before" Enter
tm send-keys -t t "$DEVPORTS --demo" Enter
wait_for "listening ·" 3 || fail "the dashboard did not start"
tm resize-window -t t -x 40 -y 15
sleep 0.5
screen | grep -q "PORT" || fail "no column titles at 40 columns"
# Nothing wraps: the title, the column titles and the key bar keep their lines.
screen | sed -n 1p | grep -q "^ devports" || fail "the title bar is not on the first line"
screen | sed -n 2p | grep -q "^  PORT" || fail "the column titles are not on the second line"
screen | sed -n 15p | grep -q "filter" || fail "the key bar is not on the last line"
pass "resized to 40x15"
tm resize-window -t t -x 30 -y 6
wait_for "terminal too small" 2 || fail "no 'terminal too small' at 30x6"
tm resize-window -t t -x 100 -y 30
wait_for "listening ·" 2 || fail "did not come back after growing"
pass "too small, then back"

tm send-keys -t t q
sleep 0.5
tm send-keys -t t "echo after-q-\$?" Enter
wait_for "after-q-0" 2 || fail "no shell prompt after q"
screen | grep -q "listening ·" && fail "curses residue after q"
pass "q leaves a clean shell"

tm send-keys -t t "clear; $DEVPORTS --demo" Enter
wait_for "listening ·" 3 || fail "the dashboard did not start again"
dash=$(pgrep -P "$(tm list-panes -t t -F '#{pane_pid}')" | head -1)
[ -n "$dash" ] || fail "no dashboard process under the pane's shell"
kill -TERM "$dash" || fail "could not signal devports"
sleep 0.5
tm send-keys -t t "echo after-\"\"term" Enter
wait_for "after-term" 2 || fail "no shell prompt after SIGTERM"
screen | grep -q "listening ·" && fail "curses residue after SIGTERM"
tm send-keys -t t "stty -a > $tmp/after; cmp $tmp/before $tmp/after && echo same-\"\"stty" Enter
wait_for "same-stty" 2 || fail "stty settings differ after SIGTERM: $(diff $tmp/before $tmp/after)"
pass "SIGTERM leaves a clean shell with the same stty settings"
