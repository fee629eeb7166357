/* kill_plan.c - the target of a kill, its sockets, and the refusals (see kill_plan.h). */
#include "kill_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The row of snap with l's key, or NULL. */
static const struct listener *row_of(const struct listener_set *snap, const struct listener *l)
{
	for (size_t i = 0; snap && i < snap->n; i++)
		if (listener_same_key(&snap->v[i], l))
			return &snap->v[i];
	return NULL;
}

void kill_plan_where(const struct listener *l, char *buf, size_t len)
{
	char addr[64];
	listener_addr_str(l, addr, sizeof addr);
	bool brackets = l->family == FAMILY_V6 && strcmp(addr, "*") != 0;
	snprintf(buf, len, "%s %s%s%s:%u", listener_proto_name(l), brackets ? "[" : "", addr,
	         brackets ? "]" : "", (unsigned)l->port);
}

void kill_plan_sudo_text(const char *user, char *buf, size_t len)
{
	snprintf(buf, len, "owned by %s — run devports with sudo to stop it",
	         user && user[0] ? user : "another user");
}

/* Why a listener with no known holder cannot be stopped, in the words of its reason. */
static void hidden_text(const struct listener *l, char *buf, size_t len)
{
	if (l->owner_why == OWNER_NOT_FOUND)
		snprintf(buf, len, "no process holding it was found yet — try again in a moment");
	else if (l->owner_why == OWNER_UNREADABLE)
		snprintf(buf, len,
		         "owned by %s, whose process cannot be read even as root (another pid "
		         "namespace or a restricted /proc)",
		         l->proc->user[0] ? l->proc->user : "?");
	else
		kill_plan_sudo_text(l->proc->user, buf, len);
}

void kill_plan_name(const struct kill_plan *plan, char *buf, size_t len)
{
	if (plan->sel.owner_hidden)
		snprintf(buf, len, ":%u (owner hidden)", (unsigned)plan->sel.port);
	else
		snprintf(buf, len, ":%u %s (pid %ld)", (unsigned)plan->sel.port, plan->target.comm,
		         (long)plan->target.id.pid);
}

bool kill_plan_holds(const struct kill_plan *plan, pid_t pid)
{
	for (size_t i = 0; i < plan->nholders; i++)
		if (plan->holders[i] == pid)
			return true;
	return false;
}

bool kill_plan_has_inode(const struct kill_plan *plan, uint64_t inode)
{
	for (size_t i = 0; inode && i < plan->ninodes; i++)
		if (plan->inodes[i] == inode)
			return true;
	return false;
}

static void add_inode(struct kill_plan *p, uint64_t inode)
{
	if (inode && !kill_plan_has_inode(p, inode) && p->ninodes < KILL_PORTS_MAX)
		p->inodes[p->ninodes++] = inode;
}

static void add_ports(const struct listener_set *snap, struct kill_plan *p)
{
	add_inode(p, p->sel.inode);
	for (size_t i = 0; snap && i < snap->n; i++) {
		const struct listener *l = &snap->v[i];
		if (l->proto != p->sel.proto || l->port != p->sel.port)
			continue;
		for (size_t k = 0; k < l->nholders; k++)
			if (kill_plan_holds(p, l->holders[k]->id.pid))
				add_inode(p, l->inode);
	}
	for (size_t i = 0; snap && i < snap->n; i++) {
		const struct listener *l = &snap->v[i];
		if (!listener_held_by(l, p->target.id.pid))
			continue;
		char where[KILL_WHERE_MAX];
		kill_plan_where(l, where, sizeof where);
		bool seen = false;
		for (size_t k = 0; k < p->nports && !seen; k++)
			seen = strcmp(p->ports[k], where) == 0;
		if (!seen && p->nports < KILL_PORTS_MAX)
			snprintf(p->ports[p->nports++], KILL_WHERE_MAX, "%s", where);
	}
	if (p->nports == 0)
		kill_plan_where(&p->sel, p->ports[p->nports++], KILL_WHERE_MAX);
}

/* The refusals, in the order they are checked, with what each says. */
static void refuse(struct kill_plan *p, const struct kill_guard *g)
{
	const struct proc_info *t = &p->target;
	pid_t pid = t->id.pid;
	if (p->sel.owner_hidden) {
		p->refusal = KILL_REFUSE_HIDDEN;
		hidden_text(&p->sel, p->refusal_text, sizeof p->refusal_text);
	} else if (pid == 1) {
		p->refusal = KILL_REFUSE_INIT;
		snprintf(p->refusal_text, sizeof p->refusal_text,
		         "%s is pid 1, the init process: devports never signals it", t->comm);
	} else if (pid == 2 || t->ppid == 2 || pid <= 0) {
		p->refusal = KILL_REFUSE_KERNEL;
		snprintf(p->refusal_text, sizeof p->refusal_text,
		         "%s (pid %ld) is a kernel thread: devports never signals it", t->comm,
		         (long)pid);
	} else if (g && g->self > 0 && pid == g->self) {
		p->refusal = KILL_REFUSE_SELF;
		snprintf(p->refusal_text, sizeof p->refusal_text,
		         "pid %ld is devports itself: quit it with q instead", (long)pid);
	} else if (g && g->parent > 0 && pid == g->parent) {
		p->refusal = KILL_REFUSE_PARENT;
		snprintf(p->refusal_text, sizeof p->refusal_text,
		         "%s (pid %ld) is the shell devports runs in: devports never signals it",
		         t->comm, (long)pid);
	}
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

void kill_plan_make(const struct listener_set *snap, const struct listener *sel,
                    const struct kill_guard *g, struct kill_plan *out)
{
	const struct listener *row = row_of(snap, sel);
	*out = (struct kill_plan){.owned = listener_clone(row ? row : sel)};
	out->sel = out->owned ? *out->owned : *sel;
	out->target = *out->sel.proc;
	if (!out->owned) { /* out of memory: nothing is signalled */
		out->sel.nholders = 0;
		out->sel.holders = NULL;
		out->refusal = KILL_REFUSE_HIDDEN;
		snprintf(out->refusal_text, sizeof out->refusal_text, "out of memory");
		return;
	}
	if (out->sel.owner_hidden) {
		refuse(out, g);
		return;
	}
	for (size_t i = 0; i < out->sel.nholders && out->nholders < KILL_HOLDERS_MAX; i++)
		out->holders[out->nholders++] = out->sel.holders[i]->id.pid;
	qsort(out->holders, out->nholders, sizeof *out->holders, cmp_pid);
	add_ports(snap, out);
	refuse(out, g);
}

void kill_plan_free(struct kill_plan *plan)
{
	free(plan->owned);
	plan->owned = NULL;
}

int kill_plan_check(const struct kill_plan *plan, const struct listener_set *snap,
                    const struct listener **other)
{
	const struct listener *l = row_of(snap, &plan->sel);
	if (other)
		*other = NULL;
	if (!l)
		return 0;
	for (size_t i = 0; i < l->nholders; i++) {
		const struct proc_info *h = l->holders[i];
		if (h->id.pid == plan->target.id.pid)
			return h->id.start_ticks == plan->target.id.start_ticks ? 1 : -2;
	}
	if (other)
		*other = l;
	return -1;
}
