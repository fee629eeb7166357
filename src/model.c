/* model.c - merge snapshots into rows: new rows, tombstones, events, and labels and hints only
 * where something changed. See model_lines.c for what the list shows and the cursor. */
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_grow.h"
#include "config.h"
#include "hash.h"
#include "panes.h"
#include "project_map.h"

void model_init(struct model *m)
{
	memset(m, 0, sizeof *m);
	m->sort = SORT_PORT;
}

static void drop_row(struct row *r)
{
	free(r->owned);
	r->owned = NULL;
	free(r->hints);
	r->hints = NULL;
}

/* The hints of port for its row k into r: kept in a list of r's own only when there are some
 * (left as they were when that list cannot be had). */
static void set_hints(struct model *m, struct row *r, const struct hint_port *port, size_t k)
{
	struct hint_list h;
	hints_for(port, k, m->cfg, &h);
	if (h.n == 0) {
		free(r->hints);
		r->hints = NULL;
		return;
	}
	if (!r->hints && !(r->hints = malloc(sizeof *r->hints)))
		return;
	*r->hints = h;
}

void model_free(struct model *m)
{
	for (size_t i = 0; i < m->nrows; i++)
		drop_row(&m->rows[i]);
	free(m->rows);
	free(m->spare);
	free(m->lines);
	memset(m, 0, sizeof *m);
}

static void project_name(const char *root, char *out, size_t len)
{
	const char *slash = strrchr(root, '/');
	snprintf(out, len, "%s", slash ? slash + 1 : root);
}

/* What a row's label and hints are computed from, as one hash: its socket's fields, every
 * holder's identity and text (their fingerprints) and the container the engine named; and its
 * tmux pane, which labels do not read, so that a pane that tmux names later redraws the row. */
static uint64_t inputs_of(const struct listener *l)
{
	uint64_t h = HASH_SEED;
	uint64_t v[] = {l->v6only, l->owner_hidden, l->owner_why, l->uid, l->nholders};
	for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
		h = hash_u64(h, v[k]);
	for (size_t i = 0; i < l->nholders; i++) /* the lead is holders[0] */
		h = hash_u64(h, l->holders[i]->fingerprint);
	if (l->container) { /* its answer may come later than the row: labelled again then */
		const struct container_info *c = l->container;
		const char *text[] = {c->engine, c->id, c->name, c->image, c->why};
		for (size_t k = 0; k < sizeof text / sizeof text[0]; k++)
			h = hash_str(h, text[k]);
		h = hash_u64(h, c->port);
	}
	if (l->pane) { /* tmux's answer comes later than the row, and a pane may change */
		const struct tmux_pane *p = l->pane;
		uint64_t nums[] = {(uint64_t)p->pid, p->id, p->session_id, p->window, p->pane};
		for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++)
			h = hash_u64(h, nums[k]);
		h = hash_str(hash_str(hash_str(h, p->session), p->window_name), p->command);
	}
	return l->owner_hidden ? hash_str(h, l->proc->user) : h;
}

static void log_event(struct model *m, const struct listener *l, bool added, time_t wall)
{
	struct model_event *e = &m->events[m->event_next];
	*e = (struct model_event){
	    .when = wall,
	    .added = added,
	    .port = l->port,
	    .proto = l->proto,
	    .pid = l->proc->id.pid,
	    .hidden = l->owner_hidden,
	};
	snprintf(e->comm, sizeof e->comm, "%s", l->owner_hidden ? "hidden" : l->proc->comm);
	m->event_next = (m->event_next + 1) % MODEL_EVENTS_MAX;
	if (m->nevents < MODEL_EVENTS_MAX)
		m->nevents++;
}

void model_note(struct model *m, time_t wall, const char *text)
{
	struct model_event *e = &m->events[m->event_next];
	*e = (struct model_event){.when = wall};
	snprintf(e->note, sizeof e->note, "%s", text);
	m->event_next = (m->event_next + 1) % MODEL_EVENTS_MAX;
	if (m->nevents < MODEL_EVENTS_MAX)
		m->nevents++;
}

static void mark_port(struct model *m, const struct listener *l)
{
	m->dirty_ports[l->proto & 1][l->port / 8] |= (unsigned char)(1u << (l->port % 8));
}

static bool port_dirty(const struct model *m, const struct listener *l)
{
	return m->dirty_ports[l->proto & 1][l->port / 8] & (1u << (l->port % 8));
}

/* Whether the process a row shows (its lead, or no owner) is another one in cur. */
static bool lead_changed(const struct listener *was, const struct listener *cur)
{
	if (was->owner_hidden || cur->owner_hidden)
		return was->owner_hidden != cur->owner_hidden;
	return was->proc->id.pid != cur->proc->id.pid ||
	       was->proc->id.start_ticks != cur->proc->id.start_ticks;
}

/* A live row takes cur as its listener; a changed one is labelled again (its port's hints are
 * recomputed after the merge). */
static void refresh(struct model *m, struct row *r, const struct listener *cur, bool force)
{
	r->l = *cur;
	uint64_t in = inputs_of(cur);
	if (in == r->inputs && !force)
		return;
	r->inputs = in;
	r->label = labels_for(cur, m->cfg);
	project_name(cur->proc->project_root, r->project, sizeof r->project);
	m->annotated++;
	mark_port(m, cur);
}

/* A row that vanished keeps its last listener in a copy of its own until it expires. */
static void bury(struct model *m, struct row *r, double now, time_t wall)
{
	log_event(m, &r->l, false, wall);
	r->gone_at = now;
	mark_port(m, &r->l);
	struct listener *copy = listener_clone(&r->l);
	if (copy) {
		r->owned = copy;
		r->l = *copy;
	} else { /* out of memory: no tombstone, the row goes now */
		r->gone_at = -1;
	}
}

/* A live TCP row on port (hint_port.find). */
static const struct listener *find_tcp(const void *ctx, uint16_t port)
{
	const struct model *m = ctx;
	for (size_t i = 0; i < m->nrows; i++) {
		const struct row *r = &m->rows[i];
		if (!r->gone_at && r->l.proto == PROTO_TCP && r->l.port == port)
			return &r->l;
	}
	return NULL;
}

/* A project's ports depend on each other (on_fallback names who holds the preferred one): when
 * one of them is marked, all of them are. */
static void mark_project_ports(struct model *m)
{
	const struct project_maps *maps = config_maps(m->cfg);
	for (size_t i = 0; maps && i < maps->n; i++) {
		const struct project_decl *d = &maps->v[i];
		struct listener probe = {.proto = PROTO_TCP, .port = d->preferred};
		bool any = d->preferred && port_dirty(m, &probe);
		for (size_t k = 0; k < d->nfallback && !any; k++) {
			probe.port = d->fallback[k];
			any = port_dirty(m, &probe);
		}
		if (!any)
			continue;
		probe.port = d->preferred;
		if (d->preferred)
			mark_port(m, &probe);
		for (size_t k = 0; k < d->nfallback; k++) {
			probe.port = d->fallback[k];
			mark_port(m, &probe);
		}
	}
}

/* Hints for every live row whose (protocol, port) is marked: the port's live rows are gathered
 * and its reachability worked out once, then each of them gets its hints. */
static void rehint(struct model *m)
{
	mark_project_ports(m);
	const struct listener *mates[REACH_ROWS_MAX];
	const struct label *labels[REACH_ROWS_MAX];
	struct row *rows[REACH_ROWS_MAX];
	for (size_t i = 0; i < m->nrows; i++) {
		struct row *r = &m->rows[i];
		if (r->gone_at || !port_dirty(m, &r->l))
			continue;
		size_t n = 0;
		for (size_t j = i; j < m->nrows; j++) {
			struct row *o = &m->rows[j];
			if (o->gone_at || o->l.port != r->l.port || o->l.proto != r->l.proto)
				continue;
			if (n == REACH_ROWS_MAX) { /* past the bound: compared with nothing */
				const struct listener *self = &o->l;
				const struct label *lab = &o->label;
				set_hints(m, o,
				          &(struct hint_port){&self, &lab, 1, NULL, find_tcp, m},
				          0);
				continue;
			}
			rows[n] = o;
			mates[n] = &o->l;
			labels[n++] = &o->label;
		}
		struct reach reach;
		reach_compute(mates, n, (enum reach_kernel)m->kernel, &reach);
		m->reached++;
		struct reach_view view = reach_view_of(&reach);
		struct hint_port port = {mates, labels, n, view.n ? &view : NULL, find_tcp, m};
		for (size_t k = 0; k < n; k++)
			set_hints(m, rows[k], &port, k);
		/* this port is done: its later rows are skipped */
		m->dirty_ports[r->l.proto & 1][r->l.port / 8] &=
		    (unsigned char)~(1u << (r->l.port % 8));
	}
	for (size_t i = 0; i < m->nrows; i++) /* unmark what was marked (tombstones' ports) */
		m->dirty_ports[m->rows[i].l.proto & 1][m->rows[i].l.port / 8] = 0;
}

/* One "down" row per watched port that is down: its first tombstone, held while it stays down.
 * True when a row was held or let go. */
static bool hold_down_rows(struct model *m)
{
	bool changed = false;
	for (size_t i = 0; i < m->nrows; i++) {
		struct row *r = &m->rows[i];
		if (r->declared)
			continue; /* held while its project is not running (sync_declared) */
		const struct watch_entry *e = watch_find_const(&m->watch, r->l.port, r->l.proto);
		bool held = r->gone_at > 0 && e && e->state == WATCH_DOWN;
		for (size_t j = 0; held && j < i; j++) /* one per port: the first */
			held = !(m->rows[j].held && m->rows[j].l.port == r->l.port &&
			         m->rows[j].l.proto == r->l.proto);
		changed |= held != r->held;
		r->held = held;
	}
	return changed;
}

static bool has_held_row(const struct model *m, const struct watch_entry *e)
{
	for (size_t i = 0; i < m->nrows; i++)
		if (m->rows[i].held && !m->rows[i].declared && m->rows[i].l.port == e->port &&
		    m->rows[i].l.proto == e->proto)
			return true;
	return false;
}

/* A held tombstone of a stand-in listener on 0.0.0.0:PORT with no owner, inserted in key order
 * (its index into *at): the down row of a watched port that has no row to keep (down since the
 * dashboard started), or of a project's declared port. When a listener comes on that address
 * it is the row's return. */
static int add_stand_in(struct model *m, uint8_t proto, uint16_t port, double now, size_t *at)
{
	static const struct proc_info nobody = {.comm = "",
	                                        .user = "",
	                                        .cmdline = "",
	                                        .cwd = "",
	                                        .exe = "",
	                                        .project_root = "",
	                                        .unit = "",
	                                        .manifest = "",
	                                        .manifest_from = "",
	                                        .parent_label = "",
	                                        .parent_from = "",
	                                        .launcher = ""};
	struct listener l = {.proto = proto,
	                     .family = FAMILY_V4,
	                     .port = port,
	                     .owner_hidden = true,
	                     .owner_why = OWNER_NOT_FOUND,
	                     .proc = &nobody};
	if (!array_grow((void **)&m->rows, &m->caprows, m->nrows + 1, sizeof *m->rows, 16))
		return -ENOMEM;
	struct listener *copy = listener_clone(&l);
	if (!copy)
		return -ENOMEM;
	size_t i = 0;
	while (i < m->nrows && listener_key_cmp(&m->rows[i].l, copy) < 0)
		i++;
	memmove(&m->rows[i + 1], &m->rows[i], (m->nrows - i) * sizeof *m->rows);
	m->rows[i] =
	    (struct row){.l = *copy, .owned = copy, .gone_at = now > 0 ? now : 1e-9, .held = true};
	m->nrows++;
	*at = i;
	return 0;
}

/* Whether project d needs a declared row: it has a preferred port that no live row holds, and no
 * live row runs as it. */
static bool not_running(const struct model *m, const struct project_maps *maps,
                        const struct project_decl *d)
{
	if (!d->preferred || project_maps_find(maps, d->name) != d)
		return false;
	for (size_t i = 0; i < m->nrows; i++) {
		const struct row *r = &m->rows[i];
		if (r->gone_at)
			continue;
		if ((r->l.proto == PROTO_TCP && r->l.port == d->preferred) ||
		    project_maps_owner(maps, &r->l) == d)
			return false;
	}
	return true;
}

/* The declared rows as show_declared and the maps want them: a row whose project came up (or
 * whose port is held) goes, a row a project needs is added, and a declared row a listener came
 * back on is an ordinary row again. True when a row came or went. */
static bool sync_declared(struct model *m, double now)
{
	const struct project_maps *maps = config_maps(m->cfg);
	bool changed = false;
	size_t n = 0;
	for (size_t i = 0; i < m->nrows; i++) {
		struct row *r = &m->rows[i];
		if (r->declared && !r->gone_at) {
			r->declared = r->held = false; /* a listener came on its address */
		} else if (r->declared) {
			const struct project_decl *d = project_maps_find(maps, r->project);
			if (!m->show_declared || !d || d->preferred != r->l.port ||
			    !not_running(m, maps, d)) {
				drop_row(r);
				changed = true;
				continue;
			}
		}
		m->rows[n++] = *r;
	}
	m->nrows = n;
	for (size_t k = 0; m->show_declared && maps && k < maps->n; k++) {
		const struct project_decl *d = &maps->v[k];
		if (!not_running(m, maps, d))
			continue;
		bool have = false;
		for (size_t i = 0; i < m->nrows && !have; i++)
			have = m->rows[i].declared && !strcmp(m->rows[i].project, d->name);
		if (have)
			continue;
		size_t at;
		if (add_stand_in(m, PROTO_TCP, d->preferred, now, &at) < 0)
			break;
		struct row *r = &m->rows[at];
		r->declared = true;
		snprintf(r->project, sizeof r->project, "%s", d->name);
		changed = true;
	}
	for (size_t i = 0; i < m->nrows; i++) { /* their labels: the project's service type */
		struct row *r = &m->rows[i];
		const struct project_decl *d =
		    r->declared ? project_maps_find(maps, r->project) : NULL;
		if (!d)
			continue;
		r->label = (struct label){.source = LABEL_PROJECT};
		if (d->service_type[0])
			project_service_label(d->service_type, r->label.text, sizeof r->label.text,
			                      &r->label.role);
	}
	return changed;
}

void model_declared_toggle(struct model *m, size_t *shown)
{
	m->show_declared = !m->show_declared;
	sync_declared(m, m->declared_now);
	*shown = 0;
	for (size_t i = 0; i < m->nrows; i++)
		*shown += m->rows[i].declared;
	model_rebuild(m);
}

/* The watched ports' changes, into the event log and m->alerts; a down row for each watched
 * port that is down. */
static bool watch_poll(struct model *m, const struct snapshot *s, double now, time_t wall)
{
	m->nalerts = watch_update(&m->watch, s->set.v, s->set.n, wall, m->alerts);
	for (size_t i = 0; i < m->nalerts; i++)
		model_note(m, wall, m->alerts[i].text);
	bool changed = hold_down_rows(m) || m->nalerts > 0;
	for (size_t i = 0; i < m->watch.n; i++) {
		const struct watch_entry *e = &m->watch.v[i];
		size_t at;
		if (e->state == WATCH_DOWN && !has_held_row(m, e) &&
		    add_stand_in(m, e->proto, e->port, now, &at) == 0)
			changed = true;
	}
	return changed;
}

int model_apply(struct model *m, const struct snapshot *s, double now, time_t wall)
{
	const struct listener_set *set = &s->set;
	/* Count the rows of the result: old rows kept (alive, or tombstones) and new keys. */
	size_t i = 0, j = 0, n = 0, added = 0;
	while (i < m->nrows || j < set->n) {
		int c = i == m->nrows ? 1
		        : j == set->n ? -1
		                      : listener_key_cmp(&m->rows[i].l, &set->v[j]);
		n++;
		added += c > 0;
		i += c <= 0;
		j += c >= 0;
	}
	struct row *out = m->rows;
	if (added) { /* new keys: the rows are merged into the spare array */
		if (!array_grow((void **)&m->spare, &m->capspare, n, sizeof *m->spare, 16))
			return -ENOMEM;
		out = m->spare;
	}
	bool changed = added > 0;
	i = j = 0;
	size_t k = 0;
	size_t oldn = m->nrows;
	while (i < oldn || j < set->n) {
		struct row *old = i < oldn ? &m->rows[i] : NULL;
		const struct listener *cur = j < set->n ? &set->v[j] : NULL;
		int c = !old ? 1 : !cur ? -1 : listener_key_cmp(&old->l, cur);
		struct row *r = &out[k++];
		if (c < 0) { /* gone: kept as a tombstone until model_expire drops it */
			if (r != old)
				*r = *old;
			if (!r->gone_at) {
				bury(m, r, now, wall);
				changed = true;
			}
			i++;
			continue;
		}
		if (c > 0) { /* new */
			*r = (struct row){.first_seen = m->primed ? now : 0};
			refresh(m, r, cur, true);
			if (m->primed)
				log_event(m, cur, true, wall);
			j++;
			continue;
		}
		if (r != old) /* still there, or back before its tombstone expired */
			*r = *old;
		uint64_t before = r->inputs;
		bool back = r->gone_at != 0;
		if (back) {
			drop_row(r);
			r->gone_at = 0;
			r->first_seen = now;
			log_event(m, cur, true, wall);
			changed = true;
		}
		if (!back && lead_changed(&r->l, cur)) {
			/* another process on the same address (a restart): the old one went, the
			 * new one came, as the event log and the bold new row say */
			log_event(m, &r->l, false, wall);
			log_event(m, cur, true, wall);
			r->first_seen = now;
			changed = true;
		}
		refresh(m, r, cur, back);
		changed |= r->inputs != before;
		i++, j++;
	}
	if (added) {
		struct row *t = m->rows;
		size_t cap = m->caprows;
		m->rows = m->spare;
		m->caprows = m->capspare;
		m->spare = t;
		m->capspare = cap;
	}
	m->nrows = k;
	/* a tombstone that could not be copied goes at once */
	size_t w = 0;
	for (size_t q = 0; q < m->nrows; q++)
		if (m->rows[q].gone_at >= 0)
			m->rows[w++] = m->rows[q];
		else
			drop_row(&m->rows[q]);
	m->nrows = w;
	m->kernel = s->kernel;
	rehint(m);
	changed |= watch_poll(m, s, now, wall);
	m->declared_now = now;
	changed |= sync_declared(m, now);
	bool first = !m->primed;
	m->primed = true;
	if (changed || first)
		model_rebuild(m);
	return changed || first;
}

void model_reannotate(struct model *m)
{
	for (size_t i = 0; i < m->nrows; i++) {
		struct row *r = &m->rows[i];
		r->label = labels_for(&r->l, m->cfg);
		mark_port(m, &r->l);
	}
	rehint(m);
	sync_declared(m, m->declared_now);
	model_rebuild(m);
}

bool model_row_is_new(const struct row *r, double now)
{
	return r->first_seen > 0 && !r->gone_at && now - r->first_seen < MODEL_FRESH_SECONDS;
}

const struct hint_list *model_row_hints(const struct row *r)
{
	static const struct hint_list none;
	return r->hints ? r->hints : &none;
}

bool model_row_is_gone(const struct row *r)
{
	return r->gone_at > 0;
}

bool model_expire(struct model *m, double now)
{
	bool changed = false;
	size_t n = 0;
	for (size_t i = 0; i < m->nrows; i++) {
		struct row *r = &m->rows[i];
		if (r->gone_at && !r->held && now - r->gone_at >= MODEL_TOMBSTONE_SECONDS) {
			drop_row(r);
			changed = true;
			continue;
		}
		if (r->first_seen > 0 && !r->gone_at &&
		    now - r->first_seen >= MODEL_FRESH_SECONDS) {
			r->first_seen = 0; /* no longer new: drawn plain from now on */
			changed = true;
		}
		if (n != i) /* only the ones after a dropped tombstone move */
			m->rows[n] = *r;
		n++;
	}
	m->nrows = n;
	if (changed)
		model_rebuild(m);
	return changed;
}

const struct model_event *model_event_at(const struct model *m, size_t i)
{
	if (i >= m->nevents)
		return NULL;
	size_t first = (m->event_next + MODEL_EVENTS_MAX - m->nevents) % MODEL_EVENTS_MAX;
	return &m->events[(first + i) % MODEL_EVENTS_MAX];
}

void model_event_format(const struct model_event *e, char *buf, size_t len)
{
	struct tm tm;
	char t[16] = "--:--:--";
	if (localtime_r(&e->when, &tm))
		strftime(t, sizeof t, "%H:%M:%S", &tm);
	if (e->note[0])
		snprintf(buf, len, "%s %s", t, e->note);
	else if (e->hidden)
		snprintf(buf, len, "%s %c :%u %s %s", t, e->added ? '+' : '-', (unsigned)e->port,
		         e->proto == PROTO_UDP ? "udp" : "tcp", e->comm);
	else
		snprintf(buf, len, "%s %c :%u %s %s (pid %ld)", t, e->added ? '+' : '-',
		         (unsigned)e->port, e->proto == PROTO_UDP ? "udp" : "tcp", e->comm,
		         (long)e->pid);
}

bool model_row_watched(const struct model *m, const struct row *r)
{
	return watch_find_const(&m->watch, r->l.port, r->l.proto) != NULL;
}

bool model_watch_toggle(struct model *m, const struct row *r, time_t wall, char *msg, size_t len)
{
	char port[16];
	watch_port_name(r->l.port, r->l.proto, port, sizeof port);
	const struct watch_entry *e = watch_find_const(&m->watch, r->l.port, r->l.proto);
	bool watched;
	if (e) {
		bool cfg = e->from_config;
		watch_remove(&m->watch, r->l.port, r->l.proto);
		snprintf(msg, len, "not watching %s any more%s", port,
		         cfg ? " (this session; the config file still lists it)" : "");
		watched = false;
	} else if (watch_add_from(&m->watch, &r->l, model_row_is_gone(r), wall)) {
		snprintf(msg, len, "watching %s: down, back and new owners are told (this session)",
		         port);
		watched = true;
	} else {
		snprintf(msg, len, "%d ports are watched already: w on one of them lets it go",
		         WATCH_MAX);
		return false;
	}
	model_note(m, wall, msg);
	hold_down_rows(m);
	model_rebuild(m);
	return watched;
}

void model_down_text(const struct model *m, const struct row *r, char *buf, size_t len)
{
	const struct project_decl *d =
	    r->declared ? project_maps_find(config_maps(m->cfg), r->project) : NULL;
	if (d) {
		char source[PROC_PATH_MAX];
		project_decl_source(d, source, sizeof source);
		snprintf(buf, len, "%s (%s%s%s) is not running", d->name, source,
		         r->label.text[0] ? ", " : "", r->label.text);
		return;
	}
	const struct watch_entry *e = watch_find_const(&m->watch, r->l.port, r->l.proto);
	struct tm tm;
	char t[16] = "--:--";
	if (!e) {
		snprintf(buf, len, "down");
		return;
	}
	if (localtime_r(&e->down_since, &tm))
		strftime(t, sizeof t, "%H:%M", &tm);
	if (e->owner_known)
		snprintf(buf, len, "down since %s (was %s, pid %ld)", t, e->comm,
		         (long)e->owner.pid);
	else
		snprintf(buf, len, "down since %s", t);
}

size_t model_count_alive(const struct model *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nrows; i++)
		n += !m->rows[i].gone_at;
	return n;
}

bool model_any_pane(const struct model *m)
{
	for (size_t i = 0; i < m->nrows; i++)
		if (m->rows[i].l.pane)
			return true;
	return false;
}

size_t model_count_hidden(const struct model *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nrows; i++)
		n += !m->rows[i].gone_at && m->rows[i].l.owner_hidden;
	return n;
}

size_t model_count_hidden_by(const struct model *m, enum owner_unknown why)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nrows; i++)
		n += !m->rows[i].gone_at && m->rows[i].l.owner_hidden &&
		     m->rows[i].l.owner_why == why;
	return n;
}
