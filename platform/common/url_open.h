/* url_open.h - opens a URL in the user's browser without a shell and without waiting for it.
 *
 * The opener: each entry of $BROWSER, a ':'-separated list (the old sensible-browser
 * convention) of program names or paths, in order, then `xdg-open` (`open` on macOS). Each
 * is one program run as `PROGRAM URL`: no shell, no arguments of its own, no %s; an entry
 * holding a space or a '%' is skipped (a script of yours can add arguments). The first that
 * starts is the one used. It runs with posix_spawnp in a process group of its own (Ctrl-C in
 * the terminal never reaches it), stdin, stdout and stderr on /dev/null (it never touches the
 * dashboard's terminal), with default signals and the caller's environment.
 *
 * Children are never waited for: url_opener_reap() collects those that have ended
 * (waitpid(WNOHANG)); those still running at url_opener_free() are left to run (a browser is
 * not ended with devports) and are reaped by init once devports exits. */
#ifndef DEVPORTS_URL_OPEN_H
#define DEVPORTS_URL_OPEN_H

#include <stddef.h>
#include <sys/types.h>

enum { URL_OPEN_CHILDREN_MAX = 16, URL_OPEN_WHY_MAX = 256 };

struct url_opener;

/* A handle; browser is $BROWSER (NULL or "": none), copied. 0 or -ENOMEM. */
int url_opener_new(struct url_opener **out, const char *browser);
/* Reaps what has ended and frees the handle; *o becomes NULL. NULL-safe. Never blocks. */
void url_opener_free(struct url_opener **o);

/* Starts the opener on url (passed as one argument, as it is). 0, with why "opened URL with
 * PROGRAM" (PROGRAM as named: "xdg-open", "/usr/local/bin/firefox"), or why not in words:
 * -ENOENT (none of them could be run: "no browser: set $BROWSER or install xdg-utils"; on
 * macOS "no browser: set $BROWSER"),
 * -EAGAIN (URL_OPEN_CHILDREN_MAX openers still running), -EINVAL (url is empty), another
 * negative errno from posix_spawnp. why is always NUL-terminated and sanitized. */
int url_opener_open(struct url_opener *o, const char *url, char *why, size_t len);

/* Reaps the openers that have ended, without waiting. Returns how many still run. NULL-safe. */
int url_opener_reap(struct url_opener *o);

#endif
