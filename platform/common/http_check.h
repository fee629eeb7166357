/* http_check.h - "does this port answer HTTP?": one GET / on loopback, with a time limit, that
 * never blocks its caller. The dashboard's inspect view runs one when it opens and again on `r`.
 *
 * Built on libcurl's multi interface: http_check_step() does whatever can be done now and
 * returns; http_check_wait() sleeps until the check's socket or another fd (the terminal) is
 * ready, so an event loop can wait on both at once. Proxies from the environment are ignored:
 * the request always goes straight to this machine.
 */
/* The result type and the calls on a running check are the contract's (platform.h): views reach
 * the check only through it. This header is the platform's own. */
#ifndef DEVPORTS_HTTP_CHECK_H
#define DEVPORTS_HTTP_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "listener.h"
#include "platform.h"

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

/* Pure: fills r->text from the other fields, for the outcome; timeout_ms names the limit. */
void http_result_describe(struct http_result *r, int timeout_ms);

#endif
