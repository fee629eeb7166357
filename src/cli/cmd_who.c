/* cmd_who.c - `devports who PORT [--json]`: who holds PORT, every protocol and address. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "cli.h"
#include "health.h"
#include "json_out.h"
#include "kill_plan.h"
#include "snapshot.h"

/* One listener: a line that says what and who, then its command and directory. */
static void print_one(const struct listener *l, const struct annotation *a)
{
	char where[KILL_WHERE_MAX];
	kill_plan_where(l, where, sizeof where);
	const char *label = a && a->label.text[0] ? a->label.text : "";
	const char *guess = a && a->label.source == LABEL_PORT ? "?" : "";
	if (l->owner_hidden) {
		printf("%s  owner unknown (user %s): %s%s%s%s\n", where, l->proc->user,
		       owner_unknown_text[l->owner_why], label[0] ? "  " : "", label, guess);
		return;
	}
	printf("%s  %s (pid %ld, user %s)%s%s%s\n", where, l->proc->comm, (long)l->proc->id.pid,
	       l->proc->user, label[0] ? "  " : "", label, guess);
	printf("    command    %s\n", l->proc->cmdline);
	if (l->proc->cwd[0])
		printf("    directory  %s\n", l->proc->cwd);
	if (l->proc->launcher && l->proc->launcher[0])
		printf("    started by %s\n", l->proc->launcher);
	if (a && a->label.from[0])
		printf("    label from %s\n", a->label.from);
	for (size_t i = 1; i < l->nholders; i++) {
		const struct proc_info *h = l->holders[i];
		printf("    %-10s %s (pid %ld, user %s)\n",
		       listener_role_names[listener_holder_role(l, i)], h->comm, (long)h->id.pid,
		       h->user);
	}
	if (l->container) {
		char c[LISTENER_CONTAINER_STR_MAX];
		listener_container_str(l->container, l, c, sizeof c);
		printf("    container  %s\n", c);
	}
	for (size_t i = 0; a && i < a->hints.n; i++)
		printf("    ! %s\n", a->hints.v[i].text);
}

/* After the listeners: what a connection from this machine reaches on the port (TCP), one line a
 * destination: "localhost (::1) → ControlCenter (pid 697)", "192.168.1.20 → nothing". */
static void print_reach(const struct annotator *a, size_t tcp)
{
	const struct listener *rows[REACH_ROWS_MAX];
	size_t self;
	annotator_port_rows(a, tcp, rows, REACH_ROWS_MAX, &self);
	struct reach_view v = annotator_reach(a, tcp);
	if (v.n)
		printf("\n");
	for (size_t k = 0; k < v.n; k++) {
		char name[REACH_DEST_STR_MAX + 16], who[PROC_COMM_MAX + 48];
		reach_dest_name(&v, k, name, sizeof name);
		const struct listener *w = v.hit[k].row >= 0 ? rows[v.hit[k].row] : NULL;
		if (!w)
			snprintf(who, sizeof who, "nothing");
		else if (w->owner_hidden)
			snprintf(who, sizeof who, "owner unknown (user %s)", w->proc->user);
		else
			snprintf(who, sizeof who, "%s (pid %ld)", w->proc->comm,
			         (long)w->proc->id.pid);
		printf("%s → %s%s\n", name, who,
		       w && v.hit[k].tie ? ", or another socket on its address (the one bound last)"
		                         : "");
	}
}

static int print_text(const struct snapshot *s, const struct config *cfg, uint16_t port)
{
	if (s->set.n == 0) {
		printf(":%u is free: nothing listens on it\n", (unsigned)port);
		return 0;
	}
	struct annotator ann;
	if (annotator_init(&ann, &s->set, (enum reach_kernel)s->kernel, cfg) < 0)
		return -1;
	size_t tcp = s->set.n;
	for (size_t i = 0; i < s->set.n; i++) {
		struct annotation a;
		annotator_get(&ann, i, &a);
		print_one(&s->set.v[i], &a);
		if (tcp == s->set.n && s->set.v[i].proto == PROTO_TCP)
			tcp = i;
	}
	if (tcp < s->set.n)
		print_reach(&ann, tcp);
	annotator_free(&ann);
	return 0;
}

int cmd_who(const struct cli_opts *o)
{
	uint16_t port;
	if (!cli_port_arg(o, "who", 0, &port))
		return EXIT_ERROR;
	struct platform *p;
	struct snapshot s = {0};
	struct cli_opts about = *o;
	about.only_port = port; /* the other listeners' processes are not read */
	if (!cli_open_snapshot(&about, &p, &s))
		return EXIT_ERROR;
	size_t n = 0; /* keep the listeners on port, in order */
	for (size_t i = 0; i < s.set.n; i++)
		if (s.set.v[i].port == port)
			s.set.v[n++] = s.set.v[i];
	s.set.n = n;
	int exit_code = n ? EXIT_OK : EXIT_NOT_FOUND;
	if (o->json) {
		struct health_board health;
		health_board_init(&health);
		bool ran = cli_health_for(o, p, &s, &health);
		if (json_out_write_health(stdout, &s, platform_name(p), o->config,
		                          ran ? &health : NULL) < 0)
			exit_code = EXIT_ERROR;
		health_board_free(&health);
	} else if (print_text(&s, o->config, port) < 0) {
		exit_code = EXIT_ERROR;
	}
	if (fflush(stdout) == EOF)
		exit_code = EXIT_ERROR;
	if (exit_code == EXIT_ERROR)
		fprintf(stderr, "devports: cannot write the output\n");
	snapshot_free(&s);
	platform_close(&p);
	return exit_code;
}
