#!/usr/bin/env bash
# tests/check_macos_sdk.sh - compiles every file of a macOS build against Apple's SDK, on any host:
# `clang -target {x86_64,arm64}-apple-macos11 -isysroot "$MACOS_SDK" -fsyntax-only -Werror`, with
# the flags CMake gives them on Apple. Skips (exit 77) when MACOS_SDK does not point at an SDK.
#   MACOS_SDK=/path/to/MacOSX12.0.sdk tests/check_macos_sdk.sh
# The SDK is never part of the repository: Apple's license does not allow it to be redistributed.
#
# What a macOS build compiles (CMakeLists.txt, tests/CMakeLists.txt): the core (src/, src/kill/),
# the CLI (src/cli/), the dashboard (ui/), the platform (platform/, common/, fake/, darwin/), and
# the tests that are not Linux-only with their support files. The SDK has curses, curl and
# libproc; cJSON, libyaml and Criterion come from Homebrew on a Mac: here their headers are taken
# from this host, and only them (a folder of three links searched after the SDK), so that no other
# header of this host can stand in for one the SDK lacks.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/lib/report.sh

[ -n "${MACOS_SDK:-}" ] || skip "MACOS_SDK is not set (point it at a macOS SDK, e.g. MacOSX12.0.sdk)"
[ -f "$MACOS_SDK/usr/include/libproc.h" ] || skip "MACOS_SDK=$MACOS_SDK has no usr/include/libproc.h: not a macOS SDK"
command -v clang >/dev/null || skip "clang not found"
extra=$(mktemp -d)
trap 'rm -rf "$extra"' EXIT
echo '#define DEVPORTS_COMMIT ""' >"$extra/version.h" # written by the build (cmake/version.cmake)
for h in cjson criterion; do
	inc=$(pkg-config --variable=includedir "lib$h" 2>/dev/null || pkg-config --variable=includedir "$h" 2>/dev/null)
	[ -d "${inc:-/usr/include}/$h" ] || skip "no $h headers on this host (libcjson-dev, libcriterion-dev)"
	ln -s "${inc:-/usr/include}/$h" "$extra/$h"
done
yaml_inc=$(pkg-config --variable=includedir yaml-0.1 2>/dev/null)
[ -f "${yaml_inc:-/usr/include}/yaml.h" ] || skip "no yaml.h on this host (libyaml-dev)"
ln -s "${yaml_inc:-/usr/include}/yaml.h" "$extra/yaml.h"

# Linux-only tests and support files, as tests/CMakeLists.txt lists them: every name holding
# "linux", and these.
linux_only=" test_procnet test_sockdiag spawn "
files=()
for f in src/*.c src/kill/*.c src/cli/*.c ui/*.c platform/*.c platform/common/*.c \
	platform/fake/*.c platform/darwin/*.c tests/test_*.c tests/support/*.c; do
	name=$(basename "$f" .c)
	case $f in tests/*)
		[[ $name == *linux* || $linux_only == *" $name "* ]] && continue ;;
	esac
	files+=("$f")
done

# CMake's flags on Apple: the warnings, _GNU_SOURCE and _DARWIN_C_SOURCE for every file; the
# -D_XOPEN_SOURCE=600 that ncurses' pkg-config flags carry is added too (it reaches the dashboard
# and the tests), since _DARWIN_C_SOURCE must keep libproc's types visible in spite of it.
# tests/support is searched for "quoted" includes only (-iquote): its spawn.h must not stand in
# for the SDK's <spawn.h> in the product's files (CMake gives tests/support to the tests alone).
flags=(-std=c11 -fsyntax-only -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
	-D_GNU_SOURCE -D_DARWIN_C_SOURCE -D_XOPEN_SOURCE=600 '-DDEVPORTS_VERSION="0"'
	'-DTESTS_DIR="tests"' '-DDEVPORTS_BIN="devports"'
	-I src -I src/kill -I src/cli -I ui -I platform -I platform/common -I platform/fake
	-I platform/darwin -idirafter "$extra")
# tests/support only for the tests, as CMake gives it: its spawn.h would hide the system's
# <spawn.h> from the product's files (platform/common/tmux_query.c, url_open.c).
test_flags=(-I tests/support)
failed=0
for target in x86_64-apple-macos11 arm64-apple-macos11; do
	n=0
	for f in "${files[@]}"; do
		extra_flags=()
		case $f in tests/*) extra_flags=("${test_flags[@]}") ;; esac
		if ! out=$(clang -target "$target" -isysroot "$MACOS_SDK" "${flags[@]}" \
			"${extra_flags[@]}" "$f" 2>&1) ||
			[ -n "$out" ]; then
			echo "== $target $f"
			echo "$out"
			failed=$((failed + 1))
		fi
		n=$((n + 1))
	done
	echo "$target: $n files"
done
[ "$failed" -eq 0 ] || fail "$failed compilations failed against $MACOS_SDK"
pass "${#files[@]} files compile for x86_64 and arm64 against $(basename "$MACOS_SDK")"
