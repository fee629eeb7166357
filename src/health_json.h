/* health_json.h - health checks and their results as JSON (README.md's "JSON" section). */
#ifndef DEVPORTS_HEALTH_JSON_H
#define DEVPORTS_HEALTH_JSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "health.h"

/* One check: {service, type, url, port, source, state, status, ms, text, checked_at} from its
 * latest result (state "pending" and nulls before the first), and with history its past results
 * [{state, status, ms, text, checked_at}], the latest first. NULL when out of memory. */
cJSON *health_json_entry(const struct health_entry *e, bool history);

/* A listener's "health": the checks of TCP port on b, an array (maybe empty); null when b is NULL
 * (the checks were not run). */
cJSON *health_json_port(const struct health_board *b, uint16_t port);

#endif
