/* model.c - merge snapshots into rows: new rows, tombstones, events. See model_lines.c for what
 * the list shows and model_select.c for the cursor. */
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"

void model_init(struct model *m)
{
	*m = (struct model){.sort = SORT_PORT};
}

void model_free(struct model *m)
{
	free(m->rows);
	free(m->lines);
	*m = (struct model){0};
}

static void project_name(const char *root, char *out, size_t len)
{
	const char *slash = strrchr(root, '/');
	snprintf(out, len, "%s", slash ? slash + 1 : root);
}

static void fill_row(struct row *r, const struct listener *l, const struct annotation *a)
{
	r->l = *l;
	r->label = a->label;
	r->hints = a->hints;
	project_name(l->proc.project_root, r->project, sizeof r->project);
}

static void log_event(struct model *m, const struct listener *l, bool added, time_t wall)
{
	struct model_event *e = &m->events[m->event_next];
	*e = (struct model_event){
		.when = wall,
		.added = added,
		.port = l->port,
		.proto = l->proto,
		.pid = l->proc.id.pid,
		.hidden = l->owner_hidden,
	};
	snprintf(e->comm, sizeof e->comm, "%s", l->owner_hidden ? "hidden" : l->proc.comm);
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

int model_apply(struct model *m, const struct snapshot *s, double now, time_t wall)
{
	size_t cap = m->nrows + s->set.n;
	struct annotation *ann = NULL;
	if (annotate_set(&s->set, m->cfg, &ann) < 0)
		return -ENOMEM;
	struct row *out = malloc((cap ? cap : 1) * sizeof *out);
	if (!out) {
		free(ann);
		return -ENOMEM;
	}
	size_t i = 0, j = 0, n = 0;
	while (i < m->nrows || j < s->set.n) {
		struct row *old = i < m->nrows ? &m->rows[i] : NULL;
		const struct listener *cur = j < s->set.n ? &s->set.v[j] : NULL;
		int c = !old ? 1 : !cur ? -1 : listener_key_cmp(&old->l, cur);
		if (c < 0) { /* gone: keep as a tombstone until model_expire drops it */
			out[n] = *old;
			if (!old->gone_at) {
				out[n].gone_at = now;
				log_event(m, &old->l, false, wall);
			}
			n++, i++;
		} else if (c > 0) { /* new */
			struct row *r = &out[n++];
			*r = (struct row){.first_seen = m->primed ? now : 0};
			fill_row(r, cur, &ann[j]);
			if (m->primed)
				log_event(m, cur, true, wall);
			j++;
		} else { /* still there, or back before its tombstone expired */
			out[n] = *old;
			fill_row(&out[n], cur, &ann[j]);
			if (old->gone_at) {
				out[n].gone_at = 0;
				out[n].first_seen = now;
				log_event(m, cur, true, wall);
			}
			n++, i++, j++;
		}
	}
	free(ann);
	free(m->rows);
	m->rows = out;
	m->nrows = n;
	m->caprows = cap;
	m->primed = true;
	model_rebuild(m);
	return 0;
}

bool model_row_is_new(const struct row *r, double now)
{
	return r->first_seen > 0 && !r->gone_at && now - r->first_seen < MODEL_FRESH_SECONDS;
}

const struct hint_list *model_row_hints(const struct row *r)
{
	return &r->hints;
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
		if (r->gone_at && now - r->gone_at >= MODEL_TOMBSTONE_SECONDS) {
			changed = true;
			continue;
		}
		if (r->first_seen > 0 && !r->gone_at && now - r->first_seen >= MODEL_FRESH_SECONDS) {
			r->first_seen = 0; /* no longer new: drawn plain from now on */
			changed = true;
		}
		if (n != i) /* a row is 4 KB: only the ones after a dropped tombstone move */
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
		         (unsigned)e->port, e->proto == PROTO_UDP ? "udp" : "tcp", e->comm, (long)e->pid);
}

size_t model_count_alive(const struct model *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nrows; i++)
		n += !m->rows[i].gone_at;
	return n;
}

size_t model_count_hidden(const struct model *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nrows; i++)
		n += !m->rows[i].gone_at && m->rows[i].l.owner_hidden;
	return n;
}
