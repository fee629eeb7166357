#!/usr/bin/env bash
# e2e_completion.sh BIN - the bash completion (completions/devports.bash): its function on partial
# command lines (subcommands, options, signal names, config's words, the PORT of who and kill
# from a scenario and from a listener started here), then in an interactive bash in tmux, where
# `devports k<TAB>` must become `devports kill `.
set -u
DEVPORTS=${1:?usage: e2e_completion.sh DEVPORTS}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/tmux.sh"
command -v python3 >/dev/null || skip "python3 is not installed"
need_tmux
tmp=$(mktemp -d)
at_exit "rm -rf '$tmp'"
mkdir "$tmp/bin"
bin=$(cd "$(dirname "$DEVPORTS")" && pwd)/$(basename "$DEVPORTS")
ln -s "$bin" "$tmp/bin/devports" # completion runs `devports list` as typed
export PATH="$tmp/bin:$PATH" DEVPORTS_CACHE_DIR="$tmp/cache"
. "$root/completions/devports.bash"

# complete WORD... : COMPREPLY, one line, for the command line WORD... (the last is being typed)
complete_line() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_devports
	echo "${COMPREPLY[*]}"
}
expect() { # expect WANT WORD...
	local want=$1 got
	shift
	got=$(complete_line "$@")
	[ "$got" = "$want" ] || fail "completing '$*' gave '$got', not '$want'"
}

[ "$(complete -p devports)" = "complete -F _devports devports" ] || fail "complete -p: $(complete -p devports)"
expect "kill" devports k
expect "list who kill free status wait config health" devports ""
expect "wait" devports wa
expect "--timeout" devports wait 5432 --ti
expect "--tmux" devports status --tm
expect "" devports wait 5432 --timeout ""
expect "config" devports --json co
expect "--signal" devports kill 3000 --si
expect "USR1 USR2" devports kill 3000 --signal U
expect "HUP" devports kill 3000 -s H
expect "check path" devports config ""
expect "" devports config check ""
expect "--interval" devports --int
expect "" devports free ""
pass "subcommands, options, signal names, config's words"

# PORT from what listens now: the built-in scenario, then a listener of this test's own.
got=$(complete_line devports --demo wait 80)
[ "$got" = "8000 8003 8080" ] || fail "devports --demo wait 80<TAB> gave '$got'"
got=$(complete_line devports --demo who 80)
[ "$got" = "8000 8003 8080" ] || fail "devports --demo who 80<TAB> gave '$got', not the scenario's 8000 8003 8080"
got=$(complete_line devports --demo "$root/tests/fixtures/scenarios/airplay.json" kill "")
[ "$got" = "3000 5000 7000 49152" ] || fail "kill with --demo airplay.json gave '$got'"
port=$(free_port)
start_group python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $port)); s.listen(); time.sleep(60)"
for _ in $(seq 50); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
	sleep 0.1
done
got=$(complete_line devports kill "${port:0:${#port}-1}")
[[ " $got " == *" $port "* ]] || fail "devports kill ${port:0:${#port}-1}<TAB> gave '$got', not $port (listening now)"
expect "" devports who "$port" ""
pass "PORT from the listeners there are now: the scenario's, and :$port"

# The real thing: readline in an interactive bash (the pane trims the space after a word).
start_pane 100 10
tm send-keys -t t "PATH=$tmp/bin:\$PATH; . $root/completions/devports.bash; clear" Enter
sleep 0.3
tm send-keys -t t "devports k" Tab
wait_re '^\$ devports kill *$' 3 || fail "devports k<TAB> did not become devports kill"
tm send-keys -t t -H 2d 2d 73 69 67 # "--sig": send-keys would take it for a flag
tm send-keys -t t Tab
wait_re '^\$ devports kill --signal *$' 3 || fail "devports kill --sig<TAB> did not become --signal"
pass "interactive bash: devports k<TAB> -> devports kill, --sig<TAB> -> --signal"
