/* test_lineage.c - what ancestors say about a process (lineage.h), on process tables built by
 * hand: reloaders and pre-fork masters pass their label down through `sh -c`, package scripts
 * name themselves, and nothing else does. */
#include <criterion/criterion.h>
#include <string.h>

#include "labels.h"
#include "lineage.h"
#include "snapshot.h"

static void add(struct snapshot *s, pid_t pid, pid_t ppid, const char *comm, const char *cmdline)
{
	struct proc_info p = {.id = {.pid = pid, .start_ticks = 100u + (unsigned)pid},
	                      .ppid = ppid,
	                      .comm = comm,
	                      .cmdline = cmdline,
	                      .exe = "",
	                      .cwd = "/srv/app",
	                      .user = "dev"};
	cr_assert_not_null(snapshot_add_process(s, &p));
}

static const struct proc_info *after_fill(struct snapshot *s, pid_t pid)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].id.pid == pid)
			return &s->procs[i];
	cr_assert_fail("no process %d", (int)pid);
	return NULL;
}

Test(lineage, a_reloaders_worker_takes_its_label)
{
	struct snapshot s = {0};
	add(&s, 10, 1, "bash", "-bash");
	add(&s, 20, 10, "python3", "/usr/bin/python3 -m uvicorn app:app --reload");
	add(&s, 30, 20, "python3",
	    "/usr/bin/python3 -c from multiprocessing.spawn import spawn_main");
	cr_assert_eq(lineage_fill(&s, NULL), 0);
	const struct proc_info *w = after_fill(&s, 30);
	cr_expect_str_eq(w->parent_label, "Uvicorn");
	cr_expect_str_eq(w->parent_from, "uvicorn");
	cr_expect_str_eq(after_fill(&s, 20)->parent_label, "", "bash passes nothing");
	cr_expect_str_eq(w->launcher, "");
	snapshot_free(&s);
}

Test(lineage, through_a_shell_but_not_further)
{
	struct snapshot s = {0};
	add(&s, 20, 1, "gunicorn", "/usr/bin/python3 /usr/bin/gunicorn -w 2 app:app");
	add(&s, 21, 20, "sh", "sh -c python3 worker.py");
	add(&s, 22, 21, "python3", "python3 worker.py");
	add(&s, 23, 22, "python3", "python3 helper.py");
	cr_assert_eq(lineage_fill(&s, NULL), 0);
	cr_expect_str_eq(after_fill(&s, 22)->parent_label, "Gunicorn", "sh -c is looked through");
	cr_expect_str_eq(after_fill(&s, 23)->parent_label, "",
	                 "a grandchild is not a worker of the master");
	snapshot_free(&s);
}

Test(lineage, only_rules_that_pass_their_label_down)
{
	struct snapshot s = {0};
	add(&s, 40, 1, "code", "/usr/share/code/code");
	add(&s, 41, 40, "node", "node server.js");
	add(&s, 50, 1, "node", "node node_modules/.bin/vite");
	add(&s, 51, 50, "esbuild", "esbuild --service=0.19.0 --ping");
	cr_assert_eq(lineage_fill(&s, NULL), 0);
	cr_expect_str_eq(after_fill(&s, 41)->parent_label, "",
	                 "an editor's terminal is no parent label");
	cr_expect_str_eq(after_fill(&s, 51)->parent_label, "", "Vite's helpers are not Vite");
	snapshot_free(&s);
}

Test(lineage, the_package_script_above_a_server)
{
	struct snapshot s = {0};
	add(&s, 60, 1, "tmux: server", "tmux");
	add(&s, 61, 60, "bash", "-bash");
	add(&s, 62, 61, "npm run dev", "npm run dev");
	add(&s, 63, 62, "sh", "sh -c nodemon server.js");
	add(&s, 64, 63, "node", "node /srv/app/node_modules/.bin/nodemon server.js");
	add(&s, 65, 64, "node", "node server.js");
	add(&s, 70, 61, "node", "node other.js");
	cr_assert_eq(lineage_fill(&s, NULL), 0);
	cr_expect_str_eq(after_fill(&s, 65)->launcher, "npm run dev", "four generations up");
	cr_expect_str_eq(after_fill(&s, 70)->launcher, "");
	cr_expect_str_eq(after_fill(&s, 62)->launcher, "", "not its own launcher");
	snapshot_free(&s);
}

Test(lineage, loops_and_missing_parents_end)
{
	struct snapshot s = {0};
	add(&s, 80, 81, "npm", "npm start");
	add(&s, 81, 80, "node", "node a.js"); /* a table read across a pid reuse */
	add(&s, 90, 90, "odd", "odd");
	add(&s, 91, 12345, "node", "node b.js");
	cr_assert_eq(lineage_fill(&s, NULL), 0);
	cr_expect_str_eq(after_fill(&s, 81)->launcher, "npm start");
	cr_expect_str_eq(after_fill(&s, 91)->launcher, "");
	snapshot_free(&s);
}

Test(lineage, a_row_and_its_worker_each_labelled)
{
	struct snapshot s = {0};
	add(&s, 20, 1, "python3", "/usr/bin/python3 -m uvicorn app:app --reload");
	add(&s, 30, 20, "python3",
	    "/usr/bin/python3 -c from multiprocessing.spawn import spawn_main");
	struct listener sock = {.proto = PROTO_TCP,
	                        .family = FAMILY_V4,
	                        .port = 8000,
	                        .addr = {127, 0, 0, 1},
	                        .inode = 5};
	pid_t both[] = {20, 30}, worker[] = {30};
	cr_assert_eq(snapshot_add_socket(&s, &sock, both, 2, OWNER_KNOWN, "dev"), 0);
	sock.port = 8001;
	sock.inode = 6;
	cr_assert_eq(snapshot_add_socket(&s, &sock, worker, 1, OWNER_KNOWN, "dev"), 0);
	cr_assert_eq(lineage_fill(&s, NULL), 0);
	cr_assert_eq(snapshot_finish(&s, 0), 0);
	const struct listener *shared = &s.set.v[0], *alone = &s.set.v[1];
	struct label row = labels_for(shared, NULL);
	cr_expect_str_eq(row.text, "Uvicorn");
	cr_expect_eq(row.source, LABEL_PROCESS);
	struct label w = labels_for_holder(shared, 1, &row);
	cr_expect_eq(w.source, LABEL_PARENT);
	cr_expect_str_eq(w.from, "parent: uvicorn");
	row = labels_for(alone, NULL);
	cr_expect_str_eq(row.text, "Uvicorn", "a worker alone on its socket");
	cr_expect_eq(row.source, LABEL_PARENT);
	snapshot_free(&s);
}

/* A reloader's worker under `npm run dev`, its parent's command line given. */
static void reload_tree(struct snapshot *s, const char *parent_cmdline)
{
	add(s, 10, 1, "npm run dev", "npm run dev");
	add(s, 20, 10, "python3", parent_cmdline);
	add(s, 30, 20, "python3",
	    "/usr/bin/python3 -c from multiprocessing.spawn import spawn_main");
}

/* With a memo, the next calls say the same of the same processes, and a process whose command
 * line changed (same pid) is matched again. */
Test(lineage, memo_keeps_what_was_said_until_a_process_changes)
{
	struct lineage_memo *memo = NULL;
	cr_assert_eq(lineage_memo_new(&memo), 0);
	for (int round = 0; round < 3; round++) {
		struct snapshot s = {0};
		reload_tree(&s, "/usr/bin/python3 -m uvicorn app:app --reload");
		cr_assert_eq(lineage_fill(&s, memo), 0);
		const struct proc_info *w = after_fill(&s, 30);
		cr_expect_str_eq(w->parent_label, "Uvicorn", "round %d", round);
		cr_expect_str_eq(w->parent_from, "uvicorn", "round %d", round);
		cr_expect_str_eq(w->launcher, "npm run dev", "round %d", round);
		cr_expect_str_eq(after_fill(&s, 20)->launcher, "npm run dev", "round %d", round);
		snapshot_free(&s);
	}
	struct snapshot s = {0};
	reload_tree(&s, "/usr/bin/python3 app.py");
	cr_assert_eq(lineage_fill(&s, memo), 0);
	cr_expect_str_eq(after_fill(&s, 30)->parent_label, "",
	                 "the parent runs something else now");
	cr_expect_str_eq(after_fill(&s, 30)->launcher, "npm run dev");
	snapshot_free(&s);
	struct snapshot empty = {0};
	cr_assert_eq(lineage_fill(&empty, memo), 0);
	snapshot_free(&empty);
	lineage_memo_free(&memo);
	cr_expect_null(memo);
}
