# fish completion for devports(1): subcommands, options, signal names, scenario files, and the
# PORT of `who`, `kill` and `wait` from the ports listening now (`devports list`).

function __devports_ports
    set -l tokens (commandline -opc)
    set -l demo
    if contains -- --demo $tokens
        set demo --demo
    end
    $tokens[1] $demo list 2>/dev/null | string match -r '^ *\d+\s+(?:tcp|udp)\S*\s+\S+\s+\S+\s+\S+\s+\S+' |
        string replace -r '^ *(\d+)\s+(\S+)\s+(\S+)\s+\S+\s+\S+\s+(\S+).*' '$1\t$4 $3 $2' | sort -u -n -k1,1
end

set -l commands list who kill free status wait config health
complete -c devports -f
complete -c devports -n "not __fish_seen_subcommand_from $commands" -a list -d 'every listener as a table (or JSON)'
complete -c devports -n "not __fish_seen_subcommand_from $commands" -a who -d 'who holds PORT'
complete -c devports -n "not __fish_seen_subcommand_from $commands" -a kill -d 'stop what holds PORT'
complete -c devports -n "not __fish_seen_subcommand_from $commands" -a free -d 'the first free TCP port from PORT, or a project\'s'
complete -c devports -n "not __fish_seen_subcommand_from $commands" -a status -d 'one line for a status bar: the dev servers'
complete -c devports -n "not __fish_seen_subcommand_from $commands" -a wait -d 'until PORT listens (or is free, or answers HTTP)'
complete -c devports -n "not __fish_seen_subcommand_from $commands" -a config -d 'check the config file, or say where it is'
complete -c devports -n "not __fish_seen_subcommand_from $commands" -a health -d 'run every health check once (exit 0 all pass, 1 some fail)'
complete -c devports -n "__fish_seen_subcommand_from who kill wait" -a '(__devports_ports)'
complete -c devports -n "__fish_seen_subcommand_from config" -a 'check path'

complete -c devports -s i -l interval -x -d 'dashboard refresh, 0.2 to 60 seconds'
complete -c devports -l json -d 'JSON instead of text'
complete -c devports -l demo -F -d 'play a JSON scenario instead of this machine'
complete -c devports -l proc-net -d 'read /proc/net instead of netlink (Linux)'
complete -c devports -l no-cache -d 'neither read nor write the owner cache'
complete -c devports -l config -r -F -d 'read this config file (JSON, or a .devports.yml)'
complete -c devports -n "__fish_seen_subcommand_from free" -l project -x -a '(devports free --all 2>/dev/null | string split -f1 " ")' -d 'the port of this project'
complete -c devports -n "__fish_seen_subcommand_from free" -l all -d 'a port for every project'
complete -c devports -n "__fish_seen_subcommand_from kill" -l force -d 'SIGKILL when SIGTERM was not enough'
complete -c devports -n "__fish_seen_subcommand_from kill" -s s -l signal -x -a 'TERM INT HUP QUIT KILL USR1 USR2' -d 'the signal to send'
complete -c devports -n "__fish_seen_subcommand_from kill" -s y -l yes -d 'do not ask'
complete -c devports -n "__fish_seen_subcommand_from wait" -l open -d 'until something listens (the default)'
complete -c devports -n "__fish_seen_subcommand_from wait" -l free -d 'until the port binds again'
complete -c devports -n "__fish_seen_subcommand_from wait" -l http -d 'until it answers HTTP'
complete -c devports -n "__fish_seen_subcommand_from wait" -l timeout -x -d 'give up after SECONDS (default 30)'
complete -c devports -n "__fish_seen_subcommand_from wait" -s q -l quiet -d 'no line when done'
complete -c devports -n "__fish_seen_subcommand_from status" -l all -d 'every listener'
complete -c devports -n "__fish_seen_subcommand_from status" -l tmux -d 'tmux colours for hints'
complete -c devports -n "__fish_seen_subcommand_from status" -l format -x -d '{port} {label} {process} {project} {pid} {flags}'
complete -c devports -n "__fish_seen_subcommand_from status" -l sep -x -d 'between items'
complete -c devports -n "__fish_seen_subcommand_from status" -l max -x -d 'the line\'s width'
complete -c devports -s h -l help -d 'print the usage'
complete -c devports -s V -l version -d 'print the version'
