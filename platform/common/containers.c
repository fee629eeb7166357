/* containers.c - the last answer of the container engine, asked off the dashboard's tick, and
 * the rows it names (containers.h). */
#include "containers.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "hints.h"

struct containers {
	int wait_ms; /* > 0: one-shot, asks on the caller's thread */
	char *docker_host, *xdg_runtime;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* a request or the stop, for the idle thread */
	pthread_t thread;
	bool started;
	int stop_pipe[2]; /* written once by containers_free: wakes a request under way */
	/* The caller's side: what it last asked for. */
	uint64_t asked_sig;
	double asked_at;
	bool asked;
	/* Under mu. */
	bool stop, want;
	bool answered;
	int rc;
	char why[ENGINE_WHY_MAX];
	char engine[16];
	struct engine_list list;
};

static const struct {
	const char *comm;
	const char *engine;
} proxies[] = {
    {"docker-proxy", "docker"},
    {"rootlessport", "podman"},
    {"conmon", "podman"},
};

const char *containers_proxy_engine(const char *comm)
{
	for (size_t i = 0; comm && i < sizeof proxies / sizeof proxies[0]; i++)
		if (strcmp(comm, proxies[i].comm) == 0)
			return proxies[i].engine;
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int containers_new(struct containers **out, int wait_ms, const char *docker_host,
                   const char *xdg_runtime)
{
	struct containers *c = calloc(1, sizeof *c);
	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->wait_ms = wait_ms;
	c->stop_pipe[0] = c->stop_pipe[1] = -1;
	c->docker_host = dup_or_null(docker_host);
	c->xdg_runtime = dup_or_null(xdg_runtime);
	if ((docker_host && !c->docker_host) || (xdg_runtime && !c->xdg_runtime)) {
		free(c->docker_host);
		free(c->xdg_runtime);
		free(c);
		return -ENOMEM;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	c->rc = -EAGAIN;
	*out = c;
	return 0;
}

/* One request: the socket, then the list. Returns its outcome, list and why filled. */
static int ask(const struct containers *c, int timeout_ms, int stop_fd, struct engine_list *list,
               char *engine, char *why)
{
	char path[ENGINE_PATH_MAX];
	int rc = engine_socket_choose(c->docker_host, c->xdg_runtime, path, why, ENGINE_WHY_MAX);
	if (rc < 0)
		return rc;
	snprintf(engine, 16, "%s", engine_name_of(path));
	rc = engine_get_containers(path, timeout_ms, stop_fd, list, why, ENGINE_WHY_MAX);
	if (rc == 0)
		snprintf(why, ENGINE_WHY_MAX, "%s answered on %s", engine, path);
	return rc;
}

/* Keeps an answer as the last one (takes list's content). Call with mu held. */
static void keep(struct containers *c, int rc, struct engine_list *list, const char *engine,
                 const char *why)
{
	engine_list_free(&c->list);
	c->list = *list;
	*list = (struct engine_list){0};
	c->rc = rc;
	c->answered = true;
	snprintf(c->why, sizeof c->why, "%s", why);
	snprintf(c->engine, sizeof c->engine, "%s", engine);
}

static void *worker(void *arg)
{
	struct containers *c = arg;
	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->want && !c->stop)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stop)
			break;
		c->want = false;
		pthread_mutex_unlock(&c->mu);
		struct engine_list list = {0};
		char why[ENGINE_WHY_MAX], engine[16] = "";
		int rc = ask(c, CONTAINERS_TIMEOUT_MS, c->stop_pipe[0], &list, engine, why);
		pthread_mutex_lock(&c->mu);
		if (rc != -ECANCELED)
			keep(c, rc, &list, engine, why);
		engine_list_free(&list);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* Starts the thread, once. false when it cannot be (the rows then say so). */
static bool start(struct containers *c)
{
	if (c->started)
		return true;
	if (c->stop_pipe[0] < 0 && pipe(c->stop_pipe) < 0)
		return false;
	for (int i = 0; i < 2; i++)
		fcntl(c->stop_pipe[i], F_SETFD, FD_CLOEXEC);
	c->started = pthread_create(&c->thread, NULL, worker, c) == 0;
	return c->started;
}

void containers_free(struct containers **pc)
{
	if (!pc || !*pc)
		return;
	struct containers *c = *pc;
	if (c->started) {
		pthread_mutex_lock(&c->mu);
		c->stop = true;
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->mu);
		ssize_t w = write(c->stop_pipe[1], "x", 1); /* wakes a request under way */
		(void)w;
		pthread_join(c->thread, NULL);
	}
	for (int i = 0; i < 2; i++)
		if (c->stop_pipe[i] >= 0)
			close(c->stop_pipe[i]);
	engine_list_free(&c->list);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c->docker_host);
	free(c->xdg_runtime);
	free(c);
	*pc = NULL;
}

int containers_status(struct containers *c, char *why, size_t len)
{
	pthread_mutex_lock(&c->mu);
	int rc = c->rc;
	snprintf(why, len, "%s", c->answered ? c->why : "the engine has not answered yet");
	pthread_mutex_unlock(&c->mu);
	return rc;
}

const struct engine_container *containers_match(const struct engine_list *list,
                                                const struct listener *l, uint16_t want_private,
                                                uint16_t *port)
{
	char addr[64];
	listener_addr_str(l, addr, sizeof addr);
	if (strcmp(addr, "*") == 0) /* a dual-stack [::]: the engine says "::" */
		snprintf(addr, sizeof addr, "::");
	const struct engine_container *best = NULL;
	int best_score = -1;
	*port = 0;
	for (size_t i = 0; i < list->n; i++)
		for (size_t k = 0; k < list->v[i].nports; k++) {
			const struct engine_port *p = &list->v[i].ports[k];
			if (p->public_port != l->port || p->proto != l->proto)
				continue;
			int score = (!p->ip[0] || strcmp(p->ip, addr) == 0 ? 2 : 0) +
			            (want_private && p->private_port == want_private ? 1 : 0);
			if (score > best_score) {
				best = &list->v[i];
				best_score = score;
				*port = p->private_port;
			}
		}
	return best;
}

/* The container port a docker-proxy's command line names (-container-port), or 0. */
static uint16_t proxy_private_port(const struct proc_info *p)
{
	char target[128];
	if (!hints_docker_target(p->cmdline, target, sizeof target))
		return 0;
	const char *colon = strrchr(target, ':');
	long v = colon ? strtol(colon + 1, NULL, 10) : 0;
	return v > 0 && v <= 65535 ? (uint16_t)v : 0;
}

/* A hash of the proxy rows' protocols and ports: the set the last request was for. */
static uint64_t proxies_sig(const struct snapshot *s, size_t *n)
{
	uint64_t h = HASH_SEED;
	*n = 0;
	for (size_t i = 0; i < s->set.n; i++) {
		const struct listener *l = &s->set.v[i];
		if (l->owner_hidden || !containers_proxy_engine(l->proc->comm))
			continue;
		h = hash_u64(h, ((uint64_t)l->proto << 16) | l->port);
		(*n)++;
	}
	return h;
}

/* What the dashboard's tick does: asks the thread for a new answer when due. */
static void request(struct containers *c, uint64_t sig, double now)
{
	if (c->asked && sig == c->asked_sig && now - c->asked_at < CONTAINERS_REFRESH_SECONDS)
		return;
	if (!start(c)) {
		pthread_mutex_lock(&c->mu);
		c->rc = -EAGAIN;
		c->answered = true;
		snprintf(c->why, sizeof c->why, "devports could not start its engine thread");
		pthread_mutex_unlock(&c->mu);
		return;
	}
	c->asked = true;
	c->asked_sig = sig;
	c->asked_at = now;
	pthread_mutex_lock(&c->mu);
	c->want = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

/* One proxy row's container_info from the last answer (mu held). 0 or -ENOMEM. */
static int describe(struct containers *c, struct snapshot *s, const struct listener *l,
                    struct container_info *out)
{
	const char *engine = c->engine[0] ? c->engine : containers_proxy_engine(l->proc->comm);
	char why[ENGINE_WHY_MAX + 64];
	const struct engine_container *m = NULL;
	uint16_t port = 0;
	if (!c->answered)
		snprintf(why, sizeof why, "waiting for the %s engine's answer", engine);
	else if (c->rc < 0)
		snprintf(why, sizeof why, "%s", c->why);
	else if (!(m = containers_match(&c->list, l, proxy_private_port(l->proc), &port)))
		snprintf(why, sizeof why, "%s lists no container publishing %s port %u", engine,
		         listener_proto_name(l), (unsigned)l->port);
	char name[ENGINE_NAME_MAX] = "";
	if (m) /* an unnamed container: its short id names it */
		snprintf(name, sizeof name, "%.*s", m->name[0] ? (int)sizeof name : 12,
		         m->name[0] ? m->name : m->id);
	out->engine = snapshot_str(s, engine);
	out->id = snapshot_str(s, m ? m->id : "");
	out->name = snapshot_str(s, name);
	out->image = snapshot_str(s, m ? m->image : "");
	out->why = snapshot_str(s, m ? "" : why);
	out->port = port;
	return out->engine && out->id && out->name && out->image && out->why ? 0 : -ENOMEM;
}

int containers_fill(struct containers *c, struct snapshot *s, double now)
{
	size_t n;
	uint64_t sig = proxies_sig(s, &n);
	if (n == 0)
		return 0; /* no proxy: no request, no thread, no libcurl */
	if (c->wait_ms > 0 && !c->asked) {
		struct engine_list list = {0};
		char why[ENGINE_WHY_MAX], engine[16] = "";
		int rc = ask(c, c->wait_ms, -1, &list, engine, why);
		c->asked = true;
		pthread_mutex_lock(&c->mu);
		keep(c, rc, &list, engine, why);
		pthread_mutex_unlock(&c->mu);
		engine_list_free(&list);
	} else if (c->wait_ms <= 0) {
		request(c, sig, now);
	}
	struct container_info *info = snapshot_containers(s, n);
	if (!info)
		return -ENOMEM;
	int rc = 0;
	size_t k = 0;
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; rc == 0 && i < s->set.n; i++) {
		struct listener *l = &s->set.v[i];
		if (l->owner_hidden || !containers_proxy_engine(l->proc->comm))
			continue;
		rc = describe(c, s, l, &info[k]);
		l->container = &info[k++];
	}
	pthread_mutex_unlock(&c->mu);
	return rc;
}
