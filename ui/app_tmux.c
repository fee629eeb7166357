/* app_tmux.c - g: the tmux client goes to the pane that runs the selected row's server. */
#include "app.h"
#include "detail.h"

enum { TMUX_MESSAGE_SECONDS = 4 };

enum reaction app_tmux_switch(struct app *a)
{
	char why[256];
	const struct row *r =
	    a->mode == MODE_DETAIL && a->detail ? &a->detail->row : model_selected(&a->model);
	if (!r)
		return REACT_NONE;
	if (!a->platform) {
		app_warn(a, "no tmux here", TMUX_MESSAGE_SECONDS);
		return REACT_REDRAW;
	}
	/* the platform says why not, in order: not inside tmux, no server, in no pane, tmux's error
	 */
	if (platform_tmux_switch(a->platform, r->l.pane, why, sizeof why) < 0)
		app_warn(a, why, TMUX_MESSAGE_SECONDS);
	else
		app_say(a, why);
	return REACT_REDRAW;
}
