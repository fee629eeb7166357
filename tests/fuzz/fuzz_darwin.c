/* fuzz_darwin.c - the macOS backend's conversion of libproc's structs, on structs filled with any
 * bytes (built on Linux against the test double of the SDK's structs).
 *
 * Input, read in order (what is missing is zero): a flags byte (which reads failed), a socket
 * count (0-8) and that many socket_fdinfo structs, then the BSD info, short BSD info and task
 * info, a working directory (a length byte, or a full 1024-byte path with no NUL), an executable
 * path and a user name (a length byte each), and the KERN_PROCARGS2 buffer (the rest).
 * Checks: a listener is a sane socket with a non-zero port; a process's every text is clean and
 * NUL-terminated; darwin_add_listeners returns how many it added, each once, with the owner; the
 * command line fits any capacity and is clean.
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

static void check_sockets(const struct socket_fdinfo *socks, size_t n,
                          const struct proc_info *owner)
{
	struct listener first;
	bool have_first = false;
	for (size_t i = 0; i < n; i++) {
		struct listener l;
		if (darwin_listener_from_socket(&socks[i], &l)) {
			check_listener(&l);
			if (!have_first)
				first = l, have_first = true;
		}
		if (have_first)
			(void)darwin_connection_of(&socks[i], &first);
	}
	struct listener_set set = {0};
	int added = darwin_add_listeners(&set, socks, n, owner);
	FUZZ_ASSERT(added >= 0 && (size_t)added == set.n, "returned %d for %zu", added, set.n);
	for (size_t i = 0; i < set.n; i++) {
		check_listener(&set.v[i]);
		const struct proc_info *p = &set.v[i].proc;
		FUZZ_ASSERT(p->id.pid == owner->id.pid && strcmp(p->comm, owner->comm) == 0 &&
		                strcmp(p->cmdline, owner->cmdline) == 0,
		            "owner not copied");
		for (size_t j = 0; j < i; j++)
			FUZZ_ASSERT(listener_key_cmp(&set.v[i], &set.v[j]) != 0, "a socket twice");
	}
	listener_set_free(&set);
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
	static struct proc_info owner;
	int rc = darwin_proc_from_info(&src, &owner);
	if (src.bsd || src.shortbsd) {
		FUZZ_ASSERT(rc == 0, "returned %d with BSD info", rc);
		fuzz_check_proc(&owner);
		FUZZ_ASSERT(owner.user[0], "no user name nor uid");
	} else {
		FUZZ_ASSERT(rc == -ESRCH && owner.id.pid == 0, "returned %d without BSD info", rc);
	}
	check_sockets(socks, n, &owner);

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
