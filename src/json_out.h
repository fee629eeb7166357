/* json_out.h - snapshots as JSON (cJSON), with a versioned schema documented in README.md. */
#ifndef DEVPORTS_JSON_OUT_H
#define DEVPORTS_JSON_OUT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "snapshot.h"

enum { JSON_SCHEMA_VERSION = 2 };

struct annotation;
struct config;

/* One listener as a JSON object, with "label" ({"text", "source"}, or null when nothing is known),
 * "hints" ([{"kind", "text"}], maybe empty) and "reached_by" (the destinations that reach it,
 * ["::1", "127.0.0.1"], maybe empty; null for UDP) from a (annotate.h; NULL: none of them).
 * NULL when out of memory. The caller owns it. */
cJSON *json_out_listener(const struct listener *l, const struct annotation *a);

/* The whole document: {schema_version, generated_at, backend, listeners: [...]}, labelled with cfg
 * (may be NULL), written to out one listener at a time (memory does not grow with the number of
 * listeners beyond their labels). 0, -ENOMEM or -EIO. */
int json_out_write(FILE *out, const struct snapshot *s, const char *backend,
                   const struct config *cfg);

struct health_board;
/* json_out_write with each TCP listener's "health" (health_json.h: the checks of its port on
 * health, maybe []; null for UDP and when health is NULL, the checks not run). */
int json_out_write_health(FILE *out, const struct snapshot *s, const char *backend,
                          const struct config *cfg, const struct health_board *health);

/* The same document as a malloc'd, NUL-terminated string (free() it), or NULL when out of
 * memory. */
char *json_out_snapshot(const struct snapshot *s, const char *backend, const struct config *cfg);

#endif
