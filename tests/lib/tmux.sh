# tests/lib/tmux.sh - helpers for end-to-end tests that drive the real binary in tmux.
# Source it; it expects $DEVPORTS (the binary). Each test gets its own tmux server socket, and its
# own server: a process of the test (tmux -D, not a daemon), in a process group of its own
# (tests/lib/procs.sh, sourced here), so that it ends with the test, even when ctest's time-out
# kills the test's tree of processes. At exit, cleanup_tmux also ends whatever still runs in the
# panes, and removes the socket.

. "$(dirname "${BASH_SOURCE[0]}")/procs.sh"
. "$(dirname "${BASH_SOURCE[0]}")/report.sh"

SOCK="devports-test-$$"
tm() { tmux -L "$SOCK" "$@"; }
TMUX_SERVER= TMUX_SOCKET= PANE_SESSIONS=

fail() {
	echo "FAIL: $*"
	echo "---- pane ----"
	tm capture-pane -p -t t 2>/dev/null || true
	exit 1
}

need_tmux() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	case $(tmux -V) in
	"tmux "[012].* | "tmux 3."[01] | "tmux 3."[01][!0-9]*)
		skip "$(tmux -V) cannot run its server in the foreground (-D, tmux 3.2 and later)" ;;
	esac
}

# start_pane COLS ROWS: a tmux session 't' running an interactive shell, on a new server.
start_pane() {
	local i
	cleanup_tmux
	start_group tmux -L "$SOCK" -D -f /dev/null </dev/null >/dev/null 2>&1
	TMUX_SERVER=$last_group
	for i in $(seq 50); do # until it answers: a client finding no server would start a daemon
		tm ls >/dev/null 2>&1 && break
		kill -0 "$TMUX_SERVER" 2>/dev/null || break
		sleep 0.1
	done
	tm ls >/dev/null 2>&1 || fail "the tmux server did not start"
	TMUX_SOCKET=$(tm display-message -p '#{socket_path}')
	tm new-session -d -s t -x "$1" -y "$2" \
		"env -i PATH=$PATH HOME=${HOME:-/root} TERM=tmux-256color LANG=C.UTF-8 PS1='$ ' bash --norc --noprofile"
	tm set-option -g status off >/dev/null
	# Each pane runs in a session of its own, whose id is the pane's first pid.
	PANE_SESSIONS="$PANE_SESSIONS $(tm list-panes -a -F '#{pane_pid}' | tr '\n' ' ')"
	sleep 0.3
}

# session_members SID: the processes of session SID that have not exited (zombies excluded).
session_members() {
	ps -A -o pid= -o sid= -o stat= 2>/dev/null | awk -v s="$1" '$2 == s && $3 !~ /^Z/ { print $1 }'
}

# cleanup_tmux: ends the server (its panes hang up), then whatever still runs in the panes' sessions
# 2 s later (a process that ignores the hang-up, a stopped job), and removes the socket.
cleanup_tmux() {
	local sid i left ours
	tm kill-server 2>/dev/null || true
	[ -n "$TMUX_SERVER" ] && stop_group "$TMUX_SERVER"
	ours=$(ps -o sid= -p $$ | tr -d ' ')
	for sid in $PANE_SESSIONS; do
		case $sid in '' | *[!0-9]* | 0 | 1 | "$ours") continue ;; esac
		for i in $(seq 20); do
			[ -z "$(session_members "$sid")" ] && break
			sleep 0.1
		done
		left=$(session_members "$sid")
		[ -n "$left" ] && kill -KILL $left 2>/dev/null
	done
	[ -n "$TMUX_SOCKET" ] && rm -f "$TMUX_SOCKET"
	TMUX_SERVER= TMUX_SOCKET= PANE_SESSIONS=
	return 0
}
at_exit cleanup_tmux

screen() { tm capture-pane -p -t t; }

# start_dashboard INTERVAL [SECONDS]: runs the dashboard in the pane (start_pane first), every
# INTERVAL seconds, and waits up to SECONDS (default 3) for its title.
start_dashboard() {
	tm send-keys -t t "$DEVPORTS -i $1" Enter
	wait_for "listening ·" "${2:-3}" || fail "the dashboard did not start"
}

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

# start_inner_tmux NAME: a second tmux server, `tmux -L NAME`, for tests that need devports to
# meet a tmux of its own (panes, messages): in the foreground (-D) in a process group of its own,
# so that it ends with the test. Defines ti (tmux on that server) and sets INNER and INNER_SOCKET.
INNER_SOCKET=
start_inner_tmux() {
	INNER=$1
	ti() { tmux -L "$INNER" "$@"; }
	start_group tmux -L "$INNER" -D -f /dev/null </dev/null >/dev/null 2>&1
	local i
	for i in $(seq 50); do
		ti ls >/dev/null 2>&1 && break
		sleep 0.1
	done
	ti ls >/dev/null 2>&1 || fail "the inner tmux server did not start"
	INNER_SOCKET=$(ti display-message -p '#{socket_path}')
}
