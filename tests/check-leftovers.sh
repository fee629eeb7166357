#!/usr/bin/env bash
# Checks that nothing the tests started is still running; tests/run-all.sh runs it last, and it
# can be run alone at any time.
#
# usage: tests/check-leftovers.sh [DIR...]
#   DIR: a build folder to look into; by default every build folder of the repository: build and
#   build-* (build-sanitize, build-fuzz, build-unsupported...), whether they still exist or not (a
#   process may still run in a folder deleted since).
#
# A process is left over when
# - its working directory or its executable is inside one of those folders, or an argument of its
#   command line is an absolute path inside one (a dashboard under valgrind, a script);
# - or its environment holds DEVPORTS_TEST_RUN with the value this script has in its own (set by
#   tests/run-all.sh for everything it starts: it finds, for instance, a tmux server started in
#   the repository's root).
# Not left over: this script and what it runs, its ancestors (the shell or tests/run-all.sh that
# called it), the other commands of its pipeline, zombies (they have exited; their parent or init
# reaps them), and processes whose /proc entries this user may not read or that vanish while they
# are read.
#
# A process that is ending may take a moment: the check looks again for up to LEFTOVER_GRACE
# seconds (default 3). Then it prints every process left over (pid, parent, process group,
# command, working directory, executable, why) and the sockets they listen on, and exits 1; with
# none left it exits 0. It reads /proc: on a system without it, it says so and exits 0.
set -u
root=$(cd "$(dirname "$0")/.." && pwd -P)
marker=${DEVPORTS_TEST_RUN:-}
grace=${LEFTOVER_GRACE:-3}

if [ ! -r /proc/self/stat ]; then
	echo "check-leftovers: no /proc here: not checked"
	exit 0
fi

dirs=()
for d in "$@"; do
	d=$(cd "$d" 2>/dev/null && pwd -P || printf '%s' "$d")
	dirs+=("${d%/}")
done

# inside PATH: whether PATH is inside one of the build folders (" (deleted)" is what the kernel
# appends to a path that no longer exists).
inside() {
	local p=${1% (deleted)} d
	if [ ${#dirs[@]} -eq 0 ]; then
		case $p in
		"$root"/build | "$root"/build/* | "$root"/build-*) return 0 ;;
		esac
		return 1
	fi
	for d in "${dirs[@]}"; do
		case $p in
		"$d" | "$d"/*) return 0 ;;
		esac
	done
	return 1
}

# stat_of PID: sets st_state, st_ppid, st_pgid from /proc/PID/stat; 1 if it has gone.
stat_of() {
	local line rest
	read -r line 2>/dev/null <"/proc/$1/stat" || return 1
	rest=${line##*) } # the command name may hold anything, up to the last ')'
	read -r st_state st_ppid st_pgid _ <<<"$rest"
	[ -n "${st_pgid:-}" ]
}

# This script, its ancestors: never left over. Its children are found by their ancestry.
declare -A mine=()
p=$$
while [ -n "$p" ] && [ "$p" -gt 0 ] && [ -z "${mine[$p]:-}" ]; do
	mine[$p]=1
	stat_of "$p" || break
	p=$st_ppid
done

# The pipes on this script's stdin, stdout and stderr: a process of the caller's pipeline that
# holds one (`check-leftovers.sh | less` run in a build folder) is not left over either.
declare -A pipes=()
for fd in 0 1 2; do
	link=$(readlink "/proc/$$/fd/$fd" 2>/dev/null) || continue
	case $link in pipe:*) pipes[$link]=1 ;; esac
done

# ours PID: whether PID is this script, runs under it, or shares a pipe with it.
ours() {
	local p=$1 n=0 fd link
	for fd in 0 1 2; do
		link=$(readlink "/proc/$1/fd/$fd" 2>/dev/null) || continue
		[ -n "${pipes[$link]:-}" ] && return 0
	done
	while [ "$p" -gt 1 ] && [ $n -lt 64 ]; do
		[ "$p" = $$ ] && return 0
		stat_of "$p" || return 1
		p=$st_ppid
		n=$((n + 1))
	done
	return 1
}

# scan: fills found[PID]=why for every process left over now.
scan() {
	local path link pid cwd exe why arg
	local -A cwds=() exes=()
	found=()
	# One find for every link (a builtin loop over /proc would fork a readlink per process).
	while IFS=$'\t' read -r path link; do
		pid=${path#/proc/}
		pid=${pid%%/*}
		case $path in
		*/cwd) cwds[$pid]=$link ;;
		*/exe) exes[$pid]=$link ;;
		esac
	done < <(find /proc/[0-9]*/cwd /proc/[0-9]*/exe -maxdepth 0 -printf '%p\t%l\n' 2>/dev/null)
	for path in /proc/[0-9]*; do
		pid=${path#/proc/}
		[ -n "${mine[$pid]:-}" ] && continue
		cwd=${cwds[$pid]:-} exe=${exes[$pid]:-} why=
		if [ -n "$cwd" ] && inside "$cwd"; then
			why="working directory in a build folder"
		elif [ -n "$exe" ] && inside "$exe"; then
			why="executable in a build folder"
		else
			local -a args=() env=()
			mapfile -d '' -t args 2>/dev/null <"$path/cmdline" || continue
			for arg in ${args[@]+"${args[@]}"}; do
				case $arg in
				/*) inside "$arg" && why="runs a file of a build folder: $arg" && break ;;
				esac
			done
			if [ -z "$why" ] && [ -n "$marker" ] &&
				mapfile -d '' -t env 2>/dev/null <"$path/environ"; then
				for arg in ${env[@]+"${env[@]}"}; do
					[ "$arg" = "DEVPORTS_TEST_RUN=$marker" ] && why="started by this test run" && break
				done
			fi
		fi
		[ -n "$why" ] || continue
		stat_of "$pid" || continue
		case $st_state in Z | X) continue ;; esac
		ours "$pid" && continue
		found[$pid]=$why
	done
}

declare -A found=()
deadline=$(($(date +%s) + grace))
while :; do
	scan
	[ ${#found[@]} -eq 0 ] && exit 0
	[ "$(date +%s)" -ge "$deadline" ] && break
	sleep 0.5
done

# The report; a process may still vanish while it is written.
listeners=$(ss -Htulpn 2>/dev/null || true)
echo "FAIL: ${#found[@]} process(es) started by the tests still running (root $root):"
for pid in $(printf '%s\n' "${!found[@]}" | sort -n); do
	stat_of "$pid" || {
		echo "  pid $pid: gone while this was written"
		continue
	}
	cmd=$(tr '\0\n\t' '   ' 2>/dev/null <"/proc/$pid/cmdline")
	[ -n "$cmd" ] || cmd="[$(cat "/proc/$pid/comm" 2>/dev/null)]"
	cmd=${cmd% }
	[ ${#cmd} -le 240 ] || cmd="${cmd:0:240}..."
	echo "  pid $pid (parent $st_ppid, process group $st_pgid): $cmd"
	echo "    cwd $(readlink "/proc/$pid/cwd" 2>/dev/null || echo '?')"
	echo "    exe $(readlink "/proc/$pid/exe" 2>/dev/null || echo '?')"
	echo "    why ${found[$pid]}"
	printf '%s\n' "$listeners" | grep -E "pid=$pid," | awk '{ print "    listens " $1 " " $5 }'
done
exit 1
