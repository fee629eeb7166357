/* hints.h - what a developer should know about a listener: the AirPlay Receiver on 5000/7000, a
 * dev server open to the network, localhost reaching another server than this one, where a
 * docker-proxy forwards, a port the config expects another project on. Some hints compare the
 * listeners of one port, so they are computed from the port's whole group. Pure. */
#ifndef DEVPORTS_HINTS_H
#define DEVPORTS_HINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "labels.h"
#include "listener.h"
#include "reach.h"

/* In priority order: a row's hints are listed in this order, the first is the one that matters
 * most. */
enum hint_kind {
	HINT_AIRPLAY = 0, /* macOS ControlCenter's AirPlay Receiver on 5000 or 7000 */
	HINT_EXPECTED,    /* the config, or a project's .devports.yml, expects another owner */
	HINT_FALLBACK,    /* a project on a fallback port: its preferred one is held by another */
	HINT_DOCKER,      /* docker-proxy: the container address it forwards to */
	HINT_SHADOWED,    /* localhost (::1 or 127.0.0.1) reaches another server on this port */
	HINT_LAN,         /* a dev server reachable from the network */
	HINT_KIND_COUNT
};

struct hint_kind_def {
	enum hint_kind kind;
	const char *name; /* for JSON: "airplay", "unexpected_owner", "on_fallback",
	                     "docker_target", "localhost_shadowed", "lan_exposed" */
	bool sticky;      /* a row with this hint is never hidden: not by a filter, the UDP toggle,
	                     a folded group or the config's hide rules */
};

extern const struct hint_kind_def hint_kinds[HINT_KIND_COUNT];

enum { HINTS_MAX = HINT_KIND_COUNT, HINT_TEXT_MAX = 200 };

struct hint {
	enum hint_kind kind;
	char text[HINT_TEXT_MAX]; /* one sentence, printable UTF-8 */
};

/* A listener's hints, at most one of each kind, in priority order. A zeroed list is empty. */
struct hint_list {
	size_t n;
	struct hint v[HINTS_MAX];
};

struct config;

/* Every listener on one protocol and port, with their labels and, for TCP, what each destination
 * reaches among them (reach.h), computed once for the port: what the hints that compare
 * listeners read. */
struct hint_port {
	const struct listener *const *mates; /* [0..n): every listener of the port, any order */
	const struct label *const *labels;   /* labels[i] is the label of mates[i] */
	size_t n;
	const struct reach_view *reach; /* over mates[0..n); NULL: not known (UDP), no such hint */
	/* A listener on TCP port `port` (any address) of the same set, or NULL when none holds it:
	 * who holds a project's preferred port, for on_fallback. NULL: not known, no such hint. */
	const struct listener *(*find)(const void *ctx, uint16_t port);
	const void *find_ctx;
};

/* The hints of port->mates[self]. cfg may be NULL. */
void hints_for(const struct hint_port *port, size_t self, const struct config *cfg,
               struct hint_list *out);

/* Whether any hint keeps its row visible whatever the filters (hint_kinds[].sticky). */
bool hints_sticky(const struct hint_list *h);

/* Every hint's text joined by " · ", for one status line; "" when there is none. */
void hints_join(const struct hint_list *h, char *buf, size_t len);

/* The container address a docker-proxy command line forwards to ("172.17.0.2:80",
 * "[fd00::2]:80"), read from -container-ip and -container-port. false when it names none. */
bool hints_docker_target(const char *cmdline, char *buf, size_t len);

#endif
