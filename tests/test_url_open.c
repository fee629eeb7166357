/* test_url_open.c - the browser opener (platform/common/url_open.h): $BROWSER's entries in
 * order, the URL as one argument, no shell, a process group of its own, children reaped without
 * waiting; why not, in words. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "url_open.h"

static char dir[64], out_path[128], script[128];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/dp-url-open-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(out_path, sizeof out_path, "%s/argv", dir);
	snprintf(script, sizeof script, "%s/browser", dir);
	FILE *f = fopen(script, "w");
	cr_assert_not_null(f);
	/* its arguments one a line, then whether it leads a process group of its own */
	fprintf(f, "#!/bin/sh\n{ echo \"$#\"; for a in \"$@\"; do echo \"$a\"; done; "
	           "[ \"$(ps -o pgid= -p $$ | tr -d ' ')\" = \"$$\" ] && echo own-group; "
	           "} > \"$DP_OPEN_OUT.tmp\" && mv \"$DP_OPEN_OUT.tmp\" \"$DP_OPEN_OUT\"\n");
	fclose(f);
	chmod(script, 0755);
	setenv("DP_OPEN_OUT", out_path, 1);
}

static void teardown(void)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(url_open, .init = setup, .fini = teardown);

/* What the script wrote, waited for up to 5 s. */
static const char *written(void)
{
	static char buf[512];
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(out_path, "r");
		if (f) {
			size_t n = fread(buf, 1, sizeof buf - 1, f);
			buf[n] = '\0';
			fclose(f);
			return buf;
		}
		nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
	}
	return "";
}

/* Reaps until nothing runs, within 5 s: whether it got there. */
static bool all_reaped(struct url_opener *o)
{
	for (int i = 0; i < 500; i++) {
		if (url_opener_reap(o) == 0)
			return true;
		nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
	}
	return false;
}

Test(url_open, browser_gets_the_url_as_its_one_argument_and_is_reaped)
{
	struct url_opener *o;
	char why[URL_OPEN_WHY_MAX];
	cr_assert_eq(url_opener_new(&o, script), 0);
	cr_assert_eq(url_opener_open(o, "http://localhost:8000/", why, sizeof why), 0);
	char want[256];
	snprintf(want, sizeof want, "opened http://localhost:8000/ with %s", script);
	cr_assert_str_eq(why, want);
	cr_assert_str_eq(written(), "1\nhttp://localhost:8000/\nown-group\n");
	cr_assert(all_reaped(o), "the opener was not reaped");
	url_opener_free(&o);
	cr_assert_null(o);
}

Test(url_open, entries_are_tried_in_order_and_ones_with_spaces_skipped)
{
	struct url_opener *o;
	char why[URL_OPEN_WHY_MAX], browser[512];
	snprintf(browser, sizeof browser, "%s %%s:/nonexistent/dp-browser::dp-no-such-browser:%s",
	         script, script);
	cr_assert_eq(url_opener_new(&o, browser), 0);
	cr_assert_eq(url_opener_open(o, "http://[::1]:4000/", why, sizeof why), 0);
	cr_assert(strstr(why, script), "%s", why);
	cr_assert_str_eq(written(), "1\nhttp://[::1]:4000/\nown-group\n");
	cr_assert(all_reaped(o));
	url_opener_free(&o);
}

Test(url_open, no_browser_says_what_to_do)
{
	struct url_opener *o;
	char why[URL_OPEN_WHY_MAX];
	const char *path = getenv("PATH");
	char *saved = path ? strdup(path) : NULL;
	setenv("PATH", dir, 1); /* no xdg-open (nor open) there */
	cr_assert_eq(url_opener_new(&o, "/nonexistent/dp-browser:dp-no-such-browser"), 0);
	int rc = url_opener_open(o, "http://localhost:8000/", why, sizeof why);
	if (saved)
		setenv("PATH", saved, 1);
	free(saved);
	cr_assert_eq(rc, -ENOENT);
	cr_assert(strstr(why, "no browser: set $BROWSER"), "%s", why);
	cr_assert_eq(url_opener_reap(o), 0);
	url_opener_free(&o);
}

Test(url_open, an_empty_url_is_refused_and_free_is_null_safe)
{
	struct url_opener *o = NULL;
	char why[URL_OPEN_WHY_MAX];
	url_opener_free(&o);
	url_opener_free(NULL);
	cr_assert_eq(url_opener_new(&o, ""), 0);
	cr_assert_eq(url_opener_open(o, "", why, sizeof why), -EINVAL);
	url_opener_free(&o);
}

Test(url_open, a_browser_still_running_is_left_running_at_free)
{
	/* free never waits: a long-lived opener (a browser started directly) runs on */
	char slow[160];
	snprintf(slow, sizeof slow, "%s/slow", dir);
	FILE *f = fopen(slow, "w");
	cr_assert_not_null(f);
	fprintf(f, "#!/bin/sh\nexec sleep 0.5\n");
	fclose(f);
	chmod(slow, 0755);
	struct url_opener *o;
	char why[URL_OPEN_WHY_MAX];
	cr_assert_eq(url_opener_new(&o, slow), 0);
	cr_assert_eq(url_opener_open(o, "http://localhost:1/", why, sizeof why), 0);
	cr_assert_eq(url_opener_reap(o), 1, "still running");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	url_opener_free(&o);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_assert_lt(t1.tv_sec - t0.tv_sec, 1, "free waited");
	/* it is this process's child still: reap it here, so that no zombie is left */
	while (wait(NULL) > 0)
		;
}
