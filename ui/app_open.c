/* app_open.c - o and y: the selected row's URL, opened in the browser or copied with OSC 52. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "detail.h"
#include "row_url.h"

enum { OPEN_MESSAGE_SECONDS = 4 };

static const struct row *target(const struct app *a)
{
	return a->mode == MODE_DETAIL && a->detail ? &a->detail->row : model_selected(&a->model);
}

/* The URL of the target into url: REACT_NONE (there it is), or the reaction to return now:
 * REACT_NONE too when there is no row at all (then url is ""), REACT_REDRAW when the status line
 * says why there is no URL. */
static enum reaction target_url(struct app *a, char *url, size_t len, bool *ok)
{
	const struct row *r = target(a);
	*ok = false;
	url[0] = '\0';
	if (!r)
		return REACT_NONE;
	if (row_url(&r->l, url, len) < 0) {
		app_warn(a, url[0] ? url : "no URL for this row", OPEN_MESSAGE_SECONDS);
		return REACT_REDRAW;
	}
	*ok = true;
	return REACT_NONE;
}

enum reaction app_open_url(struct app *a)
{
	char url[ROW_URL_MAX], why[256];
	bool ok;
	enum reaction r = target_url(a, url, sizeof url, &ok);
	if (!ok)
		return r;
	if (!a->platform) {
		app_warn(a, "no browser here", OPEN_MESSAGE_SECONDS);
		return REACT_REDRAW;
	}
	if (platform_open_url(a->platform, url, why, sizeof why) < 0)
		app_warn(a, why, OPEN_MESSAGE_SECONDS);
	else
		app_say(a, why);
	return REACT_REDRAW;
}

enum reaction app_copy_url(struct app *a)
{
	char url[ROW_URL_MAX], msg[ROW_URL_MAX + 32];
	bool ok;
	enum reaction r = target_url(a, url, sizeof url, &ok);
	if (!ok)
		return r;
	int n = osc52_sequence(url, a->tty_out, sizeof a->tty_out);
	if (n < 0) {
		a->tty_out_len = 0;
		app_warn(a, "the URL is too long to copy", OPEN_MESSAGE_SECONDS);
		return REACT_REDRAW;
	}
	a->tty_out_len = (size_t)n;
	snprintf(msg, sizeof msg, "copied %s (OSC 52)", url);
	app_say(a, msg);
	return REACT_REDRAW;
}
