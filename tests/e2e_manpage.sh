#!/usr/bin/env bash
# e2e_manpage.sh BIN - the man page (doc/devports.1) against the binary: it renders without a
# warning (groff -ww, and man --warnings when man is man-db's), it names every option and every
# subcommand of `devports --help` and --help names every one of its own, and it names every
# environment variable the program reads (getenv in src/, ui/, platform/). Its keys are checked
# against the key table by tests/test_keys.c.
set -uo pipefail
bin=$1
cd "$(dirname "$0")/.."
. tests/lib/report.sh
page=doc/devports.1
command -v groff >/dev/null || skip "groff not found (apt-get install groff-base)"

warnings=$(groff -ww -man -Tutf8 -z "$page" 2>&1)
[ -z "$warnings" ] || fail "groff -ww warns: $warnings"
pass "groff -ww: no warning"
if man --help 2>&1 | grep -q -- --warnings; then # man-db's man
	warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
	[ -z "$warnings" ] || fail "man --warnings warns: $warnings"
	pass "man --warnings: no warning"
fi

# The page as text on long lines, not hyphenated, without bold or underline.
text=$(groff -man -Tascii -rLL=300n -rHY=0 -P-cbou "$page" 2>/dev/null)
help=$("$bin" --help) || fail "devports --help exited $?"

# Options: -x and --long-name anywhere in either text.
options() { grep -oE '(^|[][ ,|(])(-[a-zA-Z]|--[a-z][a-z-]*[a-z])' | sed 's/^[][ ,|(]//' | sort -u; }
help_options=$(options <<<"$help")
page_options=$(options <<<"$text")
[ "$(wc -l <<<"$help_options")" -ge 10 ] || fail "too few options found in --help: $help_options"
missing=$(comm -23 <(echo "$help_options") <(echo "$page_options"))
[ -z "$missing" ] || fail "options of --help missing from the man page: $missing"
extra=$(comm -13 <(echo "$help_options") <(echo "$page_options"))
[ -z "$extra" ] || fail "options of the man page missing from --help: $extra"
pass "the same $(wc -l <<<"$help_options") options in --help and the man page"

# Subcommands: the words after "devports" in --help's usage and in the page's synopsis.
commands() { grep -oE '^ *(usage: )?devports [a-z]+' | awk '{ print $NF }' | sort -u; }
help_commands=$(commands <<<"$help")
page_commands=$(sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' <<<"$text" | commands)
[ "$(wc -l <<<"$help_commands")" -ge 5 ] || fail "too few subcommands found in --help: $help_commands"
[ "$help_commands" = "$page_commands" ] ||
	fail "subcommands differ: --help: $(echo $help_commands), man page: $(echo $page_commands)"
for c in $help_commands; do
	sed -n '/^COMMANDS/,/^OPTIONS/p' <<<"$text" | grep -qE "^       $c( |$)" ||
		fail "the man page's COMMANDS section does not describe $c"
done
pass "the same subcommands in --help and the man page: $(echo $help_commands)"

# Environment variables the program reads.
env_section=$(sed -n '/^ENVIRONMENT/,/^EXIT STATUS/p' <<<"$text")
vars=$(grep -rhoE 'getenv\("[A-Z_]+"\)' src ui platform | sed 's/getenv("\(.*\)")/\1/' | sort -u)
[ -n "$vars" ] || fail "no getenv found in the sources"
for v in $vars; do
	grep -qw "$v" <<<"$env_section" || fail "the man page's ENVIRONMENT does not name $v"
done
pass "ENVIRONMENT names every variable read: $(echo $vars)"

# Exit statuses, and the version in the page's title is the binary's.
for s in 0 1 2; do
	sed -n '/^EXIT STATUS/,/^EXAMPLES/p' <<<"$text" | grep -qE "^       $s( |$)" ||
		fail "EXIT STATUS does not list $s"
done
version=$("$bin" --version | awk '{ print $2 }')
grep -q "^\.TH DEVPORTS 1 .*\"devports $version\"" "$page" ||
	fail "the man page's .TH does not say devports $version"
pass "exit statuses 0, 1, 2; the page is of devports $version"
