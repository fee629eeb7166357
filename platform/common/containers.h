/* containers.h - the container a container-proxy row forwards into: a docker-proxy (Docker), or
 * Podman's rootlessport or conmon, as the engine's API (engine_api.h) describes it.
 *
 * The engine is asked only when a snapshot has such a row, and never on the dashboard's tick:
 * - in the dashboard (wait_ms 0) a thread of its own, started at the first such row, asks the
 *   engine when the set of proxy rows changes and every CONTAINERS_REFRESH_SECONDS while there
 *   are some; the tick only copies its last answer (under a mutex held for that copy alone), so
 *   a slow or stalled engine delays labels, never a frame. The thread waits on the stop pipe as
 *   well as on the socket: containers_free() ends it at once, whatever the engine does;
 * - a one-shot command (wait_ms > 0: `--json`, `list`, `who`) asks once, on its own thread, for
 *   at most wait_ms, at its first snapshot with such a row: its output is printed once and
 *   should be complete, and a thread would only add a wait at exit.
 * The last answer is kept per container id (sorted by id); each answer replaces it whole. */
#ifndef DEVPORTS_CONTAINERS_H
#define DEVPORTS_CONTAINERS_H

#include <stddef.h>
#include <stdint.h>

#include "engine_api.h"
#include "snapshot.h"

enum {
	CONTAINERS_REFRESH_SECONDS = 5, /* the dashboard asks again this often while proxies run */
	CONTAINERS_TIMEOUT_MS = 2000,   /* the dashboard thread's bound on one request */
};

struct containers;

/* A handle (nothing is started or loaded yet). docker_host and xdg_runtime are the values of
 * DOCKER_HOST and XDG_RUNTIME_DIR (NULL: unset), copied. 0 or -ENOMEM. */
int containers_new(struct containers **out, int wait_ms, const char *docker_host,
                   const char *xdg_runtime);
/* Stops the thread (at once: it is woken from any wait) and frees everything; NULL-safe. */
void containers_free(struct containers **c);

/* Sets listener.container of every row of the finished snapshot s whose lead holder is a
 * container proxy (containers_proxy_engine()): the matching container from the last answer,
 * or one with name "" and why saying why it is not known; other rows keep NULL. Everything
 * lives in s. Asks the engine as described above; never waits in the dashboard. 0 or -ENOMEM. */
int containers_fill(struct containers *c, struct snapshot *s, double now);

/* The last answer's outcome: 0 (the engine answered; why names the socket), or the negative
 * errno of engine_socket_choose() / engine_get_containers() with why in words, -EAGAIN (not
 * asked yet, or no answer yet). why is always NUL-terminated. */
int containers_status(struct containers *c, char *why, size_t len);

/* Pure: the engine behind a process of that command name: "docker" for docker-proxy, "podman"
 * for rootlessport and conmon, NULL for any other. */
const char *containers_proxy_engine(const char *comm);

/* Pure: the container of list that row l forwards into: one that publishes l's protocol and port
 * (PublicPort, Type), preferring one on l's address (or on every address) and then, when
 * want_private is not 0, one whose container port is want_private (a docker-proxy's
 * -container-port). Sets *port to its container port. NULL when none publishes it. */
const struct engine_container *containers_match(const struct engine_list *list,
                                                const struct listener *l, uint16_t want_private,
                                                uint16_t *port);

#endif
