/* http_check.h - "does this port answer HTTP?": one GET / on loopback, with a time limit, that
 * never blocks its caller. The dashboard's inspect view runs one when it opens and again on `r`.
 *
 * Built on libcurl's multi interface: http_check_step() does whatever can be done now and
 * returns; http_check_wait() sleeps until the check's socket or another fd (the terminal) is
 * ready, so an event loop can wait on both at once. Proxies from the environment are ignored:
 * the request always goes straight to this machine.
 */
#ifndef DEVPORTS_HTTP_CHECK_H
#define DEVPORTS_HTTP_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "listener.h"

enum http_outcome {
	HTTP_PENDING = 0, /* still running */
	HTTP_ANSWERED,    /* a status line came back: status, reason, ms */
	HTTP_TIMEOUT,     /* nothing within the time limit */
	HTTP_REFUSED,     /* nobody accepts connections there */
	HTTP_NOT_HTTP,    /* something answered, but not HTTP */
	HTTP_CLOSED,      /* the connection closed (or reset) without an answer */
	HTTP_FAILED,      /* anything else: the text says what */
};

enum { HTTP_REASON_MAX = 64, HTTP_TEXT_MAX = 160, HTTP_URL_MAX = 64 };

struct http_result {
	enum http_outcome outcome;
	int status;                   /* HTTP_ANSWERED: 200 */
	char reason[HTTP_REASON_MAX]; /* HTTP_ANSWERED: "OK" (sanitized; may be "") */
	double ms;                    /* HTTP_ANSWERED: from the start to the status line */
	char url[HTTP_URL_MAX];       /* "http://127.0.0.1:3000/" */
	/* One line for people: "200 OK in 12 ms", "no HTTP answer in 1 s", "connection refused",
	 * "checking…" while pending. */
	char text[HTTP_TEXT_MAX];
};

struct http_check;

/* Pure: the loopback address to check l on. A loopback listener is checked on its own address,
 * an IPv4 wildcard on 127.0.0.1, an IPv6 wildcard (dual-stack or not) on ::1.
 * Returns 0, -EINVAL for UDP, -EADDRNOTAVAIL when l listens only on a non-loopback address. */
int http_check_target(const struct listener *l, struct listener *target);

/* Starts GET / to target's address and port (see http_check_target), giving up after timeout_ms.
 * 0 and *out set, or -ENOMEM / -EIO (libcurl could not start) / -ENOTSUP (libcurl could not be
 * loaded: see curl_lib.h). The check has not necessarily
 * begun talking yet: call http_check_step() or http_check_wait(). */
int http_check_start(struct http_check **out, const struct listener *target, int timeout_ms);

/* Does what can be done without waiting. Returns true once the result is final. */
bool http_check_step(struct http_check *c);

/* Waits at most timeout_ms until the check's socket or extra_fd (-1: none) is ready, then steps.
 * Returns true when extra_fd became readable (the caller has input to read). */
bool http_check_wait(struct http_check *c, int extra_fd, int timeout_ms);

/* The result so far (outcome HTTP_PENDING until it is final). Never NULL. */
const struct http_result *http_check_result(const struct http_check *c);

/* Stops the check if it still runs and frees it; *c becomes NULL. NULL-safe. Never blocks. */
void http_check_free(struct http_check **c);

/* Pure: fills r->text from the other fields, for the outcome; timeout_ms names the limit. */
void http_result_describe(struct http_result *r, int timeout_ms);

#endif
