#!/usr/bin/env bash
# e2e_deb.sh BIN - the Debian package, as README's Install section makes it: a build of its own
# configured with -DCMAKE_INSTALL_PREFIX=/usr, then `cpack -G DEB`. Checks the package with
# dpkg-deb, without installing it: its name and version, Depends derived by dpkg-shlibdeps from
# the libraries the binary links (libc, ncurses, libproc2, cJSON), Recommends, and its files.
# Skips when cpack, dpkg-deb, dpkg-shlibdeps (dpkg-dev) or file is missing (CPack's shlibdeps
# step runs file on each installed file to find the binaries).
set -u
bin=${1:?usage: e2e_deb.sh DEVPORTS}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/tests/lib/report.sh"
for t in cpack dpkg-deb dpkg-shlibdeps file; do
	command -v $t >/dev/null || skip "$t not found (apt-get install cmake dpkg-dev file)"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log
{ cmake -S "$root" -B "$tmp/build" -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF &&
	cmake --build "$tmp/build" -j "$(nproc 2>/dev/null || echo 2)" --target devports &&
	(cd "$tmp/build" && cpack -G DEB -B "$tmp/pkg"); } >"$log" 2>&1 ||
	fail "building the package failed: $(tail -20 "$log")"
debs=("$tmp"/pkg/devports_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "no devports_*.deb: $(ls "$tmp/pkg")"
deb=${debs[0]}
version=$("$bin" --version | awk '{ print $2 }')
[ "$(dpkg-deb -f "$deb" Package)" = devports ] || fail "Package: $(dpkg-deb -f "$deb" Package)"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version: $(dpkg-deb -f "$deb" Version), not $version"
[ "$(dpkg-deb -f "$deb" Architecture)" = "$(dpkg --print-architecture)" ] ||
	fail "Architecture: $(dpkg-deb -f "$deb" Architecture)"
pass "$(basename "$deb"): devports $version for $(dpkg --print-architecture)"

depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libncursesw6 libtinfo6 libproc2-0 libcjson1; do
	grep -qE "(^|, )$lib( |,|$)" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
grep -qE "libcurl" <<<"$depends" && fail "Depends names libcurl, which is only opened on demand: $depends"
grep -q "libcurl4" <<<"$(dpkg-deb -f "$deb" Recommends)" || fail "Recommends: $(dpkg-deb -f "$deb" Recommends)"
pass "Depends (dpkg-shlibdeps): $depends"
pass "Recommends: $(dpkg-deb -f "$deb" Recommends)"

files=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $NF }' | sed 's|^\./|/|' | sort)
want=$(printf '%s\n' /usr/bin/devports /usr/share/bash-completion/completions/devports \
	/usr/share/fish/vendor_completions.d/devports.fish /usr/share/man/man1/devports.1 \
	/usr/share/zsh/vendor-completions/_devports | sort)
[ "$files" = "$want" ] || fail "the package's files: $(echo $files); wanted: $(echo $want)"
dpkg-deb -x "$deb" "$tmp/root"
"$tmp/root/usr/bin/devports" --version >/dev/null || fail "the packaged devports --version failed"
pass "files: $(echo $files)"
