#!/usr/bin/env bash
# Screenshots of the dashboard playing its built-in demo scenario, as PNG files beside this script:
# dashboard-100x30.png and dashboard-60x20.png.
#
# usage: screenshots/make.sh [--install-deps] [BUILD_DIR]     (BUILD_DIR defaults to build)
#   SHOT_DELAY=7           seconds to let the scenario play after the first frame
#   SHOT_KEYS="Down Down"  keys sent before the capture (tmux key names; empty for none)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
install_deps=0
build_dir=build
for arg in "$@"; do
    case $arg in
        --install-deps) install_deps=1 ;;
        -h|--help) sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 0 ;;
        -*) echo "make.sh: unknown option $arg" >&2; exit 2 ;;
        *) build_dir=$arg ;;
    esac
done
delay=${SHOT_DELAY:-7}
keys=${SHOT_KEYS-Down Down}
python=/usr/bin/python3   # Debian's interpreter, the one that sees python3-pil
font_dir=/usr/share/fonts/truetype/dejavu

missing=()
command -v tmux >/dev/null || missing+=(tmux)
"$python" -c 'import PIL' 2>/dev/null || missing+=(python3-pil)
[ -f "$font_dir/DejaVuSansMono.ttf" ] && [ -f "$font_dir/DejaVuSansMono-Bold.ttf" ] ||
    missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
    if [ $install_deps = 0 ]; then
        echo "make.sh: missing ${missing[*]}: apt-get install -y ${missing[*]} (or make.sh --install-deps)" >&2
        exit 1
    fi
    sudo=$( [ "$(id -u)" = 0 ] || echo sudo )
    $sudo apt-get install -y "${missing[@]}" || { $sudo apt-get update && $sudo apt-get install -y "${missing[@]}"; }
fi

[ -x "$build_dir/devports" ] ||
    { echo "make.sh: no $build_dir/devports: build it first (cmake -B $build_dir && cmake --build $build_dir)" >&2; exit 1; }
devports=$(cd "$build_dir" && pwd)/devports

tmp=$(mktemp -d)
socket=devports-shot-$$
tm() { tmux -L "$socket" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
export LANG=C.UTF-8
unset LC_ALL LC_CTYPE

# shot COLS ROWS: one screenshot of the dashboard in a terminal of that size
shot() {
    local cols=$1 rows=$2 out=$here/dashboard-$1x$2.png capture=$tmp/$1x$2.ansi
    tm start-server \; set -g default-terminal tmux-256color \; set -g status off \; \
        set -g remain-on-exit on \; \
        new-session -d -s shot -x "$cols" -y "$rows" -e LANG=C.UTF-8 "$(printf %q "$devports") --demo"
    local tries=50
    until tm capture-pane -p -t shot | grep -q listening || [ $((tries -= 1)) = 0 ]; do
        sleep 0.1
    done
    if ! tm capture-pane -p -t shot | grep -q listening; then
        echo "make.sh: the dashboard did not draw within 5 s; the screen was:" >&2
        tm capture-pane -p -t shot >&2
        exit 1
    fi
    sleep "$delay"
    if [ -n "$keys" ]; then
        # shellcheck disable=SC2086  # one tmux key name per word
        tm send-keys -t shot $keys
        sleep 0.5
    fi
    tm capture-pane -e -p -N -t shot >"$capture"   # -N keeps the trailing cells of reversed bars
    tm kill-server
    "$python" "$here/render.py" "$capture" "$out" --cols "$cols" --rows "$rows"
    echo "wrote $out"
}

shot 100 30
shot 60 20
