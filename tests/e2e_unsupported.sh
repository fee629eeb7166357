#!/usr/bin/env bash
# The unsupported stub (cmake -DDEVPORTS_FORCE_UNSUPPORTED=ON, or a system without a backend):
# `devports`, `devports list` and `devports --json` say which system is not supported and exit 2;
# `--demo` still works. Run by ctest in such a build, and by tests/run-all.sh.
set -u
DEVPORTS=${1:?usage: e2e_unsupported.sh DEVPORTS}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp HOME=$tmp # no user config: its warnings would join stderr
want="devports does not support $(uname -s) yet; try --demo"
failed=0

fail() {
	echo "FAIL: $*"
	failed=1
}

# expect_unsupported ARGS...: nothing on stdout, exactly the message on stderr, exit 2.
expect_unsupported() {
	local before=$failed
	failed=0
	"$DEVPORTS" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	[ "$rc" -eq 2 ] || fail "devports $*: exit $rc, expected 2"
	[ "$(cat "$tmp/err")" = "$want" ] || fail "devports $*: stderr is '$(cat "$tmp/err")', expected '$want'"
	[ ! -s "$tmp/out" ] || fail "devports $*: wrote to stdout: $(head -c 200 "$tmp/out")"
	[ "$failed" -eq 1 ] || echo "PASS: devports $* -> '$want', exit 2"
	[ "$before" -eq 0 ] || failed=1
}

expect_unsupported
expect_unsupported list
expect_unsupported --json

"$DEVPORTS" --demo list </dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ]; then
	fail "devports --demo list: exit $rc: $(cat "$tmp/err")"
elif ! grep -q "PORT" "$tmp/out"; then
	fail "devports --demo list printed no table: $(head -c 200 "$tmp/out")"
else
	echo "PASS: devports --demo list"
fi

"$DEVPORTS" --demo --json </dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ]; then
	fail "devports --demo --json: exit $rc: $(cat "$tmp/err")"
elif ! grep -q '"schema_version"' "$tmp/out"; then
	fail "devports --demo --json printed no JSON document: $(head -c 200 "$tmp/out")"
else
	echo "PASS: devports --demo --json"
fi

exit "$failed"
