# tests/lib/tmux.sh - helpers for end-to-end tests that drive the real binary in tmux.
# Source it; it expects $DEVPORTS (the binary). Each test gets its own tmux server socket.

SOCK="devports-test-$$"
tm() { tmux -L "$SOCK" "$@"; }

skip() { echo "SKIP: $*"; exit 77; }
fail() {
	echo "FAIL: $*"
	echo "---- pane ----"
	tm capture-pane -p -t t 2>/dev/null || true
	exit 1
}
pass() { echo "PASS: $*"; }

need_tmux() {
	command -v tmux >/dev/null || skip "tmux is not installed"
}

# start_pane COLS ROWS: a tmux session 't' running an interactive shell.
start_pane() {
	tm kill-server 2>/dev/null || true
	tm -f /dev/null new-session -d -s t -x "$1" -y "$2" \
		"env -i PATH=$PATH HOME=${HOME:-/root} TERM=tmux-256color LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile"
	tm set-option -g status off >/dev/null
	sleep 0.3
}

cleanup_tmux() { tm kill-server 2>/dev/null || true; }

screen() { tm capture-pane -p -t t; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# deadline_ms SECONDS (fractions allowed)
deadline_ms() { echo $(($(now_ms) + $(awk "BEGIN { print int(${1:-3} * 1000) }"))); }

# wait_for TEXT SECONDS: until the pane shows TEXT (fixed string); 1 if it never does.
wait_for() {
	local text=$1 deadline
	deadline=$(deadline_ms "${2:-3}")
	while [ "$(now_ms)" -lt "$deadline" ]; do
		screen | grep -qF -- "$text" && return 0
		sleep 0.1
	done
	return 1
}

# wait_gone TEXT SECONDS: until the pane no longer shows TEXT.
wait_gone() {
	local text=$1 deadline
	deadline=$(deadline_ms "${2:-3}")
	while [ "$(now_ms)" -lt "$deadline" ]; do
		screen | grep -qF -- "$text" || return 0
		sleep 0.1
	done
	return 1
}

# wait_re REGEX SECONDS / wait_no_re REGEX SECONDS: the same with an extended regex.
wait_re() {
	local re=$1 deadline
	deadline=$(deadline_ms "${2:-3}")
	while [ "$(now_ms)" -lt "$deadline" ]; do
		screen | grep -qE -- "$re" && return 0
		sleep 0.1
	done
	return 1
}
wait_no_re() {
	local re=$1 deadline
	deadline=$(deadline_ms "${2:-3}")
	while [ "$(now_ms)" -lt "$deadline" ]; do
		screen | grep -qE -- "$re" || return 0
		sleep 0.1
	done
	return 1
}

# row_re PORT [PROTO]: a list row for PORT (after the margin mark: " ", "+" or "-").
row_re() { echo "^[ +-] *$1 ${2:-tcp} "; }

# free_port: a TCP port nobody listens on now.
free_port() {
	python3 - <<'PY'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}
