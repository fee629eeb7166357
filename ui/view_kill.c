/* view_kill.c - the kill box: drawn from the target captured when k was pressed, never from the
 * list under it, so a refresh cannot change what the user is confirming. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "views.h"

enum { BOX_MAX_W = 96, LABEL_W = 10, CMD_LINES = 3, PORT_LINES = 4 };

struct box_row {
	const char *label; /* NULL: no label column */
	char text[KILL_TEXT_MAX * 2];
	enum style st;
	int max_lines;
};

enum { BOX_ROWS_MAX = 12 };

static struct box_row *row(struct box_row *rows, int *n, const char *label, enum style st,
                           int max_lines)
{
	struct box_row *r = &rows[(*n)++];
	r->label = label;
	r->text[0] = '\0';
	r->st = st;
	r->max_lines = max_lines;
	return r;
}

/* What the keys do now, and how far the kill has got. */
static void state_line(const struct app *a, struct box_row *r)
{
	const struct kill_job *j = &a->kill;
	char sig[32];
	kill_signal_name(j->phase == KILL_CONFIRMING ? j->sig : j->sent, sig, sizeof sig);
	if (j->phase == KILL_CONFIRMING && j->sig == SIGKILL)
		snprintf(
		    r->text, sizeof r->text,
		    "y/Enter sends SIGKILL: it stops at once, without cleaning up · n/Esc cancels");
	else if (j->phase == KILL_CONFIRMING)
		snprintf(
		    r->text, sizeof r->text,
		    "y/Enter sends %s, then waits up to %d s for it to exit · K sends SIGKILL · "
		    "n/Esc cancels",
		    sig, KILL_WAIT_SECONDS);
	else if (j->phase == KILL_WAITING)
		snprintf(
		    r->text, sizeof r->text,
		    "sent %s %.1f s ago — waiting for it to exit (up to %d s) · n/Esc closes this "
		    "box, the result shows below",
		    sig, a->now - j->sent_at, KILL_WAIT_SECONDS);
	else if (j->phase == KILL_STUBBORN) {
		snprintf(
		    r->text, sizeof r->text,
		    "still running after %d s — K or y sends SIGKILL · n/Esc leaves it running",
		    KILL_WAIT_SECONDS);
		r->st = ST_ERROR;
	} else
		snprintf(r->text, sizeof r->text, "%s", j->message);
}

static int compose(const struct app *a, struct box_row *rows)
{
	const struct kill_plan *p = &a->kill.plan;
	const struct proc_info *t = &p->target;
	int n = 0;
	snprintf(row(rows, &n, "user", ST_NORMAL, 1)->text, KILL_TEXT_MAX, "%s (uid %u)", t->user,
	         (unsigned)t->uid);
	snprintf(row(rows, &n, "command", ST_NORMAL, CMD_LINES)->text, sizeof rows[0].text, "%s",
	         t->cmdline);
	snprintf(row(rows, &n, "directory", ST_NORMAL, 1)->text, KILL_TEXT_MAX, "%s",
	         t->cwd[0] ? t->cwd : "(unknown)");
	struct box_row *ports = row(rows, &n, "holds", ST_NORMAL, PORT_LINES);
	size_t o = 0;
	for (size_t i = 0; i < p->nports && o < sizeof ports->text; i++)
		o += (size_t)snprintf(ports->text + o, sizeof ports->text - o, "%s%s",
		                      i ? " · " : "", p->ports[i]);
	if (p->nholders > 1) {
		struct box_row *h = row(rows, &n, "holders", ST_NORMAL, 2);
		o = 0;
		for (size_t i = 0; i < p->nholders && o < sizeof h->text; i++)
			o += (size_t)snprintf(h->text + o, sizeof h->text - o, "%s%ld%s",
			                      i ? ", " : "", (long)p->holders[i],
			                      p->holders[i] == t->id.pid ? " (gets the signal)"
			                                                 : "");
		snprintf(h->text + o, o < sizeof h->text ? sizeof h->text - o : 0,
		         " — the socket is shared; its workers end with it");
	}
	row(rows, &n, NULL, ST_NORMAL, 1); /* a blank line */
	state_line(a, row(rows, &n, NULL, ST_STATUS, 2));
	return n;
}

static void blank(struct frame *f, int y, int x, int w)
{
	for (int i = 0; i < w; i++)
		frame_put(f, y, x + i, 1, ST_NORMAL, " ");
}

void view_kill_draw(const struct app *a, struct frame *f)
{
	struct box_row rows[BOX_ROWS_MAX];
	int n = compose(a, rows);
	int bw = f->w - 4 < BOX_MAX_W ? f->w - 4 : BOX_MAX_W; /* outer width */
	int iw = bw - 4;                                      /* inside the borders and margins */
	int tw = iw - LABEL_W - 1;                            /* text beside a label */
	int h = 2;
	for (int i = 0; i < n; i++) {
		int w = rows[i].label ? tw : iw;
		int lines = view_wrap(NULL, 0, 0, w, rows[i].max_lines, rows[i].st, rows[i].text);
		h += lines ? lines : 1;
	}
	int x0 = (f->w - bw) / 2, y0 = (f->h - h) / 2;
	if (y0 < 1)
		y0 = 1;
	/* The rows behind the box are blanked edge to edge: no cell of the list peeks out. */
	for (int y = y0; y < y0 + h && y < f->h - 1; y++)
		blank(f, y, 0, f->w);
	char title[KILL_TEXT_MAX];
	const struct proc_info *t = &a->kill.plan.target;
	snprintf(title, sizeof title, " %s %s (pid %ld)? ",
	         a->kill.sig == SIGKILL ? "force-stop" : "stop", t->comm, (long)t->id.pid);
	frame_put(f, y0, x0, 1, ST_NORMAL, "┌");
	for (int x = 1; x < bw - 1; x++)
		frame_put(f, y0, x0 + x, 1, ST_NORMAL, "─");
	frame_put(f, y0, x0 + bw - 1, 1, ST_NORMAL, "┐");
	frame_put(f, y0, x0 + 2, bw - 4, ST_GROUP, title);
	int y = y0 + 1;
	for (int i = 0; i < n && y < f->h - 2; i++) {
		int x = x0 + 2, w = iw;
		if (rows[i].label) {
			frame_put(f, y, x, LABEL_W, ST_DIM, rows[i].label);
			x += LABEL_W + 1;
			w = tw;
		}
		int lines = view_wrap(f, y, x, w, rows[i].max_lines, rows[i].st, rows[i].text);
		y += lines ? lines : 1;
	}
	for (int yy = y0 + 1; yy < y0 + h - 1 && yy < f->h - 1; yy++) {
		frame_put(f, yy, x0, 1, ST_NORMAL, "│");
		frame_put(f, yy, x0 + bw - 1, 1, ST_NORMAL, "│");
	}
	if (y0 + h - 1 < f->h - 1) {
		frame_put(f, y0 + h - 1, x0, 1, ST_NORMAL, "└");
		for (int x = 1; x < bw - 1; x++)
			frame_put(f, y0 + h - 1, x0 + x, 1, ST_NORMAL, "─");
		frame_put(f, y0 + h - 1, x0 + bw - 1, 1, ST_NORMAL, "┘");
	}
}
