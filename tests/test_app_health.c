/* test_app_health.c - the dashboard tells when a health check starts failing or passes again,
 * as it tells a watched port's changes (a notice: the bell, OSC 9/777 outside tmux; the status
 * line), once per change and not for a check's first result. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "app_work.h"
#include "health.h"
#include "sanitize.h"

static struct app a;

static void setup(void)
{
	sanitize_init_locale();
	app_init(&a, 1.0);
	struct health_spec s = {
	    .type = HEALTH_HTTP, .port = 5001, .timeout_ms = 1000, .interval_ms = 10000, .key = 7};
	snprintf(s.service, sizeof s.service, "api");
	snprintf(s.url, sizeof s.url, "http://localhost:5001/health");
	cr_assert_eq(health_board_set(&a.health, &s, 1), 0);
}

static void teardown(void)
{
	app_free(&a);
}

TestSuite(app_health, .init = setup, .fini = teardown);

static void run(int status)
{
	struct health_run r = {.outcome = HEALTH_ANSWERED, .status = status, .ms = 5};
	struct health_result res;
	health_judge(&a.health.v[0].spec, &r, &res);
	health_board_record(&a.health, 0, &res, a.now);
	app_health_tell(&a);
}

Test(app_health, a_check_that_starts_failing_is_told_once_and_so_is_its_return)
{
	run(500); /* the first result: known, not news */
	cr_assert_eq(a.nnotices, 0);
	run(200);
	cr_assert_eq(a.nnotices, 1);
	cr_assert_str_eq(a.notices[0].text,
	                 "health: api http://localhost:5001/health passes again: 200 in 5 ms");
	run(200);
	cr_assert_eq(a.nnotices, 1, "still passing: nothing new");
	run(503);
	cr_assert_eq(a.nnotices, 2);
	cr_assert(
	    strstr(a.notices[1].text, "health: api http://localhost:5001/health failing: 503"),
	    "%s", a.notices[1].text);
	cr_assert(a.notices[1].osc, "no tmux here: OSC 9/777 and the bell");
	cr_assert_str_eq(a.status, a.notices[1].text);
}
