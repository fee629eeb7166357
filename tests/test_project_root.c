/* test_project_root.c - the project root of a working directory: the nearest marker wins, home
 * and / never count; a marker created or removed after a directory was first seen shows once its
 * answer is re-checked (the time is injected), re-checks are spread; the cache stays bounded. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "project_root.h"

static char top[64]; /* the tree of each test, and HOME */

/* top/rel (rel formatted), in one of a few rotating buffers: good for the next few calls only. */
__attribute__((format(printf, 1, 2))) static const char *at(const char *fmt, ...)
{
	static char buf[4][512];
	static int next;
	char rel[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rel, sizeof rel, fmt, ap);
	va_end(ap);
	char *out = buf[next++ % 4];
	snprintf(out, sizeof buf[0], "%s/%s", top, rel);
	return out;
}

/* mkdir -p top/rel */
static void make_dirs(const char *rel)
{
	char path[512];
	snprintf(path, sizeof path, "%s", at("%s", rel));
	for (char *s = path + strlen(top) + 1;; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = '\0';
			cr_assert(mkdir(path, 0700) == 0 || errno == EEXIST, "mkdir %s: %s", path,
			          strerror(errno));
			*s = c;
			if (!c)
				return;
		}
	}
}

static void touch(const char *rel)
{
	int fd = open(at("%s", rel), O_WRONLY | O_CREAT, 0600);
	cr_assert_geq(fd, 0, "create %s: %s", rel, strerror(errno));
	close(fd);
}

static void remove_file(const char *rel)
{
	cr_assert_eq(unlink(at("%s", rel)), 0, "remove %s: %s", rel, strerror(errno));
}

/* The root found for cwd at time now; the return code must agree with it. */
static const char *root_at(const char *cwd, double now)
{
	static char out[512];
	memset(out, 'x', sizeof out - 1);
	int rc = project_root_find_at(cwd, now, out, sizeof out);
	cr_assert_eq(rc, out[0] ? 0 : -ENOENT, "return code %d for \"%s\" (%s)", rc, out, cwd);
	return out;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void init(void)
{
	project_root_cache_clear();
	snprintf(top, sizeof top, "/tmp/devports-project-root-XXXXXX");
	cr_assert_not_null(mkdtemp(top), "mkdtemp: %s", strerror(errno));
	/* The search stops at home: nothing above the tree (a marker in /tmp) can answer, and the
	 * home of whoever runs the tests plays no part. */
	setenv("HOME", top, 1);
}

static void fini(void)
{
	project_root_cache_clear();
	if (top[0])
		nftw(top, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(project_root, .init = init, .fini = fini);

static const double T0 = 1000.0;
static const double LATEST = PROJECT_ROOT_RECHECK_SECONDS + PROJECT_ROOT_RECHECK_SPREAD;

Test(project_root, nearest_marker_wins_and_home_never_counts)
{
	make_dirs("shop/web/src/pages");
	make_dirs("shop/api");
	touch("shop/package.json");
	make_dirs("shop/web/.git");
	cr_assert_str_eq(root_at(at("shop/web/src/pages"), T0), at("shop/web"));
	cr_assert_str_eq(root_at(at("shop/api"), T0), at("shop"));
	cr_assert_str_eq(root_at(at("shop"), T0), at("shop"), "a marker in cwd itself counts");

	/* A marker in home (a dotfiles repo) does not make home a project. */
	make_dirs("notes");
	make_dirs(".git");
	cr_assert_str_eq(root_at(at("notes"), T0), "");
	cr_assert_str_eq(root_at(top, T0), "");

	cr_assert_str_eq(root_at("relative/dir", T0), "");
	cr_assert_str_eq(root_at("/", T0), "");
	cr_assert_eq(project_root_find_at(NULL, T0, (char[4]){"x"}, 4), -ENOENT);
}

Test(project_root, a_marker_created_or_removed_later_shows_at_the_recheck)
{
	make_dirs("app/server/src");
	char cwd[512];
	snprintf(cwd, sizeof cwd, "%s", at("app/server/src"));
	cr_assert_str_eq(root_at(cwd, T0), "", "no marker yet");

	touch("app/package.json");
	cr_assert_str_eq(root_at(cwd, T0 + 1), "", "the answer is cached");
	cr_assert_str_eq(root_at(cwd, T0 + PROJECT_ROOT_RECHECK_SECONDS - 0.01), "",
	                 "not re-checked before PROJECT_ROOT_RECHECK_SECONDS");
	double t1 = T0 + LATEST;
	cr_assert_str_eq(root_at(cwd, t1), at("app"), "re-checked by then");

	remove_file("app/package.json");
	cr_assert_str_eq(root_at(cwd, t1 + PROJECT_ROOT_RECHECK_SECONDS - 0.01), at("app"));
	double t2 = t1 + LATEST;
	cr_assert_str_eq(root_at(cwd, t2), "", "the removal shows at the next re-check");

	/* `git init` nearer the cwd. */
	make_dirs("app/server/.git");
	cr_assert_str_eq(root_at(cwd, t2 + LATEST), at("app/server"));
	cr_assert_eq(project_root_cache_entries(), 1);
}

Test(project_root, rechecks_are_spread)
{
	enum { N = 64 };
	for (int i = 0; i < N; i++)
		cr_assert_str_eq(root_at(at("svc/w%d", i), T0), "");
	make_dirs("svc");
	touch("svc/go.mod");

	const double early = T0 + PROJECT_ROOT_RECHECK_SECONDS - 0.001;
	int seen = 0;
	for (int i = 0; i < N; i++)
		seen += root_at(at("svc/w%d", i), early)[0] != 0;
	cr_assert_eq(seen, 0, "%d directories re-checked early", seen);

	const double halfway = T0 + PROJECT_ROOT_RECHECK_SECONDS + PROJECT_ROOT_RECHECK_SPREAD / 2;
	seen = 0;
	for (int i = 0; i < N; i++)
		seen += root_at(at("svc/w%d", i), halfway)[0] != 0;
	cr_assert(seen > 0 && seen < N, "%d of %d re-checked halfway through the spread", seen, N);

	for (int i = 0; i < N; i++)
		cr_assert_str_eq(root_at(at("svc/w%d", i), T0 + LATEST), at("svc"));
}

Test(project_root, the_cache_stays_bounded_and_answers_stay_right)
{
	make_dirs("p");
	make_dirs("q");
	touch("p/Cargo.toml");
	enum { N = 3 * PROJECT_ROOT_CACHE_MAX };
	const double step = 0.001; /* every call a little later: all within one re-check period */
	cr_assert_lt(N * step, PROJECT_ROOT_RECHECK_SECONDS);
	double now = T0;
	for (int i = 0; i < N; i++, now += step) {
		bool in_p = i % 2 == 0;
		cr_assert_str_eq(root_at(at("%s/d%d", in_p ? "p" : "q", i), now),
		                 in_p ? at("p") : "");
		cr_assert_leq(project_root_cache_entries(), PROJECT_ROOT_CACHE_MAX);
	}
	cr_assert_eq(project_root_cache_entries(), PROJECT_ROOT_CACHE_MAX);

	/* The most recent directories are remembered (each can still be found), the oldest were
	 * forgotten and are searched afresh: a new marker shows at once for these only. */
	touch("q/pyproject.toml");
	for (int i = N - PROJECT_ROOT_CACHE_MAX; i < N; i++)
		cr_assert_str_eq(root_at(at("%s/d%d", i % 2 == 0 ? "p" : "q", i), now),
		                 i % 2 == 0 ? at("p") : "", "recent: still cached (%d)", i);
	cr_assert_str_eq(root_at(at("q/d%d", 1), now), at("q"), "forgotten: searched again");
	cr_assert_eq(project_root_cache_entries(), PROJECT_ROOT_CACHE_MAX);

	now += LATEST;
	for (int i = 0; i < N; i++)
		cr_assert_str_eq(root_at(at("%s/d%d", i % 2 == 0 ? "p" : "q", i), now),
		                 i % 2 == 0 ? at("p") : at("q"));
	cr_assert_eq(project_root_cache_entries(), PROJECT_ROOT_CACHE_MAX);
}

Test(project_root, clear_forgets_every_answer)
{
	make_dirs("lib/src");
	for (int i = 0; i < 10; i++)
		root_at(at("lib/src/m%d", i), T0);
	cr_assert_eq(project_root_cache_entries(), 10);
	project_root_cache_clear();
	cr_assert_eq(project_root_cache_entries(), 0);
	touch("lib/Gemfile");
	cr_assert_str_eq(root_at(at("lib/src/m3"), T0), at("lib"), "searched afresh");
	cr_assert_eq(project_root_cache_entries(), 1);
}

Test(project_root, the_monotonic_clock_version_answers_and_caches)
{
	make_dirs("site/public");
	touch("site/composer.json");
	char out[512];
	cr_assert_eq(project_root_find(at("site/public"), out, sizeof out), 0);
	cr_assert_str_eq(out, at("site"));
	cr_assert_eq(project_root_find(at("site/public"), out, sizeof out), 0);
	cr_assert_eq(project_root_cache_entries(), 1);

	char small[8];
	cr_assert_eq(project_root_find(at("site/public"), small, sizeof small), 0);
	cr_assert_eq(strlen(small), sizeof small - 1, "a short buffer gets a cut, terminated root");
}
