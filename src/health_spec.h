/* health_spec.h - health checks read from a tree: a healthcheck.yml (or .yaml) parsed by
 * yaml_doc.h, or the "health" member of the config file (config.h). Both have one shape:
 *
 *   allow_remote: false          # true lets checks reach other machines (default: refused)
 *   services:
 *     api-gateway:               # a name of your choice (shown as it is, sanitized)
 *       checks:
 *         - type: http           # GET (or method: HEAD) a URL on this machine
 *           url: http://localhost:5000/health   # or port: 5000 (+ host, path: /health)
 *           method: GET
 *           expected_status: 200 # or [200, 204]; default: any 2xx or 3xx
 *           timeout: 5           # seconds: 5, 0.5, "5s", "500ms" (default 5 s, 0.1 s to 60 s)
 *           interval: 30         # seconds between runs (default 10 s, 1 s to 1 day)
 *         - type: response_time  # an http check timed: everything above, and
 *           port: 5000
 *           path: /
 *           threshold: 1000      # ms: slower is failing
 *           warning_threshold: 300  # ms: slower is slow
 *     database:
 *       checks:
 *         - type: tcp            # a TCP connection accepted: host (default localhost), port
 *           port: 5432
 *
 * Hosts: localhost, 127.x.x.x or ::1 unless allow_remote is true (a tcp check's host is then an
 * address: names other than localhost are not looked up). URLs: http:// or https://, plain ASCII,
 * no user name, used as they are (never through a shell). Refused with a message naming the file
 * and the key path, the rest of the file still read: a key of the wrong type, a value out of
 * range, a check of an unknown type. Reported as not supported, by name: checks of type query
 * and ping, a check with a command, alerts/webhook/notifications sections. Unknown keys are
 * warnings. Bounds: HEALTH_SERVICES_MAX services a file, HEALTH_PER_SERVICE_MAX checks a service,
 * HEALTH_CHECKS_MAX in all. Pure.
 */
#ifndef DEVPORTS_HEALTH_SPEC_H
#define DEVPORTS_HEALTH_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "health.h"

struct cJSON;

/* A list of specs being gathered, with the messages about them. */
struct health_specs {
	struct health_spec v[HEALTH_CHECKS_MAX];
	size_t n;
	struct health_board *msgs; /* where errors and warnings go (health_board_error/warning) */
};

/* Reads the checks of doc into s. label names the source in messages and in each spec's source
 * ("/src/api/healthcheck.yml", "config.json: health"); it is sanitized here. */
void health_spec_read(struct health_specs *s, const struct cJSON *doc, const char *label);

/* Pure helpers, exposed for tests. */
/* A duration: a number of `unit_ms` (1000: seconds, 1: milliseconds), or a string "5s", "500ms",
 * "1.5s", "2m". Whether it is one, into *ms (rounded). */
bool health_parse_duration(const struct cJSON *v, int unit_ms, double *ms);
/* Whether host (a name or an address, IPv6 with or without brackets) is this machine:
 * "localhost" (any case), 127.0.0.0/8, ::1. */
bool health_host_is_loopback(const char *host);
/* Splits an http(s) URL: scheme, host (brackets removed), port (the scheme's default when none),
 * path ("/" when none, the query kept). 0, or -EINVAL with why (a few words) in why. */
int health_parse_url(const char *url, bool *https, char *host, size_t hostlen, uint16_t *port,
                     char *path, size_t pathlen, char *why, size_t whylen);

#endif
