/* hints.c - per-listener hints; see hints.h. Texts speak to the developer and say what to do. */
#include "hints.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <strings.h>

#include "config.h"

const struct hint_kind_def hint_kinds[HINT_KIND_COUNT] = {
	[HINT_AIRPLAY] = {HINT_AIRPLAY, "airplay", true},
	[HINT_EXPECTED] = {HINT_EXPECTED, "unexpected_owner", false},
	[HINT_DOCKER] = {HINT_DOCKER, "docker_target", false},
	[HINT_SPLIT_STACK] = {HINT_SPLIT_STACK, "split_stack", false},
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

static void expected_hint(const struct listener *l, const struct label *lab,
                          const struct config *cfg, struct hint_list *h)
{
	const char *want = config_expected(cfg, l->port, (enum listener_proto)l->proto);
	if (!want || owner_is(l, lab, want))
		return;
	char who[PROC_COMM_MAX + 32];
	const char *project = base_name(l->proc->project_root);
	owner_str(l, who, sizeof who);
	if (!l->owner_hidden && project[0])
		add(h, HINT_EXPECTED, "expected %s (config), not %s in %s", want, who, project);
	else
		add(h, HINT_EXPECTED, "expected %s (config), not %s", want, who);
}

/* Hints that need only the listener itself, in kind order; the split stack is added after. */
static void own_hints(const struct listener *l, const struct label *lab, const struct config *cfg,
                      struct hint_list *h)
{
	char target[96];
	if (lab->role == ROLE_AIRPLAY && (l->port == 5000 || l->port == 7000))
		add(h, HINT_AIRPLAY, "%s", airplay_text);
	expected_hint(l, lab, cfg, h);
	if (lab->role == ROLE_DOCKER && hints_docker_target(l->proc->cmdline, target, sizeof target))
		add(h, HINT_DOCKER, "forwards to %s (a container)", target);
}

/* A dev server, or a runtime started inside a project, open to more than this machine. */
static bool lan_exposed(const struct listener *l, const struct label *lab)
{
	bool dev = lab->role == ROLE_DEV || (lab->role == ROLE_RUNTIME && l->proc->project_root[0]);
	return dev && !l->owner_hidden && !listener_is_loopback(l);
}

/* Whether "localhost" can reach the listener: loopback or wildcard. */
static bool on_localhost(const struct listener *l)
{
	return listener_is_loopback(l) || listener_is_wildcard(l);
}

/* Whether two listeners belong to one server: the same process, the same hidden user, or two
 * docker-proxies forwarding to the same container port (Docker runs one per IP family). */
static bool same_server(const struct listener *a, const struct label *la,
                        const struct listener *b, const struct label *lb)
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

/* Whether localhost reaches different servers over IPv4 and IPv6 among mates (every listener on
 * one protocol and port); *v4 and *v6 are then the first of each family that localhost reaches. */
static bool split_stack(const struct listener *const *mates, const struct label *const *labels,
                        size_t n, const struct listener **v4, const struct listener **v6)
{
	const struct listener *first[2] = {NULL, NULL}; /* [0] IPv4, [1] IPv6 */
	for (size_t i = 0; i < n; i++) {
		const struct listener *a = mates[i];
		if (!on_localhost(a))
			continue;
		int fa = a->family == FAMILY_V6;
		if (!first[fa])
			first[fa] = a;
		for (size_t j = 0; j < n; j++) {
			const struct listener *b = mates[j];
			if (b->family != a->family && on_localhost(b) &&
			    same_server(a, labels[i], b, labels[j]))
				return false; /* one server on both families */
		}
	}
	*v4 = first[0];
	*v6 = first[1];
	return first[0] && first[1];
}

void hints_for(const struct listener *const *mates, const struct label *const *labels, size_t n,
               size_t self, const struct config *cfg, struct hint_list *out)
{
	const struct listener *l = mates[self], *v4, *v6;
	*out = (struct hint_list){0};
	own_hints(l, labels[self], cfg, out);
	if (n > 1 && on_localhost(l) && split_stack(mates, labels, n, &v4, &v6)) {
		const struct listener *other = l->family == FAMILY_V4 ? v6 : v4;
		char where[96], who[PROC_COMM_MAX + 32];
		addr_port(other, where, sizeof where);
		owner_str(other, who, sizeof who);
		add(out, HINT_SPLIT_STACK, "%s %s is %s — localhost may reach either",
		    other->family == FAMILY_V4 ? "IPv4" : "IPv6", where, who);
	}
	if (lan_exposed(l, labels[self]))
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
