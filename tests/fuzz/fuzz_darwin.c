/* fuzz_darwin.c - the macOS backend's conversion of libproc's structs, on structs filled with any
 * bytes (built on Linux against the test double of the SDK's structs).
 *
 * Input, read in order (what is missing is zero): a flags byte (which reads failed), a socket
 * count (0-8) and that many socket_fdinfo structs, then the BSD info, short BSD info and task
 * info, a working directory (a length byte, or a full 1024-byte path with no NUL), an executable
 * path and a user name (a length byte each), and the KERN_PROCARGS2 buffer (the rest).
 * Checks: a listener is a sane socket with a non-zero port; a process's every text is clean and
 * NUL-terminated, in its buffer; darwin_add_listeners returns how many it added, each socket
 * once; darwin_add_sockets makes sane rows of them, held only by processes that were added, every
 * socket counted once; the command line fits any capacity and is clean.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "darwin_convert.h"
#include "fuzz_check.h"

enum { MAX_SOCKS = 8 };
enum {
	NO_BSD = 1,
	NO_SHORTBSD = 2,
	NO_TASK = 4,
	NO_VNODE = 8,
	NO_EXE = 16,
	NO_ARGS = 32,
	NO_USER = 64,
	FULL_PATH = 128
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init_locale();
	return 0;
}

struct input {
	const uint8_t *p;
	size_t left;
};

/* Fills dst with the next n bytes, zeros where the input ends. */
static void take(struct input *in, void *dst, size_t n)
{
	size_t k = n < in->left ? n : in->left;
	memcpy(dst, in->p, k);
	memset((char *)dst + k, 0, n - k);
	in->p += k;
	in->left -= k;
}

static uint8_t take_byte(struct input *in)
{
	uint8_t b;
	take(in, &b, 1);
	return b;
}

static void check_listener(const struct listener *l)
{
	fuzz_check_socket(l, true);
	FUZZ_ASSERT(l->port != 0, "port 0");
}

/* The sockets of set, each held by owner, by a child of it and (the first) by a pid that was never
 * added, into a snapshot: every row is sane, held only by processes that were added. */
static void check_snapshot(const struct listener_set *set, const struct proc_info *owner)
{
	static struct snapshot snap;
	snapshot_reset(&snap);
	struct proc_info twin = *owner;
	twin.id.pid = owner->id.pid + 1;
	twin.ppid = owner->id.pid;
	FUZZ_ASSERT(snapshot_add_process(&snap, owner) && snapshot_add_process(&snap, &twin),
	            "snapshot_add_process failed");
	size_t n = 2 * set->n + 1;
	struct darwin_held *held = malloc(n * sizeof *held);
	FUZZ_ASSERT(held, "out of memory");
	for (size_t i = 0; i < set->n; i++) {
		held[2 * i] = (struct darwin_held){.sock = set->v[i], .pid = owner->id.pid};
		held[2 * i + 1] = (struct darwin_held){.sock = set->v[i], .pid = twin.id.pid};
	}
	/* one more holder that was never added (it exited) */
	if (set->n)
		held[n - 1] = (struct darwin_held){.sock = set->v[0], .pid = twin.id.pid + 1};
	else
		n = 0;
	FUZZ_ASSERT(darwin_add_sockets(&snap, held, n) == 0, "darwin_add_sockets failed");
	free(held);
	FUZZ_ASSERT(snapshot_finish(&snap, 1) == 0, "snapshot_finish failed");
	size_t nsockets = 0;
	for (size_t i = 0; i < snap.set.n; i++) {
		const struct listener *l = &snap.set.v[i];
		check_listener(l);
		FUZZ_ASSERT(l->proc, "a row without a lead");
		FUZZ_ASSERT(!l->owner_hidden && l->nholders >= 1 && l->nholders <= 2,
		            "owner_hidden %d with %u holders of a socket held by two",
		            l->owner_hidden, l->nholders);
		for (uint32_t h = 0; h < l->nholders; h++)
			FUZZ_ASSERT(l->holders[h]->id.pid == owner->id.pid ||
			                l->holders[h]->id.pid == twin.id.pid,
			            "holder %d was never added", (int)l->holders[h]->id.pid);
		if (i)
			FUZZ_ASSERT(listener_key_cmp(&snap.set.v[i - 1], l) < 0,
			            "rows out of order");
		nsockets += l->nsockets;
	}
	FUZZ_ASSERT(nsockets == set->n, "%zu sockets in the rows, %zu added", nsockets, set->n);
}

static void check_sockets(const struct socket_fdinfo *socks, size_t n,
                          const struct proc_info *owner)
{
	struct listener first;
	bool have_first = false;
	for (size_t i = 0; i < n; i++) {
		struct listener l;
		if (darwin_listener_from_socket(&socks[i], &l)) {
			check_listener(&l);
			FUZZ_ASSERT(!l.proc && l.nholders == 0 && !l.owner_hidden,
			            "owner fields set on port %u", l.port);
			FUZZ_ASSERT(l.inode == socks[i].psi.soi_so, "inode is not soi_so");
			if (!have_first)
				first = l, have_first = true;
		}
		if (have_first)
			(void)darwin_connection_of(&socks[i], &first);
	}
	struct listener_set set = {0};
	int added = darwin_add_listeners(&set, socks, n);
	FUZZ_ASSERT(added >= 0 && (size_t)added == set.n, "returned %d for %zu", added, set.n);
	for (size_t i = 0; i < set.n; i++) {
		check_listener(&set.v[i]);
		for (size_t j = 0; j < i; j++)
			FUZZ_ASSERT(listener_key_cmp(&set.v[i], &set.v[j]) != 0 ||
			                set.v[i].inode != set.v[j].inode,
			            "a socket twice");
	}
	check_snapshot(&set, owner);
	listener_set_free(&set);
}

/* Every string of p points into its buffer of text, and is clean. */
static void check_text(const struct proc_info *p, const struct darwin_proc_text *text)
{
	FUZZ_ASSERT(p->comm == text->comm && p->user == text->user && p->cmdline == text->cmdline &&
	                p->cwd == text->cwd && p->exe == text->exe &&
	                p->project_root == text->project_root,
	            "a string outside its buffer");
	fuzz_check_text(text->comm, sizeof text->comm, "comm");
	fuzz_check_text(text->user, sizeof text->user, "user");
	fuzz_check_text(text->cmdline, sizeof text->cmdline, "cmdline");
	fuzz_check_text(text->cwd, sizeof text->cwd, "cwd");
	fuzz_check_text(text->exe, sizeof text->exe, "exe");
	FUZZ_ASSERT(!text->project_root[0], "project_root set by the pure conversion");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	uint8_t flags = take_byte(&in);
	size_t n = take_byte(&in) % (MAX_SOCKS + 1);
	static struct socket_fdinfo socks[MAX_SOCKS];
	for (size_t i = 0; i < n; i++)
		take(&in, &socks[i], sizeof socks[i]);

	static struct proc_bsdinfo bsd;
	static struct proc_bsdshortinfo shortbsd;
	static struct proc_taskinfo task;
	static struct proc_vnodepathinfo vnode;
	take(&in, &bsd, sizeof bsd);
	take(&in, &shortbsd, sizeof shortbsd);
	take(&in, &task, sizeof task);
	char *path = vnode.pvi_cdir.vip_path;
	size_t plen = flags & FULL_PATH ? sizeof vnode.pvi_cdir.vip_path : take_byte(&in);
	take(&in, path, plen);
	if (flags & FULL_PATH)
		for (size_t i = 0; i < plen; i++)
			path[i] = path[i] ? path[i] : '/';
	size_t exe_len = take_byte(&in), user_len = take_byte(&in);
	char *exe = malloc(exe_len + 1), *user = malloc(user_len + 1);
	take(&in, exe, exe_len);
	take(&in, user, user_len);
	user[user_len] = '\0';
	size_t args_len = in.left;
	char *args = malloc(args_len + 1);
	take(&in, args, args_len);

	struct darwin_proc_src src = {
	    .pid = (pid_t)(flags * 7 + 1),
	    .bsd = flags & NO_BSD ? NULL : &bsd,
	    .shortbsd = flags & NO_SHORTBSD ? NULL : &shortbsd,
	    .task = flags & NO_TASK ? NULL : &task,
	    .vnode = flags & NO_VNODE ? NULL : &vnode,
	    .exe = flags & NO_EXE ? NULL : exe,
	    .exe_len = exe_len,
	    .args = flags & NO_ARGS ? NULL : args,
	    .args_len = args_len,
	    .user = flags & NO_USER ? NULL : user,
	};
	static struct darwin_proc_text text;
	static struct proc_info owner;
	int rc = darwin_proc_from_info(&src, &text, &owner);
	check_text(&owner, &text);
	if (src.bsd || src.shortbsd) {
		FUZZ_ASSERT(rc == 0, "returned %d with BSD info", rc);
		FUZZ_ASSERT(owner.user[0], "no user name nor uid");
	} else {
		FUZZ_ASSERT(rc == -ESRCH && owner.id.pid == 0, "returned %d without BSD info", rc);
	}
	check_sockets(socks, n, &owner);

	static struct arena strings;
	struct proc_info copy = owner;
	FUZZ_ASSERT(darwin_proc_copy_strings(&copy, &strings) == 0, "out of memory");
	FUZZ_ASSERT(strcmp(copy.comm, text.comm) == 0 && strcmp(copy.cmdline, text.cmdline) == 0 &&
	                strcmp(copy.user, text.user) == 0 && copy.comm != text.comm,
	            "strings not copied");
	arena_reset(&strings);

	static const size_t caps[] = {1, 2, 4, 7, 64, PROC_CMDLINE_MAX};
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		char out[PROC_CMDLINE_MAX];
		darwin_args_to_cmdline(args, args_len, out, caps[i]);
		fuzz_check_text(out, caps[i], "cmdline");
	}
	free(args);
	free(user);
	free(exe);
	return 0;
}
