/* app_detail.c - the inspect view's data: gathered when it opens and on `r`, the HTTP check
 * driven from the loop (never blocking it). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app_work.h"
#include "detail.h"

/* Everything but the HTTP check, from the platform and the latest snapshot. */
static void gather(struct app *a, struct detail *d)
{
	const struct listener *l = &d->row.l;
	arena_reset(&d->strings);
	d->proc = *l->proc;
	d->proc_rc = l->owner_hidden ? -EACCES : -ENOSYS;
	d->connections_rc = -ENOSYS;
	d->unit[0] = '\0';
	d->unit_user = false;
	d->unit_rc = -ENOSYS;
	d->nchain = 0;
	d->nsockets = 0;
	if (a->platform && !l->owner_hidden) {
		struct proc_info fresh;
		d->proc_rc = platform_process(a->platform, l->proc->id.pid, &d->strings, &fresh);
		/* The same process (not a recycled pid) or nothing new. */
		if (d->proc_rc == 0 && fresh.id.start_ticks == l->proc->id.start_ticks)
			d->proc = fresh;
		else if (d->proc_rc == 0)
			d->proc_rc = -ESRCH;
		d->nchain =
		    ancestry_walk(a->platform, &d->proc, d->chain, ANCESTRY_MAX, &d->strings);
		d->unit_rc = platform_service_unit(a->platform, l->proc->id.pid, d->unit,
		                                   sizeof d->unit, &d->unit_user);
	}
	d->tmux_rc = a->platform
	                 ? platform_tmux_status(a->platform, d->tmux_why, sizeof d->tmux_why)
	                 : -ENOSYS;
	if (a->platform && l->proto == PROTO_TCP)
		d->connections_rc = platform_connections(a->platform, l, &d->connections);
	for (size_t i = 0; i < a->snap.set.n && d->nsockets < KILL_PORTS_MAX; i++) {
		const struct listener *o = &a->snap.set.v[i];
		bool mine = l->owner_hidden
		                ? o->owner_hidden && o->inode == l->inode && o->port == l->port
		                : listener_held_by(o, l->proc->id.pid);
		if (mine)
			kill_plan_where(o, d->sockets[d->nsockets++], KILL_WHERE_MAX);
	}
	if (d->nsockets == 0)
		kill_plan_where(l, d->sockets[d->nsockets++], KILL_WHERE_MAX);
}

static void start_http(struct app *a, struct detail *d)
{
	http_check_free(&d->http);
	d->http_shown = false;
	d->http_rc = a->platform ? platform_http_check(a->platform, &d->row.l,
	                                               DETAIL_HTTP_TIMEOUT_MS, &d->http)
	                         : -ENOSYS;
	if (d->http)
		http_check_step(
		    d->http); /* connect now: the answer may come before the next turn */
}

enum reaction app_detail_open(struct app *a)
{
	const struct row *r = model_selected(&a->model);
	if (!r)
		return REACT_NONE;
	struct detail *d = calloc(1, sizeof *d);
	if (!d) {
		app_warn(a, "out of memory", 4);
		return REACT_REDRAW;
	}
	d->row = *r;
	d->owned = listener_clone(&r->l); /* the row's data outlives the snapshot it came from */
	if (!d->owned) {
		free(d);
		app_warn(a, "out of memory", 4);
		return REACT_REDRAW;
	}
	d->row.l = *d->owned;
	d->row.owned = NULL;
	d->hints = *model_row_hints(r); /* the model's own list goes with its row */
	d->row.hints = NULL;
	gather(a, d);
	start_http(a, d);
	app_detail_close(a);
	a->detail = d;
	a->mode = MODE_DETAIL;
	return REACT_REDRAW;
}

enum reaction app_detail_refresh(struct app *a)
{
	if (!a->detail)
		return REACT_NONE;
	gather(a, a->detail);
	start_http(a, a->detail);
	app_say(a, "read again; checking HTTP");
	return REACT_RESCAN;
}

enum reaction app_detail_close(struct app *a)
{
	if (a->detail) {
		http_check_free(&a->detail->http);
		arena_free(&a->detail->strings);
		free(a->detail->owned);
		free(a->detail);
		a->detail = NULL;
	}
	if (a->mode == MODE_DETAIL)
		a->mode = MODE_LIST;
	return REACT_REDRAW;
}

/* The HTTP check, when one is under way. */
static struct http_check *pending_http(const struct app *a)
{
	struct http_check *c = a->detail ? a->detail->http : NULL;
	return c && http_check_result(c)->outcome == HTTP_PENDING ? c : NULL;
}

bool app_detail_tick(struct app *a)
{
	struct detail *d = a->detail;
	if (!d || !d->http || d->http_shown)
		return false;
	/* Done here or while the loop waited in app_wait(): either way, drawn once more. */
	d->http_shown = http_check_step(d->http);
	return d->http_shown;
}

bool app_detail_busy(const struct app *a)
{
	return pending_http(a) != NULL;
}

bool app_wait(struct app *a, int fd, int timeout_ms)
{
	struct http_check *c = pending_http(a);
	if (!c) /* the health checks' sockets, when some are under way */
		return app_health_wait(a, fd, timeout_ms);
	http_check_wait(c, fd, timeout_ms);
	return true;
}
