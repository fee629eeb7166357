/* json_out.h - snapshots as JSON (cJSON), with a versioned schema documented in README.md. */
#ifndef DEVPORTS_JSON_OUT_H
#define DEVPORTS_JSON_OUT_H

#include <cjson/cJSON.h>

#include "snapshot.h"

enum { JSON_SCHEMA_VERSION = 1 };

/* One listener as a JSON object; NULL when out of memory. The caller owns it. */
cJSON *json_out_listener(const struct listener *l);

/* The whole document: {schema_version, generated_at, backend, listeners: [...]}.
 * Returns a malloc'd, NUL-terminated string (free() it), or NULL when out of memory. */
char *json_out_snapshot(const struct snapshot *s, const char *backend);

#endif
