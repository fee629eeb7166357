/* cmd_wait.c - `devports wait PORT [--open|--free] [--http] [--timeout S] [-q]`: until something
 * listens on PORT (and answers HTTP), or until PORT is free, polling through one open platform. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "snapshot.h"

enum {
	WAIT_ROUND_MS = 100,         /* at most 10 looks a second */
	WAIT_OWNER_LOOKS = 3,        /* looks more for the owner of a socket just opened */
	WAIT_HTTP_TIMEOUT_MS = 1000, /* one HTTP attempt, as inspect's check */
	WAIT_DEFAULT_TIMEOUT = 30,   /* seconds */
	WAIT_WHO_MAX = PROC_COMM_MAX + PROC_USER_MAX + 32,
};

/* What a look found: the goal, not yet, or an error (already reported). */
enum look { LOOK_NOT_YET = 0, LOOK_REACHED, LOOK_ERROR };

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct waiter {
	const struct cli_opts *o;
	struct platform *p;
	uint16_t port;
	double start, deadline; /* platform_monotonic(); deadline 0: no limit */
	struct snapshot snap;
	struct http_check *http;       /* the HTTP attempt under way, or NULL */
	bool seen;                     /* the last look found a TCP listener on port */
	int owner_looks;               /* looks more for its owner, while not found yet */
	char who[WAIT_WHO_MAX];        /* its owner: "postgres, pid 812" */
	char http_said[HTTP_TEXT_MAX]; /* the last failed attempt's result: "connection refused" */
	char answer[HTTP_TEXT_MAX];    /* the answer that ended the wait: "200 OK" */
};

/* The snapshot's first TCP listener on port (rows are sorted: IPv4 first), or NULL. */
static const struct listener *tcp_row(const struct waiter *w, size_t from, size_t *at)
{
	for (size_t i = from; i < w->snap.set.n; i++) {
		const struct listener *l = &w->snap.set.v[i];
		if (l->proto == PROTO_TCP && l->port == w->port) {
			*at = i;
			return l;
		}
	}
	return NULL;
}

static bool collect(struct waiter *w)
{
	int rc = platform_collect(w->p, &w->snap);
	if (rc < 0 && !stop_signal)
		fprintf(stderr, "devports: cannot read listeners: %s\n", strerror(-rc));
	return rc == 0;
}

/* Starts an HTTP attempt on the first of port's listeners that can be checked on loopback. */
static enum look start_http(struct waiter *w, size_t first, double remaining)
{
	int ms = WAIT_HTTP_TIMEOUT_MS;
	if (remaining > 0 && remaining * 1000 < ms)
		ms = (int)(remaining * 1000) + 1;
	size_t i = first;
	for (const struct listener *l = &w->snap.set.v[i]; l; l = tcp_row(w, i + 1, &i)) {
		int rc = platform_http_check(w->p, l, ms, &w->http);
		if (rc == 0) {
			http_check_step(w->http); /* connect now */
			return LOOK_NOT_YET;
		}
		if (rc == -ENOSYS) {
			fprintf(stderr, "devports: wait --http: %s has no network to check on\n",
			        platform_name(w->p));
			return LOOK_ERROR;
		}
		if (rc != -EADDRNOTAVAIL) {
			fprintf(stderr, "devports: wait --http: %s\n", strerror(-rc));
			return LOOK_ERROR;
		}
	}
	snprintf(w->http_said, sizeof w->http_said,
	         "it listens on no loopback or wildcard address");
	return LOOK_NOT_YET;
}

/* --open (and --http): one snapshot of port. */
static enum look look_open(struct waiter *w, double remaining)
{
	if (!collect(w))
		return LOOK_ERROR;
	size_t at;
	const struct listener *l = tcp_row(w, 0, &at);
	w->seen = l != NULL;
	if (!l)
		return LOOK_NOT_YET;
	/* a socket that has just opened may be listed before its process is found: a few more
	 * looks (while there is time) name it rather than say "owner unknown" */
	if (l->owner_hidden && l->owner_why == OWNER_NOT_FOUND && !w->o->http &&
	    w->owner_looks < WAIT_OWNER_LOOKS &&
	    (remaining <= 0 || remaining > 2 * WAIT_ROUND_MS / 1000.0)) {
		w->owner_looks++;
		return LOOK_NOT_YET;
	}
	if (l->owner_hidden)
		snprintf(w->who, sizeof w->who, "owner unknown, user %s", l->proc->user);
	else
		snprintf(w->who, sizeof w->who, "%s, pid %ld", l->proc->comm,
		         (long)l->proc->id.pid);
	if (!w->o->http)
		return LOOK_REACHED;
	return w->http ? LOOK_NOT_YET : start_http(w, at, remaining);
}

/* --free: real binds on the four addresses, as `free` checks. */
static enum look look_free(struct waiter *w)
{
	int rc = platform_tcp_port_free(w->p, w->port);
	if (rc == 0)
		return LOOK_REACHED;
	if (rc == -EADDRINUSE)
		return LOOK_NOT_YET;
	if (rc == -EACCES)
		fprintf(stderr,
		        "devports: wait: cannot bind :%u to check it (a privileged port: run "
		        "as root)\n",
		        (unsigned)w->port);
	else
		fprintf(stderr, "devports: wait: cannot check :%u: %s\n", (unsigned)w->port,
		        strerror(-rc));
	return LOOK_ERROR;
}

static void sleep_until(double t)
{
	double left = t - platform_monotonic();
	if (left <= 0 || stop_signal)
		return;
	struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
	nanosleep(&ts, NULL); /* a signal ends it early: the loop looks at stop_signal */
}

/* Lets the HTTP attempt under way finish (or the deadline come); LOOK_REACHED on any HTTP
 * answer. A failed attempt is dropped: the next look starts another. */
static enum look finish_http(struct waiter *w)
{
	const struct http_result *r = http_check_result(w->http);
	while (r->outcome == HTTP_PENDING && !stop_signal) {
		double now = platform_monotonic();
		if (w->deadline && now >= w->deadline)
			return LOOK_NOT_YET;
		int ms = WAIT_ROUND_MS;
		if (w->deadline && (w->deadline - now) * 1000 < ms)
			ms = (int)((w->deadline - now) * 1000) + 1;
		http_check_wait(w->http, -1, ms);
		r = http_check_result(w->http);
	}
	if (r->outcome == HTTP_ANSWERED) {
		snprintf(w->answer, sizeof w->answer, "%d%s%s", r->status, r->reason[0] ? " " : "",
		         r->reason);
		return LOOK_REACHED;
	}
	if (r->outcome != HTTP_PENDING)
		snprintf(w->http_said, sizeof w->http_said, "%s", r->text);
	http_check_free(&w->http);
	return LOOK_NOT_YET;
}

static enum look poll_until_done(struct waiter *w)
{
	for (;;) {
		double round = platform_monotonic();
		double remaining = w->deadline ? w->deadline - round : 0;
		enum look r = w->o->wait_for == WAIT_FREE ? look_free(w) : look_open(w, remaining);
		if (r == LOOK_NOT_YET && w->http)
			r = finish_http(w);
		if (r != LOOK_NOT_YET || stop_signal)
			return r;
		double next = round + WAIT_ROUND_MS / 1000.0;
		if (w->deadline && platform_monotonic() >= w->deadline)
			return LOOK_NOT_YET; /* timed out */
		sleep_until(w->deadline && next > w->deadline ? w->deadline : next);
		if (stop_signal)
			return LOOK_NOT_YET;
	}
}

static void say_reached(const struct waiter *w, double took)
{
	if (w->o->wait_for == WAIT_FREE)
		printf(":%u is free after %.1f s\n", (unsigned)w->port, took);
	else if (w->o->http)
		printf(":%u answers HTTP %s (%s) after %.1f s\n", (unsigned)w->port, w->answer,
		       w->who, took);
	else
		printf(":%u is open (%s) after %.1f s\n", (unsigned)w->port, w->who, took);
}

static void say_timed_out(struct waiter *w)
{
	unsigned port = w->port;
	fprintf(stderr, "timed out after %g s: ",
	        w->o->timeout_given ? w->o->timeout : WAIT_DEFAULT_TIMEOUT);
	if (w->o->wait_for == WAIT_FREE) {
		look_open(w, 0); /* who holds it, for the message */
		if (w->seen)
			fprintf(stderr, ":%u is still held (%s)\n", port, w->who);
		else
			fprintf(stderr, ":%u does not bind yet\n", port);
	} else if (!w->seen) {
		fprintf(stderr, "nothing listens on :%u\n", port);
	} else {
		fprintf(stderr, ":%u listens (%s) but does not answer HTTP: %s\n", port, w->who,
		        w->http_said[0] ? w->http_said : "no answer yet");
	}
}

int cmd_wait(const struct cli_opts *o)
{
	struct waiter w = {.o = o};
	if (!cli_port_arg(o, "wait", 0, &w.port))
		return EXIT_ERROR;
	if (o->http && o->wait_for == WAIT_FREE) {
		fprintf(stderr,
		        "devports: wait: --http waits for a server, --free for none: not both\n");
		return EXIT_ERROR;
	}
	struct cli_opts about = *o;
	about.only_port = w.port; /* the other listeners' processes are not read */
	about.wait_for = o->wait_for ? o->wait_for : WAIT_OPEN;
	w.o = &about;
	if (!(w.p = cli_open_platform(&about)))
		return EXIT_ERROR;

	struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: a sleep ends at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	double timeout = o->timeout_given ? o->timeout : WAIT_DEFAULT_TIMEOUT;
	w.start = platform_monotonic();
	w.deadline = timeout > 0 ? w.start + timeout : 0;
	enum look r = poll_until_done(&w);
	int exit_code = r == LOOK_REACHED ? EXIT_OK : r == LOOK_ERROR ? EXIT_ERROR : EXIT_NOT_FOUND;
	if (stop_signal && r != LOOK_REACHED)
		exit_code = 128 + stop_signal;
	else if (r == LOOK_REACHED && !o->quiet)
		say_reached(&w, platform_monotonic() - w.start);
	else if (r == LOOK_NOT_YET && !o->quiet)
		say_timed_out(&w);
	http_check_free(&w.http);
	snapshot_free(&w.snap);
	platform_close(&w.p);
	if (fflush(stdout) == EOF && exit_code == EXIT_OK)
		exit_code = EXIT_ERROR;
	return exit_code;
}
