/* health.h - health checks: what a check is (read by health_spec.h from healthcheck.yml or the
 * config's "health" section), what one run of it gave, and the board that keeps each check's
 * recent results for the dashboard, `--json` and `devports health`. Pure: the runner that talks to
 * the network is the platform's (platform.h: platform_health_open).
 *
 * A check targets one TCP port on this machine (the tcp check's port, the HTTP URL's port). Its
 * state after a run:
 *   ok       it answered as expected (HTTP: the expected status; tcp: the connection was accepted)
 *   slow     response_time only: it answered, slower than warning_threshold
 *   failing  it answered, but wrongly: another status, not HTTP, no answer within the timeout,
 *            slower than threshold
 *   down     nothing accepts connections there (refused, or the address cannot be reached)
 *   error    the check could not be run (libcurl missing, out of memory)
 * and "pending" before its first run.
 */
#ifndef DEVPORTS_HEALTH_H
#define DEVPORTS_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum {
	HEALTH_CHECKS_MAX = 128,     /* checks in all (files and config together) */
	HEALTH_SERVICES_MAX = 64,    /* services in one file */
	HEALTH_PER_SERVICE_MAX = 16, /* checks of one service */
	HEALTH_NAME_MAX = 64,        /* a service's name, sanitized, bytes with the NUL */
	HEALTH_URL_MAX = 256,        /* a URL as written (longer is an error) */
	HEALTH_HOST_MAX = 64,        /* a host name or address as written (longer is an error) */
	HEALTH_SOURCE_MAX = 256,     /* the file a check comes from, sanitized */
	HEALTH_STATUSES_MAX = 8,     /* expected_status: at most this many codes */
	HEALTH_HISTORY = 10,         /* results kept per check */
	HEALTH_TEXT_MAX = 128,       /* a result's words */
	HEALTH_IN_FLIGHT = 4,        /* checks running at once */
};

enum health_type { HEALTH_HTTP, HEALTH_TCP, HEALTH_RESPONSE_TIME, HEALTH_TYPE_COUNT };
extern const char *const health_type_names[HEALTH_TYPE_COUNT]; /* "http", "tcp", ... */

enum health_state {
	HEALTH_PENDING = 0,
	HEALTH_OK,
	HEALTH_SLOW,
	HEALTH_FAILING,
	HEALTH_DOWN,
	HEALTH_ERROR,
	HEALTH_STATE_COUNT
};
extern const char *const health_state_names[HEALTH_STATE_COUNT]; /* "pending", "ok", ... */

/* One check, as the spec reader understood it. Every text is sanitized. */
struct health_spec {
	char service[HEALTH_NAME_MAX];
	enum health_type type;
	char source[HEALTH_SOURCE_MAX]; /* "PATH" of the file, or "config" */
	bool head;                      /* HTTP method HEAD (else GET) */
	char host[HEALTH_HOST_MAX]; /* "localhost", "127.0.0.1", "::1" (IPv6 without brackets) */
	uint16_t port;
	char url[HEALTH_URL_MAX + 16];     /* http(s): the URL requested; tcp: "tcp://HOST:PORT" */
	int statuses[HEALTH_STATUSES_MAX]; /* expected_status; none: any 2xx or 3xx */
	size_t nstatuses;
	int timeout_ms;   /* HEALTH_TIMEOUT_DEFAULT_MS unless given; 100 ms to 60 s */
	int interval_ms;  /* HEALTH_INTERVAL_DEFAULT_MS unless given; 1 s to 1 day */
	int threshold_ms; /* response_time: failing above it; 0 = none */
	int warning_ms;   /* response_time: slow above it; 0 = none */
	uint64_t key;     /* the same check in the same place keeps its history across reloads */
};

enum { HEALTH_TIMEOUT_DEFAULT_MS = 5000, HEALTH_INTERVAL_DEFAULT_MS = 10000 };

/* What the runner saw of one run, before it is judged. */
enum health_outcome {
	HEALTH_ANSWERED,  /* HTTP: a status came back; tcp: connected */
	HEALTH_TIMED_OUT, /* nothing within the timeout */
	HEALTH_REFUSED,   /* connection refused, or the address cannot be reached */
	HEALTH_NOT_HTTP,  /* something answered, not with HTTP */
	HEALTH_BROKEN,    /* anything else on the way (reset, closed): `why` says */
	HEALTH_NOT_RUN,   /* could not be run (libcurl missing...): `why` says */
};

struct health_run {
	enum health_outcome outcome;
	int status; /* HTTP status when answered */
	double ms;  /* measured by the runner: HTTP up to the status line; tcp the connect */
	char why[HEALTH_TEXT_MAX]; /* BROKEN, NOT_RUN: sanitized words */
};

/* One judged result. */
struct health_result {
	enum health_state state;
	int status;                 /* HTTP status, 0 when none */
	double ms;                  /* 0 when not measured */
	time_t at;                  /* wall clock of the run */
	char text[HEALTH_TEXT_MAX]; /* "200 in 12 ms", "500 (expected 2xx or 3xx)", "refused" */
};

/* Pure: the result of run for spec s (state and text; at is left 0). */
void health_judge(const struct health_spec *s, const struct health_run *run,
                  struct health_result *out);

/* One check on the board: its spec, its recent results and when it runs next. */
struct health_entry {
	struct health_spec spec;
	struct health_result history[HEALTH_HISTORY]; /* a ring: the last nhistory results */
	size_t nhistory, head;                        /* head: where the next one goes */
	double due;     /* monotonic seconds it runs next; 0: at once */
	bool in_flight; /* the runner has it under way */
};

/* Every check devports knows, with their results; what the spec reader said about the files. */
enum { HEALTH_MESSAGES_MAX = 16, HEALTH_MESSAGE_MAX = 320 };
struct health_board {
	struct health_entry *v;
	size_t n;
	bool once; /* `devports health`: a check with a result is not run again */
	char errors[HEALTH_MESSAGES_MAX][HEALTH_MESSAGE_MAX];
	size_t nerrors;
	char warnings[HEALTH_MESSAGES_MAX][HEALTH_MESSAGE_MAX];
	size_t nwarnings;
	size_t lost_messages; /* errors and warnings that did not fit */
};

void health_board_init(struct health_board *b);
void health_board_free(struct health_board *b);
/* Replaces the checks with specs[0..n) (at most HEALTH_CHECKS_MAX are kept); a check whose key
 * was there before keeps its history and its turn. The messages are left as they are.
 * 0 or -ENOMEM (the board is then unchanged). */
int health_board_set(struct health_board *b, const struct health_spec *specs, size_t n);
/* Records a result of entry i (its `at` set by the caller); due becomes now + its interval. */
void health_board_record(struct health_board *b, size_t i, const struct health_result *r,
                         double now);
/* Whether every check of b has a result. */
bool health_board_done(const struct health_board *b);
/* The latest result of entry i, or NULL before its first. */
const struct health_result *health_entry_last(const struct health_entry *e);
/* The k-th latest result (0 = the latest), or NULL. */
const struct health_result *health_entry_past(const struct health_entry *e, size_t k);
/* Whether some check targets TCP port. */
bool health_board_has_port(const struct health_board *b, uint16_t port);
/* The dashboard's cell for port: the worst latest state among its checks, with the status code
 * or the time ("ok 12ms", "500", "slow 840ms", "failing", "down", "…" pending); "" when no check
 * targets it. Returns the state shown (HEALTH_PENDING for none). */
enum health_state health_board_cell(const struct health_board *b, uint16_t port, char *buf,
                                    size_t len);
/* One line for people: "api-gateway http GET http://localhost:5000/health: ok 200 in 12 ms". */
void health_entry_line(const struct health_entry *e, char *buf, size_t len);
/* A spec in words: "GET http://localhost:5000/health, expects 200, timeout 5 s, every 30 s". */
void health_spec_describe(const struct health_spec *s, char *buf, size_t len);

/* Adds a message (already sanitized); counted in lost_messages when full. */
void health_board_error(struct health_board *b, const char *msg);
void health_board_warning(struct health_board *b, const char *msg);

#endif
