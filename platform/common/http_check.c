/* http_check.c - GET / on loopback through libcurl's multi interface, never blocking (see
 * http_check.h). Only the status line matters: the transfer stops once the headers are in. */
#include "http_check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "curl_lib.h"
#include "sanitize.h"

struct http_check {
	CURLM *multi;
	CURL *easy;
	bool done;
	bool headers_done; /* the transfer was stopped on purpose after the headers */
	int timeout_ms;
	double started; /* monotonic seconds */
	struct http_result r;
};

int http_check_target(const struct listener *l, struct listener *target)
{
	static const uint8_t v6_loopback[16] = {[15] = 1};
	if (l->proto != PROTO_TCP)
		return -EINVAL;
	*target = *l;
	if (listener_is_loopback(l))
		return 0;
	if (!listener_is_wildcard(l))
		return -EADDRNOTAVAIL;
	memset(target->addr, 0, sizeof target->addr);
	if (l->family == FAMILY_V4) {
		target->addr[0] = 127;
		target->addr[3] = 1;
	} else {
		memcpy(target->addr, v6_loopback, sizeof v6_loopback);
	}
	return 0;
}

void http_result_describe(struct http_result *r, int timeout_ms)
{
	char limit[32];
	if (timeout_ms % 1000 == 0)
		snprintf(limit, sizeof limit, "%d s", timeout_ms / 1000);
	else
		snprintf(limit, sizeof limit, "%d ms", timeout_ms);
	switch (r->outcome) {
	case HTTP_PENDING:
		snprintf(r->text, sizeof r->text, "checking…");
		break;
	case HTTP_ANSWERED:
		snprintf(r->text, sizeof r->text, "%d%s%s in %.0f ms", r->status,
		         r->reason[0] ? " " : "", r->reason, r->ms < 1 ? 1.0 : r->ms);
		break;
	case HTTP_TIMEOUT:
		snprintf(r->text, sizeof r->text, "no HTTP answer in %s", limit);
		break;
	case HTTP_REFUSED:
		snprintf(r->text, sizeof r->text, "connection refused");
		break;
	case HTTP_NOT_HTTP:
		snprintf(r->text, sizeof r->text, "answers, but not with HTTP");
		break;
	case HTTP_CLOSED:
		snprintf(r->text, sizeof r->text, "closed the connection without an answer");
		break;
	case HTTP_FAILED:
		if (!r->text[0])
			snprintf(r->text, sizeof r->text, "check failed");
		break;
	}
}

/* "HTTP/1.1 200 OK\r\n": status and reason; other header lines are skipped; the blank line after
 * the headers stops the transfer (the body is not needed). */
static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct http_check *c = arg;
	size_t len = size * n;
	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		const char *sp = memchr(data, ' ', len);
		int status = 0;
		size_t i = sp ? (size_t)(sp - data) + 1 : len;
		for (; i < len && data[i] >= '0' && data[i] <= '9' && status < 1000; i++)
			status = status * 10 + (data[i] - '0');
		if (status >= 100 && status < 200)
			return len; /* an interim answer: the real one follows */
		c->r.status = status;
		c->r.ms = (platform_monotonic() - c->started) * 1000.0;
		while (i < len && data[i] == ' ')
			i++;
		size_t end = len;
		while (end > i && (data[end - 1] == '\r' || data[end - 1] == '\n'))
			end--;
		sanitize_text(c->r.reason, sizeof c->r.reason, data + i, end - i);
		return len;
	}
	if (c->r.status && (len <= 2 && (data[0] == '\r' || data[0] == '\n'))) {
		c->headers_done = true;
		return 0; /* stops the transfer: CURLE_WRITE_ERROR, expected */
	}
	return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	(void)data, (void)size, (void)n;
	struct http_check *c = arg;
	c->headers_done = true;
	return 0;
}

/* libcurl's functions, once the first check has loaded them. */
static const struct curl_lib *cl;

int http_check_start(struct http_check **out, const struct listener *target, int timeout_ms)
{
	char host[INET6_ADDRSTRLEN];
	*out = NULL;
	if (!cl && !(cl = curl_lib_get()))
		return -ENOTSUP; /* libcurl could not be loaded */
	struct http_check *c = calloc(1, sizeof *c);
	if (!c)
		return -ENOMEM;
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : 1000;
	if (!inet_ntop(target->family == FAMILY_V4 ? AF_INET : AF_INET6, target->addr, host,
	               sizeof host)) {
		free(c);
		return -EINVAL;
	}
	snprintf(c->r.url, sizeof c->r.url,
	         target->family == FAMILY_V4 ? "http://%s:%u/" : "http://[%s]:%u/", host,
	         (unsigned)target->port);
	c->multi = cl->multi_init();
	c->easy = cl->easy_init();
	if (!c->multi || !c->easy) {
		http_check_free(&c);
		return -ENOMEM;
	}
	CURL *e = c->easy;
	cl->easy_setopt(e, CURLOPT_URL, c->r.url);
	cl->easy_setopt(e, CURLOPT_PROXY, ""); /* straight to this machine, whatever the env says */
	cl->easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	cl->easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
	cl->easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	cl->easy_setopt(e, CURLOPT_USERAGENT, "devports/" DEVPORTS_VERSION);
	cl->easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	cl->easy_setopt(e, CURLOPT_HEADERDATA, c);
	cl->easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	cl->easy_setopt(e, CURLOPT_WRITEDATA, c);
	c->started = platform_monotonic();
	if (cl->multi_add_handle(c->multi, e) != CURLM_OK) {
		http_check_free(&c);
		return -EIO;
	}
	http_result_describe(&c->r, c->timeout_ms);
	*out = c;
	return 0;
}

/* The final result from curl's code and what the header callback saw. */
static void finish(struct http_check *c, CURLcode code)
{
	struct http_result *r = &c->r;
	long os_errno = 0;
	cl->easy_getinfo(c->easy, CURLINFO_OS_ERRNO, &os_errno);
	if (r->status && (code == CURLE_OK || c->headers_done || code == CURLE_WRITE_ERROR))
		r->outcome = HTTP_ANSWERED;
	else if (code == CURLE_OPERATION_TIMEDOUT)
		r->outcome = HTTP_TIMEOUT;
	else if (code == CURLE_COULDNT_CONNECT && os_errno == ECONNREFUSED)
		r->outcome = HTTP_REFUSED;
	else if (code == CURLE_WEIRD_SERVER_REPLY || code == CURLE_UNSUPPORTED_PROTOCOL)
		r->outcome = HTTP_NOT_HTTP;
	else if (code == CURLE_GOT_NOTHING || code == CURLE_RECV_ERROR)
		r->outcome = HTTP_CLOSED;
	else {
		r->outcome = HTTP_FAILED;
		snprintf(r->text, sizeof r->text, "check failed: %s", cl->easy_strerror(code));
	}
	http_result_describe(r, c->timeout_ms);
	c->done = true;
}

bool http_check_step(struct http_check *c)
{
	if (c->done)
		return true;
	int running = 0, left = 0;
	cl->multi_perform(c->multi, &running);
	CURLMsg *m;
	while ((m = cl->multi_info_read(c->multi, &left)))
		if (m->msg == CURLMSG_DONE && m->easy_handle == c->easy)
			finish(c, m->data.result);
	if (!c->done && !running)
		finish(c, CURLE_OK);
	return c->done;
}

bool http_check_wait(struct http_check *c, int extra_fd, int timeout_ms)
{
	struct curl_waitfd extra = {.fd = extra_fd, .events = CURL_WAIT_POLLIN};
	int numfds = 0;
	if (c->done) {
		http_check_step(c);
		return false;
	}
	cl->multi_wait(c->multi, extra_fd >= 0 ? &extra : NULL, extra_fd >= 0 ? 1 : 0,
	               timeout_ms < 0 ? 0 : timeout_ms, &numfds);
	http_check_step(c);
	return extra_fd >= 0 && (extra.revents & CURL_WAIT_POLLIN);
}

const struct http_result *http_check_result(const struct http_check *c)
{
	return &c->r;
}

void http_check_free(struct http_check **c)
{
	if (!c || !*c)
		return;
	struct http_check *h = *c;
	if (h->multi && h->easy)
		cl->multi_remove_handle(h->multi, h->easy);
	if (h->easy)
		cl->easy_cleanup(h->easy);
	if (h->multi)
		cl->multi_cleanup(h->multi);
	free(h);
	*c = NULL;
}
