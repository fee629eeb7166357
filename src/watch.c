/* watch.c - watched ports' transitions (watch.h). */
#include "watch.h"

#include <stdio.h>
#include <string.h>

struct watch_entry *watch_find(struct watch_list *w, uint16_t port, uint8_t proto)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].port == port && w->v[i].proto == proto)
			return &w->v[i];
	return NULL;
}

const struct watch_entry *watch_find_const(const struct watch_list *w, uint16_t port, uint8_t proto)
{
	return watch_find((struct watch_list *)w, port, proto);
}

struct watch_entry *watch_add(struct watch_list *w, uint16_t port, uint8_t proto, bool from_config)
{
	struct watch_entry *e = watch_find(w, port, proto);
	if (e)
		return e;
	if (w->n == WATCH_MAX)
		return NULL;
	e = &w->v[w->n++];
	*e = (struct watch_entry){.port = port, .proto = proto, .from_config = from_config};
	return e;
}

static void take_owner(struct watch_entry *e, const struct listener *l)
{
	e->owner_known = true;
	e->owner = l->proc->id;
	snprintf(e->comm, sizeof e->comm, "%s", l->proc->comm);
}

struct watch_entry *watch_add_from(struct watch_list *w, const struct listener *l, bool gone,
                                   time_t wall)
{
	struct watch_entry *e = watch_add(w, l->port, l->proto, false);
	if (!e)
		return NULL;
	e->state = gone ? WATCH_DOWN : WATCH_UP;
	e->down_since = gone ? wall : 0;
	if (!l->owner_hidden)
		take_owner(e, l);
	return e;
}

bool watch_remove(struct watch_list *w, uint16_t port, uint8_t proto)
{
	struct watch_entry *e = watch_find(w, port, proto);
	if (!e)
		return false;
	size_t i = (size_t)(e - w->v);
	memmove(&w->v[i], &w->v[i + 1], (w->n - i - 1) * sizeof w->v[0]);
	w->n--;
	return true;
}

void watch_port_name(uint16_t port, uint8_t proto, char *buf, size_t len)
{
	snprintf(buf, len, ":%u%s", (unsigned)port, proto == PROTO_UDP ? "/udp" : "");
}

static bool same_proc(const struct proc_ident *a, const struct proc_ident *b)
{
	return a->pid == b->pid && a->start_ticks == b->start_ticks;
}

/* What one poll shows of an entry's port: whether any listener holds it, whether the last known
 * owner still leads one, and the first listener with a known owner. */
struct sighting {
	bool up, owner_stays;
	const struct listener *known;
};

static struct sighting look(const struct watch_entry *e, const struct listener *v, size_t n)
{
	struct sighting s = {0};
	for (size_t i = 0; i < n; i++) {
		const struct listener *l = &v[i];
		if (l->port != e->port || l->proto != e->proto)
			continue;
		s.up = true;
		if (l->owner_hidden)
			continue;
		if (!s.known)
			s.known = l;
		if (e->owner_known && same_proc(&l->proc->id, &e->owner))
			s.owner_stays = true;
	}
	return s;
}

static void describe(const struct watch_entry *e, enum watch_change kind, char *buf, size_t len)
{
	char port[16];
	watch_port_name(e->port, e->proto, port, sizeof port);
	switch (kind) {
	case WATCH_WENT_DOWN:
		if (e->owner_known)
			snprintf(buf, len, "%s %s went down", port, e->comm);
		else
			snprintf(buf, len, "%s went down", port);
		break;
	case WATCH_CAME_BACK:
		if (e->owner_known)
			snprintf(buf, len, "%s is back (%s, pid %ld)", port, e->comm,
			         (long)e->owner.pid);
		else
			snprintf(buf, len, "%s is back (owner hidden)", port);
		break;
	case WATCH_NEW_OWNER:
		snprintf(buf, len, "%s has a new owner: %s (pid %ld)", port, e->comm,
		         (long)e->owner.pid);
		break;
	}
}

/* The entry's next state from what the poll shows; true (with *kind) when that is a change to
 * report. */
static bool step(struct watch_entry *e, const struct sighting *s, time_t wall,
                 enum watch_change *kind)
{
	enum watch_state was = e->state;
	if (!s->up) {
		e->state = WATCH_DOWN;
		if (was != WATCH_DOWN)
			e->down_since = wall;
		*kind = WATCH_WENT_DOWN;
		return was == WATCH_UP;
	}
	e->state = WATCH_UP;
	bool new_owner = s->known && e->owner_known && !s->owner_stays;
	if (s->known && (!e->owner_known || !s->owner_stays || was != WATCH_UP))
		take_owner(e, s->known);
	else if (!s->known && was != WATCH_UP)
		e->owner_known = false; /* back, or first seen, with its owner hidden */
	if (was == WATCH_DOWN) {
		*kind = WATCH_CAME_BACK;
		return true;
	}
	*kind = WATCH_NEW_OWNER;
	return was == WATCH_UP && new_owner;
}

size_t watch_update(struct watch_list *w, const struct listener *v, size_t n, time_t wall,
                    struct watch_event *out)
{
	size_t k = 0;
	for (size_t i = 0; i < w->n; i++) {
		struct watch_entry *e = &w->v[i];
		struct sighting s = look(e, v, n);
		enum watch_change kind;
		if (!step(e, &s, wall, &kind))
			continue;
		out[k] = (struct watch_event){.kind = kind, .port = e->port, .proto = e->proto};
		describe(e, kind, out[k].text, sizeof out[k].text);
		k++;
	}
	return k;
}
