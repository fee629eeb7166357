/* status_line.h - `devports status`: the listeners of a snapshot as one line for a status bar
 * (tmux's status-right): "3000 Next.js · 5173 Vite · 5000 AirPlay Receiver!". Pure: the caller
 * passes the rows and their annotations (annotate.h) and gets text back.
 *
 * Three steps, each testable alone:
 *   1. status_format_check(): a --format template is valid (every {field} known);
 *   2. status_items(): which rows become items (dev servers, or all with --all), one item per
 *      server (a server's IPv4 and IPv6 rows are one), ordered by port;
 *   3. status_render(): the items through the template, joined by the separator, cut to a width,
 *      with tmux markup when asked (hinted items coloured, process text's '#' doubled).
 */
#ifndef DEVPORTS_STATUS_LINE_H
#define DEVPORTS_STATUS_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "annotate.h"
#include "listener.h"

/* The fields a template may name, as {port}, {label}... */
enum status_field {
	/* "3000"; a UDP item (only with --all) "5353/udp" */
	STATUS_PORT = 0,
	/* the label ("Next.js"), or the process name when there is no label */
	STATUS_LABEL,
	/* the lead process's name ("gunicorn ×3"); "hidden" and so on for an unknown owner */
	STATUS_PROCESS,
	/* the project folder's name ("shop-web"); "" when none */
	STATUS_PROJECT,
	/* the lead's pid; "" for an unknown owner */
	STATUS_PID,
	/* "?" a guess from the port number, "!" a hint, both "?!"; "" when neither */
	STATUS_FLAGS,
	STATUS_FIELD_COUNT
};

/* "port", "label", "process", "project", "pid", "flags" */
extern const char *const status_field_names[STATUS_FIELD_COUNT];

/* What `devports status` prints by default: "3000 Next.js" with its flags. */
#define STATUS_DEFAULT_FORMAT "{port} {label}{flags}"
#define STATUS_DEFAULT_SEP " · "
/* The default and largest --max (columns), and the buffer that holds any line status_render()
 * writes at the largest width (tmux markup and doubled '#' included). */
enum { STATUS_DEFAULT_MAX = 120, STATUS_MAX_MAX = 1000, STATUS_LINE_CAP = 16384 };

/* Checks a template: text with fields written {name}; "{{" and "}}" are a literal brace. Returns
 * 0, or -EINVAL with the reason in why (always NUL-terminated): `unknown field "x"` (the name cut
 * to fit, sanitized) or "unclosed {" / "unmatched }". */
int status_format_check(const char *tmpl, char *why, size_t len);

/* One server on the line. Strings are sanitized (they come from a snapshot), never NULL. */
struct status_item {
	uint8_t proto; /* enum listener_proto */
	uint16_t port;
	pid_t pid; /* 0: the owner is not known */
	char label[LABEL_TEXT_MAX];
	char process[PROC_COMM_MAX];
	char project[PROC_PATH_MAX];
	char flags[3];
	int hint; /* the first (most important) hint's enum hint_kind, -1 when none */
};

/* The items of rows set->v[0..n) with annotations ann[0..n), into out (room for set->n items):
 * every row with all, else the dev servers only: a row whose label's role is ROLE_DEV, whose label
 * comes from the config, whose process works in a project (proc_info.project_root), or that has a
 * sticky hint (the AirPlay Receiver, never hidden). TCP only unless all. Rows of one server are
 * one item: same protocol, port, process name and label (a process's IPv4 and IPv6 sockets, a
 * container's two docker-proxies); its flags and hint are the union of its rows'. Ordered by
 * port, TCP before UDP, then by pid. Returns how many. */
size_t status_items(const struct listener_set *set, const struct annotation *ann, bool all,
                    struct status_item *out);

struct status_opts {
	const char *format; /* a template that passed status_format_check(); NULL: the default */
	const char *sep;    /* between items; NULL: " · " */
	int max;            /* the line's columns, 1..STATUS_MAX_MAX; 0: STATUS_DEFAULT_MAX */
	bool tmux;          /* tmux markup: see status_render() */
};

/* The line for items[0..n), without a newline, into buf (len >= 1; STATUS_LINE_CAP is always
 * enough). Items that do not fit in o->max columns are dropped, whole, from the end and counted
 * instead, after the separator ("+3"); a first item too wide for the line is cut with "…". No
 * items: "".
 * With tmux, every '#' of a field's text is doubled (tmux reads "#[" and "#(" as markup; a
 * process name must not inject any) and an item with a hint is wrapped in a colour by its hint
 * kind ("#[fg=red]...#[default]"); the template and separator are the user's own and are kept as
 * they are, markup included. Control characters (C0, DEL, C1) never reach buf: a template or
 * separator holding one has it replaced by a space. Returns the display width of the line (markup
 * not counted). */
int status_render(const struct status_item *items, size_t n, const struct status_opts *o, char *buf,
                  size_t len);

/* The tmux colour for an item whose first hint is kind (enum hint_kind): "red" for what blocks
 * a server (AirPlay, an unexpected owner), "yellow" for a warning (LAN exposure, localhost
 * shadowed), NULL for information only (a docker-proxy's target). */
const char *status_hint_colour(int kind);

#endif
