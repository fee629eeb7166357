#!/usr/bin/env bash
# tests/check_format.sh - the product's sources (src/, ui/, platform/: every .c and .h) are as
# the committed .clang-format formats them: `clang-format --dry-run -Werror` on each. The tests,
# fuzz targets and benchmarks follow the same style by hand but are not checked.
# Formatting differs between clang-format versions: the files are formatted with Debian
# bookworm's clang-format 14, and the check skips (exit 77) when no clang-format 14 is found.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/lib/report.sh
cf=
for c in clang-format-14 clang-format; do
	command -v "$c" >/dev/null || continue
	[[ $("$c" --version) =~ version\ 14\. ]] && { cf=$c; break; }
done
[ -n "$cf" ] || skip "clang-format 14 not found (apt-get install clang-format; other versions format differently)"
files=$(find src ui platform -name '*.[ch]' | sort)
[ -n "$files" ] || fail "no source files found"
bad=()
for f in $files; do
	"$cf" --style=file --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
[ ${#bad[@]} -eq 0 ] || fail "${#bad[@]} of $(wc -l <<<"$files") files differ from .clang-format (run $cf -i on them): ${bad[*]}"
pass "$(wc -l <<<"$files") files of src/, ui/ and platform/ as .clang-format formats them ($("$cf" --version | head -1))"
