/* view_detail.c - inspect: everything about one listener and its process on one screen. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "detail.h"
#include "health.h"
#include "panes.h"
#include "views.h"

enum { LABEL_W = 11, TEXT_MAX = 2048, CMD_LINES = 4 };

struct line {
	const char *label;
	char text[TEXT_MAX];
	enum style st;
	int max_lines;
};

enum { LINES_MAX = 20 };

static struct line *add(struct line *v, int *n, const char *label, int max_lines)
{
	struct line *l = &v[(*n)++];
	*l = (struct line){.label = label, .st = ST_NORMAL, .max_lines = max_lines};
	return l;
}

static void started(const struct app *a, const struct proc_info *p, char *buf, size_t len)
{
	char when[40] = "?", up[32];
	time_t t = (time_t)p->start_time;
	struct tm tm;
	if (p->start_time <= 0) {
		snprintf(buf, len, "unknown");
		return;
	}
	if (localtime_r(&t, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	view_format_duration((int64_t)(a->wall - p->start_time), up, sizeof up);
	snprintf(buf, len, "%s, up %s", when, up);
}

static void memory(const struct proc_info *p, char *buf, size_t len)
{
	char threads[32] = "";
	if (p->threads > 0)
		snprintf(threads, sizeof threads, " · %d thread%s", p->threads,
		         p->threads == 1 ? "" : "s");
	if (p->rss_kib >= 1024)
		snprintf(buf, len, "%.1f MiB resident%s", (double)p->rss_kib / 1024.0, threads);
	else
		snprintf(buf, len, "%llu KiB resident%s", (unsigned long long)p->rss_kib, threads);
}

static void connections(const struct detail *d, char *buf, size_t len)
{
	if (d->connections_rc == 0)
		snprintf(buf, len, "%d established connection%s", d->connections,
		         d->connections == 1 ? "" : "s");
	else if (d->connections_rc == -EINVAL)
		snprintf(buf, len, "none: UDP has no connections");
	else if (d->connections_rc == -ENOSYS)
		snprintf(buf, len, "not known here");
	else
		snprintf(buf, len, "cannot count them: %s", strerror(-d->connections_rc));
}

/* The service unit that runs the process: "nginx.service", "web.service (user unit)", "none". */
static void unit(const struct detail *d, char *buf, size_t len)
{
	if (d->unit_rc == 0)
		snprintf(buf, len, "%s%s", d->unit, d->unit_user ? " (user unit)" : "");
	else if (d->unit_rc == -ENOENT)
		snprintf(buf, len, "none (not run by a service manager)");
	else if (d->unit_rc == -ENOSYS)
		snprintf(buf, len,
		         "not known here (macOS does not say which launchd job runs a process)");
	else
		snprintf(buf, len, "not known: %s", strerror(-d->unit_rc));
}

static void http(const struct detail *d, char *buf, size_t len, enum style *st)
{
	if (d->http) {
		const struct http_result *r = http_check_result(d->http);
		snprintf(buf, len, "GET %s → %s", r->url, r->text);
		*st =
		    r->outcome == HTTP_ANSWERED || r->outcome == HTTP_PENDING ? ST_NORMAL : ST_DIM;
		return;
	}
	*st = ST_DIM;
	if (d->http_rc == -EINVAL)
		snprintf(buf, len, "not checked: UDP");
	else if (d->http_rc == -EADDRNOTAVAIL)
		snprintf(buf, len, "not checked: it listens on no loopback or wildcard address");
	else if (d->http_rc == -ENOSYS)
		snprintf(buf, len, "not checked here (no network in a demo)");
	else if (d->http_rc == -ENOTSUP)
		snprintf(buf, len, "not checked: libcurl could not be loaded (install libcurl4)");
	else
		snprintf(buf, len, "not checked: %s", strerror(-d->http_rc));
}

/* Every process holding the socket, lead first, with its own label where it differs from the
 * row's: "1200 parent gunicorn (dev) · 1201 worker python3 (dev) Uvicorn, parent: uvicorn". */
static void holders(const struct listener *l, const struct label *row, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < l->nholders && o < len; i++) {
		const struct proc_info *h = l->holders[i];
		struct label own = labels_for_holder(l, i, row);
		bool differs = strcmp(own.text, row->text) != 0 || own.source != row->source;
		o += (size_t)snprintf(
		    buf + o, len - o, "%s%ld %s %s (%s)%s%s%s%s", i ? " · " : "", (long)h->id.pid,
		    listener_role_names[listener_holder_role(l, i)], h->comm, h->user,
		    differs && own.text[0] ? " " : "", differs ? own.text : "",
		    differs && own.from[0] ? ", " : "", differs ? own.from : "");
	}
}

/* The tmux pane that runs it: "work:2.1 · window web · running python3 · g goes there"; "" when
 * nothing is worth a line (no tmux server, a demo). */
static void tmux_line(const struct detail *d, char *buf, size_t len)
{
	const struct tmux_pane *p = d->row.l.pane;
	char target[PANE_TARGET_MAX];
	buf[0] = '\0';
	if (p) {
		tmux_pane_target(p, target, sizeof target);
		snprintf(buf, len, "%s · window %s · running %s · g goes there", target,
		         p->window_name, p->command);
	} else if (d->tmux_rc == 0) {
		snprintf(buf, len, "in no tmux pane");
	} else if (d->tmux_rc != -ENOSYS && d->tmux_rc != -ENOENT && d->tmux_rc != -EAGAIN) {
		snprintf(buf, len, "not known: %s", d->tmux_why);
	}
}

/* The health checks of the listener's port, each on up to two lines: its latest result, what it
 * does and its history, latest first ("history ok ok 500 down"). */
static void health_lines(const struct app *a, const struct listener *l, struct line *v, int *n)
{
	const struct health_board *b = &a->health;
	int shown = 0;
	for (size_t i = 0; l->proto == PROTO_TCP && i < b->n && *n < LINES_MAX - 2; i++) {
		const struct health_entry *e = &b->v[i];
		if (e->spec.port != l->port)
			continue;
		const struct health_result *r = health_entry_last(e);
		char spec[256], past[HEALTH_HISTORY * 12] = "";
		size_t o = 0;
		health_spec_describe(&e->spec, spec, sizeof spec);
		for (size_t k = 0; k < e->nhistory && o < sizeof past; k++) {
			const struct health_result *h = health_entry_past(e, k);
			if (h->state == HEALTH_FAILING && h->status)
				o += (size_t)snprintf(past + o, sizeof past - o, " %d", h->status);
			else
				o += (size_t)snprintf(past + o, sizeof past - o, " %s",
				                      health_state_names[h->state]);
		}
		struct line *hl = add(v, n, shown++ ? "" : "health", 2);
		snprintf(hl->text, TEXT_MAX, "%s %s: %s%s%s · %s%s%s", e->spec.service,
		         health_type_names[e->spec.type],
		         health_state_names[r ? r->state : HEALTH_PENDING], r ? ", " : "",
		         r ? r->text : "", spec, past[0] ? " · history" : "", past);
		hl->st = !r || r->state == HEALTH_OK ? ST_NORMAL
		         : r->state == HEALTH_SLOW   ? ST_HINT
		                                     : ST_ERROR;
	}
}

static int compose(const struct app *a, const struct detail *d, struct line *v)
{
	const struct listener *l = &d->row.l;
	const struct proc_info *p = &d->proc;
	int n = 0;
	const struct label *lab = &d->row.label;
	if (lab->source != LABEL_NONE)
		snprintf(add(v, &n, "label", 2)->text, TEXT_MAX, "%s%s — %s", lab->text,
		         lab->source == LABEL_PORT ? "?" : "", lab->from);
	if (l->owner_hidden) {
		snprintf(add(v, &n, "owner", 2)->text, TEXT_MAX, "%s (uid %u) — %s", p->user,
		         (unsigned)l->uid, owner_unknown_text[l->owner_why]);
	} else {
		struct line *c = add(v, &n, "command", CMD_LINES);
		snprintf(c->text, TEXT_MAX, "%s", p->cmdline);
		snprintf(add(v, &n, "executable", 1)->text, TEXT_MAX, "%s",
		         p->exe[0] ? p->exe : "(unknown)");
		snprintf(add(v, &n, "directory", 1)->text, TEXT_MAX, "%s",
		         p->cwd[0] ? p->cwd : "(unknown)");
		snprintf(add(v, &n, "project", 1)->text, TEXT_MAX, "%s",
		         p->project_root[0] ? p->project_root : "(none found)");
		if (l->proc->launcher && l->proc->launcher[0])
			snprintf(add(v, &n, "started by", 1)->text, TEXT_MAX, "%s",
			         l->proc->launcher);
		unit(d, add(v, &n, "unit", 1)->text, TEXT_MAX);
		snprintf(add(v, &n, "user", 1)->text, TEXT_MAX, "%s (uid %u)", p->user,
		         (unsigned)p->uid);
		struct line *pid = add(v, &n, "pid", 1);
		snprintf(pid->text, TEXT_MAX, "%ld, parent %ld%s", (long)p->id.pid, (long)p->ppid,
		         d->proc_rc == -ESRCH ? " — it has exited since" : "");
		started(a, p, add(v, &n, "started", 1)->text, TEXT_MAX);
		memory(p, add(v, &n, "memory", 1)->text, TEXT_MAX);
		if (d->nchain)
			ancestry_format(d->chain, d->nchain, add(v, &n, "ancestry", 2)->text,
			                TEXT_MAX);
		if (l->nholders > 1)
			holders(l, lab, add(v, &n, "holders", 4)->text, TEXT_MAX);
		char pane[TEXT_MAX];
		tmux_line(d, pane, sizeof pane);
		if (pane[0])
			snprintf(add(v, &n, "tmux", 1)->text, TEXT_MAX, "%s", pane);
	}
	if (l->container)
		listener_container_str(l->container, l, add(v, &n, "container", 2)->text, TEXT_MAX);
	struct line *socks = add(v, &n, "listening", 3);
	size_t o = 0;
	for (size_t i = 0; i < d->nsockets && o < TEXT_MAX; i++)
		o += (size_t)snprintf(socks->text + o, TEXT_MAX - o, "%s%s", i ? " · " : "",
		                      d->sockets[i]);
	connections(d, add(v, &n, "clients", 1)->text, TEXT_MAX);
	struct line *h = add(v, &n, "HTTP", 2);
	http(d, h->text, TEXT_MAX, &h->st);
	health_lines(a, l, v, &n);
	const struct hint_list *hints = &d->hints;
	for (size_t i = 0; i < hints->n && n < LINES_MAX; i++) {
		struct line *hl = add(v, &n, i ? "" : "hints", 2);
		snprintf(hl->text, TEXT_MAX, "! %s", hints->v[i].text);
		hl->st = ST_HINT;
	}
	return n;
}

void view_detail_draw(const struct app *a, struct frame *f, int y, int h)
{
	const struct detail *d = a->detail;
	if (!d)
		return;
	static struct line v[LINES_MAX]; /* large: kept off the stack */
	const struct listener *l = &d->row.l;
	char head[512], where[KILL_WHERE_MAX];
	kill_plan_where(l, where, sizeof where);
	if (l->owner_hidden)
		snprintf(head, sizeof head, "%s · owner hidden%s%s", where,
		         d->row.label.text[0] ? " · " : "", d->row.label.text);
	else
		snprintf(head, sizeof head, "%s · %s (pid %ld)%s%s%s%s%s", where, l->proc->comm,
		         (long)l->proc->id.pid, d->row.label.text[0] ? " · " : "",
		         d->row.label.text, d->row.label.source == LABEL_PORT ? "?" : "",
		         d->row.project[0] ? " · " : "", d->row.project);
	frame_put(f, y, 1, f->w - 1, ST_GROUP, head);
	int n = compose(a, d, v), row = y + 2, bottom = y + h;
	int tw = f->w - 2 - LABEL_W - 1;
	for (int i = 0; i < n && row < bottom; i++) {
		frame_put(f, row, 1, LABEL_W, ST_DIM, v[i].label);
		int room = bottom - row < v[i].max_lines ? bottom - row : v[i].max_lines;
		int used = view_wrap(f, row, 2 + LABEL_W, tw, room, v[i].st, v[i].text);
		row += used ? used : 1;
	}
}
