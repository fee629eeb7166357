/* text_out.c - snapshot -> aligned text table, grouped by range with a header per group. */
#include "text_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "ranges.h"
#include "sanitize.h"

enum col {
	COL_PORT,
	COL_PROTO,
	COL_ADDR,
	COL_PID,
	COL_USER,
	COL_PROCESS,
	COL_LABEL,
	COL_COMMAND,
	COL_COUNT
};

static const struct {
	const char *title;
	bool right; /* right-aligned */
} columns[COL_COUNT] = {
    [COL_PORT] = {"PORT", true},     [COL_PROTO] = {"PROTO", false},
    [COL_ADDR] = {"ADDRESS", false}, [COL_PID] = {"PID", true},
    [COL_USER] = {"USER", false},    [COL_PROCESS] = {"PROCESS", false},
    [COL_LABEL] = {"LABEL", false},  [COL_COMMAND] = {"COMMAND", false},
};

enum { CELL_MAX = PROC_CMDLINE_MAX + 8 };

/* One cell; a is the listener's label and hints. */
static void cell_text(const struct listener *l, const struct annotation *a, enum col c, char *buf,
                      size_t len)
{
	switch (c) {
	case COL_PORT:
		snprintf(buf, len, "%u", (unsigned)l->port);
		break;
	case COL_PROTO:
		snprintf(buf, len, "%s%s", listener_proto_name(l),
		         l->family == FAMILY_V6 ? "6" : "");
		break;
	case COL_ADDR:
		listener_addr_str(l, buf, len);
		break;
	case COL_PID:
		if (l->owner_hidden)
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%ld", (long)l->proc->id.pid);
		break;
	case COL_USER:
		snprintf(buf, len, "%s", l->proc->user);
		break;
	case COL_PROCESS:
		listener_process_str(l, buf, len);
		break;
	case COL_LABEL: /* "?": a guess from the port number; "!": see the hints below the table */
		snprintf(buf, len, "%s%s%s%s", a->label.text,
		         a->label.source == LABEL_PORT ? "?" : "",
		         a->label.text[0] && a->hints.n ? " " : "", a->hints.n ? "!" : "");
		break;
	case COL_COMMAND:
		if (l->owner_hidden)
			snprintf(buf, len, "(%s)", owner_unknown_text[l->owner_why]);
		else
			snprintf(buf, len, "%s", l->proc->cmdline);
		break;
	case COL_COUNT:
		buf[0] = '\0';
		break;
	}
}

/* Writes one line of cells, cut at `width` columns when width > 0. */
static void write_line(FILE *out, char cells[COL_COUNT][CELL_MAX], const int *w, int width)
{
	char line[COL_COUNT * CELL_MAX + 64];
	size_t o = 0;
	for (int c = 0; c < COL_COUNT; c++) {
		int cw = sanitize_width(cells[c]);
		int fill = c == COL_COMMAND ? 0 : w[c] - cw;
		if (c > 0)
			line[o++] = ' ', line[o++] = ' ';
		if (columns[c].right)
			memset(line + o, ' ', (size_t)fill), o += (size_t)fill;
		size_t n = strlen(cells[c]);
		memcpy(line + o, cells[c], n);
		o += n;
		if (!columns[c].right && c != COL_COMMAND)
			memset(line + o, ' ', (size_t)fill), o += (size_t)fill;
	}
	while (o > 0 && line[o - 1] == ' ')
		o--;
	line[o] = '\0';
	if (width > 0) {
		char cut[sizeof line];
		sanitize_clip(cut, sizeof cut, line, width);
		fputs(cut, out);
	} else {
		fputs(line, out);
	}
	fputc('\n', out);
}

static int by_port(const void *a, const void *b)
{
	const struct listener *x = *(const struct listener *const *)a;
	const struct listener *y = *(const struct listener *const *)b;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return listener_key_cmp(x, y);
}

/* After the table: every hint in full, one line each, in the table's order. */
static void write_hints(FILE *out, const struct snapshot *s, const struct annotation *ann,
                        const struct listener *const *rows, int width)
{
	bool any = false;
	for (size_t k = 0; k < s->set.n; k++) {
		const struct listener *l = rows[k];
		const struct hint_list *h = &ann[l - s->set.v].hints;
		char addr[64], line[HINT_TEXT_MAX + 160], cut[sizeof line];
		listener_addr_str(l, addr, sizeof addr);
		for (size_t i = 0; i < h->n; i++) {
			if (!any)
				fputs("\nHints\n", out);
			any = true;
			const char *who = l->owner_hidden ? "hidden" : l->proc->comm;
			snprintf(line, sizeof line, "! %u %s %s %s: %s", (unsigned)l->port,
			         listener_proto_name(l), addr, who, h->v[i].text);
			if (width > 0)
				sanitize_clip(cut, sizeof cut, line, width);
			fprintf(out, "%s\n", width > 0 ? cut : line);
		}
	}
}

int text_out_table(FILE *out, const struct snapshot *s, const struct config *cfg, int width)
{
	int w[COL_COUNT];
	static char cells[COL_COUNT][CELL_MAX];
	struct annotation *ann = NULL;
	/* Rows by port, then by key (protocol, address, pid). */
	const struct listener **rows = s->set.n ? malloc(s->set.n * sizeof *rows) : NULL;
	enum reach_kernel kernel = (enum reach_kernel)s->kernel;
	if ((s->set.n && !rows) || annotate_set(&s->set, kernel, cfg, &ann) < 0) {
		free(rows);
		return -ENOMEM;
	}
	for (int c = 0; c < COL_COUNT; c++)
		w[c] = sanitize_width(columns[c].title);
	for (size_t i = 0; i < s->set.n; i++)
		for (int c = 0; c < COL_COUNT; c++) {
			cell_text(&s->set.v[i], &ann[i], (enum col)c, cells[c], CELL_MAX);
			int cw = sanitize_width(cells[c]);
			if (cw > w[c])
				w[c] = cw;
		}
	for (int c = 0; c < COL_COUNT; c++)
		snprintf(cells[c], CELL_MAX, "%s", columns[c].title);
	write_line(out, cells, w, width);

	for (size_t i = 0; i < s->set.n; i++)
		rows[i] = &s->set.v[i];
	if (s->set.n > 1)
		qsort(rows, s->set.n, sizeof *rows, by_port);

	size_t i = 0;
	for (int r = 0; r < RANGE_COUNT; r++) {
		const struct range_def *rd = &ranges_table[r];
		size_t end = i;
		while (end < s->set.n && rows[end]->port <= rd->hi)
			end++;
		fprintf(out, "\n%s %u–%u (%zu)\n", rd->name, rd->lo, rd->hi, end - i);
		for (; i < end; i++) {
			for (int c = 0; c < COL_COUNT; c++)
				cell_text(rows[i], &ann[rows[i] - s->set.v], (enum col)c, cells[c],
				          CELL_MAX);
			write_line(out, cells, w, width);
		}
	}
	write_hints(out, s, ann, rows, width);
	free(rows);
	free(ann);
	return ferror(out) ? -EIO : 0;
}
