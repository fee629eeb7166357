# bash completion for devports(1): subcommands, options, signal names, scenario files, and the
# PORT of `who`, `kill` and `wait` from the ports listening now (`devports list`, with the command line's
# --demo FILE when it has one). Needs nothing but bash; bash-completion loads it on demand from
# share/bash-completion/completions/devports.

# The ports listening now, one per line, as the devports being completed sees them.
_devports_ports()
{
	local prog=${COMP_WORDS[0]} i w
	local -a demo=()
	for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
		[[ ${COMP_WORDS[i]} == --demo ]] || continue
		demo=(--demo)
		w=${COMP_WORDS[i + 1]-}
		# --demo FILE: the next word unless it is an option, a command or being typed
		if ((i + 1 != COMP_CWORD)) && [[ -n $w && $w != -* && " $_devports_commands " != *" $w "* ]]; then
			demo+=("$w")
		fi
	done
	[[ $prog == "~/"* ]] && prog=$HOME/${prog#"~/"}
	"$prog" "${demo[@]}" list 2>/dev/null |
		awk '$1 ~ /^[0-9]+$/ && $2 ~ /^(tcp|udp)/ { print $1 }' | sort -un
}

_devports_commands="list who kill free status wait config health"

_devports()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local options="-i --interval --json --demo --proc-net --no-cache --config -h --help -V --version"
	local free_options="--project --all"
	local kill_options="--force -s --signal -y --yes"
	local wait_options="--open --free --http --timeout -q --quiet"
	local status_options="--all --tmux --format --sep --max"
	local signals="TERM INT HUP QUIT KILL USR1 USR2"
	local command= nargs=0 i w
	COMPREPLY=()

	# --signal=NAME and --interval=SECONDS: bash splits the word at '='
	if [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == = ]]; then
		cur=
	fi

	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-i | --interval | -s | --signal | --timeout | --format | --sep | --max | --config | --project) ((i++)) ;;
		-* | =) ;;
		*)
			if [[ -z $command && " $_devports_commands " == *" $w "* ]]; then
				command=$w
			elif [[ -n $command && ${COMP_WORDS[i - 1]} != = ]]; then
				((nargs++))
			fi
			;;
		esac
	done

	case $prev in
	-s | --signal)
		COMPREPLY=($(compgen -W "$signals" -- "$cur"))
		return
		;;
	-i | --interval | --timeout | --format | --sep | --max)
		return
		;;
	--config)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--project)
		# the projects of the map here: the first word of `free --all`'s lines
		COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" free --all 2>/dev/null | cut -d' ' -f1)" -- "$cur"))
		return
		;;
	--demo)
		if [[ $cur != -* ]]; then
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
			[[ -n $command ]] || COMPREPLY+=($(compgen -W "$_devports_commands" -- "$cur"))
			return
		fi
		;;
	esac

	if [[ $cur == -* ]]; then
		[[ $command == kill ]] && options+=" $kill_options"
		[[ $command == wait ]] && options+=" $wait_options"
		[[ $command == status ]] && options+=" $status_options"
		[[ $command == free ]] && options+=" $free_options"
		COMPREPLY=($(compgen -W "$options" -- "$cur"))
		return
	fi
	case $command in
	"") COMPREPLY=($(compgen -W "$_devports_commands" -- "$cur")) ;;
	who | kill | wait) ((nargs == 0)) && COMPREPLY=($(compgen -W "$(_devports_ports)" -- "$cur")) ;;
	config) ((nargs == 0)) && COMPREPLY=($(compgen -W "check path" -- "$cur")) ;;
	esac
}

complete -F _devports devports
