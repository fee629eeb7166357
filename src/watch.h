/* watch.h - watched ports: the (protocol, port) pairs whose going down, coming back and change of
 * owner the dashboard tells you about. Pure: the live listeners and the wall clock are passed in.
 *
 * Each entry is in one state: UNSEEN (no poll since it was added), UP (some listener holds the
 * port; owner is its last known lead) or DOWN (none does). watch_update() moves every entry on
 * from one poll's listeners and reports, per entry, at most one change:
 *   UP -> DOWN              "went down"  (the port is down only when no listener is left on it,
 *                                        IPv4 and IPv6 rows alike)
 *   DOWN -> UP              "is back"
 *   UP -> UP, another lead  "has a new owner": the last known owner (pid and start ticks) leads
 *                           none of the port's listeners any more and another known one does.
 * The first poll after an entry is added (UNSEEN) reports nothing: it only learns the state. An
 * owner that cannot be read (owner_hidden) is no information: it neither changes the last known
 * owner nor raises "new owner". */
#ifndef DEVPORTS_WATCH_H
#define DEVPORTS_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "listener.h"

enum { WATCH_MAX = 64, WATCH_TEXT_MAX = 160 };

enum watch_state { WATCH_UNSEEN, WATCH_UP, WATCH_DOWN };
enum watch_change { WATCH_WENT_DOWN, WATCH_CAME_BACK, WATCH_NEW_OWNER };

struct watch_entry {
	uint16_t port;
	uint8_t proto;    /* enum listener_proto */
	bool from_config; /* listed in the config file (else watched with w) */
	enum watch_state state;
	bool owner_known;
	struct proc_ident owner;  /* the last known lead */
	char comm[PROC_COMM_MAX]; /* its name, sanitized (it comes from the snapshot) */
	time_t down_since;        /* wall clock, when state is DOWN */
};

struct watch_list {
	struct watch_entry v[WATCH_MAX];
	size_t n;
};

struct watch_event {
	enum watch_change kind;
	uint16_t port;
	uint8_t proto;
	char text[WATCH_TEXT_MAX]; /* ":5432 postgres went down"; no control characters */
};

/* The entry for (proto, port), or NULL. */
struct watch_entry *watch_find(struct watch_list *w, uint16_t port, uint8_t proto);
const struct watch_entry *watch_find_const(const struct watch_list *w, uint16_t port,
                                           uint8_t proto);
/* Adds (proto, port), UNSEEN, unless it is there already. Returns the entry, or NULL when the
 * list is full (WATCH_MAX). */
struct watch_entry *watch_add(struct watch_list *w, uint16_t port, uint8_t proto, bool from_config);
/* Adds (proto, port) as UP, held by l's lead (w on a live row: no change is reported for it at
 * the next update), or as DOWN since `wall` when l is a listener that has just gone. NULL when
 * full. */
struct watch_entry *watch_add_from(struct watch_list *w, const struct listener *l, bool gone,
                                   time_t wall);
/* Removes (proto, port); whether it was there. */
bool watch_remove(struct watch_list *w, uint16_t port, uint8_t proto);

/* Moves every entry on from the live listeners v[0..n) (a snapshot's set, any order) at wall
 * clock `wall`; writes the changes into out (room for WATCH_MAX) and returns how many. */
size_t watch_update(struct watch_list *w, const struct listener *v, size_t n, time_t wall,
                    struct watch_event *out);

/* ":5432" or ":5353/udp" into buf. */
void watch_port_name(uint16_t port, uint8_t proto, char *buf, size_t len);

#endif
