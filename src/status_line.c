/* status_line.c - `devports status`: items from a snapshot's rows, rendered as one line. */
#include "status_line.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hints.h"
#include "sanitize.h"

const char *const status_field_names[STATUS_FIELD_COUNT] = {
    [STATUS_PORT] = "port",       [STATUS_LABEL] = "label", [STATUS_PROCESS] = "process",
    [STATUS_PROJECT] = "project", [STATUS_PID] = "pid",     [STATUS_FLAGS] = "flags",
};

/* By hint kind: what blocks a server is red, a warning yellow, information plain. */
static const char *const hint_colours[HINT_KIND_COUNT] = {
    [HINT_AIRPLAY] = "red",     [HINT_EXPECTED] = "red", [HINT_DOCKER] = NULL,
    [HINT_SHADOWED] = "yellow", [HINT_LAN] = "yellow",
};

const char *status_hint_colour(int kind)
{
	return kind >= 0 && kind < HINT_KIND_COUNT ? hint_colours[kind] : NULL;
}

/* The field named s[0..n), or -1. */
static int field_of(const char *s, size_t n)
{
	for (int f = 0; f < STATUS_FIELD_COUNT; f++)
		if (strlen(status_field_names[f]) == n && strncmp(status_field_names[f], s, n) == 0)
			return f;
	return -1;
}

int status_format_check(const char *tmpl, char *why, size_t len)
{
	why[0] = '\0';
	for (const char *p = tmpl; *p; p++) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			p++;
		} else if (*p == '}') {
			snprintf(why, len, "unmatched }");
			return -EINVAL;
		} else if (*p == '{') {
			const char *end = strchr(p + 1, '}');
			if (!end) {
				snprintf(why, len, "unclosed {");
				return -EINVAL;
			}
			if (field_of(p + 1, (size_t)(end - p - 1)) < 0) {
				char name[40];
				sanitize_text(name, sizeof name, p + 1, (size_t)(end - p - 1));
				snprintf(why, len, "unknown field \"%s\"", name);
				return -EINVAL;
			}
			p = end;
		}
	}
	return 0;
}

/* ---- Items ---- */

static bool is_dev_server(const struct listener *l, const struct annotation *a)
{
	if (a->label.source == LABEL_CONFIG || hints_sticky(&a->hints))
		return true;
	return !l->owner_hidden && (a->label.role == ROLE_DEV || l->proc->project_root[0]);
}

static void add_flag(char *flags, char c)
{
	if (!strchr(flags, c)) {
		size_t n = strlen(flags);
		flags[n] = c;
		flags[n + 1] = '\0';
	}
}

static void fill_item(struct status_item *it, const struct listener *l, const struct annotation *a)
{
	memset(it, 0, sizeof *it);
	it->proto = l->proto;
	it->port = l->port;
	it->pid = l->owner_hidden ? 0 : l->proc->id.pid;
	snprintf(it->label, sizeof it->label, "%s", a->label.text);
	listener_process_str(l, it->process, sizeof it->process);
	const char *root = l->owner_hidden ? "" : l->proc->project_root;
	const char *slash = strrchr(root, '/');
	snprintf(it->project, sizeof it->project, "%s", slash && slash[1] ? slash + 1 : root);
	/* "?" before "!", as the dashboard's LABEL cell reads */
	if (a->label.source == LABEL_PORT)
		add_flag(it->flags, '?');
	if (a->hints.n)
		add_flag(it->flags, '!');
	it->hint = a->hints.n ? (int)a->hints.v[0].kind : -1;
}

static int cmp_u(unsigned a, unsigned b)
{
	return (a > b) - (a < b);
}

/* One server: protocol, port, process and label. */
static int cmp_server(const struct status_item *a, const struct status_item *b)
{
	int c = cmp_u(a->port, b->port);
	if (!c)
		c = cmp_u(a->proto, b->proto);
	if (!c)
		c = strcmp(a->process, b->process);
	if (!c)
		c = strcmp(a->label, b->label);
	return c;
}

static int cmp_merge(const void *x, const void *y)
{
	const struct status_item *a = x, *b = y;
	int c = cmp_server(a, b);
	return c ? c : cmp_u((unsigned)a->pid, (unsigned)b->pid);
}

static int cmp_show(const void *x, const void *y)
{
	const struct status_item *a = x, *b = y;
	int c = cmp_u(a->port, b->port);
	if (!c)
		c = cmp_u(a->proto, b->proto);
	return c ? c : cmp_u((unsigned)a->pid, (unsigned)b->pid);
}

size_t status_items(const struct listener_set *set, const struct annotation *ann, bool all,
                    struct status_item *out)
{
	size_t n = 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct listener *l = &set->v[i];
		if (all || (l->proto == PROTO_TCP && is_dev_server(l, &ann[i])))
			fill_item(&out[n++], l, &ann[i]);
	}
	if (n == 0)
		return 0;
	qsort(out, n, sizeof *out, cmp_merge);
	size_t kept = 1;
	for (size_t i = 1; i < n; i++) {
		struct status_item *last = &out[kept - 1];
		if (cmp_server(last, &out[i]) != 0) {
			out[kept++] = out[i];
			continue;
		}
		for (const char *f = out[i].flags; *f; f++)
			add_flag(last->flags, *f);
		if (last->flags[0] == '!' && last->flags[1] == '?') /* keep "?!" */
			snprintf(last->flags, sizeof last->flags, "?!");
		if (out[i].hint >= 0 && (last->hint < 0 || out[i].hint < last->hint))
			last->hint = out[i].hint; /* hint kinds are in priority order */
	}
	qsort(out, kept, sizeof *out, cmp_show);
	return kept;
}

/* ---- Rendering ---- */

struct out {
	char *buf;
	size_t len, n; /* capacity, bytes written (buf[n] is the NUL) */
};

static void put_bytes(struct out *o, const char *s, size_t k)
{
	if (o->n + k >= o->len)
		k = o->len - 1 - o->n; /* STATUS_LINE_CAP never gets here; a small buffer is cut */
	memcpy(o->buf + o->n, s, k);
	o->n += k;
	o->buf[o->n] = '\0';
}

static void put(struct out *o, const char *s)
{
	put_bytes(o, s, strlen(s));
}

/* Text from a process (a field): with tmux, '#' doubled. */
static void put_field(struct out *o, const char *s, bool tmux)
{
	for (const char *p = s; *p; p++) {
		if (*p == '#' && tmux)
			put_bytes(o, "#", 1);
		put_bytes(o, p, 1);
	}
}

/* The user's own text (template, separator): control characters become a space. */
static void put_literal(struct out *o, const char *s, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f) {
			put_bytes(o, " ", 1);
		} else if (c == 0xc2 && i + 1 < k && (unsigned char)s[i + 1] >= 0x80 &&
		           (unsigned char)s[i + 1] <= 0x9f) {
			put_bytes(o, " ", 1); /* a C1 control, U+0080 to U+009F */
			i++;
		} else {
			put_bytes(o, s + i, 1);
		}
	}
}

static void field_text(const struct status_item *it, int f, char *buf, size_t len)
{
	switch (f) {
	case STATUS_PORT:
		snprintf(buf, len, it->proto == PROTO_UDP ? "%u/udp" : "%u", (unsigned)it->port);
		break;
	case STATUS_LABEL:
		snprintf(buf, len, "%s", it->label[0] ? it->label : it->process);
		break;
	case STATUS_PROCESS:
		snprintf(buf, len, "%s", it->process);
		break;
	case STATUS_PROJECT:
		snprintf(buf, len, "%s", it->project);
		break;
	case STATUS_PID:
		if (it->pid)
			snprintf(buf, len, "%ld", (long)it->pid);
		else
			buf[0] = '\0';
		break;
	default:
		snprintf(buf, len, "%s", it->flags);
		break;
	}
}

/* One item through the template (checked: every field known). */
static void put_item(struct out *o, const struct status_item *it, const char *tmpl, bool tmux)
{
	const char *p = tmpl;
	while (*p) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			put_bytes(o, p, 1);
			p += 2;
			continue;
		}
		const char *end = p[0] == '{' ? strchr(p + 1, '}') : NULL;
		int f = end ? field_of(p + 1, (size_t)(end - p - 1)) : -1;
		if (f >= 0) {
			char text[PROC_PATH_MAX];
			field_text(it, f, text, sizeof text);
			put_field(o, text, tmux);
			p = end + 1;
			continue;
		}
		size_t k = strcspn(p + 1, "{}") + 1; /* up to the next brace */
		put_literal(o, p, k);
		p += k;
	}
}

/* Display width of what put_item() writes without tmux. */
static int item_width(const struct status_item *it, const char *tmpl, char *scratch, size_t len)
{
	struct out o = {scratch, len, 0};
	scratch[0] = '\0';
	put_item(&o, it, tmpl, false);
	return sanitize_width(scratch);
}

int status_render(const struct status_item *items, size_t n, const struct status_opts *opts,
                  char *buf, size_t len)
{
	const char *tmpl = opts->format ? opts->format : STATUS_DEFAULT_FORMAT;
	const char *sep_raw = opts->sep ? opts->sep : STATUS_DEFAULT_SEP;
	int max = opts->max > 0 && opts->max <= STATUS_MAX_MAX ? opts->max : STATUS_DEFAULT_MAX;
	struct out o = {buf, len, 0};
	buf[0] = '\0';
	if (n == 0)
		return 0;

	char sep[256], scratch[2048], more[32];
	struct out so = {sep, sizeof sep, 0};
	sep[0] = '\0';
	put_literal(&so, sep_raw, strlen(sep_raw));
	int wsep = sanitize_width(sep);

	/* as many whole items as fit, with room for "+N" when some are left out */
	size_t k = 0;
	int used = 0;
	for (; k < n; k++) {
		int w = item_width(&items[k], tmpl, scratch, sizeof scratch) + (k ? wsep : 0);
		int tail = 0;
		if (k + 1 < n)
			tail = wsep + snprintf(more, sizeof more, "+%zu", n - k - 1);
		if (used + w + tail > max)
			break;
		used += w;
	}
	if (k == 0) { /* the first item alone is too wide: cut it */
		item_width(&items[0], tmpl, scratch, sizeof scratch);
		char cut[2048];
		int w = sanitize_clip(cut, sizeof cut, scratch, max);
		const char *colour = opts->tmux ? status_hint_colour(items[0].hint) : NULL;
		if (colour) {
			put(&o, "#[fg=");
			put(&o, colour);
			put(&o, "]");
		}
		put_field(&o, cut, opts->tmux);
		if (colour)
			put(&o, "#[default]");
		return w;
	}
	for (size_t i = 0; i < k; i++) {
		if (i)
			put(&o, sep);
		const char *colour = opts->tmux ? status_hint_colour(items[i].hint) : NULL;
		if (colour) {
			put(&o, "#[fg=");
			put(&o, colour);
			put(&o, "]");
		}
		put_item(&o, &items[i], tmpl, opts->tmux);
		if (colour)
			put(&o, "#[default]");
	}
	if (k < n) {
		snprintf(more, sizeof more, "+%zu", n - k);
		put(&o, sep);
		put(&o, more);
		used += wsep + (int)strlen(more);
	}
	return used;
}
