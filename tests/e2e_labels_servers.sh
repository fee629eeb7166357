#!/usr/bin/env bash
# Labels on real servers, started the way their users start them (README "Labels"): each needs a
# Debian package (nodejs, npm, node-express, python3-uvicorn, python3-flask, python3-django,
# gunicorn, ruby-sinatra) and is skipped, saying which, when it is missing; CI installs them all. Each server
# starts in its project folder through `env -C` (start_group must run in this shell, not a
# subshell, to end the group when the script exits).
#  - an Express app started with `npm start` (node server.js; package.json depends on express):
#    "Express" from package.json, and the script in the holder's launcher;
#  - a plain `node --inspect server.js` HTTP server: "Node.js server.js", its inspector port
#    "Node inspector";
#  - webpack-dev-server, which names its process "webpack" (a node server that does the same, in
#    a project whose package.json lists webpack-dev-server: the real one is not packaged): on
#    8081 when free, "webpack dev" and never 8081's port-table guess;
#  - uvicorn --reload: the row "Uvicorn", and its worker (`python3 -c from multiprocessing...`)
#    "Uvicorn" from its parent;
#  - gunicorn's workers; Django's runserver (its reloader's child holds the socket); `python3
#    app.py` in a project whose requirements.txt lists flask; a Sinatra app (`ruby app.rb`,
#    Gemfile);
#  - four node servers, each working in a project whose package.json is valid (express), 10 MB,
#    invalid JSON, or a FIFO: only the first gets the manifest's label, the others say
#    "Node.js server.js" (and nothing waits on the FIFO).
set -u
DEVPORTS=${1:?usage: e2e_labels_servers.sh DEVPORTS}
. "$(dirname "$0")/lib/procs.sh"
. "$(dirname "$0")/lib/report.sh"
PY=/usr/bin/python3 # Debian's modules are installed for Debian's python
[ -x "$PY" ] || skip "no /usr/bin/python3"
work=$(mktemp -d)
at_exit 'rm -rf "$work"'
export NODE_PATH=/usr/share/nodejs # Debian's node modules (node-express)
ran=0

# A free TCP port at or after $1.
port_from() { "$DEVPORTS" free "$1"; }

# label PORT [PID]: "text|source|from" of PORT's 127.0.0.1 entry (of holder PID when given).
label() {
	"$DEVPORTS" --json --no-cache | "$PY" -c '
import json, sys
port, pid = int(sys.argv[1]), int(sys.argv[2])
for l in json.load(sys.stdin)["listeners"]:
    if l["port"] != port or l["proto"] != "tcp":
        continue
    lab = l["label"]
    for p in l["processes"]:
        if p["pid"] == pid:
            lab = p["label"]
    print("%s|%s|%s" % (lab["text"], lab["source"], lab["from"]) if lab else "null")
    break
' "$1" "${2:-0}"
}

# launcher PORT: the lead holder's launcher.
launcher() {
	"$DEVPORTS" who "$1" --json --no-cache |
		"$PY" -c 'import json,sys; print(json.load(sys.stdin)["listeners"][0]["processes"][0]["launcher"])'
}

# wait_listen PORT [HOLDERS]: until PORT listens (with HOLDERS processes on it), at most 20 s.
wait_listen() {
	local i n
	for i in $(seq 200); do
		n=$("$DEVPORTS" who "$1" --json --no-cache 2>/dev/null |
			"$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["listeners"][0]["processes"]))' 2>/dev/null)
		[ -n "$n" ] && [ "$n" -ge "${2:-1}" ] && return 0
		sleep 0.1
	done
	return 1
}

expect() { # expect WHAT GOT WANT
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
	pass "$1: $2"
}

have_node() { command -v node >/dev/null && node -e 'require("express")' 2>/dev/null; }

# ---- Express through npm start
if have_node && command -v npm >/dev/null; then
	p=$(port_from 3100)
	mkdir -p "$work/shop"
	cat >"$work/shop/package.json" <<JSON
{"name": "shop", "version": "1.0.0", "main": "server.js",
 "scripts": {"start": "node server.js"}, "dependencies": {"express": "^4.18.0"}}
JSON
	cat >"$work/shop/server.js" <<JS
const app = require("express")();
app.get("/", (req, res) => res.send("shop"));
app.listen($p, "127.0.0.1");
JS
	start_group env -C "$work/shop" npm start --silent >"$work/shop.log" 2>&1
	wait_listen "$p" || fail "npm start: nothing listens on $p: $(cat "$work/shop.log")"
	expect "npm start, package.json depends on express" "$(label "$p")" \
		"Express|manifest|package.json: express"
	expect "the script that started it" "$(launcher "$p")" "npm start"
	ran=$((ran + 1))
else
	echo "SKIP: Express through npm start (needs nodejs, npm and node-express)"
fi

# ---- node --inspect server.js, no project
if command -v node >/dev/null; then
	p=$(port_from 3200)
	ip=$(port_from 9300)
	mkdir -p "$work/plain"
	echo "require('http').createServer((q, s) => s.end('plain')).listen($p, '127.0.0.1');" \
		>"$work/plain/server.js"
	start_group env -C "$work/plain" node --inspect=127.0.0.1:"$ip" server.js >"$work/plain.log" 2>&1
	wait_listen "$p" && wait_listen "$ip" || fail "node --inspect: $(cat "$work/plain.log")"
	expect "node --inspect server.js" "$(label "$p")" "Node.js server.js|runtime|runtime: node"
	expect "its inspector" "$(label "$ip" | cut -d'|' -f1-2)" "Node inspector|process"
	ran=$((ran + 1))
fi

# ---- a process named webpack (webpack-dev-server's own title)
if command -v node >/dev/null; then
	p=8081
	"$DEVPORTS" who 8081 --no-cache >/dev/null 2>&1
	[ $? = 1 ] || p=$(port_from 8181)
	mkdir -p "$work/front"
	echo '{"name": "front", "devDependencies": {"webpack": "^5", "webpack-dev-server": "^4"}}' \
		>"$work/front/package.json"
	cat >"$work/front/serve.js" <<JS
process.title = "webpack";
require("http").createServer((q, s) => s.end("bundle")).listen($p, "127.0.0.1");
JS
	start_group env -C "$work/front" node serve.js >"$work/front.log" 2>&1
	wait_listen "$p" || fail "webpack stand-in: $(cat "$work/front.log")"
	expect "a listening webpack on $p" "$(label "$p" | cut -d'|' -f1-2)" "webpack dev|process"
	ran=$((ran + 1))
fi

# ---- uvicorn --reload
if "$PY" -c 'import uvicorn' 2>/dev/null; then
	p=$(port_from 8300)
	mkdir -p "$work/api"
	cat >"$work/api/app.py" <<'PYAPP'
async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"api"})
PYAPP
	touch "$work/api/requirements.txt"
	start_group env -C "$work/api" "$PY" -m uvicorn app:app --reload --host 127.0.0.1 --port "$p" \
		>"$work/api.log" 2>&1
	wait_listen "$p" 2 || fail "uvicorn --reload: $(cat "$work/api.log")"
	expect "uvicorn --reload" "$(label "$p" | cut -d'|' -f1-2)" "Uvicorn|process"
	worker=$("$DEVPORTS" who "$p" --json --no-cache | "$PY" -c '
import json, sys
for p in json.load(sys.stdin)["listeners"][0]["processes"]:
    if p["role"] == "worker":
        print(p["pid"]); break')
	[ -n "$worker" ] || fail "uvicorn --reload: no worker holds $p"
	grep -q multiprocessing "/proc/$worker/cmdline" || fail "uvicorn's worker runs $(tr '\0' ' ' <"/proc/$worker/cmdline")"
	expect "uvicorn's worker (python3 -c ...)" "$(label "$p" "$worker")" "Uvicorn|parent|parent: uvicorn"
	ran=$((ran + 1))
else
	echo "SKIP: uvicorn --reload (needs python3-uvicorn)"
fi

# ---- gunicorn's workers
if command -v gunicorn >/dev/null && "$PY" -c 'import flask' 2>/dev/null; then
	p=$(port_from 8400)
	mkdir -p "$work/gun"
	printf 'from flask import Flask\napp = Flask(__name__)\n' >"$work/gun/app.py"
	echo flask >"$work/gun/requirements.txt"
	start_group env -C "$work/gun" gunicorn -w 2 -b 127.0.0.1:"$p" app:app >"$work/gun.log" 2>&1
	wait_listen "$p" 3 || fail "gunicorn: $(cat "$work/gun.log")"
	expect "gunicorn" "$(label "$p" | cut -d'|' -f1-2)" "Gunicorn|process"
	ran=$((ran + 1))
fi

# ---- Django's runserver: its autoreloader's child holds the socket
if "$PY" -c 'import django' 2>/dev/null; then
	p=$(port_from 8500)
	mkdir -p "$work/dj"
	"$PY" -m django startproject shopsite "$work/dj" >"$work/dj.log" 2>&1 || fail "django startproject: $(cat "$work/dj.log")"
	start_group env -C "$work/dj" "$PY" manage.py runserver 127.0.0.1:"$p" >>"$work/dj.log" 2>&1
	wait_listen "$p" || fail "runserver: $(cat "$work/dj.log")"
	expect "manage.py runserver" "$(label "$p" | cut -d'|' -f1-2)" "Django|process"
	ran=$((ran + 1))
else
	echo "SKIP: Django's runserver (needs python3-django)"
fi

# ---- python3 app.py, requirements.txt lists flask
if "$PY" -c 'import flask' 2>/dev/null; then
	p=$(port_from 5100)
	mkdir -p "$work/web"
	printf '# the web app\nFlask>=2.0  # pinned in CI\n' >"$work/web/requirements.txt"
	cat >"$work/web/app.py" <<PYAPP
from flask import Flask
app = Flask(__name__)
app.run(host="127.0.0.1", port=$p)
PYAPP
	start_group env -C "$work/web" "$PY" app.py >"$work/web.log" 2>&1
	wait_listen "$p" || fail "flask app: $(cat "$work/web.log")"
	expect "python3 app.py, requirements.txt lists flask" "$(label "$p")" \
		"Flask|manifest|requirements.txt: Flask"
	ran=$((ran + 1))
else
	echo "SKIP: a Flask app (needs python3-flask)"
fi

# ---- ruby app.rb, Gemfile lists sinatra
if command -v ruby >/dev/null && ruby -e 'require "sinatra/base"; require "webrick"' 2>/dev/null; then
	p=$(port_from 4600)
	mkdir -p "$work/rb"
	printf "source 'https://rubygems.org'\ngem 'sinatra', '~> 3.0'\n" >"$work/rb/Gemfile"
	cat >"$work/rb/app.rb" <<RB
require "sinatra/base"
class App < Sinatra::Base
  set :server, "webrick"
  set :bind, "127.0.0.1"
  set :port, $p
  get("/") { "rb" }
end
App.run!
RB
	start_group env -C "$work/rb" ruby app.rb >"$work/rb.log" 2>&1
	wait_listen "$p" || fail "sinatra: $(cat "$work/rb.log")"
	expect "ruby app.rb, Gemfile lists sinatra" "$(label "$p")" "Sinatra|manifest|Gemfile: sinatra"
	ran=$((ran + 1))
else
	echo "SKIP: a Sinatra app (needs ruby-sinatra)"
fi

# ---- bad manifests cost their own row only
if command -v node >/dev/null; then
	base=$(port_from 3400)
	i=0
	for kind in good big invalid fifo; do
		d="$work/m-$kind"
		mkdir -p "$d"
		port=$(port_from $((base + i)))
		i=$((i + 1 + port - base - i))
		eval "port_$kind=$port"
		# the script lies outside the project (node would read a package.json beside it and
		# stop at an invalid one, or wait on the FIFO); the project is the working directory
		mkdir -p "$work/srv-$kind"
		echo "require('http').createServer((q, s) => s.end('$kind')).listen($port, '127.0.0.1');" \
			>"$work/srv-$kind/server.js"
		good='{"name": "m", "main": "server.js", "dependencies": {"express": "^4"}}'
		case $kind in
		good) echo "$good" >"$d/package.json" ;;
		big) "$PY" -c 'import sys; sys.stdout.write(sys.argv[1][:-1] + ", \"pad\": \"" + "x" * (10 << 20) + "\"}")' "$good" >"$d/package.json" ;;
		invalid) echo '{"name": "m", "main": "server.js", "dependencies": {"express": "^4",}}' >"$d/package.json" ;;
		fifo) mkfifo "$d/package.json" ;;
		esac
		start_group env -C "$d" node "$work/srv-$kind/server.js" >"$d.log" 2>&1
	done
	for kind in good big invalid fifo; do
		eval "port=\$port_$kind"
		wait_listen "$port" || fail "$kind manifest's server: $(cat "$work/m-$kind.log")"
	done
	expect "a valid package.json" "$(label "$port_good" | cut -d'|' -f1-2)" "Express|manifest"
	for kind in big invalid fifo; do
		eval "port=\$port_$kind"
		expect "a package.json that is $kind" "$(label "$port" | cut -d'|' -f1-2)" "Node.js server.js|runtime"
	done
	ran=$((ran + 1))
fi
[ "$ran" -gt 0 ] || skip "none of node, python3-uvicorn, python3-flask, ruby-sinatra is installed"
