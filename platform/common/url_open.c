/* url_open.c - the browser, started without a shell and never waited for (url_open.h). */
#include "url_open.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "sanitize.h"

extern char **environ;

struct url_opener {
	char *browser; /* $BROWSER, or NULL */
	pid_t children[URL_OPEN_CHILDREN_MAX];
	int nchildren;
};

int url_opener_new(struct url_opener **out, const char *browser)
{
	struct url_opener *o = calloc(1, sizeof *o);
	*out = NULL;
	if (!o)
		return -ENOMEM;
	if (browser && browser[0] && !(o->browser = strdup(browser))) {
		free(o);
		return -ENOMEM;
	}
	*out = o;
	return 0;
}

int url_opener_reap(struct url_opener *o)
{
	if (!o)
		return 0;
	for (int i = 0; i < o->nchildren;) {
		pid_t r = waitpid(o->children[i], NULL, WNOHANG);
		if (r == o->children[i] || (r < 0 && errno == ECHILD))
			o->children[i] = o->children[--o->nchildren];
		else
			i++;
	}
	return o->nchildren;
}

void url_opener_free(struct url_opener **o)
{
	if (!o || !*o)
		return;
	url_opener_reap(*o); /* the rest run on: init reaps them once devports exits */
	free((*o)->browser);
	free(*o);
	*o = NULL;
}

/* Runs `program url` as url_open.h says: 0 and *pid, or a negative errno. */
static int spawn(const char *program, const char *url, pid_t *pid)
{
	char *const argv[] = {(char *)program, (char *)url, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	sigemptyset(&none);
	sigemptyset(&dfl);
	static const int reset[] = {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCHLD};
	for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
		sigaddset(&dfl, reset[i]);
	int rc = posix_spawn_file_actions_init(&fa);
	if (rc != 0)
		return -rc;
	if ((rc = posix_spawnattr_init(&at)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -rc;
	}
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
	                                  POSIX_SPAWN_SETPGROUP);
	rc = posix_spawnp(pid, program, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return -rc;
}

/* Whether a $BROWSER entry is one program name or path: not empty, no space, no '%'. */
static bool usable(const char *entry, size_t n)
{
	if (n == 0 || n >= 1024)
		return false;
	for (size_t i = 0; i < n; i++)
		if (entry[i] == ' ' || entry[i] == '\t' || entry[i] == '%')
			return false;
	return true;
}

/* Tries program: 0 when it started (recorded, why said), else its error. */
static int try_one(struct url_opener *o, const char *program, const char *url, char *why,
                   size_t len)
{
	pid_t pid;
	int rc = spawn(program, url, &pid);
	if (rc < 0)
		return rc;
	o->children[o->nchildren++] = pid;
	char shown[256], shown_url[256];
	sanitize_text(shown, sizeof shown, program, strlen(program));
	sanitize_text(shown_url, sizeof shown_url, url, strlen(url));
	snprintf(why, len, "opened %s with %s", shown_url, shown);
	return 0;
}

int url_opener_open(struct url_opener *o, const char *url, char *why, size_t len)
{
#ifdef __APPLE__
	static const char *const fallbacks[] = {"open"};
#else
	static const char *const fallbacks[] = {"xdg-open"}; /* Debian's `open` is openvt */
#endif
	char program[1024];
	int rc = -ENOENT, last = -ENOENT;
	if (!url[0]) {
		snprintf(why, len, "no URL to open");
		return -EINVAL;
	}
	if (url_opener_reap(o) >= URL_OPEN_CHILDREN_MAX) {
		snprintf(why, len, "%d browsers are still starting: try again later",
		         URL_OPEN_CHILDREN_MAX);
		return -EAGAIN;
	}
	for (const char *p = o->browser; p && *p && rc < 0;) {
		size_t n = strcspn(p, ":");
		if (usable(p, n)) {
			memcpy(program, p, n);
			program[n] = '\0';
			rc = try_one(o, program, url, why, len);
			if (rc < 0 && rc != -ENOENT)
				last = rc;
		}
		p += n + (p[n] == ':');
	}
	for (size_t i = 0; rc < 0 && i < sizeof fallbacks / sizeof fallbacks[0]; i++) {
		rc = try_one(o, fallbacks[i], url, why, len);
		if (rc < 0 && rc != -ENOENT)
			last = rc;
	}
	if (rc == 0)
		return 0;
	if (last == -ENOENT)
#ifdef __APPLE__
		snprintf(why, len, "no browser: set $BROWSER");
#else
		snprintf(why, len, "no browser: set $BROWSER or install xdg-utils");
#endif
	else
		snprintf(why, len, "no browser could be started: %s", strerror(-last));
	return last;
}
