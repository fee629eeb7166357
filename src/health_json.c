/* health_json.c - health checks as JSON (health_json.h). Texts are already sanitized. */
#include "health_json.h"

#include <stdio.h>
#include <time.h>

static void add_time(cJSON *o, const char *key, time_t t)
{
	char buf[32];
	struct tm tm;
	if (t > 0 && gmtime_r(&t, &tm) && strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
		cJSON_AddStringToObject(o, key, buf);
	else
		cJSON_AddNullToObject(o, key);
}

/* state, status, ms, text, checked_at of r (NULL: pending). */
static void add_result(cJSON *o, const struct health_result *r)
{
	cJSON_AddStringToObject(o, "state", health_state_names[r ? r->state : HEALTH_PENDING]);
	if (r && r->status)
		cJSON_AddNumberToObject(o, "status", r->status);
	else
		cJSON_AddNullToObject(o, "status");
	if (r && r->ms > 0)
		cJSON_AddNumberToObject(o, "ms", (double)(long)(r->ms * 10 + 0.5) / 10);
	else
		cJSON_AddNullToObject(o, "ms");
	cJSON_AddStringToObject(o, "text", r ? r->text : "");
	add_time(o, "checked_at", r ? r->at : 0);
}

cJSON *health_json_entry(const struct health_entry *e, bool history)
{
	const struct health_spec *s = &e->spec;
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "service", s->service);
	cJSON_AddStringToObject(o, "type", health_type_names[s->type]);
	cJSON_AddStringToObject(o, "method", s->type == HEALTH_TCP ? "" : s->head ? "HEAD" : "GET");
	cJSON_AddStringToObject(o, "url", s->url);
	cJSON_AddNumberToObject(o, "port", s->port);
	cJSON_AddStringToObject(o, "source", s->source);
	add_result(o, health_entry_last(e));
	if (!history)
		return o;
	cJSON *past = cJSON_AddArrayToObject(o, "history");
	for (size_t k = 0; past && k < e->nhistory; k++) {
		cJSON *h = cJSON_CreateObject();
		add_result(h, health_entry_past(e, k));
		cJSON_AddItemToArray(past, h);
	}
	return o;
}

cJSON *health_json_port(const struct health_board *b, uint16_t port)
{
	if (!b)
		return cJSON_CreateNull();
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; a && i < b->n; i++)
		if (b->v[i].spec.port == port)
			cJSON_AddItemToArray(a, health_json_entry(&b->v[i], false));
	return a;
}
