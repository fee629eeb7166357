/* platform.c - dispatches the contract to the native or the fake backend. */
#include "platform.h"
#include "cache_file.h"
#include "containers.h"
#include "detect.h"
#include "fake_backend.h"
#include "health.h"
#include "health_runner.h"
#include "lineage.h"
#include "manifest_cache.h"
#include "panes.h"
#include "project_root.h"
#include "tmux_query.h"
#include "url_open.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int platform_cache_dir(char *out, size_t len)
{
	return cache_dir_resolve(out, len);
}

double platform_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct platform {
	const struct platform_ops *ops;
	void *impl;
	enum platform_kind kind;
	struct containers *containers; /* native only: the container engine's answers */
	struct tmux_query *tmux;       /* native only: tmux's panes */
	struct url_opener *opener;     /* native only: the browsers started by o */
	struct lineage_memo *lineage;  /* what each process's rules said at the last collect */
};

struct platform_proc {
	struct platform *p;
	void *impl; /* the backend's handle */
};

int platform_open(struct platform **out, const struct platform_opts *opts)
{
	static const struct platform_opts defaults = {0};
	if (!opts)
		opts = &defaults;
	*out = NULL;
	struct platform *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	int rc = opts->kind == PLATFORM_FAKE ? platform_fake_open(opts, &p->impl, &p->ops)
	                                     : platform_native_open(opts, &p->impl, &p->ops);
	if (!p->ops) {
		free(p);
		return rc ? rc : -EINVAL;
	}
	p->kind = opts->kind;
	*out = p;
	if (rc == 0 && p->kind == PLATFORM_NATIVE)
		rc = containers_new(&p->containers, opts->containers_wait_ms, getenv("DOCKER_HOST"),
		                    getenv("XDG_RUNTIME_DIR"));
	if (rc == 0 && p->kind == PLATFORM_NATIVE)
		rc = tmux_query_new(&p->tmux, opts->tmux_wait_ms, getenv("TMUX"),
		                    getenv("TMUX_TMPDIR"), getuid());
	if (rc == 0 && p->kind == PLATFORM_NATIVE)
		rc = url_opener_new(&p->opener, getenv("BROWSER"));
	if (rc == 0)
		rc = lineage_memo_new(&p->lineage);
	return rc;
}

/* See platform.h: lets a backend offer calls of its own (platform_fake_seek). */
void *platform_backend(struct platform *p, const struct platform_ops *ops)
{
	return p && p->ops == ops ? p->impl : NULL;
}

const char *platform_name(const struct platform *p)
{
	return p->ops->name(p->impl);
}

const char *platform_error(const struct platform *p)
{
	const char *e = p && p->ops->error ? p->ops->error(p->impl) : NULL;
	return e ? e : "";
}

/* A live process's project, when its backend did not say (a scenario always says). */
static int fill_project(const struct platform *p, struct proc_info *info, struct snapshot *s,
                        struct arena *strings)
{
	char root[PROC_PATH_MAX];
	if (p->kind != PLATFORM_NATIVE || info->project_root[0] || !info->cwd[0] ||
	    project_root_find(info->cwd, root, sizeof root) < 0)
		return 0;
	info->project_root = s ? snapshot_str(s, root) : arena_strdup(strings, root);
	return info->project_root ? 0 : -ENOMEM;
}

/* What a live process's project manifests say it is, when it runs the project's code. */
static int fill_manifest(const struct platform *p, struct proc_info *info, struct snapshot *s,
                         double now)
{
	char label[DETECT_LABEL_MAX + 1], from[MANIFEST_FROM_MAX];
	info->manifest = info->manifest_from = "";
	if (p->kind != PLATFORM_NATIVE || !info->project_root[0])
		return 0;
	const struct manifest *m = manifest_cache_get(info->project_root, now, NULL);
	if (!m || !manifest_match(m, info, label, sizeof label, from, sizeof from))
		return 0;
	info->manifest = snapshot_str(s, label);
	info->manifest_from = snapshot_str(s, from);
	return info->manifest && info->manifest_from ? 0 : -ENOMEM;
}

int platform_collect(struct platform *p, struct snapshot *out)
{
	snapshot_reset(out);
	int rc = p->ops->collect(p->impl, out);
	for (size_t i = 0; rc == 0 && i < out->nprocs; i++)
		rc = fill_project(p, &out->procs[i], out, NULL);
	if (rc == 0)
		rc = lineage_fill(out, p->lineage); /* the manifests' match reads the launcher */
	double now = platform_monotonic();
	for (size_t i = 0; rc == 0 && i < out->nprocs; i++)
		rc = fill_manifest(p, &out->procs[i], out, now);
	if (rc == 0)
		rc = snapshot_finish(out, time(NULL));
	if (rc == 0 && p->containers)
		rc = containers_fill(p->containers, out, platform_monotonic());
	if (rc == 0 && p->tmux) /* the pane of each row, from tmux's last answer */
		rc = panes_fill(tmux_query_step(p->tmux, platform_monotonic()), out);
	if (rc < 0)
		snapshot_reset(out);
	return rc;
}

int platform_process(struct platform *p, pid_t pid, struct arena *strings, struct proc_info *out)
{
	int rc = p->ops->process(p->impl, pid, strings, out);
	if (rc == 0)
		rc = fill_project(p, out, NULL, strings);
	return rc;
}

void platform_close(struct platform **p)
{
	if (!p || !*p)
		return;
	containers_free(&(*p)->containers);
	lineage_memo_free(&(*p)->lineage);
	tmux_query_free(&(*p)->tmux);
	url_opener_free(&(*p)->opener);
	if ((*p)->ops->close)
		(*p)->ops->close((*p)->impl);
	free(*p);
	*p = NULL;
}

int platform_proc_open(struct platform *p, const struct proc_ident *who, struct platform_proc **out)
{
	*out = NULL;
	if (!p->ops->proc_open)
		return -ENOSYS;
	if (who->pid <= 0)
		return -ESRCH;
	struct platform_proc *h = calloc(1, sizeof *h);
	if (!h)
		return -ENOMEM;
	int rc = p->ops->proc_open(p->impl, who, &h->impl);
	if (rc < 0) {
		free(h);
		return rc;
	}
	h->p = p;
	*out = h;
	return 0;
}

int platform_proc_signal(struct platform_proc *h, int sig)
{
	return h->p->ops->proc_signal(h->p->impl, h->impl, sig);
}

int platform_proc_wait(struct platform_proc *h, int timeout_ms)
{
	return h->p->ops->proc_wait(h->p->impl, h->impl, timeout_ms < 0 ? 0 : timeout_ms);
}

void platform_proc_close(struct platform_proc **h)
{
	if (!h || !*h)
		return;
	(*h)->p->ops->proc_close((*h)->p->impl, (*h)->impl);
	free(*h);
	*h = NULL;
}

int platform_connections(struct platform *p, const struct listener *l, int *count)
{
	*count = 0;
	if (l->proto != PROTO_TCP)
		return -EINVAL;
	return p->ops->connections ? p->ops->connections(p->impl, l, count) : -ENOSYS;
}

int platform_service_unit(struct platform *p, pid_t pid, char *unit, size_t len, bool *user)
{
	if (len)
		unit[0] = '\0';
	*user = false;
	if (!p->ops->service_unit)
		return -ENOSYS;
	int rc = p->ops->service_unit(p->impl, pid, unit, len, user);
	if (rc < 0 && len)
		unit[0] = '\0';
	return rc;
}

int platform_containers_status(struct platform *p, char *why, size_t len)
{
	if (!p->containers) {
		snprintf(why, len, "%s",
		         p->kind == PLATFORM_FAKE ? "a demo has no container engine"
		                                  : "not known on this system");
		return -ENOSYS;
	}
	return containers_status(p->containers, why, len);
}

int platform_tmux_status(struct platform *p, char *why, size_t len)
{
	if (!p->tmux) {
		snprintf(why, len, "%s", "a demo has no tmux");
		return -ENOSYS;
	}
	return tmux_query_status(p->tmux, why, len);
}

void platform_tick(struct platform *p)
{
	if (p && p->tmux)
		tmux_query_step(p->tmux, platform_monotonic());
	if (p)
		url_opener_reap(p->opener);
}

int platform_open_url(struct platform *p, const char *url, char *why, size_t len)
{
	if (!p->opener) {
		snprintf(why, len, "%s", "a demo opens no browser");
		return -ENOSYS;
	}
	return url_opener_open(p->opener, url, why, len);
}

int platform_tmux_message(struct platform *p, const char *text)
{
	if (!p || !p->tmux)
		return -ENOSYS;
	return tmux_query_message(p->tmux, text, platform_monotonic());
}

int platform_tmux_switch(struct platform *p, const struct tmux_pane *pane, char *why, size_t len)
{
	if (!p->tmux) {
		snprintf(why, len, "%s", "a demo has no tmux");
		return -ENOSYS;
	}
	return tmux_query_switch(p->tmux, pane, why, len);
}

int platform_tcp_port_free(struct platform *p, uint16_t port)
{
	if (port == 0)
		return -EINVAL;
	return p->ops->tcp_port_free ? p->ops->tcp_port_free(p->impl, port) : -ENOSYS;
}

int platform_http_check(struct platform *p, const struct listener *l, int timeout_ms,
                        struct http_check **out)
{
	*out = NULL;
	if (l->proto != PROTO_TCP)
		return -EINVAL;
	return p->ops->http_check ? p->ops->http_check(p->impl, l, timeout_ms, out) : -ENOSYS;
}

int platform_health_open(struct platform *p, struct health_runner **out)
{
	*out = NULL;
	if (p && p->kind == PLATFORM_FAKE)
		return -ENOSYS; /* a demo sends nothing */
	return health_runner_new(out);
}
