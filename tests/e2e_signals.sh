#!/usr/bin/env bash
# The dashboard (real backend, -i 0.2) and its terminal under faults: resized to 1x1 and back;
# Ctrl-Z, then fg; Ctrl-C; SIGHUP; Ctrl-Z, then kill %1; its pane closed. After each stop
# `stty -a` matches what it was before the dashboard started, and the shell is clean.
set -u
DEVPORTS=${1:?usage: e2e_signals.sh DEVPORTS}
. "$(dirname "$0")/lib/tmux.sh"
need_tmux
tmp=$(mktemp -d)
at_exit 'rm -rf "$tmp"'

# The dashboard's pid: the child of the pane's shell.
dash_pid() { pgrep -P "$(tm list-panes -t t -F '#{pane_pid}')" | head -1; }

# start [ENV]: clears the pane and starts the dashboard (with the environment assignments ENV),
# then prints "dash-exit-CODE" when it ends.
start() {
	tm send-keys -t t "clear; ${1:-} $DEVPORTS -i 0.2; echo dash-\"\"exit-\$?" Enter
	wait_for "listening ·" 5 || fail "the dashboard did not start"
	pid=$(dash_pid)
	[ -n "$pid" ] || fail "no dashboard process"
}

# same_stty WHAT: the shell's stty -a matches the one before the dashboard started.
same_stty() {
	tm send-keys -t t "clear; stty -a > $tmp/after; cmp -s $tmp/before $tmp/after && echo same-\"\"stty" Enter
	wait_for "same-stty" 3 || fail "stty settings differ $1: $(diff "$tmp/before" "$tmp/after")"
}

# exited WHAT CODE: the dashboard ended with CODE, and no curses screen is left.
exited() {
	wait_for "dash-exit-" 3 || fail "the dashboard did not exit $1"
	screen | grep -q "dash-exit-$2" || fail "exit code after $1: $(screen | grep dash-exit-)"
	screen | grep -q "listening ·" && fail "curses residue after $1"
	kill -0 "$pid" 2>/dev/null && fail "the dashboard still runs after $1"
	return 0
}

start_pane 100 30
tm send-keys -t t "stty -a > $tmp/before" Enter
sleep 0.3

start
tm resize-window -t t -x 1 -y 1
sleep 1
kill -0 "$pid" 2>/dev/null || fail "the dashboard died at 1x1"
tm resize-window -t t -x 100 -y 30
wait_for "listening ·" 3 || fail "no redraw after growing back from 1x1"
screen | sed -n 2p | grep -q "PORT" || fail "no column titles after 1x1"
screen | sed -n 30p | grep -q "quit" || fail "the key bar is not on the last line after 1x1"
pass "resized to 1x1 and back"

tm send-keys -t t C-z
wait_for "Stopped" 3 || fail "Ctrl-Z did not stop the dashboard"
grep -q '^State:.*T' "/proc/$pid/status" || fail "the dashboard is not stopped"
same_stty "while the dashboard is stopped"
tm send-keys -t t "fg" Enter
wait_for "listening ·" 3 || fail "no redraw after fg"
wait_gone "same-stty" 2 || fail "the screen was not repainted after fg"
tm send-keys -t t "?"
wait_re "help|Help|HELP" 3 || fail "no keys after fg"
tm send-keys -t t Escape
pass "Ctrl-Z gives the terminal back; fg repaints and takes keys"

tm send-keys -t t C-c
sleep 0.5
# The shell gave up the rest of the command line when the job stopped: ask for fg's status.
tm send-keys -t t "echo dash-\"\"exit-\$?" Enter
exited "Ctrl-C" 130
same_stty "after Ctrl-C"
pass "Ctrl-C: exit 130, the terminal restored"

start
kill -HUP "$pid"
exited "SIGHUP" 129
same_stty "after SIGHUP"
pass "SIGHUP: exit 129, the terminal restored"

# `kill %1` on a stopped dashboard (SIGTERM, then SIGCONT while it is in the background): it ends
# without taking the terminal back (which would stop it again, for writing from the background).
start
tm send-keys -t t C-z
wait_for "Stopped" 3 || fail "Ctrl-Z did not stop the dashboard"
tm send-keys -t t "clear; kill %1" Enter
# Ended: gone, or a zombie its shell has not reaped yet (it has exited all the same).
running() { grep -q '^State:[[:space:]]*[^Z[:space:]]' "/proc/$1/status" 2>/dev/null; }
for _ in $(seq 30); do
	running "$pid" || break
	sleep 0.1
done
running "$pid" && fail "the stopped dashboard outlived kill %1 by 3 s: $(grep State "/proc/$pid/status")"
# Whether bash has reaped the job yet ("Exit 143" in `jobs`) depends on the shell's timing (in a
# chroot it was seen still listed as Stopped after the process had exited): the process having
# ended, above, and the terminal, below, are what this case checks.
same_stty "after kill %1 while stopped"
pass "kill %1 ends a stopped dashboard, the terminal restored"

# A closed pane hangs up the terminal: SIGHUP, then SIGCONT. In a sanitizer build, a SIGCONT that
# lands while LeakSanitizer's exit check is stopping the process's threads cancels that stop and
# the check waits forever; its leak check is off here (the other cases keep it).
start ASAN_OPTIONS=detect_leaks=0
tm kill-server
for _ in $(seq 30); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$pid" 2>/dev/null && { kill -9 "$pid"; fail "the dashboard outlived its pane by 3 s"; }
pass "the dashboard exits when its pane is closed"

# A terminal that goes away without a SIGHUP (not the dashboard's controlling terminal, so the
# kernel sends none): reads fail at once from then on; the dashboard must exit, not spin on them.
command -v python3 >/dev/null || skip "python3 is not installed (the rest passed)"
python3 - "$DEVPORTS" <<'PY' || fail "the dashboard outlived its terminal"
import os, pty, signal, subprocess, sys, time
master, slave = pty.openpty()
p = subprocess.Popen([sys.argv[1], "-i", "0.2"], stdin=slave, stdout=slave, stderr=slave,
                     start_new_session=True, env=dict(os.environ, TERM="xterm"))
try:
    os.close(slave)
    os.set_blocking(master, False)
    shown, t = b"", time.time()
    while b"listening" not in shown and time.time() - t < 5:  # read until the first frame
        try:
            shown += os.read(master, 65536)
        except BlockingIOError:
            time.sleep(0.05)
    os.close(master)
    t = time.time()
    while p.poll() is None and time.time() - t < 3:
        time.sleep(0.05)
    if p.poll() is None:
        print("FAIL: still running 3 s after its terminal closed")
        sys.exit(1)
    print("exit %d %.1f s after its terminal closed" % (p.returncode, time.time() - t))
    sys.exit(0 if p.returncode == 129 else 1)
finally:  # however this ends, the dashboard (its own session and group) does not outlive it
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
PY
pass "the dashboard exits when its terminal closes without a SIGHUP"
