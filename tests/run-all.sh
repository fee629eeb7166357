#!/usr/bin/env bash
# Runs every test: the normal build (warnings are errors), then the whole suite again built with
# AddressSanitizer and UndefinedBehaviorSanitizer, then every fuzz target for FUZZ_SECONDS (30)
# seconds (tests/fuzz/run.sh, clang), then the unsupported-platform stub (forced with
# DEVPORTS_FORCE_UNSUPPORTED: only its binary is built and checked, the suite does not run a third
# time), then CHURN_SECONDS (30) of churn under the sanitizer build (tests/churn.sh), then a soak of
# SOAK_MINUTES (1) under valgrind (tests/soak.sh). Any failure stops the run with a non-zero exit.
# Last, tests/check-leftovers.sh checks that nothing the tests started still runs (after a failure
# too, to say what it left).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
# Everything this run starts carries it in its environment: check-leftovers.sh finds by it what
# runs outside the build folders (a tmux server started in the repository's root...).
export DEVPORTS_TEST_RUN="$$-$(date +%s)"
checked=
leftovers_after_failure() {
	if [ "$1" -ne 0 ] && [ -z "$checked" ]; then
		echo "== leftovers after the failure"
		tests/check-leftovers.sh || true
	fi
}
trap 'leftovers_after_failure $?' EXIT

run_suite() {
	local dir=$1
	shift
	echo "== build $dir ($*)"
	cmake -S . -B "$dir" -DDEVPORTS_WERROR=ON "$@" >/dev/null
	cmake --build "$dir" -j "$jobs"
	echo "== test $dir"
	ctest --test-dir "$dir" --output-on-failure -j "$jobs"
}

run_suite build
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run_suite build-sanitize -DDEVPORTS_SANITIZE=ON

echo "== fuzz targets, ${FUZZ_SECONDS:-30} s each"
tests/fuzz/run.sh "${FUZZ_SECONDS:-30}"

echo "== build build-unsupported (-DDEVPORTS_FORCE_UNSUPPORTED=ON)"
cmake -S . -B build-unsupported -DDEVPORTS_WERROR=ON -DDEVPORTS_FORCE_UNSUPPORTED=ON >/dev/null
cmake --build build-unsupported -j "$jobs" --target devports
echo "== test build-unsupported"
ctest --test-dir build-unsupported --output-on-failure -R '^e2e_unsupported$' --no-tests=error
echo "== churn, ${CHURN_SECONDS:-30} s, sanitizer build"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	tests/churn.sh build-sanitize/devports build/tests/dp_churn "${CHURN_SECONDS:-30}"
echo "== soak, ${SOAK_MINUTES:-1} min under valgrind"
SOAK_WARM=20 tests/soak.sh build "${SOAK_MINUTES:-1}"
echo "== leftovers: nothing the tests started may still run"
checked=1
tests/check-leftovers.sh
echo "== all test suites passed"
