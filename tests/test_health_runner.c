/* test_health_runner.c - the runner against sockets of this test on loopback: a tcp check of a
 * listening socket (the kernel accepts for it) is ok, of a closed port down; an http check of a
 * socket that never answers fails at its time-out; at most HEALTH_IN_FLIGHT run at once; a check
 * that left the board is dropped. Native backends only (the fake one runs no checks). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "health.h"
#include "platform.h"

/* A listening socket on 127.0.0.1 that never accepts; its port into *port. */
static int listener(uint16_t *port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	cr_assert(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(s, 8) == 0);
	getsockname(s, (struct sockaddr *)&sa, &len);
	*port = ntohs(sa.sin_port);
	return s;
}

static struct health_spec check(enum health_type t, uint16_t port, uint64_t key)
{
	struct health_spec s = {
	    .type = t, .port = port, .timeout_ms = 500, .interval_ms = 10000, .key = key};
	snprintf(s.service, sizeof s.service, "svc%llu", (unsigned long long)key);
	snprintf(s.host, sizeof s.host, "127.0.0.1");
	snprintf(s.url, sizeof s.url,
	         t == HEALTH_TCP ? "tcp://127.0.0.1:%u" : "http://127.0.0.1:%u/", (unsigned)port);
	return s;
}

/* Steps r until every check of b has a result (at most 10 s). */
static void run_all(struct health_runner *r, struct health_board *b)
{
	double end = platform_monotonic() + 10;
	b->once = true;
	for (;;) {
		health_runner_step(r, b, platform_monotonic(), time(NULL));
		if (health_board_done(b))
			return;
		cr_assert_lt(platform_monotonic(), end, "checks still running after 10 s");
		health_runner_wait(r, -1, 50);
	}
}

Test(health_runner, tcp_ok_closed_down_silent_http_failing)
{
	uint16_t open_port, closed_port;
	int open_fd = listener(&open_port), closed_fd = listener(&closed_port);
	close(closed_fd); /* nothing listens there now */
	struct health_spec v[] = {check(HEALTH_TCP, open_port, 1),
	                          check(HEALTH_TCP, closed_port, 2),
	                          check(HEALTH_HTTP, open_port, 3)};
	struct health_board b;
	health_board_init(&b);
	cr_assert_eq(health_board_set(&b, v, 3), 0);
	struct health_runner *r = NULL;
	struct platform *p = NULL;
	struct platform_opts o = {.kind = PLATFORM_NATIVE};
	cr_assert_eq(platform_open(&p, &o), 0);
	cr_assert_eq(platform_health_open(p, &r), 0);
	run_all(r, &b);
	const struct health_result *ok = health_entry_last(&b.v[0]),
	                           *down = health_entry_last(&b.v[1]),
	                           *silent = health_entry_last(&b.v[2]);
	cr_assert_eq(ok->state, HEALTH_OK, "%s", ok->text);
	cr_assert(ok->ms > 0);
	cr_assert_eq(down->state, HEALTH_DOWN, "%s", down->text);
	cr_assert_str_eq(down->text, "connection refused");
	cr_assert_eq(silent->state, HEALTH_FAILING, "%s", silent->text);
	cr_assert_str_eq(silent->text, "no answer in 500 ms");
	cr_assert_not(health_runner_busy(r));
	health_runner_free(&r);
	health_board_free(&b);
	platform_close(&p);
	close(open_fd);
}

Test(health_runner, at_most_four_at_once_and_dropped_when_gone)
{
	uint16_t port;
	int fd = listener(&port);
	struct health_spec v[6];
	for (int i = 0; i < 6; i++)
		v[i] = check(HEALTH_HTTP, port, (uint64_t)i + 1); /* never answered: 500 ms each */
	struct health_board b;
	health_board_init(&b);
	cr_assert_eq(health_board_set(&b, v, 6), 0);
	struct platform *p = NULL;
	struct health_runner *r = NULL;
	struct platform_opts o = {.kind = PLATFORM_NATIVE};
	cr_assert_eq(platform_open(&p, &o), 0);
	cr_assert_eq(platform_health_open(p, &r), 0);
	health_runner_step(r, &b, platform_monotonic(), time(NULL));
	size_t flying = 0;
	for (size_t i = 0; i < b.n; i++)
		flying += b.v[i].in_flight;
	cr_assert_eq(flying, HEALTH_IN_FLIGHT);
	cr_assert(health_runner_busy(r));
	cr_assert_eq(health_board_set(&b, v + 4, 2), 0); /* the four under way left the board */
	health_runner_step(r, &b, platform_monotonic(), time(NULL));
	for (size_t i = 0; i < b.n; i++)
		cr_assert(b.v[i].in_flight, "the two left start once the others are dropped");
	run_all(r, &b);
	health_runner_free(&r);
	health_board_free(&b);
	platform_close(&p);
	close(fd);
}

Test(health_runner, a_demo_runs_nothing)
{
	struct platform *p = NULL;
	struct health_runner *r = NULL;
	struct platform_opts o = {.kind = PLATFORM_FAKE};
	cr_assert_eq(platform_open(&p, &o), 0);
	cr_assert_eq(platform_health_open(p, &r), -ENOSYS);
	cr_assert_null(r);
	platform_close(&p);
}
