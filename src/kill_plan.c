/* kill_plan.c - the target of a kill, its sockets, and the refusals (see kill_plan.h). */
#include "kill_plan.h"

#include <stdio.h>
#include <string.h>

/* The socket a listener names: everything of the key but the pid. */
static bool same_socket(const struct listener *a, const struct listener *b)
{
	return a->proto == b->proto && a->family == b->family && a->port == b->port &&
	       memcmp(a->addr, b->addr, sizeof a->addr) == 0;
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

static void add_holder(struct kill_plan *p, pid_t pid)
{
	if (kill_plan_holds(p, pid) || p->nholders == KILL_HOLDERS_MAX)
		return;
	size_t i = p->nholders++;
	while (i > 0 && p->holders[i - 1] > pid) { /* kept ascending */
		p->holders[i] = p->holders[i - 1];
		i--;
	}
	p->holders[i] = pid;
}

/* The parent-most holder: one whose parent holds nothing; the lowest such pid. */
static const struct listener *parent_most(const struct listener_set *snap,
                                          const struct listener *sel, const struct kill_plan *p)
{
	const struct listener *best = sel;
	bool best_root = !kill_plan_holds(p, sel->proc.ppid);
	for (size_t i = 0; snap && i < snap->n; i++) {
		const struct listener *l = &snap->v[i];
		if (!same_socket(l, sel) || l->owner_hidden)
			continue;
		bool root = !kill_plan_holds(p, l->proc.ppid);
		if ((root && !best_root) ||
		    (root == best_root && l->proc.id.pid < best->proc.id.pid)) {
			best = l;
			best_root = root;
		}
	}
	return best;
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
		if (!l->owner_hidden && l->proto == p->sel.proto && l->port == p->sel.port &&
		    kill_plan_holds(p, l->proc.id.pid))
			add_inode(p, l->inode);
	}
	for (size_t i = 0; snap && i < snap->n; i++) {
		const struct listener *l = &snap->v[i];
		if (l->owner_hidden || l->proc.id.pid != p->target.id.pid)
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
		kill_plan_sudo_text(p->sel.proc.user, p->refusal_text, sizeof p->refusal_text);
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

void kill_plan_make(const struct listener_set *snap, const struct listener *sel,
                    const struct kill_guard *g, struct kill_plan *out)
{
	*out = (struct kill_plan){.sel = *sel, .target = sel->proc};
	if (sel->owner_hidden) {
		refuse(out, g);
		return;
	}
	add_holder(out, sel->proc.id.pid);
	for (size_t i = 0; snap && i < snap->n; i++)
		if (same_socket(&snap->v[i], sel) && !snap->v[i].owner_hidden)
			add_holder(out, snap->v[i].proc.id.pid);
	out->target = parent_most(snap, sel, out)->proc;
	add_ports(snap, out);
	refuse(out, g);
}

int kill_plan_check(const struct kill_plan *plan, const struct listener_set *snap,
                    const struct listener **other)
{
	const struct listener *someone = NULL;
	bool reused = false;
	if (other)
		*other = NULL;
	for (size_t i = 0; i < snap->n; i++) {
		const struct listener *l = &snap->v[i];
		if (!same_socket(l, &plan->sel))
			continue;
		bool same_pid = !l->owner_hidden && l->proc.id.pid == plan->target.id.pid;
		if (same_pid && l->proc.id.start_ticks == plan->target.id.start_ticks)
			return 1;
		reused |= same_pid;
		if (!someone)
			someone = l;
	}
	if (other)
		*other = someone;
	return reused ? -2 : someone ? -1 : 0;
}
