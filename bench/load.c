/* load.c - the benchmarks' load (bench/run.sh): a developer machine's worth of processes, file
 * descriptors and listening sockets, made on loopback and held until told to stop.
 *
 *   devports_load laptop|heavy|custom [-P procs] [-F fds] [-L listeners] [-t minutes] [-o dir]
 *                 [-s seed]
 *     laptop   400 processes,   60 fds each,  25 listeners
 *     heavy  2,000 processes,  100 fds each, 300 listeners
 *     custom   the numbers given (bench/run.sh's scale: -P 2600 -F 10 -L 2500)
 *
 * Runs as root: its processes belong to several users (root, uid 1000, nobody, www-data,
 * postgres), as a machine's do. Servers hold 1 to a few listeners each (TCP and UDP, IPv4 and
 * IPv6, loopback and wildcard addresses, well-known development ports first, then ports from
 * 20000 up); the gunicorn and nginx servers pre-fork two workers that inherit their sockets. The
 * other processes fill the machine: pipes, socket pairs, /dev/null, a file, eventfd, epoll,
 * timerfd, inotify and memfd descriptors, and a few TCP connections to the servers on loopback
 * (no traffic leaves the machine; nothing is ever sent). Every process is exec'd again under a
 * command name and arguments like a real one's (node .../next dev, postgres -D ..., bash), the
 * file descriptors kept.
 *
 * Once every process is ready it prints one line starting with READY on stdout, and writes
 * DIR/expected.tsv (every listener bound: proto, family, address, port, uid, the pids holding
 * it, the command name; the addresses as devports writes them, `::` for a wildcard IPv6) and
 * DIR/pids.txt (every process). It holds until SIGTERM, SIGINT or SIGHUP, or the time limit (-t,
 * default 15 minutes), then kills every process it made and reaps them. Its processes die with
 * it (PR_SET_PDEATHSIG) and a minute after the limit in any case (alarm).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_PER_SERVER = 8, WORKERS = 2, MSG_MAX = 4096 };

/* What a process runs as once exec'd: its command name (the link exec'd) and its arguments. */
struct role {
	const char *comm;
	const char *args; /* after argv[0]; %d: its first port */
	bool prefork;
};

static const struct role servers[] = {
	{"node", "/home/dev/shop-web/node_modules/.bin/next dev -p %d", false},
	{"node", "/home/dev/admin-ui/node_modules/.bin/vite --port %d", false},
	{"python3", "-m flask run --port %d", false},
	{"python3", "manage.py runserver 127.0.0.1:%d", false},
	{"python3", "-m http.server %d", false},
	{"postgres", "-D /var/lib/postgresql/15/main -p %d", false},
	{"redis-server", "127.0.0.1:%d", false},
	{"ruby", "bin/rails server -p %d", false},
	{"java", "-jar /home/dev/api/target/api.jar --server.port=%d", false},
	{"gunicorn", "-w 2 -b 127.0.0.1:%d app:app", true},
	{"nginx", "-g daemon off;", true},
	{"uvicorn", "main:app --port %d", false},
};
static const struct role fillers[] = {
	{"bash", "-l", false},          {"zsh", "-i", false},
	{"tmux: server", "", false},    {"chrome", "--type=renderer --lang=en-US", false},
	{"code", "--type=utility", false}, {"sleep", "infinity", false},
	{"ssh-agent", "-D", false},     {"systemd", "--user", false},
	{"containerd-shim", "-namespace moby", false}, {"vim", "src/main.c", false},
};
enum { NSERVERS = sizeof servers / sizeof servers[0], NFILLERS = sizeof fillers / sizeof fillers[0] };

static const int dev_ports[] = {3000, 3001, 4000, 4200, 5000, 5001, 5173, 5432, 6379, 8000, 8001,
                                8080, 8081, 8443, 8888, 9000, 9229, 3306, 27017, 4321, 1313, 8787,
                                6006, 9090, 5500};
enum { NDEV_PORTS = sizeof dev_ports / sizeof dev_ports[0] };

static const char *outdir = "/tmp/devports-load";
static char linkdir[] = "/tmp/devports-load.XXXXXX"; /* links and a file every user can reach */
static char exe[4096];
static int limit_minutes = 15;

static void die(const char *what)
{
	fprintf(stderr, "devports_load: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* ---- the processes' side ---- */

/* The uid and gid a process runs as: one user of several, as on a real machine. */
static void pick_user(unsigned n, uid_t *uid, gid_t *gid)
{
	static const char *names[] = {"root", NULL, "nobody", "www-data", "postgres"};
	const char *name = names[n % 5];
	struct passwd *pw = name ? getpwnam(name) : NULL;
	*uid = pw ? pw->pw_uid : 1000;
	*gid = pw ? pw->pw_gid : 1000;
}

static void become(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
		die("changing user");
}

/* Ends with the generator, and a minute after its limit in any case. After become(): a change
 * of user clears the parent-death signal. */
static void tie_to_parent(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	alarm((unsigned)limit_minutes * 60 + 60);
}

/* Opens descriptors of every kind until the process holds `want` (0, 1, 2 and the report pipe
 * not counted), `tcp` being loopback ports to connect to. */
static void fill(int want, const int *tcp, int ntcp, unsigned seed)
{
	int have = 0, kind = (int)(seed % 10), fds[2];
	char path[4200];
	snprintf(path, sizeof path, "%s/data", linkdir);
	while (have < want) {
		int got = 0;
		switch (kind++ % 10) {
		case 0:
			got = want - have >= 2 && pipe(fds) == 0 ? 2 : 0;
			break;
		case 1:
			got = want - have >= 2 && socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0 ? 2 : 0;
			break;
		case 2:
			got = open("/dev/null", O_RDWR) >= 0;
			break;
		case 3:
			got = open(path, O_RDONLY) >= 0;
			break;
		case 4:
			got = eventfd(0, 0) >= 0;
			break;
		case 5:
			got = epoll_create1(0) >= 0;
			break;
		case 6:
			got = timerfd_create(CLOCK_MONOTONIC, 0) >= 0;
			break;
		case 7:
			got = inotify_init1(0) >= 0;
			break;
		case 8:
			got = memfd_create("devports-load", 0) >= 0;
			break;
		case 9:
			if (ntcp > 0) { /* a connection to a server, left in its accept queue */
				struct sockaddr_in a = {.sin_family = AF_INET,
				                        .sin_port = htons((uint16_t)tcp[(seed + (unsigned)have) % (unsigned)ntcp]),
				                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
				int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
				if (s >= 0) {
					if (connect(s, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS)
						close(s);
					else
						got = 1;
				}
			}
			break;
		}
		if (got == 0 && kind > 1000 + (int)(seed % 10))
			break; /* the system refuses more: hold what there is */
		have += got;
	}
}

/* Exec's this program again under the role's name; the new image writes `msg` to fd `report`
 * and holds (main, DEVPORTS_LOAD_HOLD). The descriptors opened so far stay open. */
static void exec_as(const struct role *r, int port, int report, const char *msg)
{
	char link[4200], args[512], fdtext[16];
	snprintf(link, sizeof link, "%s/%s", linkdir, r->comm);
	const char *mark = strstr(r->args, "%d"); /* the port, when the arguments name it */
	if (mark)
		snprintf(args, sizeof args, "%.*s%d%s", (int)(mark - r->args), r->args, port, mark + 2);
	else
		snprintf(args, sizeof args, "%s", r->args);
	snprintf(fdtext, sizeof fdtext, "%d", report);
	setenv("DEVPORTS_LOAD_HOLD", fdtext, 1);
	setenv("DEVPORTS_LOAD_MSG", msg, 1);
	char *argv[32];
	int n = 0;
	argv[n++] = (char *)r->comm;
	for (char *t = strtok(args, " "); t && n < 31; t = strtok(NULL, " "))
		argv[n++] = t;
	argv[n] = NULL;
	execv(link, argv);
	die("exec");
}

/* What an exec'd process does: says it is ready (with its listeners), then holds. */
static int hold(const char *fdtext)
{
	int fd = atoi(fdtext);
	const char *msg = getenv("DEVPORTS_LOAD_MSG");
	if (msg && write(fd, msg, strlen(msg)) < 0)
		return 1;
	close(fd);
	unsetenv("DEVPORTS_LOAD_MSG");
	for (;;)
		pause();
}

struct listener {
	bool udp, v6, any;
	int port;
};

static const char *address(const struct listener *l)
{
	return l->v6 ? (l->any ? "::" : "::1") : (l->any ? "0.0.0.0" : "127.0.0.1");
}

/* Binds l (a port of its own, taken from *next when the wanted one is in use); -1 when none. */
static int bind_listener(struct listener *l, int *next)
{
	for (int tries = 0; tries < 200; tries++) {
		int s = socket(l->v6 ? AF_INET6 : AF_INET, l->udp ? SOCK_DGRAM : SOCK_STREAM, 0);
		if (s < 0)
			return -1;
		int one = 1, zero = 0;
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (l->v6)
			setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, l->any ? &zero : &one, sizeof one);
		struct sockaddr_storage ss = {0};
		socklen_t len;
		if (l->v6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
			a->sin6_family = AF_INET6;
			a->sin6_port = htons((uint16_t)l->port);
			a->sin6_addr = l->any ? in6addr_any : in6addr_loopback;
			len = sizeof *a;
		} else {
			struct sockaddr_in *a = (struct sockaddr_in *)&ss;
			a->sin_family = AF_INET;
			a->sin_port = htons((uint16_t)l->port);
			a->sin_addr.s_addr = htonl(l->any ? INADDR_ANY : INADDR_LOOPBACK);
			len = sizeof *a;
		}
		if (bind(s, (struct sockaddr *)&ss, len) == 0 && (l->udp || listen(s, 1024) == 0))
			return s;
		close(s);
		l->port = (*next)++;
	}
	return -1;
}

/* A server: its listeners, its workers (each exec'd), its descriptors, then exec'd itself. Its
 * message lists every listener with every pid holding it. */
static void run_server(unsigned n, struct listener *ls, int nl, int fds, int report, pid_t parent)
{
	const struct role *r = &servers[n % NSERVERS];
	uid_t uid;
	gid_t gid;
	pick_user(n, &uid, &gid);
	become(uid, gid);
	tie_to_parent(parent);
	int bound = 0, next = 40000 + (int)(n % 1500) * 16; /* where to go when a port is taken */
	for (int i = 0; i < nl; i++) {
		if (bind_listener(&ls[i], &next) >= 0)
			ls[bound++] = ls[i];
	}
	char pids[64];
	snprintf(pids, sizeof pids, "%d", (int)getpid());
	for (int w = 0; r->prefork && w < WORKERS; w++) {
		pid_t p = fork();
		if (p < 0)
			die("fork");
		if (p == 0) {
			tie_to_parent(getppid());
			fill(fds - nl, NULL, 0, n + (unsigned)w);
			char msg[64];
			snprintf(msg, sizeof msg, "P %d\n", (int)getpid());
			exec_as(r, bound ? ls[0].port : 0, report, msg);
		}
		snprintf(pids + strlen(pids), sizeof pids - strlen(pids), ",%d", (int)p);
	}
	fill(fds - nl, NULL, 0, n);
	char msg[MSG_MAX];
	int o = snprintf(msg, sizeof msg, "P %d\n", (int)getpid());
	for (int i = 0; i < bound && o < (int)sizeof msg - 200; i++)
		o += snprintf(msg + o, sizeof msg - (size_t)o, "L %s\t%s\t%s\t%d\t%u\t%s\t%.15s\n",
		              ls[i].udp ? "udp" : "tcp", ls[i].v6 ? "ipv6" : "ipv4", address(&ls[i]),
		              ls[i].port, (unsigned)uid, pids, r->comm);
	exec_as(r, bound ? ls[0].port : 0, report, msg);
}

/* ---- the generator's side ---- */

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
	stop = sig;
}

static pid_t *all; /* the processes forked here */
static int nall;
static pid_t *ready; /* every process that said it is ready, workers included */
static int nready;

/* Reads the processes' messages until `want` processes said they are ready (or died, or 5
 * minutes passed); listener lines go to `tsv`, pids to the count. Returns the listeners read. */
static int collect(int fd, int want, FILE *tsv, int *tcp, int *ntcp, int tcp_max, int *counts)
{
	static char buf[1 << 16];
	static size_t used;
	int n_ready = 0, listeners = 0;
	time_t deadline = time(NULL) + 300;
	while (n_ready < want && !stop && time(NULL) < deadline) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 1000) <= 0) {
			int st; /* a process that died before it was ready is not waited for */
			pid_t dead;
			while ((dead = waitpid(-1, &st, WNOHANG)) > 0)
				want--;
			continue;
		}
		ssize_t n = read(fd, buf + used, sizeof buf - used - 1);
		if (n <= 0)
			break;
		used += (size_t)n;
		buf[used] = '\0';
		char *line = buf, *nl;
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			if (line[0] == 'P') {
				ready[nready++] = atoi(line + 2);
				nready -= ready[nready - 1] <= 0;
				n_ready++;
			} else if (line[0] == 'L') {
				fprintf(tsv, "%s\n", line + 2);
				listeners++;
				char proto[4], family[5], addr[64];
				int port;
				if (sscanf(line + 2, "%3s %4s %63s %d", proto, family, addr, &port) == 4) {
					counts[0] += !strcmp(proto, "tcp");
					counts[1] += !strcmp(proto, "udp");
					counts[2] += !strcmp(family, "ipv6");
					counts[3] += !strcmp(addr, "::") || !strcmp(addr, "0.0.0.0");
					if (tcp && *ntcp < tcp_max && !strcmp(proto, "tcp") &&
					    !strcmp(addr, "127.0.0.1"))
						tcp[(*ntcp)++] = port;
				}
			}
			line = nl + 1;
		}
		used = strlen(line);
		memmove(buf, line, used);
	}
	return listeners;
}

/* Every process made is this one's child or, a worker whose master is gone, its orphan
 * (PR_SET_CHILD_SUBREAPER): none is reaped before this, so no pid here can be another's yet. */
static void kill_all(void)
{
	for (int i = nall - 1; i >= 0; i--)
		kill(all[i], SIGKILL);
	for (int i = 0; i < nready; i++)
		kill(ready[i], SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

static void remove_linkdir(void)
{
	char path[4200];
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < (pass ? NFILLERS : NSERVERS); i++) {
			snprintf(path, sizeof path, "%s/%s", linkdir,
			         pass ? fillers[i].comm : servers[i].comm);
			unlink(path);
		}
	snprintf(path, sizeof path, "%s/data", linkdir);
	unlink(path);
	rmdir(linkdir);
}

static int usage(void)
{
	fprintf(stderr, "usage: devports_load laptop|heavy|custom [-P procs] [-F fds] [-L listeners] "
	                "[-t minutes] [-o dir] [-s seed]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *held = getenv("DEVPORTS_LOAD_HOLD");
	if (held)
		return hold(held);
	if (argc < 2)
		return usage();
	const char *scenario = argv[1];
	int P, F, L;
	unsigned seed = 1;
	if (!strcmp(scenario, "laptop"))
		P = 400, F = 60, L = 25;
	else if (!strcmp(scenario, "heavy"))
		P = 2000, F = 100, L = 300;
	else if (!strcmp(scenario, "custom"))
		P = 400, F = 60, L = 25;
	else
		return usage();
	for (int i = 2; i < argc; i++) {
		if (i + 1 >= argc || argv[i][0] != '-' || strlen(argv[i]) != 2)
			return usage();
		const char *v = argv[++i];
		switch (argv[i - 1][1]) {
		case 'P': P = atoi(v); break;
		case 'F': F = atoi(v); break;
		case 'L': L = atoi(v); break;
		case 't': limit_minutes = atoi(v); break;
		case 'o': outdir = v; break;
		case 's': seed = (unsigned)strtoul(v, NULL, 10); break;
		default: return usage();
		}
	}
	if (P < 1 || F < 1 || L < 0 || limit_minutes < 1)
		return usage();
	if (geteuid() != 0) {
		fprintf(stderr, "devports_load: run it as root (its processes change users)\n");
		return 2;
	}
	srand(seed);
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		die("/proc/self/exe");
	exe[n] = '\0';

	/* What it writes goes to outdir; the links its processes are exec'd through (their command
	 * names) and a file they open, to a folder of its own that every user can reach (outdir
	 * may not be), removed at the end. */
	char path[4200];
	mkdir(outdir, 0755);
	if (!mkdtemp(linkdir) || chmod(linkdir, 0755) != 0)
		die(linkdir);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < (pass ? NFILLERS : NSERVERS); i++) {
			const char *comm = pass ? fillers[i].comm : servers[i].comm;
			snprintf(path, sizeof path, "%s/%s", linkdir, comm);
			if (symlink(exe, path) != 0 && errno != EEXIST)
				die(path);
		}
	snprintf(path, sizeof path, "%s/data", linkdir);
	FILE *data = fopen(path, "w");
	if (!data)
		die(path);
	fputs("devports load\n", data);
	fclose(data);
	chmod(path, 0644);

	struct rlimit rl; /* F descriptors a process, and a few */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)F + 64) {
		rl.rlim_cur = (rlim_t)F + 64;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned)limit_minutes * 60);

	int report[2];
	if (pipe(report) != 0)
		die("pipe");
	fcntl(report[0], F_SETFD, FD_CLOEXEC);
	snprintf(path, sizeof path, "%s/expected.tsv", outdir);
	FILE *tsv = fopen(path, "w");
	if (!tsv)
		die(path);
	fprintf(tsv, "#proto\tfamily\taddr\tport\tuid\tpids\tcomm\n");

	/* Servers: about two listeners each, at most half the processes; one in eight pre-forks. */
	int nserv = L == 0 ? 0 : (L + 1) / 2 < P / 2 ? (L + 1) / 2 : P / 2 > 0 ? P / 2 : 1;
	all = calloc((size_t)P + (size_t)nserv * WORKERS + 1, sizeof *all);
	ready = calloc((size_t)P + (size_t)nserv * WORKERS + 1, sizeof *ready);
	if (!all || !ready)
		die("calloc");
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	int given = 0, port_next = 20000, procs = 0;
	pid_t self = getpid();
	for (int s = 0; s < nserv; s++) {
		struct listener ls[MAX_PER_SERVER];
		int nl = (L - given) / (nserv - s);
		nl = nl < 1 ? 1 : nl > MAX_PER_SERVER ? MAX_PER_SERVER : nl;
		for (int i = 0; i < nl; i++, given++) {
			int r = rand();
			ls[i] = (struct listener){
				.udp = r % 5 == 0,
				.v6 = (r >> 3) % 5 >= 3,
				.any = (r >> 6) % 5 >= 3,
				.port = given < NDEV_PORTS ? dev_ports[given] : port_next++,
			};
		}
		bool prefork = servers[(unsigned)s % NSERVERS].prefork;
		pid_t p = fork();
		if (p < 0)
			die("fork");
		if (p == 0)
			run_server((unsigned)s, ls, nl, F, report[1], self);
		all[nall++] = p;
		procs += 1 + (prefork ? WORKERS : 0);
	}
	int counts[4] = {0}, tcp[512], ntcp = 0;
	int bound = collect(report[0], procs, tsv, tcp, &ntcp, (int)(sizeof tcp / sizeof tcp[0]), counts);
	fflush(tsv); /* not written twice by the fillers' copies */

	/* Fillers: the rest of the processes. */
	int nfill = P - procs > 0 ? P - procs : 0;
	for (int f = 0; f < nfill && !stop; f++) {
		pid_t p = fork();
		if (p < 0)
			die("fork");
		if (p == 0) {
			uid_t uid;
			gid_t gid;
			pick_user((unsigned)f + 1, &uid, &gid);
			become(uid, gid);
			tie_to_parent(self);
			fill(F, tcp, ntcp > 8 ? 8 : ntcp, (unsigned)f);
			char msg[32];
			snprintf(msg, sizeof msg, "P %d\n", (int)getpid());
			exec_as(&fillers[(unsigned)f % NFILLERS], 0, report[1], msg);
		}
		all[nall++] = p;
	}
	collect(report[0], nfill, tsv, NULL, NULL, 0, counts);
	fclose(tsv);

	snprintf(path, sizeof path, "%s/pids.txt", outdir);
	FILE *pf = fopen(path, "w");
	if (!pf)
		die(path);
	for (int i = 0; i < nready; i++)
		fprintf(pf, "%d\n", (int)ready[i]);
	fclose(pf);
	int total = nready;

	printf("READY scenario=%s pid=%d procs=%d (servers=%d fillers=%d) fds_per_proc=%d "
	       "listeners=%d/%d (tcp=%d udp=%d v6=%d wildcard=%d) limit=%dmin expected=%s/expected.tsv\n",
	       scenario, (int)self, total, nserv, nfill, F, bound, L, counts[0], counts[1], counts[2],
	       counts[3], limit_minutes, outdir);
	fflush(stdout);
	while (!stop)
		pause();
	kill_all();
	remove_linkdir();
	return 0;
}
