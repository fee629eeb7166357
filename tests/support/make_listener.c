/* make_listener.c - builds listeners by hand for unit tests (see make_listener.h). */
#include "make_listener.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

enum { POOL = 512, HOLDERS_MAX = 8 };

struct test_process {
	struct proc_info p;
	const struct proc_info *holders[HOLDERS_MAX]; /* for the listener made with it */
	char comm[PROC_COMM_MAX], user[PROC_USER_MAX], cmdline[PROC_CMDLINE_MAX];
	char cwd[PROC_PATH_MAX], exe[PROC_PATH_MAX], root[PROC_PATH_MAX];
};

static struct test_process pool[POOL];
static size_t used;

static struct test_process *slot_of(const struct proc_info *p)
{
	return (struct test_process *)((char *)p - offsetof(struct test_process, p));
}

static struct test_process *new_process(int pid, uint32_t uid, const char *comm, const char *user)
{
	if (used == POOL) {
		fprintf(stderr, "make_listener: more than %d listeners in one test\n", POOL);
		abort();
	}
	struct test_process *t = &pool[used++];
	memset(t, 0, sizeof *t);
	snprintf(t->comm, sizeof t->comm, "%s", comm);
	snprintf(t->user, sizeof t->user, "%s", user);
	t->p = (struct proc_info){.id = {.pid = pid, .start_ticks = 1000u + (unsigned)pid},
	                          .uid = uid,
	                          .comm = t->comm,
	                          .user = t->user,
	                          .cmdline = t->cmdline,
	                          .cwd = t->cwd,
	                          .exe = t->exe,
	                          .project_root = t->root};
	t->holders[0] = &t->p;
	return t;
}

static struct listener socket_of(enum listener_proto proto, const char *addr, unsigned port)
{
	struct listener l = {.proto = (uint8_t)proto, .port = (uint16_t)port, .nsockets = 1};
	if (inet_pton(AF_INET, addr, l.addr) == 1)
		l.family = FAMILY_V4;
	else if (inet_pton(AF_INET6, addr, l.addr) == 1)
		l.family = FAMILY_V6;
	l.inode = 10000u + port;
	return l;
}

struct listener make_listener(enum listener_proto proto, const char *addr, unsigned port, int pid,
                              const char *comm, const char *user)
{
	struct listener l = socket_of(proto, addr, port);
	struct test_process *t = new_process(pid, 1000, comm, user);
	snprintf(t->cmdline, sizeof t->cmdline, "%s --port %u", comm, port);
	l.uid = 1000;
	l.proc = &t->p;
	l.holders = t->holders;
	l.nholders = 1;
	t->p.fingerprint = proc_fingerprint(&t->p);
	return l;
}

struct listener make_hidden(enum listener_proto proto, const char *addr, unsigned port,
                            uint32_t uid, const char *user, enum owner_unknown why)
{
	struct listener l = socket_of(proto, addr, port);
	struct test_process *t = new_process(0, uid, "", user);
	t->p.id.start_ticks = 0;
	l.uid = uid;
	l.proc = &t->p;
	l.owner_hidden = true;
	l.owner_why = (uint8_t)why;
	return l;
}

struct proc_info *test_proc(const struct listener *l)
{
	return &slot_of(l->proc)->p;
}

static void set(struct listener *l, size_t off, size_t cap, const char *text)
{
	struct test_process *t = slot_of(l->proc);
	snprintf((char *)t + off, cap, "%s", text);
	t->p.fingerprint = proc_fingerprint(&t->p);
}

#define SETTER(name, field)                                                                        \
	void test_set_##name(struct listener *l, const char *text)                                 \
	{                                                                                          \
		set(l, offsetof(struct test_process, field),                                       \
		    sizeof((struct test_process *)0)->field, text);                                \
	}
SETTER(comm, comm)
SETTER(cmdline, cmdline)
SETTER(cwd, cwd)
SETTER(exe, exe)
SETTER(project, root)
SETTER(user, user)

void test_add_holders(struct listener *l, const struct listener *const *others, size_t n)
{
	struct test_process *t = slot_of(l->proc);
	for (size_t i = 0; i < n && l->nholders < HOLDERS_MAX; i++)
		t->holders[l->nholders++] = others[i]->proc;
	l->holders = t->holders;
}

static int cmp_key(const void *a, const void *b)
{
	return listener_key_cmp(a, b);
}

void test_snapshot_ready(struct snapshot *s)
{
	if (s->set.n > 1)
		qsort(s->set.v, s->set.n, sizeof *s->set.v, cmp_key);
	for (size_t i = 0; i < s->set.n; i++) {
		const struct listener *l = &s->set.v[i];
		test_proc(l)->fingerprint = proc_fingerprint(l->proc);
		for (size_t k = 0; k < l->nholders; k++)
			slot_of(l->holders[k])->p.fingerprint = proc_fingerprint(l->holders[k]);
	}
}

void test_model_apply(struct model *m, const struct listener *v, size_t n, double now)
{
	struct snapshot s = {0};
	for (size_t i = 0; i < n; i++)
		listener_set_push(&s.set, &v[i]);
	test_snapshot_ready(&s);
	cr_assert_geq(model_apply(m, &s, now, (time_t)(1700000000 + now)), 0);
	snapshot_free(&s);
}
