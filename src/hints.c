/* hints.c - per-listener hints; see hints.h. Texts speak to the developer and say what to do. */
#include "hints.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "project_map.h"

const struct hint_kind_def hint_kinds[HINT_KIND_COUNT] = {
    [HINT_AIRPLAY] = {HINT_AIRPLAY, "airplay", true},
    [HINT_EXPECTED] = {HINT_EXPECTED, "unexpected_owner", false},
    [HINT_FALLBACK] = {HINT_FALLBACK, "on_fallback", false},
    [HINT_DOCKER] = {HINT_DOCKER, "docker_target", false},
    [HINT_SHADOWED] = {HINT_SHADOWED, "localhost_shadowed", false},
    [HINT_LAN] = {HINT_LAN, "lan_exposed", false},
};

static const char airplay_text[] =
    "macOS AirPlay Receiver — turn it off in System Settings > General > AirDrop & Handoff, "
    "or use another port; killing it does not help, launchd restarts it";

static const char lan_text[] = "reachable from your network — bind 127.0.0.1";

/* Cuts a trailing incomplete UTF-8 sequence left by a truncating snprintf. */
static void trim_utf8(char *s)
{
	size_t n = strlen(s), lead = n;
	while (lead > 0 && ((unsigned char)s[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (lead == 0)
		return;
	unsigned char b = (unsigned char)s[lead - 1];
	size_t need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
	if (n - (lead - 1) < need)
		s[lead - 1] = '\0';
}

__attribute__((format(printf, 3, 4))) static void add(struct hint_list *h, enum hint_kind kind,
                                                      const char *fmt, ...)
{
	if (h->n == HINTS_MAX)
		return;
	struct hint *x = &h->v[h->n++];
	va_list ap;
	x->kind = kind;
	va_start(ap, fmt);
	vsnprintf(x->text, sizeof x->text, fmt, ap);
	va_end(ap);
	trim_utf8(x->text);
}

/* The value of option -NAME / --NAME (as "-NAME VALUE" or "-NAME=VALUE") in a command line. */
static bool option_value(const char *cmdline, const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);
	for (const char *p = cmdline; *p;) {
		while (*p == ' ')
			p++;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		const char *opt = w[0] == '-' && w[1] == '-' ? w + 2 : w[0] == '-' ? w + 1 : NULL;
		if (!opt || (size_t)(p - opt) < n || strncmp(opt, name, n) != 0)
			continue;
		const char *v = opt + n, *end;
		if (v == p) { /* the value is the next word */
			for (v = p; *v == ' '; v++)
				;
		} else if (*v == '=') {
			v++;
		} else {
			continue;
		}
		for (end = v; *end && *end != ' '; end++)
			;
		if (end == v)
			return false;
		snprintf(buf, len, "%.*s", (int)(end - v), v);
		return true;
	}
	return false;
}

bool hints_docker_target(const char *cmdline, char *buf, size_t len)
{
	char ip[64], port[16];
	if (!option_value(cmdline, "container-ip", ip, sizeof ip) ||
	    !option_value(cmdline, "container-port", port, sizeof port))
		return false;
	snprintf(buf, len, strchr(ip, ':') ? "[%s]:%s" : "%s:%s", ip, port);
	return true;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Whether path is dir or inside it. */
static bool path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return path[0] && strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Whether the listener belongs to `want`: a directory (it holds a '/') its project or working
 * directory is in, or a name: its project's, its working directory's, its process's or its
 * label's, in any case. */
static bool owner_is(const struct listener *l, const struct label *lab, const char *want)
{
	const struct proc_info *p = l->proc;
	if (l->owner_hidden)
		return false;
	if (strchr(want, '/'))
		return path_within(p->project_root, want) || path_within(p->cwd, want);
	const char *names[] = {base_name(p->project_root), base_name(p->cwd), p->comm, lab->text};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i][0] && strcasecmp(names[i], want) == 0)
			return true;
	return false;
}

/* "node (pid 5120)", "another user's process". */
static void owner_str(const struct listener *l, char *buf, size_t len)
{
	if (l->owner_hidden)
		snprintf(buf, len, "another user's process");
	else
		snprintf(buf, len, "%s (pid %ld)", l->proc->comm, (long)l->proc->id.pid);
}

/* A port a project map declares (project_map.h), held by something that does not run as one of
 * the projects declaring it: the project that prefers the port is named first. */
static void map_expected_hint(const struct listener *l, const struct project_maps *maps,
                              struct hint_list *h)
{
	if (!maps || !maps->n || l->proto != PROTO_TCP)
		return;
	const struct project_decl *mine = project_maps_owner(maps, l), *want = NULL;
	for (size_t i = 0; i < maps->n; i++) {
		const struct project_decl *d = &maps->v[i];
		if (!project_decl_has_port(d, l->port))
			continue;
		if (d == mine || (mine && !strcmp(d->name, mine->name)))
			return;
		if (!want || (d->preferred == l->port && want->preferred != l->port))
			want = d;
	}
	if (!want)
		return;
	char who[PROC_COMM_MAX + 32], source[PROC_PATH_MAX];
	owner_str(l, who, sizeof who);
	project_decl_source(want, source, sizeof source);
	const char *project = base_name(l->proc->project_root);
	if (!l->owner_hidden && project[0])
		add(h, HINT_EXPECTED, "expected %s (%s), not %s in %s", want->name, source, who,
		    project);
	else
		add(h, HINT_EXPECTED, "expected %s (%s), not %s", want->name, source, who);
}

static void expected_hint(const struct listener *l, const struct label *lab,
                          const struct config *cfg, struct hint_list *h)
{
	const char *want = config_expected(cfg, l->port, (enum listener_proto)l->proto);
	if (!want) {
		map_expected_hint(l, config_maps(cfg), h);
		return;
	}
	if (owner_is(l, lab, want))
		return;
	char who[PROC_COMM_MAX + 32];
	const char *project = base_name(l->proc->project_root);
	owner_str(l, who, sizeof who);
	if (!l->owner_hidden && project[0])
		add(h, HINT_EXPECTED, "expected %s (config), not %s in %s", want, who, project);
	else
		add(h, HINT_EXPECTED, "expected %s (config), not %s", want, who);
}

/* ControlCenter's AirPlay Receiver on its ports. */
static bool airplay_receiver(const struct listener *l, const struct label *lab)
{
	return lab->role == ROLE_AIRPLAY && (l->port == 5000 || l->port == 7000);
}

/* on_fallback: a project on one of its fallback ports while another process holds its preferred
 * port. */
static void fallback_hint(const struct hint_port *port, const struct listener *l,
                          const struct config *cfg, struct hint_list *h)
{
	const struct project_maps *maps = config_maps(cfg);
	const struct project_decl *d = project_maps_owner(maps, l);
	if (!d || !d->preferred || d->preferred == l->port || !project_decl_has_port(d, l->port) ||
	    !port->find)
		return;
	const struct listener *other = port->find(port->find_ctx, d->preferred);
	if (!other || project_maps_owner(maps, other) == d)
		return;
	char who[PROC_COMM_MAX + 32];
	owner_str(other, who, sizeof who);
	add(h, HINT_FALLBACK, "%s runs on its fallback port %u: its preferred %u is held by %s",
	    d->name, (unsigned)l->port, (unsigned)d->preferred, who);
}

/* Hints that need only the listener itself (and, for on_fallback, who holds another port), in
 * kind order; the port's hints are added after. */
static void own_hints(const struct hint_port *port, const struct listener *l,
                      const struct label *lab, const struct config *cfg, struct hint_list *h)
{
	char target[96];
	if (airplay_receiver(l, lab))
		add(h, HINT_AIRPLAY, "%s", airplay_text);
	expected_hint(l, lab, cfg, h);
	fallback_hint(port, l, cfg, h);
	if (lab->role == ROLE_DOCKER &&
	    hints_docker_target(l->proc->cmdline, target, sizeof target))
		add(h, HINT_DOCKER, "forwards to %s (a container)", target);
}

/* A dev server, or a runtime started inside a project, open to more than this machine. */
static bool lan_exposed(const struct listener *l, const struct label *lab)
{
	bool dev = lab->role == ROLE_DEV || (lab->role == ROLE_RUNTIME && l->proc->project_root[0]);
	return dev && !l->owner_hidden && !listener_is_loopback(l);
}

/* Whether "localhost" is meant to reach the listener: loopback or wildcard. */
static bool on_localhost(const struct listener *l)
{
	return listener_is_loopback(l) || listener_is_wildcard(l);
}

/* Whether two listeners belong to one server: the same process, the same hidden user, or two
 * docker-proxies forwarding to the same container port (Docker runs one per IP family). */
static bool same_server(const struct listener *a, const struct label *la, const struct listener *b,
                        const struct label *lb)
{
	char ta[96], tb[96];
	if (a->owner_hidden || b->owner_hidden)
		return a->owner_hidden && b->owner_hidden && a->uid == b->uid;
	if (listener_held_by(b, a->proc->id.pid))
		return true;
	return la->role == ROLE_DOCKER && lb->role == ROLE_DOCKER &&
	       hints_docker_target(a->proc->cmdline, ta, sizeof ta) &&
	       hints_docker_target(b->proc->cmdline, tb, sizeof tb) && strcmp(ta, tb) == 0;
}

/* "127.0.0.1:3000", "[::1]:3000", "[::]:3000". */
static void addr_port(const struct listener *l, char *buf, size_t len)
{
	char a[64];
	listener_addr_str(l, a, sizeof a);
	if (l->family == FAMILY_V4)
		snprintf(buf, len, "%s:%u", a, (unsigned)l->port);
	else
		snprintf(buf, len, "[%s]:%u", strcmp(a, "*") ? a : "::", (unsigned)l->port);
}

/* Whether destination k of the port reaches the server of mates[self]. */
static bool reaches_server(const struct hint_port *p, size_t k, size_t self)
{
	int row = p->reach->hit[k].row;
	return row >= 0 &&
	       same_server(p->mates[self], p->labels[self], p->mates[row], p->labels[row]);
}

/* What to use instead: an address that reaches the server ("use 127.0.0.1:5000"), localhost
 * first; "" when only addresses devports does not list reach it. */
static void advice(const struct hint_port *p, size_t self, char *buf, size_t len)
{
	const struct reach_view *r = p->reach;
	buf[0] = '\0';
	for (size_t k = 0; k < r->n && !buf[0]; k++)
		if (reaches_server(p, k, self))
			reach_dest_port_str(&r->dest[k], p->mates[self]->port, buf, len);
}

/* localhost_shadowed: a listener localhost is meant to reach (loopback or wildcard) while ::1 or
 * 127.0.0.1 reaches another server on its port; its own family is looked at first. Not for the
 * AirPlay Receiver itself, which has a hint of its own. */
static void shadowed_hint(const struct hint_port *p, size_t self, struct hint_list *h)
{
	const struct listener *l = p->mates[self];
	const struct reach_view *r = p->reach;
	if (!r || r->n <= REACH_LOCAL4 || !on_localhost(l) || airplay_receiver(l, p->labels[self]))
		return;
	size_t order[2] = {REACH_LOCAL6, REACH_LOCAL4};
	if (l->family == FAMILY_V4)
		order[0] = REACH_LOCAL4, order[1] = REACH_LOCAL6;
	for (size_t i = 0; i < 2; i++) {
		size_t k = order[i];
		int row = r->hit[k].row;
		if (row < 0 || reaches_server(p, k, self))
			continue;
		const struct listener *w = p->mates[row];
		char dest[REACH_DEST_STR_MAX], where[96], who[PROC_COMM_MAX + 32], use[80];
		reach_dest_str(&r->dest[k], dest, sizeof dest);
		addr_port(w, where, sizeof where);
		owner_str(w, who, sizeof who);
		advice(p, self, use, sizeof use);
		const char *verb = r->hit[k].tie ? "may reach" : "reaches";
		if (airplay_receiver(w, p->labels[row]))
			add(h, HINT_SHADOWED,
			    "localhost may reach %s (AirPlay) on %s, not this server — %s%s%sturn "
			    "AirPlay "
			    "off",
			    w->proc->comm, where, use[0] ? "use " : "", use, use[0] ? ", or " : "");
		else if (use[0])
			add(h, HINT_SHADOWED,
			    "localhost (%s) %s %s on %s, not this server — use %s", dest, verb, who,
			    where, use);
		else
			add(h, HINT_SHADOWED, "localhost (%s) %s %s on %s, not this server — %s",
			    dest, verb, who, where,
			    listener_is_wildcard(l)
			        ? "only other addresses of this machine reach it"
			        : "no connection reaches it");
		return;
	}
}

void hints_for(const struct hint_port *port, size_t self, const struct config *cfg,
               struct hint_list *out)
{
	const struct listener *l = port->mates[self];
	*out = (struct hint_list){0};
	own_hints(port, l, port->labels[self], cfg, out);
	shadowed_hint(port, self, out);
	if (lan_exposed(l, port->labels[self]))
		add(out, HINT_LAN, "%s", lan_text);
}

bool hints_sticky(const struct hint_list *h)
{
	for (size_t i = 0; i < h->n; i++)
		if (hint_kinds[h->v[i].kind].sticky)
			return true;
	return false;
}

void hints_join(const struct hint_list *h, char *buf, size_t len)
{
	size_t o = 0;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < h->n && o < len; i++) {
		int w = snprintf(buf + o, len - o, "%s%s", i ? " · " : "", h->v[i].text);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	if (len)
		trim_utf8(buf);
}
