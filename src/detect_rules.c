/* detect_rules.c - how to recognise what a process is, as data. Tried from top to bottom, the first
 * match wins: rules about one port of a process come first, specific ones before general ones
 * (Laravel's `php -S` before any `php -S`), and the bare language runtimes last. Labels fit the
 * LABEL column of a 60-column pane. See detect.h for what each field means. */
#include "detect.h"

/* clang-format off */
const struct detect_rule detect_rules[] = {
	/* One port of a process: the inspector, not the app the same node serves. */
	{.label = "Node inspector", .role = ROLE_DEV, .prog = "node|nodejs|deno",
	 .port_arg = "--inspect", .port_default = 9229},

	/* JavaScript dev servers and tools. */
	{.label = "Next.js dev", .role = ROLE_DEV, .args = {"next", "dev"}},
	{.label = "Next.js", .role = ROLE_DEV, .args = {"next", "start"}},
	{.label = "Next.js", .role = ROLE_DEV, .prog = "next-server*"}, /* its own process title */
	{.label = "Vite preview", .role = ROLE_DEV, .args = {"vite", "preview"}},
	{.label = "Vite", .role = ROLE_DEV, .args = {"vite"}},
	{.label = "webpack dev", .role = ROLE_DEV, .args = {"webpack-dev-server"}},
	{.label = "webpack dev", .role = ROLE_DEV, .args = {"webpack|webpack-cli", "serve"}},
	/* webpack-dev-server names its process "webpack": a listening webpack is its dev server */
	{.label = "webpack dev", .role = ROLE_DEV, .prog = "webpack|webpack-cli"},
	{.label = "Angular", .role = ROLE_DEV, .args = {"ng", "serve|s|dev"}},
	{.label = "Create React App", .role = ROLE_DEV, .args = {"react-scripts", "start"}},
	{.label = "Create React App", .role = ROLE_DEV, .within = "react-scripts/scripts/start"},
	{.label = "Nuxt", .role = ROLE_DEV, .args = {"nuxt|nuxi"}},
	{.label = "Nuxt", .role = ROLE_DEV, .within = "/nuxi/dist/"},
	{.label = "Astro", .role = ROLE_DEV, .args = {"astro", "dev|preview|start"}},
	{.label = "Remix", .role = ROLE_DEV, .args = {"remix", "dev|vite:dev"}},
	{.label = "Remix", .role = ROLE_DEV, .args = {"remix-serve"}},
	{.label = "Gatsby", .role = ROLE_DEV, .args = {"gatsby", "develop|serve"}},
	{.label = "Storybook", .role = ROLE_DEV, .args = {"storybook|start-storybook"}},
	{.label = "Expo", .role = ROLE_DEV, .args = {"expo", "start"}},
	{.label = "Metro", .role = ROLE_DEV, .args = {"react-native", "start"}},
	{.label = "esbuild serve", .role = ROLE_DEV, .args = {"esbuild"}, .within = "--serve"},
	{.label = "Parcel", .role = ROLE_DEV, .args = {"parcel"}},
	{.label = "Eleventy", .role = ROLE_DEV, .args = {"eleventy"}},
	{.label = "SvelteKit", .role = ROLE_DEV, .args = {"svelte-kit", "dev|preview"}},
	{.label = "Vercel dev", .role = ROLE_DEV, .args = {"vercel", "dev"}},
	{.label = "Netlify dev", .role = ROLE_DEV, .args = {"netlify", "dev"}},
	{.label = "Wrangler", .role = ROLE_DEV, .args = {"wrangler", "dev"}},
	{.label = "Firebase emulators", .role = ROLE_DEV, .args = {"firebase", "emulators:start"}},
	{.label = "json-server", .role = ROLE_DEV, .args = {"json-server"}},
	{.label = "http-server", .role = ROLE_DEV, .args = {"http-server"}},
	{.label = "live-server", .role = ROLE_DEV, .args = {"live-server"}},
	{.label = "serve (static)", .role = ROLE_DEV, .prog = "node", .args = {"serve"}},

	/* Python. */
	{.label = "Python http.server", .role = ROLE_DEV, .args = {"-m", "http.server"}},
	{.label = "Flask", .role = ROLE_DEV, .args = {"-m", "flask"}, .children = true},
	{.label = "Flask", .role = ROLE_DEV, .args = {"flask", "run"}, .children = true},
	{.label = "Flask", .role = ROLE_DEV, .prog = "python*", .within = "werkzeug"},
	{.label = "Django", .children = true, .role = ROLE_DEV, .args = {"runserver*"}},
	{.label = "FastAPI", .role = ROLE_DEV, .args = {"fastapi", "dev|run"}},
	{.label = "Uvicorn", .children = true, .role = ROLE_DEV, .args = {"uvicorn"}},
	{.label = "Gunicorn", .children = true, .role = ROLE_DEV, .args = {"gunicorn"}},
	{.label = "Hypercorn", .children = true, .role = ROLE_DEV, .args = {"hypercorn"}},
	{.label = "Daphne", .children = true, .role = ROLE_DEV, .args = {"daphne"}},
	{.label = "Jupyter", .role = ROLE_DEV, .args = {"jupyter-notebook|jupyter-lab|jupyter-server"}},
	{.label = "Jupyter", .role = ROLE_DEV, .args = {"jupyter", "notebook|lab|server"}},
	{.label = "Jupyter", .role = ROLE_DEV, .args = {"-m", "jupyter|jupyterlab|notebook"}},
	{.label = "Jupyter kernel", .role = ROLE_DEV, .args = {"-m", "ipykernel_launcher|ipykernel"}},
	{.label = "Streamlit", .role = ROLE_DEV, .args = {"streamlit", "run"}},
	{.label = "MkDocs", .role = ROLE_DEV, .args = {"mkdocs", "serve"}},
	{.label = "TensorBoard", .role = ROLE_DEV, .args = {"tensorboard"}},

	/* Ruby, PHP, Elixir, Go, Rust and static site generators. */
	{.label = "Rails", .children = true, .role = ROLE_DEV, .args = {"rails", "server|s"}},
	{.label = "Puma", .children = true, .role = ROLE_DEV, .args = {"puma"}},
	{.label = "Jekyll", .role = ROLE_DEV, .args = {"jekyll", "serve|server|s"}},
	{.label = "Rack", .role = ROLE_DEV, .args = {"rackup"}},
	{.label = "PHP-FPM", .children = true, .role = ROLE_SERVICE, .prog = "php-fpm*"},
	{.label = "Laravel", .role = ROLE_DEV, .args = {"artisan", "serve"}},
	{.label = "Laravel", .role = ROLE_DEV, .prog = "php*", .args = {"-S"}, .within = "laravel/"},
	{.label = "Symfony", .role = ROLE_DEV, .args = {"symfony", "serve|server:start"}},
	{.label = "PHP built-in", .role = ROLE_DEV, .prog = "php*", .args = {"-S"}},
	{.label = "Phoenix", .role = ROLE_DEV, .args = {"phx.server"}},
	{.label = "Hugo", .role = ROLE_DEV, .args = {"hugo", "server|serve"}},
	{.label = "Zola", .role = ROLE_DEV, .args = {"zola", "serve"}},
	{.label = "mdBook", .role = ROLE_DEV, .args = {"mdbook", "serve"}},
	{.label = "Trunk", .role = ROLE_DEV, .args = {"trunk", "serve"}},

	/* The JVM: the main class or jar says what it is. */
	{.label = "Spring Boot", .role = ROLE_DEV, .within = "org.springframework.boot"},
	{.label = "Spring Boot", .role = ROLE_DEV, .prog = "java", .within = "spring-boot"},
	{.label = "Tomcat", .role = ROLE_SERVICE, .within = "org.apache.catalina"},
	{.label = "Kafka", .role = ROLE_SERVICE, .within = "kafka.Kafka"},
	{.label = "ZooKeeper", .role = ROLE_SERVICE, .within = "org.apache.zookeeper"},
	{.label = "Elasticsearch", .role = ROLE_DATABASE, .within = "org.elasticsearch"},
	{.label = "OpenSearch", .role = ROLE_DATABASE, .within = "org.opensearch"},
	{.label = "Cassandra", .role = ROLE_DATABASE, .within = "org.apache.cassandra"},
	{.label = "Gradle daemon", .role = ROLE_APP, .within = "org.gradle.launcher.daemon"},

	/* Databases, caches, brokers. */
	{.label = "PostgreSQL", .role = ROLE_DATABASE, .prog = "postgres|postmaster"},
	{.label = "MySQL", .role = ROLE_DATABASE, .prog = "mysqld"},
	{.label = "MariaDB", .role = ROLE_DATABASE, .prog = "mariadbd"},
	{.label = "Redis", .role = ROLE_DATABASE, .prog = "redis-server"},
	{.label = "Valkey", .role = ROLE_DATABASE, .prog = "valkey-server"},
	{.label = "MongoDB", .role = ROLE_DATABASE, .prog = "mongod|mongos"},
	{.label = "memcached", .role = ROLE_DATABASE, .prog = "memcached"},
	{.label = "ClickHouse", .role = ROLE_DATABASE, .prog = "clickhouse*"},
	{.label = "SQL Server", .role = ROLE_DATABASE, .prog = "sqlservr"},
	{.label = "InfluxDB", .role = ROLE_DATABASE, .prog = "influxd"},
	{.label = "etcd", .role = ROLE_DATABASE, .prog = "etcd"},
	{.label = "RabbitMQ", .role = ROLE_SERVICE, .prog = "beam.smp", .within = "rabbit"},
	{.label = "CouchDB", .role = ROLE_DATABASE, .prog = "beam.smp", .within = "couchdb"},
	{.label = "Mosquitto", .role = ROLE_SERVICE, .prog = "mosquitto"},
	{.label = "MinIO", .role = ROLE_SERVICE, .prog = "minio"},

	/* Web servers, proxies, containers, model servers. */
	{.label = "nginx", .children = true, .role = ROLE_SERVICE, .prog = "nginx"},
	{.label = "Apache", .children = true, .role = ROLE_SERVICE, .prog = "apache2|httpd"},
	{.label = "Caddy", .role = ROLE_SERVICE, .prog = "caddy"},
	{.label = "Traefik", .role = ROLE_SERVICE, .prog = "traefik"},
	{.label = "HAProxy", .role = ROLE_SERVICE, .prog = "haproxy"},
	{.label = "Ollama", .role = ROLE_SERVICE, .prog = "ollama"},
	{.label = "Docker proxy", .role = ROLE_DOCKER, .prog = "docker-proxy"},
	{.label = "Docker", .role = ROLE_SYSTEM, .prog = "dockerd|com.docker.backend"},
	{.label = "containerd", .role = ROLE_SYSTEM, .prog = "containerd"},
	{.label = "Kubernetes", .role = ROLE_SERVICE, .prog = "kube-apiserver|k3s|kubelet"},
	{.label = "kubectl forward", .role = ROLE_DEV, .args = {"kubectl", "port-forward"}},

	/* The operating system and the desktop. */
	{.label = "SSH", .role = ROLE_SYSTEM, .prog = "sshd"},
	{.label = "AirPlay Receiver", .role = ROLE_AIRPLAY, .prog = "ControlCenter"},
	{.label = "Continuity", .role = ROLE_SYSTEM, .prog = "rapportd"},
	{.label = "Bonjour mDNS", .role = ROLE_SYSTEM, .prog = "mDNSResponder"},
	{.label = "AirDrop/Sharing", .role = ROLE_SYSTEM, .prog = "sharingd"},
	{.label = "Screen Sharing", .role = ROLE_SYSTEM, .prog = "screensharingd"},
	{.label = "launchd", .role = ROLE_SYSTEM, .prog = "launchd"},
	{.label = "Avahi mDNS", .role = ROLE_SYSTEM, .prog = "avahi-daemon"},
	{.label = "DNS resolver", .role = ROLE_SYSTEM, .prog = "systemd-resolved"},
	{.label = "dnsmasq", .role = ROLE_SYSTEM, .prog = "dnsmasq"},
	{.label = "CUPS", .role = ROLE_SYSTEM, .prog = "cupsd|cups-browsed"},
	{.label = "NTP", .role = ROLE_SYSTEM, .prog = "chronyd|ntpd|systemd-timesyncd"},
	{.label = "DHCP client", .role = ROLE_SYSTEM, .prog = "dhclient|dhcpcd"},
	{.label = "rpcbind", .role = ROLE_SYSTEM, .prog = "rpcbind"},
	{.label = "Samba", .role = ROLE_SYSTEM, .prog = "smbd|nmbd"},
	{.label = "Postfix", .role = ROLE_SYSTEM, .prog = "master", .within = "postfix"},
	{.label = "Exim", .role = ROLE_SYSTEM, .prog = "exim4|exim"},
	{.label = "Tailscale", .role = ROLE_SYSTEM, .prog = "tailscaled"},
	{.label = "X server", .role = ROLE_SYSTEM, .prog = "Xorg|Xwayland"},
	{.label = "VS Code server", .role = ROLE_APP, .within = ".vscode-server/"},
	{.label = "code-server", .role = ROLE_APP, .prog = "code-server"},
	{.label = "VS Code", .role = ROLE_APP, .prog = "code|Code Helper*"},
	{.label = "Cursor", .role = ROLE_APP, .prog = "cursor|Cursor Helper*"},
	{.label = "Chrome", .role = ROLE_APP, .prog = "chrome|chromium*|Google Chrome*"},
	{.label = "Firefox", .role = ROLE_APP, .prog = "firefox*"},
	{.label = "Spotify", .role = ROLE_APP, .prog = "spotify|Spotify"},
	{.label = "Slack", .role = ROLE_APP, .prog = "slack|Slack*"},
	{.label = "Discord", .role = ROLE_APP, .prog = "Discord|discord"},
	{.label = "Zoom", .role = ROLE_APP, .prog = "zoom|zoom.us"},
	{.label = "Syncthing", .role = ROLE_APP, .prog = "syncthing"},
	{.label = "Dropbox", .role = ROLE_APP, .prog = "dropbox|Dropbox"},
	{.label = "KDE Connect", .role = ROLE_APP, .prog = "kdeconnectd"},
	{.label = "Steam", .role = ROLE_APP, .prog = "steam|steamwebhelper"},

	/* Runtimes running something no rule above knows: "Node.js server.js" (the file they run),
	 * unless the project's manifest, a parent or a service unit says more (labels.h). */
	{.label = "Go", .role = ROLE_RUNTIME, .within = "/go-build"}, /* `go run`'s binary */
	{.label = "Node.js", .role = ROLE_RUNTIME, .prog = "node|nodejs"},
	{.label = "Deno", .role = ROLE_RUNTIME, .prog = "deno"},
	{.label = "Bun", .role = ROLE_RUNTIME, .prog = "bun"},
	{.label = "Python", .role = ROLE_RUNTIME, .prog = "python*|pypy*"},
	{.label = "Ruby", .role = ROLE_RUNTIME, .prog = "ruby*"},
	{.label = "PHP", .role = ROLE_RUNTIME, .prog = "php*"},
	{.label = "Java", .role = ROLE_RUNTIME, .prog = "java"},
	{.label = ".NET", .role = ROLE_RUNTIME, .prog = "dotnet"},
	{.label = "Perl", .role = ROLE_RUNTIME, .prog = "perl"},
	{.label = "Erlang VM", .role = ROLE_RUNTIME, .prog = "beam.smp"},
};
/* clang-format on */

const size_t detect_rules_len = sizeof detect_rules / sizeof detect_rules[0];

/* clang-format off */
const struct detect_runtime detect_runtimes[] = {
	{.label = "Node.js",
	 .value_opts = "-r|--require|--import|--loader|--experimental-loader|-C|--conditions|"
	               "--env-file|--title|--inspect-port|--max-old-space-size",
	 .stop_opts = "-e|--eval|-p|--print|-i|--interactive"},
	{.label = "Deno", .subcommands = "run|serve|task", .value_opts = "--config|-c|--import-map"},
	{.label = "Bun", .subcommands = "run", .value_opts = "--cwd|--config|-c|--preload|-r",
	 .stop_opts = "-e|--eval"},
	{.label = "Python", .value_opts = "-W|-X|-Q", .stop_opts = "-c", .module_opt = "-m"},
	{.label = "Ruby", .value_opts = "-I|-r|-C|-E|--encoding", .stop_opts = "-e"},
	{.label = "PHP", .value_opts = "-c|-d|-t|-S|-z", .stop_opts = "-r|-a"},
	{.label = "Java", .value_opts = "-cp|-classpath|--class-path|-p|--module-path|--add-opens|"
	                                "--add-exports|--add-modules",
	 .module_opt = "-jar"},
	{.label = ".NET", .subcommands = "run|exec"},
	{.label = "Perl", .value_opts = "-I|-M", .stop_opts = "-e|-E"},
	{.label = "Go", .program_is_file = true},
	{.label = "Erlang VM", .stop_opts = "--"},
};
/* clang-format on */

const size_t detect_runtimes_len = sizeof detect_runtimes / sizeof detect_runtimes[0];

/* clang-format off */
const struct detect_launcher detect_launchers[] = {
	{.name = "npm", .prog = "npm|npm-cli", .run = "run|run-script|rum|urn", .direct = "start|test|restart|stop|t"},
	{.name = "pnpm", .prog = "pnpm", .run = "run", .direct = "start|test", .any_word = true,
	 .not_scripts = "install|i|add|remove|rm|update|up|exec|dlx|create|x|why|list|ls|link|store"},
	{.name = "yarn", .prog = "yarn", .run = "run", .direct = "start|test", .any_word = true,
	 .not_scripts = "install|add|remove|upgrade|exec|dlx|create|why|list|link|workspace"},
	{.name = "bun", .prog = "bun", .run = "run"},
};
/* clang-format on */

const size_t detect_launchers_len = sizeof detect_launchers / sizeof detect_launchers[0];
