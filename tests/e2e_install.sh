#!/usr/bin/env bash
# e2e_install.sh BIN - `cmake --install` of BIN's build into a temporary prefix puts the binary,
# the man page and the bash, zsh and fish completions where GNUInstallDirs and each shell say, and
# the installed binary and man page work from there.
set -u
bin=${1:?usage: e2e_install.sh DEVPORTS}
. "$(dirname "$0")/lib/report.sh"
build=$(cd "$(dirname "$bin")" && pwd)
[ -f "$build/cmake_install.cmake" ] || skip "$build is not a CMake build folder"
command -v cmake >/dev/null || skip "cmake not found"
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
out=$(cmake --install "$build" --prefix "$prefix" 2>&1) || fail "cmake --install failed: $out"
zsh_dir=$(sed -n 's/^DEVPORTS_ZSH_COMPLETION_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")
for f in bin/devports share/man/man1/devports.1 share/bash-completion/completions/devports \
	"$zsh_dir/_devports" share/fish/vendor_completions.d/devports.fish; do
	[ -f "$prefix/$f" ] || fail "not installed: $f (installed: $(cd "$prefix" && find . -type f | tr '\n' ' '))"
done
[ -x "$prefix/bin/devports" ] || fail "bin/devports is not executable"
n=$(cd "$prefix" && find . -type f | wc -l)
[ "$n" -eq 5 ] || fail "$n files installed, not 5: $(cd "$prefix" && find . -type f | tr '\n' ' ')"
pass "5 files: bin/devports, share/man/man1/devports.1, share/bash-completion/completions/devports, $zsh_dir/_devports, share/fish/vendor_completions.d/devports.fish"

version=$("$prefix/bin/devports" --version) || fail "the installed devports --version exited $?"
[[ $version == "devports "[0-9]* ]] || fail "--version says '$version'"
cmp -s "$prefix/share/man/man1/devports.1" "$(dirname "$0")/../doc/devports.1" ||
	fail "the installed man page is not doc/devports.1"
cmp -s "$prefix/share/bash-completion/completions/devports" "$(dirname "$0")/../completions/devports.bash" ||
	fail "the installed bash completion is not completions/devports.bash"
if command -v man >/dev/null; then
	page=$(MANPATH="$prefix/share/man" MANWIDTH=80 man devports 2>&1) || fail "man devports: $page"
	grep -q 'devports kill port' <<<"$page" || fail "man devports from the prefix: $(head -5 <<<"$page")"
	pass "installed: $version; MANPATH=PREFIX/share/man man devports renders the page"
else
	pass "installed: $version (man not installed: the page is not rendered)"
fi
