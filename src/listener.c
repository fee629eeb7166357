/* listener.c - key order and formatting of one listener, its owned copy; the listener set. */
#include "listener.h"

#include "arena.h"
#include "array_grow.h"
#include "hash.h"
#include "panes.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_num(long long a, long long b)
{
	return (a > b) - (a < b);
}

int listener_key_cmp(const struct listener *a, const struct listener *b)
{
	int c;
	if ((c = cmp_num(a->proto, b->proto)))
		return c;
	if ((c = cmp_num(a->family, b->family)))
		return c;
	if ((c = memcmp(a->addr, b->addr, sizeof a->addr)))
		return c;
	return cmp_num(a->port, b->port);
}

void listener_container_str(const struct container_info *c, const struct listener *l, char *buf,
                            size_t len)
{
	if (!c->name[0]) {
		snprintf(buf, len, "not known — %s", c->why[0] ? c->why : "the engine did not say");
		return;
	}
	char port[32] = "";
	if (c->port)
		snprintf(port, sizeof port, " · port %u/%s", (unsigned)c->port,
		         listener_proto_name(l));
	snprintf(buf, len, "%s%s%s%s · %s", c->name, c->image[0] ? " · " : "", c->image, port,
	         c->engine);
}

bool listener_held_by(const struct listener *l, pid_t pid)
{
	for (size_t i = 0; i < l->nholders; i++)
		if (l->holders[i]->id.pid == pid)
			return true;
	return false;
}

uint64_t proc_fingerprint_base(const struct proc_info *p)
{
	uint64_t h = HASH_SEED;
	h = hash_u64(h, (uint64_t)p->id.pid);
	h = hash_u64(h, p->id.start_ticks);
	h = hash_u64(h, (uint64_t)p->ppid);
	h = hash_u64(h, p->uid);
	h = hash_u64(h, (uint64_t)p->start_time);
	struct proc_info c = *p;
	const char **f[PROC_STRINGS];
	proc_info_strings(&c, f);
	for (size_t k = 0; k < PROC_READ_STRINGS; k++)
		h = hash_str(h, *f[k] ? *f[k] : "");
	return h ? h : 1;
}

uint64_t proc_fingerprint_finish(uint64_t base, const struct proc_info *p)
{
	struct proc_info c = *p;
	const char **f[PROC_STRINGS];
	proc_info_strings(&c, f);
	for (size_t k = PROC_READ_STRINGS; k < PROC_STRINGS; k++)
		base = hash_str(base, *f[k] ? *f[k] : "");
	return base;
}

uint64_t proc_fingerprint(const struct proc_info *p)
{
	return proc_fingerprint_finish(proc_fingerprint_base(p), p);
}

const char *const owner_unknown_short[OWNER_UNKNOWN_COUNT] = {
    [OWNER_KNOWN] = "",
    [OWNER_NOT_READABLE] = "hidden",
    [OWNER_NOT_FOUND] = "not found yet",
    [OWNER_UNREADABLE] = "not readable",
};

const char *const owner_unknown_keys[OWNER_UNKNOWN_COUNT] = {
    [OWNER_KNOWN] = "known",
    [OWNER_NOT_READABLE] = "not_readable",
    [OWNER_NOT_FOUND] = "not_found",
    [OWNER_UNREADABLE] = "unreadable",
};

const char *const listener_role_names[HOLDER_ROLE_COUNT] = {
    [ROLE_HOLDER] = "holder",
    [ROLE_PARENT] = "parent",
    [ROLE_WORKER] = "worker",
};

void listener_process_str(const struct listener *l, char *buf, size_t len)
{
	if (l->owner_hidden)
		snprintf(buf, len, "%s",
		         owner_unknown_short[l->owner_why ? l->owner_why : OWNER_NOT_READABLE]);
	else if (l->nholders > 1)
		snprintf(buf, len, "%s ×%u", l->proc->comm, (unsigned)l->nholders);
	else
		snprintf(buf, len, "%s", l->proc->comm);
}

enum holder_role listener_holder_role(const struct listener *l, size_t i)
{
	const struct proc_info *p = l->holders[i];
	if (listener_held_by(l, p->ppid))
		return ROLE_WORKER;
	for (size_t k = 0; k < l->nholders; k++)
		if (l->holders[k]->ppid == p->id.pid)
			return ROLE_PARENT;
	return ROLE_HOLDER;
}

const char *const owner_unknown_text[OWNER_UNKNOWN_COUNT] = {
    [OWNER_KNOWN] = "",
    [OWNER_NOT_READABLE] = "another user's process — run devports with sudo to see it",
    [OWNER_NOT_FOUND] = "no process found holding it yet — the search goes on",
    [OWNER_UNREADABLE] = ("its process cannot be read, even as root (another pid namespace or "
                          "a restricted /proc)"),
};

void proc_info_strings(struct proc_info *p, const char **out[PROC_STRINGS])
{
	out[0] = &p->comm;
	out[1] = &p->user;
	out[2] = &p->cmdline;
	out[3] = &p->cwd;
	out[4] = &p->exe;
	out[5] = &p->project_root;
	out[6] = &p->unit;
	out[7] = &p->manifest;
	out[8] = &p->manifest_from;
	out[9] = &p->parent_label;
	out[10] = &p->parent_from;
	out[11] = &p->launcher;
}

int proc_info_copy(struct proc_info *dst, const struct proc_info *src, struct arena *a)
{
	*dst = *src;
	const char **f[PROC_STRINGS];
	proc_info_strings(dst, f);
	for (size_t k = 0; k < PROC_STRINGS; k++)
		if (!(*f[k] = arena_strdup(a, *f[k])))
			return -ENOMEM;
	return 0;
}

static size_t proc_text_size(const struct proc_info *p)
{
	struct proc_info c = *p;
	const char **f[PROC_STRINGS];
	proc_info_strings(&c, f);
	size_t n = 0;
	for (size_t k = 0; k < PROC_STRINGS; k++)
		n += strlen(*f[k] ? *f[k] : "") + 1;
	return n;
}

/* Copies p's strings to text (room for proc_text_size(p) bytes) and points *dst at them. */
static char *proc_text_copy(struct proc_info *dst, const struct proc_info *p, char *text)
{
	*dst = *p;
	const char **f[PROC_STRINGS];
	proc_info_strings(dst, f);
	for (size_t k = 0; k < PROC_STRINGS; k++) {
		const char *src = *f[k] ? *f[k] : "";
		size_t n = strlen(src) + 1;
		memcpy(text, src, n);
		*f[k] = text;
		text += n;
	}
	return text;
}

/* The container's strings, in this order. */
static void container_strings(struct container_info *c, const char **out[5])
{
	out[0] = &c->engine;
	out[1] = &c->id;
	out[2] = &c->name;
	out[3] = &c->image;
	out[4] = &c->why;
}

static size_t container_text_size(const struct container_info *c)
{
	struct container_info copy = *c;
	const char **f[5];
	container_strings(&copy, f);
	size_t n = 0;
	for (size_t k = 0; k < 5; k++)
		n += strlen(*f[k] ? *f[k] : "") + 1;
	return n;
}

/* Copies c into *dst with its strings in text (room for container_text_size(c)). */
static char *container_copy(struct container_info *dst, const struct container_info *c, char *text)
{
	*dst = *c;
	const char **f[5];
	container_strings(dst, f);
	for (size_t k = 0; k < 5; k++) {
		const char *src = *f[k] ? *f[k] : "";
		size_t n = strlen(src) + 1;
		memcpy(text, src, n);
		*f[k] = text;
		text += n;
	}
	return text;
}

struct listener *listener_clone(const struct listener *l)
{
	size_t nprocs = l->nholders ? l->nholders : 1; /* a hidden row keeps its stand-in */
	size_t text = 0, ncont = l->container ? 1 : 0;
	for (size_t i = 0; i < nprocs; i++)
		text += proc_text_size(l->nholders ? l->holders[i] : l->proc);
	if (l->container)
		text += container_text_size(l->container);
	struct clone {
		struct listener l;
		const struct proc_info *holders[]; /* then nprocs proc_infos, then the text */
	};
	size_t npane = l->pane ? 1 : 0;
	size_t head = sizeof(struct clone) + nprocs * sizeof(struct proc_info *);
	head = (head + _Alignof(struct proc_info) - 1) / _Alignof(struct proc_info) *
	       _Alignof(struct proc_info);
	/* then the container, if any (proc_info's alignment suits it), then the text */
	_Static_assert(_Alignof(struct proc_info) % _Alignof(struct container_info) == 0,
	               "a container_info may follow the proc_infos");
	/* the pane, if any, after the container (it holds no pointers: copied as it is) */
	_Static_assert(_Alignof(struct container_info) % _Alignof(struct tmux_pane) == 0,
	               "a tmux_pane may follow the container_infos");
	struct clone *c =
	    malloc(head + nprocs * sizeof(struct proc_info) +
	           ncont * sizeof(struct container_info) + npane * sizeof(struct tmux_pane) + text);
	if (!c)
		return NULL;
	struct proc_info *procs = (struct proc_info *)((char *)c + head);
	struct container_info *cont = (struct container_info *)(procs + nprocs);
	struct tmux_pane *pane = (struct tmux_pane *)(cont + ncont);
	char *t = (char *)(pane + npane);
	c->l = *l;
	for (size_t i = 0; i < nprocs; i++) {
		t = proc_text_copy(&procs[i], l->nholders ? l->holders[i] : l->proc, t);
		c->holders[i] = &procs[i];
	}
	if (l->container) {
		t = container_copy(cont, l->container, t);
		c->l.container = cont;
	}
	if (l->pane) {
		*pane = *l->pane;
		c->l.pane = pane;
	}
	c->l.proc = &procs[0];
	c->l.holders = l->nholders ? c->holders : NULL;
	return &c->l;
}

static const uint8_t v4mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool listener_is_wildcard(const struct listener *l)
{
	static const uint8_t zero[16];
	return memcmp(l->addr, zero, l->family == FAMILY_V4 ? 4 : 16) == 0;
}

bool listener_is_loopback(const struct listener *l)
{
	static const uint8_t v6lo[16] = {[15] = 1};
	if (l->family == FAMILY_V4)
		return l->addr[0] == 127;
	if (memcmp(l->addr, v6lo, 16) == 0)
		return true;
	return memcmp(l->addr, v4mapped_prefix, 12) == 0 && l->addr[12] == 127;
}

void listener_addr_str(const struct listener *l, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];
	if (l->family == FAMILY_V6 && listener_is_wildcard(l) && !l->v6only) {
		snprintf(buf, len, "*");
		return;
	}
	if (!inet_ntop(l->family == FAMILY_V4 ? AF_INET : AF_INET6, l->addr, tmp, sizeof tmp))
		snprintf(tmp, sizeof tmp, "?");
	snprintf(buf, len, "%s", tmp);
}

const char *listener_proto_name(const struct listener *l)
{
	return l->proto == PROTO_UDP ? "udp" : "tcp";
}

struct listener *listener_set_push(struct listener_set *s, const struct listener *l)
{
	if (!array_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v, 32))
		return NULL;
	s->v[s->n] = *l;
	return &s->v[s->n++];
}

void listener_set_clear(struct listener_set *s)
{
	s->n = 0;
}

void listener_set_free(struct listener_set *s)
{
	free(s->v);
	*s = (struct listener_set){0};
}

static int key_cmp_void(const void *a, const void *b)
{
	return listener_key_cmp(a, b);
}

void listener_set_sort(struct listener_set *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, key_cmp_void);
}
