/* health_runner.c - the health checks under way, through one libcurl multi handle, never blocking
 * (platform.h: platform_health_open). http and response_time: GET or HEAD, stopped once the
 * headers are in; tcp: CURLOPT_CONNECT_ONLY, a bare connection. Times are libcurl's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "curl_lib.h"
#include "health.h"
#include "health_runner.h"
#include "platform.h"
#include "sanitize.h"

struct job {
	CURL *easy;   /* NULL: a free slot */
	uint64_t key; /* the check's (health_spec.key) */
	bool tcp;
	bool interim;      /* the last status line was 1xx: its blank line is not the end */
	bool headers_done; /* stopped on purpose once the headers were in */
	int timeout_ms;
};

struct health_runner {
	const struct curl_lib *cl; /* NULL until the first check */
	CURLM *multi;
	struct job jobs[HEALTH_IN_FLIGHT];
	size_t running;
};

int health_runner_new(struct health_runner **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : -ENOMEM;
}

/* Status lines are read by libcurl (CURLINFO_RESPONSE_CODE); the blank line after the last
 * header stops the transfer: the body is not needed. */
static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct job *j = arg;
	size_t len = size * n;
	if (len >= 12 && memcmp(data, "HTTP/", 5) == 0) {
		const char *sp = memchr(data, ' ', len);
		j->interim = sp && sp + 1 < data + len && sp[1] == '1';
		return len;
	}
	if (len <= 2 && (data[0] == '\r' || data[0] == '\n') && !j->interim) {
		j->headers_done = true;
		return 0; /* CURLE_WRITE_ERROR, expected */
	}
	return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	(void)data, (void)size, (void)n;
	((struct job *)arg)->headers_done = true;
	return 0;
}

static void drop(struct health_runner *r, struct job *j)
{
	r->cl->multi_remove_handle(r->multi, j->easy);
	r->cl->easy_cleanup(j->easy);
	*j = (struct job){0};
	r->running--;
}

/* What a finished transfer gave. */
static void outcome(struct health_runner *r, struct job *j, CURLcode code, struct health_run *run)
{
	const struct curl_lib *cl = r->cl;
	long status = 0, os_errno = 0;
	double secs = 0;
	cl->easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
	cl->easy_getinfo(j->easy, CURLINFO_OS_ERRNO, &os_errno);
	cl->easy_getinfo(j->easy, j->tcp ? CURLINFO_CONNECT_TIME : CURLINFO_STARTTRANSFER_TIME,
	                 &secs);
	*run = (struct health_run){.status = (int)status, .ms = secs * 1000.0};
	if (j->tcp && code == CURLE_OK)
		run->outcome = HEALTH_ANSWERED;
	else if (!j->tcp && status >= 200 && (code == CURLE_OK || j->headers_done))
		run->outcome = HEALTH_ANSWERED;
	else if (code == CURLE_OPERATION_TIMEDOUT)
		run->outcome = HEALTH_TIMED_OUT;
	else if (code == CURLE_COULDNT_CONNECT) {
		run->outcome = HEALTH_REFUSED;
		snprintf(run->why, sizeof run->why, "%s",
		         os_errno == ECONNREFUSED ? "connection refused" : "cannot connect");
	} else if (code == CURLE_COULDNT_RESOLVE_HOST) {
		run->outcome = HEALTH_REFUSED;
		snprintf(run->why, sizeof run->why, "host not found");
	} else if (code == CURLE_WEIRD_SERVER_REPLY || code == CURLE_UNSUPPORTED_PROTOCOL)
		run->outcome = HEALTH_NOT_HTTP;
	else if (code == CURLE_GOT_NOTHING || code == CURLE_RECV_ERROR) {
		run->outcome = HEALTH_BROKEN;
		snprintf(run->why, sizeof run->why, "closed the connection without an answer");
	} else {
		const char *e = cl->easy_strerror(code);
		run->outcome = HEALTH_BROKEN;
		sanitize_text(run->why, sizeof run->why, e, strlen(e));
	}
	if (run->outcome != HEALTH_ANSWERED)
		run->status = 0;
}

static ssize_t find_entry(const struct health_board *b, uint64_t key)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].spec.key == key)
			return (ssize_t)i;
	return -1;
}

static void record(struct health_board *b, size_t i, const struct health_run *run, double now,
                   time_t wall)
{
	struct health_result res;
	health_judge(&b->v[i].spec, run, &res);
	res.at = wall;
	health_board_record(b, i, &res, now);
}

/* Starts entry i; false when it could not start (its result is then recorded). */
static bool start(struct health_runner *r, struct health_board *b, size_t i, double now,
                  time_t wall)
{
	const struct health_spec *s = &b->v[i].spec;
	struct health_run fail = {.outcome = HEALTH_NOT_RUN};
	if (!r->cl && !(r->cl = curl_lib_get())) {
		snprintf(fail.why, sizeof fail.why,
		         "libcurl could not be loaded (install libcurl4)");
		record(b, i, &fail, now, wall);
		return false;
	}
	const struct curl_lib *cl = r->cl;
	if (!r->multi && !(r->multi = cl->multi_init())) {
		snprintf(fail.why, sizeof fail.why, "libcurl could not start");
		record(b, i, &fail, now, wall);
		return false;
	}
	struct job *j = NULL;
	for (size_t k = 0; k < HEALTH_IN_FLIGHT && !j; k++)
		if (!r->jobs[k].easy)
			j = &r->jobs[k];
	CURL *e = j ? cl->easy_init() : NULL;
	if (!e) {
		snprintf(fail.why, sizeof fail.why, "out of memory");
		record(b, i, &fail, now, wall);
		return false;
	}
	*j = (struct job){
	    .easy = e, .key = s->key, .tcp = s->type == HEALTH_TCP, .timeout_ms = s->timeout_ms};
	char url[sizeof s->url + 8];
	if (j->tcp) /* libcurl connects to "http://HOST:PORT/" and stops there */
		snprintf(url, sizeof url, "http://%s/", s->url + 6);
	else
		snprintf(url, sizeof url, "%s", s->url);
	cl->easy_setopt(e, CURLOPT_URL, url);
	cl->easy_setopt(e, CURLOPT_PROXY, ""); /* straight there, whatever the environment says */
	cl->easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	cl->easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)s->timeout_ms);
	cl->easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)s->timeout_ms);
	cl->easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	cl->easy_setopt(e, CURLOPT_USERAGENT, "devports/" DEVPORTS_VERSION " health");
	if (j->tcp) {
		cl->easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
	} else {
		cl->easy_setopt(e, CURLOPT_NOBODY, s->head ? 1L : 0L);
		cl->easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
		cl->easy_setopt(e, CURLOPT_HEADERDATA, j);
		cl->easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
		cl->easy_setopt(e, CURLOPT_WRITEDATA, j);
	}
	if (cl->multi_add_handle(r->multi, e) != CURLM_OK) {
		cl->easy_cleanup(e);
		*j = (struct job){0};
		snprintf(fail.why, sizeof fail.why, "libcurl could not start");
		record(b, i, &fail, now, wall);
		return false;
	}
	r->running++;
	b->v[i].in_flight = true;
	return true;
}

/* Records what libcurl has finished. */
static bool collect(struct health_runner *r, struct health_board *b, double now, time_t wall)
{
	bool recorded = false;
	int left = 0;
	CURLMsg *m;
	while ((m = r->cl->multi_info_read(r->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		for (size_t k = 0; k < HEALTH_IN_FLIGHT; k++) {
			struct job *j = &r->jobs[k];
			if (j->easy != m->easy_handle)
				continue;
			struct health_run run;
			outcome(r, j, m->data.result, &run);
			ssize_t i = find_entry(b, j->key);
			if (i >= 0) {
				record(b, (size_t)i, &run, now, wall);
				recorded = true;
			}
			drop(r, j);
			break;
		}
	}
	return recorded;
}

bool health_runner_step(struct health_runner *r, struct health_board *b, double now, time_t wall)
{
	bool recorded = false;
	int running = 0;
	if (r->multi && r->running) {
		r->cl->multi_perform(r->multi, &running);
		recorded |= collect(r, b, now, wall);
	}
	/* A check under way that left the board (its file changed) is stopped. */
	for (size_t k = 0; k < HEALTH_IN_FLIGHT; k++)
		if (r->jobs[k].easy && find_entry(b, r->jobs[k].key) < 0)
			drop(r, &r->jobs[k]);
	bool started = false;
	for (size_t i = 0; i < b->n && r->running < HEALTH_IN_FLIGHT; i++) {
		struct health_entry *e = &b->v[i];
		if (e->in_flight || e->due > now || (b->once && e->nhistory))
			continue;
		if (start(r, b, i, now, wall))
			started = true;
		else
			recorded = true;
	}
	if (started)
		r->cl->multi_perform(r->multi, &running); /* connect now */
	return recorded;
}

bool health_runner_busy(const struct health_runner *r)
{
	return r && r->running > 0;
}

bool health_runner_wait(struct health_runner *r, int extra_fd, int timeout_ms)
{
	struct curl_waitfd extra = {.fd = extra_fd, .events = CURL_WAIT_POLLIN};
	int numfds = 0;
	if (!r || !r->multi)
		return false;
	r->cl->multi_wait(r->multi, extra_fd >= 0 ? &extra : NULL, extra_fd >= 0 ? 1 : 0,
	                  timeout_ms < 0 ? 0 : timeout_ms, &numfds);
	return extra_fd >= 0 && (extra.revents & CURL_WAIT_POLLIN);
}

void health_runner_free(struct health_runner **rp)
{
	if (!rp || !*rp)
		return;
	struct health_runner *r = *rp;
	for (size_t k = 0; k < HEALTH_IN_FLIGHT; k++)
		if (r->jobs[k].easy)
			drop(r, &r->jobs[k]);
	if (r->multi)
		r->cl->multi_cleanup(r->multi);
	free(r);
	*rp = NULL;
}
