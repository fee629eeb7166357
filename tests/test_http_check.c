/* test_http_check.c - inspect's HTTP check against real listeners: a python http.server answers,
 * a listener that accepts and never answers times out after 1 s while the loop keeps turning,
 * a free port refuses; and the pure choice of the loopback address. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app.h"
#include "detail.h"
#include "http_check.h"
#include "make_listener.h"
#include "proc_helpers.h"
#include "project_root.h"
#include "sanitize.h"

static struct app a;
static struct platform *p;
static pid_t server;

static void init(void)
{
	sanitize_init_locale();
	/* A proxy from the environment must not be used: the check goes straight to loopback. */
	setenv("http_proxy", "http://127.0.0.1:9", 1);
	setenv("HTTP_PROXY", "http://127.0.0.1:9", 1);
	struct platform_opts o = {.kind = PLATFORM_NATIVE};
	cr_assert_eq(platform_open(&p, &o), 0);
	app_init(&a, 0.5);
	a.model.show_all = true;
	a.platform = p;
	a.now = ph_now();
	a.wall = time(NULL);
}

static void fini(void)
{
	app_free(&a);
	platform_close(&p);
	ph_stop(server);
	server = 0;
}

TestSuite(http, .init = init, .fini = fini, .timeout = 30);

static void refresh(void)
{
	a.now = ph_now();
	a.wall = time(NULL);
	app_poll(&a);
}

static const struct http_result *result(void)
{
	cr_assert_not_null(a.detail);
	cr_assert_not_null(a.detail->http, "http_rc %d", a.detail->http_rc);
	return http_check_result(a.detail->http);
}

/* Turns the loop until the check is done; returns the longest turn in seconds. */
static double run_until_done(double limit, struct frame *f)
{
	double end = ph_now() + limit, longest = 0;
	bool reported = false;
	while (ph_now() < end && result()->outcome == HTTP_PENDING) {
		double t0 = ph_now();
		a.now = t0;
		app_wait(&a, -1, 50);
		reported = app_tick(&a);
		if (f)
			app_draw(&a, f); /* the view keeps drawing */
		cr_assert_eq(app_key(&a, 12 /* ^L */), REACT_REDRAW, "keys keep working");
		double turn = ph_now() - t0;
		if (turn > longest)
			longest = turn;
	}
	reported |= app_tick(&a);
	cr_assert(reported, "the result is reported for drawing");
	cr_assert_not(app_tick(&a), "once");
	return longest;
}

Test(http, a_python_http_server_answers_200)
{
	if (!ph_have_python())
		cr_skip_test("python3 is not installed");
	uint16_t port = 0;
	const char *argv[] = {"python3", "-c",
	                      "import http.server\n"
	                      "s=http.server.HTTPServer(('127.0.0.1',0),"
	                      "http.server.SimpleHTTPRequestHandler)\n"
	                      "print(s.server_address[1],flush=True)\n"
	                      "s.serve_forever()\n",
	                      NULL};
	server = ph_start(argv, &port);
	cr_assert_gt(server, 0);
	cr_assert(ph_wait_listening(port, 5));
	refresh();
	cr_assert(ph_select(&a, port, server));
	cr_assert_eq(model_selected(&a.model)->l.proc->id.pid, server, "the server leads its row");
	cr_assert_eq(app_key(&a, 'i'), REACT_REDRAW);
	cr_assert_eq(a.detail->proc.id.pid, server, "inspect reads the lead holder");
	char cwd[512], root[512] = "";
	cr_assert_not_null(getcwd(cwd, sizeof cwd));
	project_root_find(cwd, root, sizeof root);
	cr_assert_str_eq(a.detail->proc.project_root, root, "inspect finds the project of %s", cwd);
	run_until_done(3, NULL);
	const struct http_result *r = result();
	cr_assert_eq(r->outcome, HTTP_ANSWERED, "%s", r->text);
	cr_assert_eq(r->status, 200);
	cr_assert_str_eq(r->reason, "OK");
	char want[64];
	snprintf(want, sizeof want, "200 OK in %.0f ms", r->ms < 1 ? 1.0 : r->ms);
	cr_assert_str_eq(r->text, want);
	cr_assert_lt(r->ms, 1000);
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%u/", port);
	cr_assert_str_eq(r->url, url);
	/* r repeats it */
	cr_assert_eq(app_key(&a, 'r'), REACT_RESCAN);
	cr_assert_eq(result()->outcome, HTTP_PENDING);
	run_until_done(3, NULL);
	cr_assert_eq(result()->status, 200);
}

Test(http, a_listener_that_never_answers_times_out_and_the_loop_keeps_turning)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	cr_assert(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(s, 4) == 0);
	getsockname(s, (struct sockaddr *)&sa, &len);
	uint16_t port = ntohs(sa.sin_port); /* the kernel accepts; nobody ever answers */
	refresh();
	cr_assert(ph_select(&a, port, getpid()));
	struct frame f;
	cr_assert_eq(frame_init(&f, 100, 30), 0);
	double t0 = ph_now();
	app_key(&a, 'i');
	double longest = run_until_done(3, &f);
	double took = ph_now() - t0;
	const struct http_result *r = result();
	cr_assert_eq(r->outcome, HTTP_TIMEOUT, "%s", r->text);
	cr_assert_str_eq(r->text, "no HTTP answer in 1 s");
	cr_assert(took >= 0.9 && took < 1.8, "gave up after %.2f s", took);
	cr_assert_lt(longest, 0.2, "one turn of the loop took %.3f s", longest);
	app_draw(&a, &f);
	char *text = frame_to_text(&f);
	char want[96];
	snprintf(want, sizeof want, "GET http://127.0.0.1:%u/ → no HTTP answer in 1 s", port);
	cr_assert(strstr(text, want), "%s", text);
	free(text);
	frame_free(&f);
	close(s);
}

Test(http, a_free_port_refuses)
{
	uint16_t port = ph_free_port(1);
	struct listener l = make_listener(PROTO_TCP, "127.0.0.1", port, 1, "x", "dev");
	struct http_check *c = NULL;
	cr_assert_eq(platform_http_check(p, &l, 1000, &c), 0);
	double end = ph_now() + 2;
	while (!http_check_step(c) && ph_now() < end)
		http_check_wait(c, -1, 50);
	cr_assert_eq(http_check_result(c)->outcome, HTTP_REFUSED, "%s", http_check_result(c)->text);
	cr_assert_str_eq(http_check_result(c)->text, "connection refused");
	http_check_free(&c);
	cr_assert_null(c);
}

Test(http, the_loopback_address_for_each_kind_of_listener)
{
	struct listener t;
	struct listener v4any = make_listener(PROTO_TCP, "0.0.0.0", 80, 1, "x", "dev");
	cr_assert_eq(http_check_target(&v4any, &t), 0);
	cr_assert_eq(t.family, FAMILY_V4);
	cr_assert_eq(t.addr[0], 127);
	cr_assert_eq(t.addr[3], 1);
	struct listener v6any = make_listener(PROTO_TCP, "::", 80, 1, "x", "dev");
	cr_assert_eq(http_check_target(&v6any, &t), 0);
	cr_assert_eq(t.family, FAMILY_V6);
	cr_assert_eq(t.addr[15], 1);
	struct listener own = make_listener(PROTO_TCP, "127.0.0.53", 80, 1, "x", "dev");
	cr_assert_eq(http_check_target(&own, &t), 0);
	cr_assert_eq(t.addr[3], 53, "a loopback listener is checked on its own address");
	struct listener lan = make_listener(PROTO_TCP, "192.168.1.5", 80, 1, "x", "dev");
	cr_assert_eq(http_check_target(&lan, &t), -EADDRNOTAVAIL);
	struct listener udp = make_listener(PROTO_UDP, "127.0.0.1", 80, 1, "x", "dev");
	cr_assert_eq(http_check_target(&udp, &t), -EINVAL);
}

Test(http, results_read_like_people_write)
{
	struct http_result r = {.outcome = HTTP_ANSWERED, .status = 404, .ms = 3.4};
	snprintf(r.reason, sizeof r.reason, "Not Found");
	http_result_describe(&r, 1000);
	cr_assert_str_eq(r.text, "404 Not Found in 3 ms");
	r = (struct http_result){.outcome = HTTP_TIMEOUT};
	http_result_describe(&r, 1500);
	cr_assert_str_eq(r.text, "no HTTP answer in 1500 ms");
	r = (struct http_result){.outcome = HTTP_NOT_HTTP};
	http_result_describe(&r, 1000);
	cr_assert_str_eq(r.text, "answers, but not with HTTP");
}
