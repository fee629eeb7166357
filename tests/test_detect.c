/* test_detect.c - process detection: every rule of detect_rules.c meets a real-looking process,
 * and near misses stay unrecognised. */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <string.h>

#include "detect.h"

struct sample {
	const char *comm, *exe, *cmdline;
	unsigned port;
	const char *label; /* NULL: classified without a label (a runtime) */
	enum detect_role role;
};

/* clang-format off */
static const struct sample samples[] = {
	{"node", "/usr/bin/node", "node --inspect=9229 server.js", 9229, "Node inspector", ROLE_DEV},
	{"node", "/usr/bin/node", "node --inspect-brk=0.0.0.0:9230 app.js", 9230, "Node inspector", ROLE_DEV},
	{"node", "/usr/bin/node", "/home/dev/shop-web/node_modules/.bin/next dev", 3000, "Next.js dev", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/shop-web/node_modules/next/dist/bin/next start -p 3000", 3000, "Next.js", ROLE_DEV},
	{"next-server (v1", "/usr/bin/node", "next-server (v14.2.3)", 3000, "Next.js", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/admin-ui/node_modules/.bin/vite preview --port 4173", 4173, "Vite preview", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/admin-ui/node_modules/vite/bin/vite.js --port 5174", 5174, "Vite", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/app/node_modules/.bin/webpack-dev-server --mode development", 8080, "webpack dev", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/app/node_modules/webpack/bin/webpack.js serve --open", 8080, "webpack dev", ROLE_DEV},
	{"node", "/usr/bin/node", "ng serve --port 4200", 4200, "Angular", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/web/node_modules/.bin/react-scripts start", 3000, "Create React App", ROLE_DEV},
	{"node", "/usr/bin/node", "/usr/bin/node /home/dev/web/node_modules/react-scripts/scripts/start.js", 3000, "Create React App", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/shop/node_modules/.bin/nuxt dev", 3000, "Nuxt", ROLE_DEV},
	{"node", "/usr/bin/node", "node --enable-source-maps /home/dev/shop/node_modules/nuxi/dist/dev/index.mjs", 3000, "Nuxt", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/blog/node_modules/.bin/astro dev", 4321, "Astro", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/r/node_modules/.bin/remix vite:dev", 5173, "Remix", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/r/node_modules/.bin/remix-serve ./build/server/index.js", 3000, "Remix", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/g/node_modules/.bin/gatsby develop", 8000, "Gatsby", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/ui/node_modules/.bin/storybook dev -p 6006", 6006, "Storybook", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/app/node_modules/.bin/expo start", 8081, "Expo", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/app/node_modules/.bin/react-native start", 8081, "Metro", ROLE_DEV},
	{"esbuild", "/home/dev/x/node_modules/@esbuild/linux-x64/bin/esbuild", "/home/dev/x/node_modules/@esbuild/linux-x64/bin/esbuild src/app.ts --bundle --serve=8000", 8000, "esbuild serve", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/x/node_modules/.bin/parcel index.html", 1234, "Parcel", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/site/node_modules/.bin/eleventy --serve", 8080, "Eleventy", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/s/node_modules/.bin/svelte-kit dev", 5173, "SvelteKit", ROLE_DEV},
	{"node", "/usr/bin/node", "node /usr/local/bin/vercel dev --listen 3000", 3000, "Vercel dev", ROLE_DEV},
	{"node", "/usr/bin/node", "node /usr/local/bin/netlify dev", 8888, "Netlify dev", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/w/node_modules/.bin/wrangler dev", 8787, "Wrangler", ROLE_DEV},
	{"node", "/usr/bin/node", "node /usr/local/bin/firebase emulators:start", 4000, "Firebase emulators", ROLE_DEV},
	{"node", "/usr/bin/node", "node /usr/local/bin/json-server --watch db.json", 3000, "json-server", ROLE_DEV},
	{"node", "/usr/bin/node", "node /usr/local/bin/http-server -p 8080", 8080, "http-server", ROLE_DEV},
	{"node", "/usr/bin/node", "node /usr/local/bin/live-server --port=8080", 8080, "live-server", ROLE_DEV},
	{"node", "/usr/bin/node", "node /home/dev/x/node_modules/.bin/serve -s build", 3000, "serve (static)", ROLE_DEV},
	{"bun", "/home/dev/.bun/bin/bun", "bun --hot src/index.ts", 3000, "Bun", ROLE_RUNTIME},
	{"deno", "/home/dev/.deno/bin/deno", "deno run --allow-net main.ts", 8000, "Deno", ROLE_RUNTIME},
	{"webpack", "/usr/bin/node", "webpack", 8081, "webpack dev", ROLE_DEV},
	{"python3", "/usr/bin/python3.11", "python3 -m http.server 8000", 8000, "Python http.server", ROLE_DEV},
	{"python3", "/usr/bin/python3.11", "python3 -m flask run --port 5001", 5001, "Flask", ROLE_DEV},
	{"flask", "/home/dev/api/.venv/bin/python3", "/home/dev/api/.venv/bin/python /home/dev/api/.venv/bin/flask run --host 0.0.0.0", 5000, "Flask", ROLE_DEV},
	{"python3", "/usr/bin/python3.11", "python3 /home/dev/api/.venv/lib/python3.11/site-packages/werkzeug/serving.py", 5000, "Flask", ROLE_DEV},
	{"python", "/usr/bin/python3.11", "python manage.py runserver 0.0.0.0:8000", 8000, "Django", ROLE_DEV},
	{"python", "/usr/bin/python3.11", "/home/dev/api/.venv/bin/python /home/dev/api/.venv/bin/fastapi dev main.py", 8000, "FastAPI", ROLE_DEV},
	{"uvicorn", "/usr/bin/python3.11", "/home/dev/api/.venv/bin/python /home/dev/api/.venv/bin/uvicorn main:app --reload", 8000, "Uvicorn", ROLE_DEV},
	{"gunicorn", "/usr/bin/python3.11", "gunicorn: master [app:app]", 8000, "Gunicorn", ROLE_DEV},
	{"python", "/usr/bin/python3.11", "/venv/bin/python /venv/bin/hypercorn app:app", 8000, "Hypercorn", ROLE_DEV},
	{"daphne", "/usr/bin/python3.11", "/venv/bin/python /venv/bin/daphne -p 8001 project.asgi:application", 8001, "Daphne", ROLE_DEV},
	{"jupyter-lab", "/usr/bin/python3.11", "/usr/bin/python3 /home/dev/.local/bin/jupyter-lab --no-browser", 8888, "Jupyter", ROLE_DEV},
	{"python3", "/usr/bin/python3.11", "/usr/bin/python3 /usr/local/bin/jupyter notebook", 8888, "Jupyter", ROLE_DEV},
	{"python3", "/usr/bin/python3.11", "python3 -m jupyterlab --port 8889", 8889, "Jupyter", ROLE_DEV},
	{"python3", "/usr/bin/python3.11", "/usr/bin/python3 -m ipykernel_launcher -f /home/dev/.local/share/jupyter/runtime/kernel-1.json", 51234, "Jupyter kernel", ROLE_DEV},
	{"streamlit", "/usr/bin/python3.11", "/venv/bin/python /venv/bin/streamlit run app.py", 8501, "Streamlit", ROLE_DEV},
	{"mkdocs", "/usr/bin/python3.11", "/venv/bin/python /venv/bin/mkdocs serve", 8000, "MkDocs", ROLE_DEV},
	{"tensorboard", "/usr/bin/python3.11", "/venv/bin/python /venv/bin/tensorboard --logdir runs", 6006, "TensorBoard", ROLE_DEV},
	{"ruby", "/usr/bin/ruby3.1", "ruby bin/rails server -b 127.0.0.1", 3000, "Rails", ROLE_DEV},
	{"ruby", "/usr/bin/ruby3.1", "puma 6.4.0 (tcp://localhost:3000) [shop]", 3000, "Puma", ROLE_DEV},
	{"ruby", "/usr/bin/ruby3.1", "ruby /home/dev/.gem/bin/jekyll serve --livereload", 4000, "Jekyll", ROLE_DEV},
	{"ruby", "/usr/bin/ruby3.1", "ruby /usr/local/bin/rackup -p 9292", 9292, "Rack", ROLE_DEV},
	{"php-fpm8.2", "/usr/sbin/php-fpm8.2", "php-fpm: master process (/etc/php/8.2/fpm/php-fpm.conf)", 9000, "PHP-FPM", ROLE_SERVICE},
	{"php", "/usr/bin/php8.2", "php artisan serve", 8000, "Laravel", ROLE_DEV},
	{"php8.2", "/usr/bin/php8.2", "/usr/bin/php8.2 -S 127.0.0.1:8000 /home/dev/shop/vendor/laravel/framework/src/Illuminate/Foundation/resources/server.php", 8000, "Laravel", ROLE_DEV},
	{"symfony", "/usr/local/bin/symfony", "symfony serve -d", 8000, "Symfony", ROLE_DEV},
	{"php", "/usr/bin/php8.2", "php -S localhost:8000 -t public", 8000, "PHP built-in", ROLE_DEV},
	{"beam.smp", "/usr/lib/erlang/erts-13.2/bin/beam.smp", "/usr/lib/erlang/erts-13.2/bin/beam.smp -- -root /usr/lib/erlang -progname erl -- -home /home/dev -- -noshell -s elixir start_cli -extra /usr/bin/mix phx.server", 4000, "Phoenix", ROLE_DEV},
	{"hugo", "/usr/local/bin/hugo", "hugo server -D", 1313, "Hugo", ROLE_DEV},
	{"zola", "/usr/local/bin/zola", "zola serve", 1111, "Zola", ROLE_DEV},
	{"mdbook", "/home/dev/.cargo/bin/mdbook", "mdbook serve --open", 3000, "mdBook", ROLE_DEV},
	{"trunk", "/home/dev/.cargo/bin/trunk", "trunk serve", 8080, "Trunk", ROLE_DEV},
	{"java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "java -cp /home/dev/api/target/classes com.example.Api org.springframework.boot.loader.launch.JarLauncher", 8080, "Spring Boot", ROLE_DEV},
	{"java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "java -classpath /home/dev/.m2/repository/org/springframework/boot/spring-boot/3.2.0/spring-boot-3.2.0.jar com.example.Api", 8080, "Spring Boot", ROLE_DEV},
	{"java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "java -Dcatalina.base=/opt/tomcat org.apache.catalina.startup.Bootstrap start", 8080, "Tomcat", ROLE_SERVICE},
	{"java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "java -Xmx1G -cp /opt/kafka/libs/* kafka.Kafka /opt/kafka/config/server.properties", 9092, "Kafka", ROLE_SERVICE},
	{"java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "java -cp /opt/zk/lib/* org.apache.zookeeper.server.quorum.QuorumPeerMain zoo.cfg", 2181, "ZooKeeper", ROLE_SERVICE},
	{"java", "/usr/share/elasticsearch/jdk/bin/java", "/usr/share/elasticsearch/jdk/bin/java -Xms1g org.elasticsearch.bootstrap.Elasticsearch", 9200, "Elasticsearch", ROLE_DATABASE},
	{"java", "/usr/share/opensearch/jdk/bin/java", "java -Xms1g org.opensearch.bootstrap.OpenSearch", 9200, "OpenSearch", ROLE_DATABASE},
	{"java", "/usr/bin/java", "java -Xms2G org.apache.cassandra.service.CassandraDaemon", 9042, "Cassandra", ROLE_DATABASE},
	{"java", "/usr/bin/java", "java -Xmx512m org.gradle.launcher.daemon.bootstrap.GradleDaemon 8.5", 43211, "Gradle daemon", ROLE_APP},
	{"java", "/usr/bin/java", "java -jar target/demo-0.0.1-SNAPSHOT.jar", 8080, "Java", ROLE_RUNTIME},
	{"postgres", "/usr/lib/postgresql/15/bin/postgres", "/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main", 5432, "PostgreSQL", ROLE_DATABASE},
	{"mysqld", "/usr/sbin/mysqld", "/usr/sbin/mysqld", 3306, "MySQL", ROLE_DATABASE},
	{"mariadbd", "/usr/sbin/mariadbd", "/usr/sbin/mariadbd", 3306, "MariaDB", ROLE_DATABASE},
	{"redis-server", "/usr/bin/redis-server", "/usr/bin/redis-server 127.0.0.1:6379", 6379, "Redis", ROLE_DATABASE},
	{"valkey-server", "/usr/bin/valkey-server", "valkey-server *:6379", 6379, "Valkey", ROLE_DATABASE},
	{"mongod", "/usr/bin/mongod", "/usr/bin/mongod --config /etc/mongod.conf", 27017, "MongoDB", ROLE_DATABASE},
	{"memcached", "/usr/bin/memcached", "/usr/bin/memcached -m 64 -p 11211 -u memcache -l 127.0.0.1", 11211, "memcached", ROLE_DATABASE},
	{"clickhouse-serv", "/usr/bin/clickhouse", "/usr/bin/clickhouse-server --config=/etc/clickhouse-server/config.xml", 8123, "ClickHouse", ROLE_DATABASE},
	{"sqlservr", "/opt/mssql/bin/sqlservr", "/opt/mssql/bin/sqlservr", 1433, "SQL Server", ROLE_DATABASE},
	{"influxd", "/usr/bin/influxd", "/usr/bin/influxd", 8086, "InfluxDB", ROLE_DATABASE},
	{"etcd", "/usr/local/bin/etcd", "etcd --data-dir /var/lib/etcd", 2379, "etcd", ROLE_DATABASE},
	{"beam.smp", "/usr/lib/erlang/erts-13.2/bin/beam.smp", "/usr/lib/erlang/erts-13.2/bin/beam.smp -W w -- -root /usr/lib/erlang -progname erl -- -home /var/lib/rabbitmq -- -pa  -noshell -noinput -s rabbit boot", 5672, "RabbitMQ", ROLE_SERVICE},
	{"beam.smp", "/opt/couchdb/erts-13.2/bin/beam.smp", "/opt/couchdb/bin/../erts-13.2/bin/beam.smp -- -root /opt/couchdb -- -couch_ini /opt/couchdb/etc/default.ini", 5984, "CouchDB", ROLE_DATABASE},
	{"mosquitto", "/usr/sbin/mosquitto", "/usr/sbin/mosquitto -c /etc/mosquitto/mosquitto.conf", 1883, "Mosquitto", ROLE_SERVICE},
	{"minio", "/usr/local/bin/minio", "minio server /data --console-address :9001", 9000, "MinIO", ROLE_SERVICE},
	{"nginx", "/usr/sbin/nginx", "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;", 80, "nginx", ROLE_SERVICE},
	{"apache2", "/usr/sbin/apache2", "/usr/sbin/apache2 -k start", 80, "Apache", ROLE_SERVICE},
	{"caddy", "/usr/bin/caddy", "/usr/bin/caddy run --environ --config /etc/caddy/Caddyfile", 443, "Caddy", ROLE_SERVICE},
	{"traefik", "/usr/local/bin/traefik", "traefik --providers.docker", 80, "Traefik", ROLE_SERVICE},
	{"haproxy", "/usr/sbin/haproxy", "/usr/sbin/haproxy -Ws -f /etc/haproxy/haproxy.cfg", 80, "HAProxy", ROLE_SERVICE},
	{"ollama", "/usr/local/bin/ollama", "/usr/local/bin/ollama serve", 11434, "Ollama", ROLE_SERVICE},
	{"docker-proxy", "/usr/bin/docker-proxy", "/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2 -container-port 80", 8080, "Docker proxy", ROLE_DOCKER},
	{"dockerd", "/usr/bin/dockerd", "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock", 2375, "Docker", ROLE_SYSTEM},
	{"containerd", "/usr/bin/containerd", "/usr/bin/containerd", 37513, "containerd", ROLE_SYSTEM},
	{"k3s-server", "/usr/local/bin/k3s", "/usr/local/bin/k3s server", 6443, "Kubernetes", ROLE_SERVICE},
	{"kubectl", "/usr/local/bin/kubectl", "kubectl port-forward svc/api 8080:80", 8080, "kubectl forward", ROLE_DEV},
	{"sshd", "/usr/sbin/sshd", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", 22, "SSH", ROLE_SYSTEM},
	{"ControlCenter", "/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/ControlCenter", "/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/ControlCenter", 5000, "AirPlay Receiver", ROLE_AIRPLAY},
	{"rapportd", "/usr/libexec/rapportd", "/usr/libexec/rapportd", 49152, "Continuity", ROLE_SYSTEM},
	{"mDNSResponder", "/usr/sbin/mDNSResponder", "/usr/sbin/mDNSResponder", 5353, "Bonjour mDNS", ROLE_SYSTEM},
	{"sharingd", "/usr/libexec/sharingd", "/usr/libexec/sharingd", 8771, "AirDrop/Sharing", ROLE_SYSTEM},
	{"screensharingd", "/System/Library/CoreServices/RemoteManagement/screensharingd.bundle/Contents/MacOS/screensharingd", "screensharingd", 5900, "Screen Sharing", ROLE_SYSTEM},
	{"launchd", "/sbin/launchd", "/sbin/launchd", 22, "launchd", ROLE_SYSTEM},
	{"avahi-daemon", "/usr/sbin/avahi-daemon", "avahi-daemon: running [devbox.local]", 5353, "Avahi mDNS", ROLE_SYSTEM},
	{"systemd-resolve", "/usr/lib/systemd/systemd-resolved", "/lib/systemd/systemd-resolved", 53, "DNS resolver", ROLE_SYSTEM},
	{"dnsmasq", "/usr/sbin/dnsmasq", "/usr/sbin/dnsmasq --conf-file=/var/lib/libvirt/dnsmasq/default.conf", 53, "dnsmasq", ROLE_SYSTEM},
	{"cupsd", "/usr/sbin/cupsd", "/usr/sbin/cupsd -l", 631, "CUPS", ROLE_SYSTEM},
	{"chronyd", "/usr/sbin/chronyd", "/usr/sbin/chronyd -F 1", 323, "NTP", ROLE_SYSTEM},
	{"dhclient", "/sbin/dhclient", "/sbin/dhclient -4 -v -i -pf /run/dhclient.eth0.pid eth0", 68, "DHCP client", ROLE_SYSTEM},
	{"rpcbind", "/sbin/rpcbind", "/sbin/rpcbind -f -w", 111, "rpcbind", ROLE_SYSTEM},
	{"smbd", "/usr/sbin/smbd", "/usr/sbin/smbd --foreground --no-process-group", 445, "Samba", ROLE_SYSTEM},
	{"master", "/usr/lib/postfix/sbin/master", "/usr/lib/postfix/sbin/master -w", 25, "Postfix", ROLE_SYSTEM},
	{"exim4", "/usr/sbin/exim4", "/usr/sbin/exim4 -bd -q30m", 25, "Exim", ROLE_SYSTEM},
	{"tailscaled", "/usr/sbin/tailscaled", "/usr/sbin/tailscaled --state=/var/lib/tailscale/tailscaled.state", 41641, "Tailscale", ROLE_SYSTEM},
	{"Xorg", "/usr/lib/xorg/Xorg", "/usr/lib/xorg/Xorg :0 -listen tcp", 6000, "X server", ROLE_SYSTEM},
	{"node", "/home/dev/.vscode-server/bin/abc/node", "/home/dev/.vscode-server/bin/abc/node /home/dev/.vscode-server/bin/abc/out/server-main.js --port=0", 40123, "VS Code server", ROLE_APP},
	{"node", "/usr/lib/code-server/lib/node", "code-server --bind-addr 127.0.0.1:8080", 8080, "code-server", ROLE_APP},
	{"code", "/usr/share/code/code", "/usr/share/code/code --type=utility --utility-sub-type=node.mojom.NodeService", 43771, "VS Code", ROLE_APP},
	{"cursor", "/opt/cursor/cursor", "/opt/cursor/cursor --type=utility", 41000, "Cursor", ROLE_APP},
	{"chrome", "/opt/google/chrome/chrome", "/opt/google/chrome/chrome --type=utility --utility-sub-type=network.mojom.NetworkService", 58164, "Chrome", ROLE_APP},
	{"firefox-esr", "/usr/lib/firefox-esr/firefox-esr", "/usr/lib/firefox-esr/firefox-esr", 51000, "Firefox", ROLE_APP},
	{"spotify", "/usr/share/spotify/spotify", "/usr/share/spotify/spotify", 57621, "Spotify", ROLE_APP},
	{"slack", "/usr/lib/slack/slack", "/usr/lib/slack/slack --type=utility", 52000, "Slack", ROLE_APP},
	{"Discord", "/usr/share/discord/Discord", "/usr/share/discord/Discord", 6463, "Discord", ROLE_APP},
	{"zoom", "/opt/zoom/zoom", "/opt/zoom/zoom", 19421, "Zoom", ROLE_APP},
	{"syncthing", "/usr/bin/syncthing", "/usr/bin/syncthing serve --no-browser", 8384, "Syncthing", ROLE_APP},
	{"dropbox", "/home/dev/.dropbox-dist/dropbox-lnx/dropbox", "/home/dev/.dropbox-dist/dropbox-lnx/dropbox", 17500, "Dropbox", ROLE_APP},
	{"kdeconnectd", "/usr/lib/x86_64-linux-gnu/libexec/kdeconnectd", "/usr/lib/x86_64-linux-gnu/libexec/kdeconnectd", 1716, "KDE Connect", ROLE_APP},
	{"steam", "/home/dev/.steam/ubuntu12_32/steam", "/home/dev/.steam/ubuntu12_32/steam -srt-logger-opened", 27036, "Steam", ROLE_APP},
	{"node", "/usr/bin/node", "node server.js", 3000, "Node.js", ROLE_RUNTIME},
	{"python3", "/usr/bin/python3.11", "python3 app.py", 5000, "Python", ROLE_RUNTIME},
	{"main", "/tmp/go-build2412/b001/exe/main", "/tmp/go-build2412/b001/exe/main", 8080, "Go", ROLE_RUNTIME},
	{"ruby", "/usr/bin/ruby3.1", "ruby app.rb", 4567, "Ruby", ROLE_RUNTIME},
	{"php", "/usr/bin/php8.2", "php worker.php", 9000, "PHP", ROLE_RUNTIME},
	{"java", "/usr/lib/jvm/java-17/bin/java", "java -cp out com.example.Server", 8080, "Java", ROLE_RUNTIME},
	{"dotnet", "/usr/share/dotnet/dotnet", "dotnet Api.dll", 5000, ".NET", ROLE_RUNTIME},
	{"perl", "/usr/bin/perl", "perl server.pl", 8080, "Perl", ROLE_RUNTIME},
	{"beam.smp", "/usr/lib/erlang/erts-13/bin/beam.smp", "/usr/lib/erlang/erts-13/bin/beam.smp -- -root /usr/lib/erlang", 4369, "Erlang VM", ROLE_RUNTIME},
};
/* clang-format on */

Test(detect, every_sample_gets_its_label_and_role)
{
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		const struct sample *s = &samples[i];
		const struct detect_rule *r =
			detect_process(s->comm, s->exe, s->cmdline, (uint16_t)s->port);
		cr_assert_not_null(r, "not recognised: %s", s->cmdline);
		if (s->label)
			cr_expect_str_eq(r->label ? r->label : "(none)", s->label, "%s", s->cmdline);
		else
			cr_expect_null(r->label, "%s: labelled %s", s->cmdline, r->label);
		cr_expect_eq(r->role, s->role, "%s: role %s", s->cmdline, detect_role_names[r->role]);
	}
}

Test(detect, every_rule_meets_at_least_one_sample)
{
	static bool met[512];
	cr_assert_leq(detect_rules_len, sizeof met / sizeof met[0]);
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		const struct sample *s = &samples[i];
		const struct detect_rule *r =
			detect_process(s->comm, s->exe, s->cmdline, (uint16_t)s->port);
		if (r)
			met[r - detect_rules] = true;
	}
	for (size_t i = 0; i < detect_rules_len; i++)
		cr_expect(met[i], "rule %zu (%s) has no sample", i,
		          detect_rules[i].label ? detect_rules[i].label : "a runtime");
}

Test(detect, the_rule_table_is_sound)
{
	for (size_t i = 0; i < detect_rules_len; i++) {
		const struct detect_rule *r = &detect_rules[i];
		cr_expect(r->prog || r->args[0] || r->within, "rule %zu matches everything", i);
		cr_expect(r->role > ROLE_NONE && r->role < ROLE_COUNT, "rule %zu has no role", i);
		if (r->label)
			cr_expect_leq(strlen(r->label), DETECT_LABEL_MAX, "%s is too long", r->label);
		cr_expect(!r->port_arg || r->port_default, "rule %zu: a port option needs a default", i);
	}
	for (int i = 0; i < ROLE_COUNT; i++)
		cr_expect_not_null(detect_role_names[i], "role %d has no name", i);
}

Test(detect, python_http_server_is_not_django)
{
	const struct detect_rule *r = detect_process("python3", "/usr/bin/python3.11",
	                                             "python3 -m http.server 8000", 8000);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->label, "Python http.server");
}

Test(detect, the_inspector_rule_is_about_its_own_port_only)
{
	const char *cmd = "node --inspect server.js";
	const struct detect_rule *r = detect_process("node", "/usr/bin/node", cmd, 9229);
	cr_assert_str_eq(r->label, "Node inspector");
	r = detect_process("node", "/usr/bin/node", cmd, 3000);
	cr_assert_str_eq(r->label, "Node.js", "the app's own port is not the inspector");
	r = detect_process("node", "/usr/bin/node", "node --inspect=127.0.0.1 x.js", 9229);
	cr_assert_str_eq(r->label, "Node inspector", "a host alone keeps the default port");
	r = detect_process("node", "/usr/bin/node", "node --inspector-flag x.js", 9229);
	cr_assert_str_eq(r->label, "Node.js", "an option that only begins the same");
}

Test(detect, near_misses_and_strange_input)
{
	static const char *const unknown[] = {
		"", " ", "vim vite.config.ts", "less /var/log/nginx.log", "/usr/bin/ssh-agent",
		"bash -c sleep 100", "nextcloud --serve", "\\e[31m \\x00 \\u202E",
	};
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		const struct detect_rule *r = detect_process("x", "", unknown[i], 1);
		cr_expect_null(r, "%s recognised as %s", unknown[i], r && r->label ? r->label : "?");
	}
	cr_assert_null(detect_process("", "", "", 0));
	cr_assert_null(detect_process("sshd-keygen", "", "", 22), "a longer name is another program");
	cr_assert_not_null(detect_process("systemd-resolve", "", "", 53),
	                   "a 15-byte command name may be cut by the kernel");
}

/* Arbitrary text never crashes the matcher or reads past its strings (run under ASan). */
Test(detect, random_text_is_safe)
{
	static const char alphabet[] = "  -=:/.|*abcdeinoprstvx0123459\xc3\xa9";
	unsigned seed = 12345;
	char comm[20], exe[64], cmd[256];
	for (int round = 0; round < 20000; round++) {
		char *bufs[] = {comm, exe, cmd};
		size_t caps[] = {sizeof comm, sizeof exe, sizeof cmd};
		for (int b = 0; b < 3; b++) {
			seed = seed * 1103515245u + 12345u;
			size_t n = (seed >> 16) % caps[b];
			for (size_t i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				bufs[b][i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
			}
			bufs[b][n] = '\0';
		}
		const struct detect_rule *r = detect_process(comm, exe, cmd, (uint16_t)(seed >> 8));
		cr_assert(!r || (r >= detect_rules && r < detect_rules + detect_rules_len));
	}
}

/* clang-format off */
static const struct {
	const char *comm, *exe, *cmdline, *want;
} runtime_labels[] = {
	{"node", "/usr/bin/node", "node server.js", "Node.js server.js"},
	{"node", "/usr/bin/node", "node --inspect server.js", "Node.js server.js"},
	{"node", "/usr/bin/node", "/usr/bin/node -r dotenv/config ./src/api/index.mjs --port 4000", "Node.js index.mjs"},
	{"node", "/usr/bin/node", "node --require=ts-node/register app.ts", "Node.js app.ts"},
	{"node", "/usr/bin/node", "node -e require('http').createServer().listen(3000)", "Node.js"},
	{"node", "/usr/bin/node", "node --port 3000", "Node.js"},
	{"node", "/usr/bin/node", "node", "Node.js"},
	{"python3", "/usr/bin/python3.11", "python3 app.py", "Python app.py"},
	{"python3", "/usr/bin/python3.11", "/usr/bin/python3 -u -W ignore /srv/api/main.py", "Python main.py"},
	{"python3", "/usr/bin/python3.11", "python3 -m myservice --port 9000", "Python myservice"},
	{"python3", "/usr/bin/python3.11", "python3 -c from multiprocessing.spawn import spawn_main", "Python"},
	{"ruby", "/usr/bin/ruby3.1", "ruby -I lib app.rb", "Ruby app.rb"},
	{"java", "/usr/bin/java", "java -Xmx1g -jar build/libs/api-0.1.jar", "Java api-0.1.jar"},
	{"java", "/usr/bin/java", "java -cp out com.example.Server", "Java com.example.Server"},
	{"dotnet", "/usr/bin/dotnet", "dotnet run --project Api", ".NET Api"},
	{"dotnet", "/usr/bin/dotnet", "dotnet bin/Debug/net8.0/Api.dll", ".NET Api.dll"},
	{"deno", "/usr/bin/deno", "deno run --allow-net --config deno.json main.ts", "Deno main.ts"},
	{"bun", "/usr/bin/bun", "bun run index.ts", "Bun index.ts"},
	{"main", "/tmp/go-build2412/b001/exe/main", "/tmp/go-build2412/b001/exe/main -addr :8080", "Go main"},
	{"node", "/usr/bin/node", "node /home/dev/a-project-with-a-very-long-name/server-entry-point.js", "Node.js server-entry-point.js"},
};
/* clang-format on */

Test(detect, a_runtime_is_labelled_with_the_file_it_runs)
{
	for (size_t i = 0; i < sizeof runtime_labels / sizeof runtime_labels[0]; i++) {
		const struct detect_rule *r = detect_process(
		    runtime_labels[i].comm, runtime_labels[i].exe, runtime_labels[i].cmdline, 3000);
		cr_assert(r && r->role == ROLE_RUNTIME, "%s", runtime_labels[i].cmdline);
		char out[32];
		detect_runtime_label(r, runtime_labels[i].cmdline, out, sizeof out);
		if (strlen(runtime_labels[i].want) < sizeof out)
			cr_expect_str_eq(out, runtime_labels[i].want, "%s", runtime_labels[i].cmdline);
		else
			cr_expect(strncmp(out, runtime_labels[i].want, sizeof out - 1) == 0 &&
			              strlen(out) == sizeof out - 1,
			          "%s: cut to %s", runtime_labels[i].cmdline, out);
	}
}

Test(detect, a_cut_label_never_splits_a_character)
{
	const struct detect_rule *r = detect_process("node", "/usr/bin/node", "node x.js", 3000);
	char out[12];
	detect_runtime_label(r, "node ééééééé.js", out, sizeof out); /* "Node.js " + 3 bytes */
	cr_assert_str_eq(out, "Node.js é");
}

/* clang-format off */
static const struct {
	const char *cmdline, *want; /* NULL: not a launcher */
} launchers[] = {
	{"npm start", "npm start"},
	{"npm run dev", "npm run dev"},
	{"node /usr/lib/node_modules/npm/bin/npm-cli.js run-script dev", "npm run-script dev"},
	{"npm --silent run serve", "npm run serve"},
	{"node /usr/local/bin/pnpm dev", "pnpm dev"},
	{"node /usr/bin/yarn.js start", "yarn start"},
	{"/usr/bin/env yarn storybook", "yarn storybook"},
	{"bun run dev", "bun run dev"},
	{"pnpm install", NULL},
	{"npm install", NULL},
	{"npm", NULL},
	{"bun server.ts", NULL},
	{"node server.js", NULL},
};
/* clang-format on */

Test(detect, a_package_script_names_its_launcher)
{
	for (size_t i = 0; i < sizeof launchers / sizeof launchers[0]; i++) {
		char out[64] = "";
		bool got = detect_launcher(launchers[i].cmdline, out, sizeof out);
		if (launchers[i].want)
			cr_expect(got && strcmp(out, launchers[i].want) == 0, "%s: got %s",
			          launchers[i].cmdline, got ? out : "nothing");
		else
			cr_expect(!got, "%s: got %s", launchers[i].cmdline, out);
	}
}

Test(detect, a_shell_running_one_command_is_a_wrapper)
{
	cr_assert(detect_wrapper_shell("sh", "sh -c node server.js"));
	cr_assert(detect_wrapper_shell("bash", "/bin/bash -c npm run dev"));
	cr_assert_not(detect_wrapper_shell("bash", "-bash"));
	cr_assert_not(detect_wrapper_shell("node", "node -c x"));
}
