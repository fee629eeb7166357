/* health.c - judging a run, and the board of checks with their recent results (health.h). */
#include "health.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const health_type_names[HEALTH_TYPE_COUNT] = {"http", "tcp", "response_time"};
const char *const health_state_names[HEALTH_STATE_COUNT] = {"pending", "ok",   "slow",
                                                            "failing", "down", "error"};

static bool status_expected(const struct health_spec *s, int status)
{
	if (s->nstatuses == 0)
		return status >= 200 && status < 400;
	for (size_t i = 0; i < s->nstatuses; i++)
		if (s->statuses[i] == status)
			return true;
	return false;
}

static void expected_text(const struct health_spec *s, char *buf, size_t len)
{
	size_t o = 0;
	if (s->nstatuses == 0) {
		snprintf(buf, len, "2xx or 3xx");
		return;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < s->nstatuses && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%d", i ? " or " : "", s->statuses[i]);
}

static void limit_text(int ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%d s", ms / 1000);
	else
		snprintf(buf, len, "%d ms", ms);
}

void health_judge(const struct health_spec *s, const struct health_run *run,
                  struct health_result *out)
{
	char limit[32], expected[64];
	double ms = run->ms < 1 ? 1 : run->ms;
	*out = (struct health_result){.status = run->status, .ms = run->ms};
	limit_text(s->timeout_ms, limit, sizeof limit);
	switch (run->outcome) {
	case HEALTH_ANSWERED:
		if (s->type == HEALTH_TCP) {
			out->state = HEALTH_OK;
			snprintf(out->text, sizeof out->text, "connected in %.0f ms", ms);
			return;
		}
		if (!status_expected(s, run->status)) {
			expected_text(s, expected, sizeof expected);
			out->state = HEALTH_FAILING;
			snprintf(out->text, sizeof out->text, "%d in %.0f ms (expected %s)",
			         run->status, ms, expected);
			return;
		}
		out->state = HEALTH_OK;
		if (s->type == HEALTH_RESPONSE_TIME && s->threshold_ms && run->ms > s->threshold_ms)
			out->state = HEALTH_FAILING;
		else if (s->type == HEALTH_RESPONSE_TIME && s->warning_ms &&
		         run->ms > s->warning_ms)
			out->state = HEALTH_SLOW;
		snprintf(out->text, sizeof out->text, "%d in %.0f ms%s", run->status, ms,
		         out->state == HEALTH_FAILING ? " (over the threshold)"
		         : out->state == HEALTH_SLOW  ? " (over the warning threshold)"
		                                      : "");
		return;
	case HEALTH_TIMED_OUT:
		out->state = HEALTH_FAILING;
		snprintf(out->text, sizeof out->text, "no answer in %s", limit);
		return;
	case HEALTH_REFUSED:
		out->state = HEALTH_DOWN;
		snprintf(out->text, sizeof out->text, "%s",
		         run->why[0] ? run->why : "connection refused");
		return;
	case HEALTH_NOT_HTTP:
		out->state = HEALTH_FAILING;
		snprintf(out->text, sizeof out->text, "answers, but not with HTTP");
		return;
	case HEALTH_BROKEN:
		out->state = HEALTH_FAILING;
		snprintf(out->text, sizeof out->text, "%s", run->why[0] ? run->why : "failed");
		return;
	case HEALTH_NOT_RUN:
		out->state = HEALTH_ERROR;
		snprintf(out->text, sizeof out->text, "not run: %s", run->why);
		return;
	}
}

void health_board_init(struct health_board *b)
{
	*b = (struct health_board){0};
}

void health_board_free(struct health_board *b)
{
	if (!b)
		return;
	free(b->v);
	health_board_init(b);
}

int health_board_set(struct health_board *b, const struct health_spec *specs, size_t n)
{
	if (n > HEALTH_CHECKS_MAX)
		n = HEALTH_CHECKS_MAX;
	struct health_entry *v = calloc(n ? n : 1, sizeof *v);
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		v[i].spec = specs[i];
		for (size_t k = 0; k < b->n; k++) {
			if (b->v[k].spec.key != specs[i].key)
				continue;
			struct health_entry *old = &b->v[k];
			memcpy(v[i].history, old->history, sizeof v[i].history);
			v[i].nhistory = old->nhistory;
			v[i].head = old->head;
			v[i].due = old->due;
			v[i].in_flight = old->in_flight;
			break;
		}
	}
	free(b->v);
	b->v = v;
	b->n = n;
	return 0;
}

void health_board_record(struct health_board *b, size_t i, const struct health_result *r,
                         double now)
{
	struct health_entry *e = &b->v[i];
	e->history[e->head] = *r;
	e->head = (e->head + 1) % HEALTH_HISTORY;
	if (e->nhistory < HEALTH_HISTORY)
		e->nhistory++;
	e->due = now + e->spec.interval_ms / 1000.0;
	e->in_flight = false;
}

const struct health_result *health_entry_past(const struct health_entry *e, size_t k)
{
	if (k >= e->nhistory)
		return NULL;
	return &e->history[(e->head + HEALTH_HISTORY - 1 - k) % HEALTH_HISTORY];
}

const struct health_result *health_entry_last(const struct health_entry *e)
{
	return health_entry_past(e, 0);
}

bool health_board_has_port(const struct health_board *b, uint16_t port)
{
	for (size_t i = 0; b && i < b->n; i++)
		if (b->v[i].spec.port == port)
			return true;
	return false;
}

/* Worse first: error and down, failing, slow, pending, ok. */
static int severity(enum health_state s)
{
	static const int rank[HEALTH_STATE_COUNT] = {
	    [HEALTH_OK] = 0,      [HEALTH_PENDING] = 1, [HEALTH_SLOW] = 2,
	    [HEALTH_FAILING] = 3, [HEALTH_DOWN] = 4,    [HEALTH_ERROR] = 5,
	};
	return rank[s];
}

enum health_state health_board_cell(const struct health_board *b, uint16_t port, char *buf,
                                    size_t len)
{
	const struct health_result *worst = NULL;
	enum health_state st = HEALTH_PENDING;
	bool any = false;
	buf[0] = '\0';
	for (size_t i = 0; b && i < b->n; i++) {
		if (b->v[i].spec.port != port)
			continue;
		const struct health_result *r = health_entry_last(&b->v[i]);
		enum health_state s = r ? r->state : HEALTH_PENDING;
		if (!any || severity(s) > severity(st)) {
			st = s;
			worst = r;
		}
		any = true;
	}
	if (!any)
		return HEALTH_PENDING;
	double ms = worst && worst->ms >= 1 ? worst->ms : 1;
	switch (st) {
	case HEALTH_PENDING:
		snprintf(buf, len, "…");
		break;
	case HEALTH_OK:
	case HEALTH_SLOW:
		snprintf(buf, len, "%s %.0fms", health_state_names[st], ms);
		break;
	case HEALTH_FAILING:
		if (worst->status && worst->status != 200)
			snprintf(buf, len, "%d", worst->status);
		else if (worst->status)
			snprintf(buf, len, "failing %.0fms", ms);
		else
			snprintf(buf, len, "failing");
		break;
	case HEALTH_DOWN:
	case HEALTH_ERROR:
	case HEALTH_STATE_COUNT:
		snprintf(buf, len, "%s", health_state_names[st]);
		break;
	}
	return st;
}

void health_spec_describe(const struct health_spec *s, char *buf, size_t len)
{
	char timeout[32], interval[32], expected[64], extra[96] = "";
	limit_text(s->timeout_ms, timeout, sizeof timeout);
	limit_text(s->interval_ms, interval, sizeof interval);
	if (s->type == HEALTH_TCP) {
		snprintf(buf, len, "connect to %s, timeout %s, every %s", s->url + 6, timeout,
		         interval);
		return;
	}
	expected_text(s, expected, sizeof expected);
	if (s->type == HEALTH_RESPONSE_TIME && (s->threshold_ms || s->warning_ms))
		snprintf(extra, sizeof extra, ", slow over %d ms, failing over %d ms",
		         s->warning_ms, s->threshold_ms);
	snprintf(buf, len, "%s %s, expects %s%s, timeout %s, every %s", s->head ? "HEAD" : "GET",
	         s->url, expected, extra, timeout, interval);
}

void health_entry_line(const struct health_entry *e, char *buf, size_t len)
{
	const struct health_result *r = health_entry_last(e);
	const char *method = e->spec.type == HEALTH_TCP ? "" : e->spec.head ? "HEAD " : "GET ";
	snprintf(buf, len, "%s %s %s%s: %s%s%s", e->spec.service, health_type_names[e->spec.type],
	         method, e->spec.url, health_state_names[r ? r->state : HEALTH_PENDING],
	         r && r->text[0] ? ", " : "", r ? r->text : "");
}

static void add_message(struct health_board *b, char (*v)[HEALTH_MESSAGE_MAX], size_t *n,
                        const char *msg)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(v[i], msg) == 0)
			return; /* the same file seen twice says it once */
	if (*n == HEALTH_MESSAGES_MAX) {
		b->lost_messages++;
		return;
	}
	snprintf(v[(*n)++], HEALTH_MESSAGE_MAX, "%s", msg);
}

void health_board_error(struct health_board *b, const char *msg)
{
	add_message(b, b->errors, &b->nerrors, msg);
}

void health_board_warning(struct health_board *b, const char *msg)
{
	add_message(b, b->warnings, &b->nwarnings, msg);
}

bool health_board_done(const struct health_board *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (!b->v[i].nhistory)
			return false;
	return true;
}
