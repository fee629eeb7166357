#!/usr/bin/env bash
# usage: tests/fuzz/run.sh SECONDS [TARGET...]
#
# Builds the libFuzzer targets into build-fuzz (clang, -DDEVPORTS_FUZZ=ON) and runs each TARGET
# (default: every one) for SECONDS on a copy of its seed corpus tests/fuzz/corpus/TARGET, with its
# dictionary tests/fuzz/TARGET.dict when there is one; a run never writes into the repository.
# FUZZ_JOBS targets run at a time (default 2). Prints the executions of each target; exits 1 when
# any crashed, leaked, hung or broke an invariant. The logs are kept in build-fuzz/fuzz-logs/, and
# what a target found (the input) in build-fuzz/findings/TARGET/.
set -euo pipefail
# Each target runs in a process group of its own, all of them ended at exit (a failure, Ctrl-C).
. "$(dirname "$0")/../lib/procs.sh"

# run_one TARGET: fuzzes it for $seconds; the fuzzer's exit status goes to $logs/TARGET.status.
run_one() {
	local t=$1 findings="$build/findings/$1" dict=()
	rm -rf "$findings"
	mkdir -p "$findings" "$work/$t"
	cp -r "tests/fuzz/corpus/$t/." "$work/$t/"
	if [ -f "tests/fuzz/$t.dict" ]; then
		dict=(-dict="tests/fuzz/$t.dict")
	fi
	local status=0
	"$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		"${dict[@]}" -print_final_stats=1 -artifact_prefix="$findings/" "$work/$t" \
		>"$logs/$t.log" 2>&1 || status=$?
	echo "$status" >"$logs/$t.status"
}

# report TARGET: one line of the summary; returns 1 when the target failed.
report() {
	local t=$1 log="$logs/$1.log" status execs rate cov corpus result=ok
	status=$(cat "$logs/$t.status" 2>/dev/null || echo "?")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
	corpus=$(find "$work/$t" -type f | wc -l)
	if [ "$status" != 0 ]; then
		result="FAILED (exit $status; see $log and $build/findings/$t/)"
		grep -E 'ERROR|invariant|SUMMARY|leak|Test unit written' "$log" | head -20 |
			sed "s/^/  $t: /" || true
	fi
	printf '%-11s %12s %10s %7s %7s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
		"$corpus" "$result"
	[ "$status" = 0 ]
}

main() {
	cd "$(dirname "$0")/../.."
	seconds=${1:?usage: tests/fuzz/run.sh SECONDS [TARGET...]}
	shift
	build=${FUZZ_BUILD:-build-fuzz}
	local jobs=${FUZZ_JOBS:-2} targets=() t
	if ! command -v clang >/dev/null; then
		echo "clang not found: apt-get install clang libclang-rt-14-dev"
		return 2
	fi
	if [ $# -gt 0 ]; then
		targets=("$@")
	else
		for t in tests/fuzz/corpus/*/; do
			t=$(basename "$t")
			if [ "$(uname -s)" != Linux ] &&
				{ [ "$t" = procnet ] || [ "$t" = sockdiag ] || [ "$t" = owners_file ] ||
					[ "$t" = cgroup_unit ]; }; then
				continue # the Linux backend's parsers are built only there
			fi
			targets+=("$t")
		done
	fi

	echo "== build $build (clang, libFuzzer, ASan, UBSan)"
	cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DDEVPORTS_FUZZ=ON -DBUILD_TESTING=OFF \
		-DDEVPORTS_WERROR=ON >/dev/null
	cmake --build "$build" -j "$jobs" --target "${targets[@]/#/fuzz_}"

	work=$(mktemp -d)
	at_exit 'rm -rf "$work"'
	logs="$build/fuzz-logs"
	mkdir -p "$logs"
	export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

	echo "== fuzz ${targets[*]}: ${seconds} s each, $jobs at a time"
	for t in "${targets[@]}"; do
		rm -f "$logs/$t.status"
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
			wait -n || true
		done
		start_group run_one "$t"
	done
	wait

	local failed=0
	printf '%-11s %12s %10s %7s %7s  %s\n' target executions "exec/s" cov corpus result
	for t in "${targets[@]}"; do
		report "$t" || failed=1
	done
	return $failed
}

# The whole file is read before anything runs, so editing it during a long run is harmless.
main "$@"; exit
