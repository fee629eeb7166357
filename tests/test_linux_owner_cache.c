/* test_linux_owner_cache.c - the owner cache's file (platform_opts.cache_dir) against real
 * listeners in child processes (tests/support/spawn.h).
 *
 * The core check of every test: a platform opened with the cache, whatever state the file was
 * put in, gives the same answer as platforms opened without one (for every row, the holders'
 * pids, owner_hidden and owner_why), and the right pids for the test's own listeners. What
 * happened to the file is checked through linux_cache_result(): "used", or why it was refused;
 * and a refused file is replaced by a good one (the next open says "used"), unless the folder
 * itself is refused, and then nothing is written there.
 *
 * Every test has a temporary folder of its own (base), the cache folder being base/cache, removed
 * by the fixture with every process the test started.
 */
#include "linux_extra.h"
#include "owners.h"
#include "owners_file.h"
#include "platform.h"
#include "procdir.h"
#include "spawn.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { NOBODY = 65534, WRITERS = 8, WRITER_ROUNDS = 3 };

static char base[PATH_MAX]; /* this test's folder */
static char dir[PATH_MAX];  /* the cache folder: base/cache */
static char file[PATH_MAX]; /* the cache file: base/cache/owners */

/* Processes a test forked itself (each the leader of a group of its own): ended by the fixture
 * whatever path the test took. */
static pid_t forked[WRITERS];
static int nforked;

static void setup(void)
{
	snprintf(base, sizeof base, "/tmp/dp-owner-cache.XXXXXX");
	cr_assert_not_null(mkdtemp(base), "mkdtemp: %s", strerror(errno));
	snprintf(dir, sizeof dir, "%s/cache", base);
	snprintf(file, sizeof file, "%s/owners", dir);
	cr_assert_eq(mkdir(dir, 0700), 0);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

static void teardown(void)
{
	for (int i = 0; i < nforked; i++)
		if (forked[i] > 0) {
			kill(-forked[i], SIGKILL);
			while (waitpid(forked[i], NULL, 0) < 0 && errno == EINTR)
				;
		}
	nforked = 0;
	spawn_stop_all();
	if (base[0])
		nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	base[0] = '\0';
}

TestSuite(linux_owner_cache, .init = setup, .fini = teardown);

/* Skips the test unless it runs as root; the fini does not run after a skip, so the folder goes
 * first. */
static void need_root(const char *what)
{
	if (geteuid() == 0)
		return;
	teardown();
	cr_skip_test("needs root %s", what);
}

/* ---- runs: one platform, one collect ---- */

struct run {
	struct snapshot s;
	const char *read;    /* linux_cache_result(p, false): "used", or why the file was not */
	const char *written; /* linux_cache_result(p, true): "written", or why not */
	struct owners_stats stats;
};

/* Opens a platform on cache_dir (NULL: no cache), collects once, closes. No assertion: children
 * call it too. Returns 0 or the error. */
static int run_once(struct run *r, const char *cache_dir)
{
	*r = (struct run){0};
	struct platform_opts o = {.kind = PLATFORM_NATIVE, .cache_dir = cache_dir};
	struct platform *p = NULL;
	int rc = platform_open(&p, &o);
	if (rc == 0)
		rc = platform_collect(p, &r->s);
	if (rc == 0) { /* static texts: they outlive the platform */
		r->read = linux_cache_result(p, false);
		r->written = linux_cache_result(p, true);
		const struct owners_stats *st = linux_owners_stats(p);
		if (st)
			r->stats = *st;
	}
	platform_close(&p);
	return rc;
}

static void run(struct run *r, const char *cache_dir)
{
	int rc = run_once(r, cache_dir);
	cr_assert_eq(rc, 0, "a run with cache %s: %s", cache_dir ? cache_dir : "none",
	             strerror(-rc));
}

static void run_free(struct run *r)
{
	snapshot_free(&r->s);
}

static const char *text(const char *s)
{
	return s ? s : "(none)";
}

/* ---- comparing answers ---- */

/* l's owner in words: "tcp 127.0.0.1:8000 held by 12 345" (pids ascending) or "... hidden (2)". */
static void describe(const struct listener *l, char *buf, size_t len)
{
	char addr[64];
	listener_addr_str(l, addr, sizeof addr);
	int n = snprintf(buf, len, "%s %s:%u ", listener_proto_name(l), addr, l->port);
	if (l->owner_hidden || l->nholders == 0) {
		snprintf(buf + n, len - (size_t)n, "hidden (%u)", l->owner_why);
		return;
	}
	n += snprintf(buf + n, len - (size_t)n, "held by");
	pid_t last = 0;
	for (uint32_t k = 0; k < l->nholders && (size_t)n < len; k++) {
		pid_t next = 0; /* the smallest pid above last */
		for (uint32_t j = 0; j < l->nholders; j++) {
			pid_t p = l->holders[j]->id.pid;
			if (p > last && (next == 0 || p < next))
				next = p;
		}
		n += snprintf(buf + n, len - (size_t)n, " %d", (int)next);
		last = next;
	}
}

/* The same answer: hidden or not, the same reason, the same holder pids. */
static bool same_owners(const struct listener *a, const struct listener *b)
{
	if (a->owner_hidden != b->owner_hidden || a->owner_why != b->owner_why ||
	    a->nholders != b->nholders)
		return false;
	for (uint32_t i = 0; i < a->nholders; i++)
		if (!listener_held_by(b, a->holders[i]->id.pid))
			return false;
	return true;
}

/* Every row on which the runs without a cache before and after agree must be in `cached` with
 * the same owners; rows that changed in between (other programs' listeners coming and going) are
 * not compared. Returns the number of rows compared, or -1 with the first difference in msg. */
static int compare(const struct snapshot *before, const struct snapshot *cached,
                   const struct snapshot *after, char *msg, size_t len)
{
	int compared = 0;
	for (size_t i = 0; i < before->set.n; i++) {
		const struct listener *b = &before->set.v[i];
		const struct listener *a = snapshot_find(after, b);
		if (!a || !same_owners(a, b))
			continue;
		const struct listener *c = snapshot_find(cached, b);
		char want[256], got[256] = "missing";
		describe(b, want, sizeof want);
		if (c)
			describe(c, got, sizeof got);
		if (!c || !same_owners(b, c)) {
			snprintf(msg, len, "without a cache: %s; with it: %s", want, got);
			return -1;
		}
		compared++;
	}
	return compared;
}

/* Runs without a cache, with the cache in cache_dir, and without again. */
struct sandwich {
	struct run before, cached, after;
};

/* The runs of w, and the cached one's answer is the others' (compare()). */
static void answers_match(struct sandwich *w, const char *cache_dir)
{
	run(&w->before, NULL);
	run(&w->cached, cache_dir);
	run(&w->after, NULL);
	char msg[600] = "";
	int n = compare(&w->before.s, &w->cached.s, &w->after.s, msg, sizeof msg);
	cr_assert_geq(n, 0, "the cache (%s) changed the answer: %s", text(w->cached.read), msg);
	cr_assert_gt(n, 0, "no row to compare");
}

static void sandwich_free(struct sandwich *w)
{
	run_free(&w->before);
	run_free(&w->cached);
	run_free(&w->after);
}

/* The TCP row on port in s, held by exactly pids[0..n). */
static void expect_held_in(const struct snapshot *s, uint16_t port, const pid_t *pids, size_t n,
                           const char *which)
{
	const struct listener *l = NULL;
	for (size_t i = 0; i < s->set.n && !l; i++)
		if (s->set.v[i].port == port && s->set.v[i].proto == PROTO_TCP)
			l = &s->set.v[i];
	cr_assert_not_null(l, "%s: no row for port %u", which, port);
	char got[256];
	describe(l, got, sizeof got);
	cr_assert_not(l->owner_hidden, "%s: %s", which, got);
	cr_assert_eq(l->nholders, n, "%s: %zu holders expected: %s", which, n, got);
	for (size_t i = 0; i < n; i++)
		cr_assert(listener_held_by(l, pids[i]), "%s: pid %d expected: %s", which,
		          (int)pids[i], got);
}

/* The listener on port is held by pids[0..n) in every run of w. */
static void expect_held(const struct sandwich *w, uint16_t port, const pid_t *pids, size_t n)
{
	expect_held_in(&w->before.s, port, pids, n, "before, without the cache");
	expect_held_in(&w->cached.s, port, pids, n, "with the cache");
	expect_held_in(&w->after.s, port, pids, n, "after, without the cache");
}

/* ---- listeners and files ---- */

/* A TCP listener on 127.0.0.1 (any port). */
static void start(struct spawn *sp, bool prefork, bool deferred)
{
	struct spawn_opts o = {
	    .addr = "127.0.0.1", .v6only = -1, .prefork = prefork, .deferred = deferred};
	int rc = spawn_listener(sp, &o);
	cr_assert_eq(rc, 0, "spawn: %s", strerror(-rc));
}

/* A run that writes a good file (whatever was there). */
static void write_good_file(void)
{
	struct run r;
	run(&r, dir);
	cr_assert_str_eq(text(r.written), "written");
	run_free(&r);
}

static void *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	struct stat st;
	cr_assert_eq(fstat(fd, &st), 0);
	char *buf = malloc((size_t)st.st_size + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

/* Replaces path's content (the same file) by buf[0..len). */
static void put_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

/* Whether folder holds exactly the entries names[0..n) (any order). */
static void expect_entries(const char *folder, const char *const *names, size_t n)
{
	DIR *d = opendir(folder);
	cr_assert_not_null(d, "%s: %s", folder, strerror(errno));
	size_t found = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		bool known = false;
		for (size_t i = 0; i < n; i++)
			known |= strcmp(e->d_name, names[i]) == 0;
		cr_expect(known, "%s: unexpected entry %s", folder, e->d_name);
		found += known;
	}
	closedir(d);
	cr_assert_eq(found, n, "%s: %zu of %zu entries", folder, found, n);
}

/* The fd at which pid holds socket inode, or -1. */
static int fd_of(pid_t pid, uint64_t inode)
{
	char path[64], want[64], link[64];
	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	snprintf(want, sizeof want, "socket:[%llu]", (unsigned long long)inode);
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int fd = -1;
	struct dirent *e;
	while (fd < 0 && (e = readdir(d)) != NULL) {
		char one[128];
		snprintf(one, sizeof one, "%s/%s", path, e->d_name);
		ssize_t n = readlink(one, link, sizeof link - 1);
		if (n > 0) {
			link[n] = '\0';
			if (!strcmp(link, want))
				fd = atoi(e->d_name);
		}
	}
	closedir(d);
	return fd;
}

static uint64_t start_ticks(pid_t pid)
{
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct procdir_stat st;
	cr_assert_eq(procdir_stat(procfd, pid, &st), 0, "stat of %d", (int)pid);
	close(procfd);
	return st.start_ticks;
}

/* The socket inode of the TCP listener on port (one socket). */
static uint64_t inode_on(uint16_t port)
{
	struct run r;
	run(&r, NULL);
	uint64_t inode = 0;
	for (size_t i = 0; i < r.s.set.n; i++)
		if (r.s.set.v[i].port == port && r.s.set.v[i].proto == PROTO_TCP)
			inode = r.s.set.v[i].inode;
	run_free(&r);
	cr_assert_neq(inode, 0, "no socket on port %u", port);
	return inode;
}

/* The cache file as a seed, and this system's identity. */
static void read_seed(struct owners_seed *seed, struct owners_file_id *id)
{
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_eq(owners_file_identity(procfd, id), 0);
	close(procfd);
	size_t len;
	void *buf = slurp(file, &len);
	const char *why = NULL;
	cr_assert_eq(owners_file_decode(buf, len, id, seed, &why), 0, "decode: %s", text(why));
	free(buf);
}

static void write_seed(const struct owners_file_id *id, const struct owners_seed *seed)
{
	void *buf;
	size_t len;
	cr_assert_eq(owners_file_encode(id, seed, &buf, &len), 0);
	put_file(file, buf, len);
	free(buf);
}

/* seed with the holders of socket inode replaced by h[0..n) (the socket must be in it). */
static void replace_holders(struct owners_seed *seed, uint64_t inode,
                            const struct owners_seed_holder *h, uint32_t n)
{
	struct owners_seed out = {.last_pid = seed->last_pid, .forks = seed->forks};
	out.s = calloc(seed->ns + 1, sizeof *out.s);
	out.h = calloc(seed->nh + n + 1, sizeof *out.h);
	cr_assert(out.s && out.h);
	bool found = false;
	for (size_t i = 0; i < seed->ns; i++) {
		const struct owners_seed_socket *ss = &seed->s[i];
		struct owners_seed_socket *o = &out.s[out.ns++];
		*o = (struct owners_seed_socket){.inode = ss->inode, .missed = ss->missed,
		                                 .first = (uint32_t)out.nh, .n = ss->n,
		                                 .unknown = ss->unknown};
		if (ss->inode == inode) {
			found = true;
			o->n = n;
			for (uint32_t k = 0; k < n; k++)
				out.h[out.nh++] = h[k];
		} else {
			for (uint32_t k = 0; k < ss->n; k++)
				out.h[out.nh++] = seed->h[ss->first + k];
		}
	}
	cr_assert(found, "socket %llu is not in the cache file", (unsigned long long)inode);
	owners_seed_clear(seed);
	*seed = out;
}

/* ---- a refused file: the same answer, and a good file in its place ---- */

/* The answer with the cache equals the answer without; the file was refused for `why`; the
 * listener sp is found; the run wrote a good file, which the next run uses. */
static void refused_then_replaced(const char *why, const struct spawn *sp)
{
	struct sandwich w;
	answers_match(&w, dir);
	cr_expect_str_eq(text(w.cached.read), why);
	cr_expect_str_eq(text(w.cached.written), "written");
	expect_held(&w, sp->port, &sp->pid, 1);
	sandwich_free(&w);

	struct run again;
	run(&again, dir);
	cr_expect_str_eq(text(again.read), "used", "the file written in place of the refused one");
	expect_held_in(&again.s, sp->port, &sp->pid, 1, "from the new file");
	struct stat st;
	cr_assert_eq(lstat(file, &st), 0);
	cr_expect(S_ISREG(st.st_mode), "a regular file");
	cr_expect_eq(st.st_mode & 07777, 0600);
	cr_expect_eq(st.st_uid, geteuid());
	run_free(&again);
}

/* The folder was refused (for reading and for writing): the same answer all the same. */
static void folder_refused(const char *folder, const char *why, const struct spawn *sp)
{
	struct sandwich w;
	answers_match(&w, folder);
	cr_expect_str_eq(text(w.cached.read), why);
	cr_expect_str_eq(text(w.cached.written), why);
	expect_held(&w, sp->port, &sp->pid, 1);
	sandwich_free(&w);
}

/* ---- the tests ---- */

Test(linux_owner_cache, good_file_is_used_and_reads_few_processes)
{
	struct spawn sp;
	start(&sp, false, false);
	struct run first;
	run(&first, dir);
	cr_expect_str_eq(text(first.read), "missing");
	cr_expect_str_eq(text(first.written), "written");
	cr_expect_eq(first.stats.seed_kept, 0);
	run_free(&first);

	/* The cache must halve the fd directories read at least (it reads only the processes
	 * newer than the file). A socket that appears between the write and the read and that no
	 * process shows (another user's, when not root; another pid namespace's) is searched in
	 * every process, as it should be: then the next attempt, on the file that run wrote. */
	unsigned long with = 0, without = 0;
	for (int attempt = 0; attempt < 5 && (attempt == 0 || 2 * with >= without); attempt++) {
		struct sandwich w;
		answers_match(&w, dir);
		cr_expect_str_eq(text(w.cached.read), "used");
		cr_expect_str_eq(text(w.cached.written), "written");
		expect_held(&w, sp.port, &sp.pid, 1);
		cr_expect_geq(w.cached.stats.seed_kept, 1, "the listener's holder verified");
		cr_expect_eq(w.before.stats.seed_kept, 0);
		with = w.cached.stats.pids_scanned;
		without = w.before.stats.pids_scanned;
		cr_log_info("fd directories read: %lu with the cache (%lu holders kept, %lu new "
		            "processes, %lu full passes), %lu without",
		            with, w.cached.stats.seed_kept, w.cached.stats.seed_new,
		            w.cached.stats.full_passes, without);
		sandwich_free(&w);
	}
	cr_expect_lt(2 * with, without, "fd directories read: %lu with the cache, %lu without",
	             with, without);
}

Test(linux_owner_cache, missing_file)
{
	struct spawn sp;
	start(&sp, false, false);
	refused_then_replaced("missing", &sp);
}

Test(linux_owner_cache, dead_writers_temporaries_are_removed)
{
	/* a writer killed between its temporary file and its rename left one behind; a live
	 * writer's (this process's) is its own business */
	char dead[PATH_MAX + 32], live[PATH_MAX + 32];
	snprintf(dead, sizeof dead, "%s.%d.0.tmp", file, INT32_MAX);
	snprintf(live, sizeof live, "%s.%d.7.tmp", file, (int)getpid());
	struct spawn sp;
	start(&sp, false, false);
	struct run r;
	run(&r, dir); /* creates the folder */
	run_free(&r);
	put_file(dead, "x", 1);
	put_file(live, "x", 1);
	run(&r, dir);
	cr_expect_str_eq(text(r.written), "written");
	run_free(&r);
	cr_expect_neq(access(dead, F_OK), 0, "the dead writer's temporary file is removed");
	cr_expect_eq(access(live, F_OK), 0, "a live writer's is left alone");
	unlink(live);
}

Test(linux_owner_cache, missing_folder_is_created_private)
{
	struct spawn sp;
	start(&sp, false, false);
	cr_assert_eq(rmdir(dir), 0);
	refused_then_replaced("missing", &sp);
	struct stat st;
	cr_assert_eq(lstat(dir, &st), 0);
	cr_expect(S_ISDIR(st.st_mode));
	cr_expect_eq(st.st_mode & 07777, 0700);
	const char *const only[] = {"owners"};
	expect_entries(dir, only, 1);
}

Test(linux_owner_cache, empty_file)
{
	struct spawn sp;
	start(&sp, false, false);
	put_file(file, "", 0);
	refused_then_replaced("empty", &sp);
}

Test(linux_owner_cache, truncated_file)
{
	struct spawn sp;
	start(&sp, false, false);
	write_good_file();
	size_t len;
	char *buf = slurp(file, &len);
	put_file(file, buf, len / 2);
	free(buf);
	refused_then_replaced("truncated", &sp);
}

Test(linux_owner_cache, corrupt_holder_record)
{
	struct spawn sp;
	start(&sp, false, false);
	write_good_file();
	size_t len;
	unsigned char *buf = slurp(file, &len);
	uint32_t ns, nh;
	memcpy(&ns, buf + 76, 4);
	memcpy(&nh, buf + 80, 4);
	cr_assert_geq(nh, 1);
	size_t at = 112 + 16 * (size_t)ns + 8; /* the first holder's start ticks */
	cr_assert_lt(at, len);
	buf[at] ^= 0x40;
	put_file(file, buf, len);
	free(buf);
	refused_then_replaced("corrupt (checksum)", &sp);
}

Test(linux_owner_cache, another_version)
{
	struct spawn sp;
	start(&sp, false, false);
	write_good_file();
	size_t len;
	unsigned char *buf = slurp(file, &len);
	uint32_t version = OWNERS_FILE_VERSION + 1;
	memcpy(buf + 8, &version, 4);
	put_file(file, buf, len);
	free(buf);
	refused_then_replaced("another version", &sp);
}

Test(linux_owner_cache, file_of_another_user)
{
	need_root("to give a file to another user");
	struct spawn sp;
	start(&sp, false, false);
	write_good_file();
	cr_assert_eq(chown(file, NOBODY, NOBODY), 0);
	refused_then_replaced("owned by another user", &sp);
}

Test(linux_owner_cache, symlink_named_owners)
{
	struct spawn sp;
	start(&sp, false, false);
	write_good_file();
	char target[PATH_MAX + 16];
	snprintf(target, sizeof target, "%s/elsewhere", base);
	cr_assert_eq(rename(file, target), 0);
	cr_assert_eq(symlink(target, file), 0);
	size_t before_len, after_len;
	char *before = slurp(target, &before_len);
	refused_then_replaced("a symlink", &sp);
	char *after = slurp(target, &after_len);
	cr_expect(before_len == after_len && memcmp(before, after, before_len) == 0,
	          "the link's target is left alone");
	free(before);
	free(after);
}

Test(linux_owner_cache, fifo_named_owners, .timeout = 30)
{
	struct spawn sp;
	start(&sp, false, false);
	cr_assert_eq(mkfifo(file, 0600), 0);
	/* opened without blocking (else the test's timeout fails it), then refused */
	refused_then_replaced("not a regular file", &sp);
}

Test(linux_owner_cache, folder_named_owners)
{
	struct spawn sp;
	start(&sp, false, false);
	cr_assert_eq(mkdir(file, 0700), 0);
	struct sandwich w;
	answers_match(&w, dir);
	cr_expect_str_eq(text(w.cached.read), "not a regular file");
	cr_expect_str_eq(text(w.cached.written), "a folder is in the way");
	expect_held(&w, sp.port, &sp.pid, 1);
	sandwich_free(&w);
	const char *const only[] = {"owners"};
	expect_entries(dir, only, 1); /* the temporary file is gone */
}

Test(linux_owner_cache, huge_file)
{
	struct spawn sp;
	start(&sp, false, false);
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, 5 << 20), 0); /* 5 MiB of zeros, sparse */
	close(fd);
	refused_then_replaced("too large", &sp);
}

Test(linux_owner_cache, folder_is_a_symlink)
{
	struct spawn sp;
	start(&sp, false, false);
	write_good_file();
	char real[PATH_MAX + 16], real_file[PATH_MAX + 32];
	snprintf(real, sizeof real, "%s/real", base);
	snprintf(real_file, sizeof real_file, "%s/owners", real);
	cr_assert_eq(rename(dir, real), 0);
	cr_assert_eq(symlink(real, dir), 0);
	size_t before_len, after_len;
	char *before = slurp(real_file, &before_len);
	folder_refused(dir, "unsafe folder (a symlink)", &sp);
	char *after = slurp(real_file, &after_len);
	cr_expect(before_len == after_len && memcmp(before, after, before_len) == 0,
	          "nothing written through the link");
	const char *const only[] = {"owners"};
	expect_entries(real, only, 1);
	free(before);
	free(after);
}

Test(linux_owner_cache, folder_of_another_user)
{
	need_root("to give a folder to another user");
	struct spawn sp;
	start(&sp, false, false);
	write_good_file();
	cr_assert_eq(chown(dir, NOBODY, NOBODY), 0);
	size_t before_len, after_len;
	char *before = slurp(file, &before_len);
	folder_refused(dir, "unsafe folder (owned by another user)", &sp);
	char *after = slurp(file, &after_len);
	cr_expect(before_len == after_len && memcmp(before, after, before_len) == 0,
	          "nothing written there");
	const char *const only[] = {"owners"};
	expect_entries(dir, only, 1);
	free(before);
	free(after);
}

Test(linux_owner_cache, folder_open_to_others_is_narrowed)
{
	struct spawn sp;
	start(&sp, false, false);
	write_good_file();
	cr_assert_eq(chmod(dir, 0777), 0);
	struct sandwich w;
	answers_match(&w, dir);
	cr_expect_str_eq(text(w.cached.read), "used");
	expect_held(&w, sp.port, &sp.pid, 1);
	sandwich_free(&w);
	struct stat st;
	cr_assert_eq(stat(dir, &st), 0);
	cr_expect_eq(st.st_mode & 07777, 0700, "mode %o", (unsigned)(st.st_mode & 07777));
}

/* A pre-fork server (a parent and two workers, all older than the file) whose socket the file
 * gives to holders that fail verification. */
struct reuse {
	struct spawn sp;
	pid_t pids[3];
	uint64_t inode;
	int fd; /* the socket's fd, the same in all three */
	struct owners_seed seed;
	struct owners_file_id id;
};

static void reuse_setup(struct reuse *r)
{
	start(&r->sp, true, false);
	pid_t w2 = spawn_fork_worker(&r->sp);
	cr_assert_gt(w2, 0);
	r->pids[0] = r->sp.pid;
	r->pids[1] = r->sp.workers[0];
	r->pids[2] = w2;
	r->inode = inode_on(r->sp.port);
	r->fd = fd_of(r->sp.pid, r->inode);
	cr_assert_geq(r->fd, 0);
	write_good_file();
	read_seed(&r->seed, &r->id);
}

/* The answer for r's socket, with the file as it is now, is the parent and its two workers. */
static struct owners_stats reuse_check(struct reuse *r)
{
	struct sandwich w;
	answers_match(&w, dir);
	cr_expect_str_eq(text(w.cached.read), "used");
	expect_held(&w, r->sp.port, r->pids, 3);
	struct owners_stats st = w.cached.stats;
	sandwich_free(&w);
	return st;
}

Test(linux_owner_cache, reused_pid_in_the_file)
{
	/* another live process, older than the file, with the socket's fd number and its own
	 * start ticks: its fd is another socket */
	struct spawn other;
	start(&other, false, false);
	struct reuse r;
	reuse_setup(&r);
	struct owners_seed_holder bogus = {other.pid, r.fd, start_ticks(other.pid)};
	replace_holders(&r.seed, r.inode, &bogus, 1);
	write_seed(&r.id, &r.seed);
	reuse_check(&r);
	/* the test process itself, with its start ticks: it holds none of it */
	bogus = (struct owners_seed_holder){getpid(), r.fd, start_ticks(getpid())};
	replace_holders(&r.seed, r.inode, &bogus, 1);
	write_seed(&r.id, &r.seed);
	reuse_check(&r);
	owners_seed_clear(&r.seed);
}

Test(linux_owner_cache, holders_with_other_start_ticks)
{
	struct reuse r;
	reuse_setup(&r);
	struct owners_seed_holder h[3];
	for (int k = 0; k < 3; k++)
		h[k] = (struct owners_seed_holder){r.pids[k], r.fd, start_ticks(r.pids[k])};
	replace_holders(&r.seed, r.inode, h, 3);
	write_seed(&r.id, &r.seed);
	struct owners_stats right = reuse_check(&r);
	cr_expect_geq(right.seed_kept, 3, "the right start ticks: the three holders kept");

	for (int k = 0; k < 3; k++) /* the same pids and fds, as if other processes had them */
		h[k].start_ticks++;
	replace_holders(&r.seed, r.inode, h, 3);
	write_seed(&r.id, &r.seed); /* the same file but for these three */
	struct owners_stats wrong = reuse_check(&r);
	cr_expect_leq(wrong.seed_kept + 3, right.seed_kept,
	              "other start ticks: none of the three kept (%lu kept, %lu before)",
	              wrong.seed_kept, right.seed_kept);
	owners_seed_clear(&r.seed);
}

Test(linux_owner_cache, socket_not_found_yet_in_the_file)
{
	/* the file lists the pre-fork socket as not found yet (a dashboard's search had not come
	 * to it): older than the file, it may be held by any process; all three are found */
	struct reuse r;
	reuse_setup(&r);
	replace_holders(&r.seed, r.inode, NULL, 0);
	for (size_t i = 0; i < r.seed.ns; i++)
		if (r.seed.s[i].inode == r.inode)
			r.seed.s[i].unknown = true;
	write_seed(&r.id, &r.seed);
	reuse_check(&r);
	owners_seed_clear(&r.seed);
}

Test(linux_owner_cache, socket_opened_later_by_a_cached_process)
{
	/* the processes exist when the file is written; their sockets come after */
	struct spawn alone, pre;
	start(&alone, false, true);
	start(&pre, true, true);
	write_good_file();
	cr_assert_eq(spawn_go(&alone), 0);
	cr_assert_eq(spawn_go(&pre), 0); /* opens its socket, then forks a worker */
	cr_assert_eq(pre.nworkers, 1);
	struct sandwich w;
	answers_match(&w, dir);
	cr_expect_str_eq(text(w.cached.read), "used");
	expect_held(&w, alone.port, &alone.pid, 1);
	const pid_t both[] = {pre.pid, pre.workers[0]};
	expect_held(&w, pre.port, both, 2);
	sandwich_free(&w);
}

Test(linux_owner_cache, worker_forked_after_the_file)
{
	struct spawn sp;
	start(&sp, false, false);
	write_good_file();
	pid_t worker = spawn_fork_worker(&sp);
	cr_assert_gt(worker, 0);
	struct sandwich w;
	answers_match(&w, dir);
	cr_expect_str_eq(text(w.cached.read), "used");
	const pid_t both[] = {sp.pid, worker};
	expect_held(&w, sp.port, both, 2);
	cr_expect_geq(w.cached.stats.seed_kept, 1, "the parent, from the file");
	cr_expect_geq(w.cached.stats.seed_new, 1, "the worker, a process newer than the file");
	sandwich_free(&w);
}

/* A one-shot writer: WRITER_ROUNDS runs on the cache; a failure is one line on report. */
static void writer(int go, int report, int id)
{
	char c;
	while (read(go, &c, 1) < 0 && errno == EINTR) /* end of file: all start at once */
		;
	for (int round = 0; round < WRITER_ROUNDS; round++) {
		struct run r;
		int rc = run_once(&r, dir);
		const char *got = text(r.read), *put = text(r.written);
		if (rc < 0 || strcmp(put, "written") != 0 ||
		    (strcmp(got, "used") != 0 && strcmp(got, "missing") != 0)) {
			dprintf(report, "writer %d, round %d: rc %d, read \"%s\", written \"%s\"\n",
			        id, round, rc, got, put);
			_exit(1);
		}
		run_free(&r);
	}
	_exit(0);
}

Test(linux_owner_cache, one_shots_writing_at_once)
{
	struct spawn sp;
	start(&sp, false, false);
	int go[2], report[2];
	cr_assert_eq(pipe2(go, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(report, O_CLOEXEC), 0);
	pid_t me = getpid();
	for (int i = 0; i < WRITERS; i++) {
		pid_t pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			setpgid(0, 0);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != me)
				_exit(1);
			close(go[1]);
			close(report[0]);
			writer(go[0], report[1], i);
		}
		setpgid(pid, pid);
		forked[nforked++] = pid;
	}
	close(go[0]);
	close(go[1]); /* go */
	close(report[1]);
	int failed = 0;
	for (int i = 0; i < WRITERS; i++) {
		int status = 0;
		while (waitpid(forked[i], &status, 0) < 0 && errno == EINTR)
			;
		forked[i] = 0;
		failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	char msg[2048] = "";
	ssize_t n = read(report[0], msg, sizeof msg - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(report[0]);
	cr_assert_eq(failed, 0, "%d writers failed:\n%s", failed, msg);

	const char *const only[] = {"owners"};
	expect_entries(dir, only, 1); /* no temporary file left */
	struct sandwich w;
	answers_match(&w, dir);
	cr_expect_str_eq(text(w.cached.read), "used");
	expect_held(&w, sp.port, &sp.pid, 1);
	sandwich_free(&w);
}

/* ---- owners_export(): what a run puts in the file ---- */

static uint64_t fixed_start(void *ctx, pid_t pid)
{
	(void)pid;
	return *(const uint64_t *)ctx;
}

/* A listening TCP socket of this process on 127.0.0.1 and its inode. */
static int own_listener(uint64_t *inode)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	cr_assert_geq(s, 0);
	cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(listen(s, 1), 0);
	struct stat st;
	cr_assert_eq(fstat(s, &st), 0);
	*inode = (uint64_t)st.st_ino;
	return s;
}

Test(linux_owner_cache, export_describes_holders_and_leaves_out_the_unknown)
{
	uint64_t inode;
	int s = own_listener(&inode);
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct owners *o = NULL;
	cr_assert_eq(owners_new(&o, procfd), 0);
	struct owners_seed seed;
	cr_expect_eq(owners_export(o, fixed_start, &(uint64_t){7}, &seed), -EAGAIN,
	             "no update noted the counters yet");
	owners_want_export(o);
	cr_assert_eq(owners_update(o, &inode, 1), 0);

	cr_assert_eq(owners_export(o, fixed_start, &(uint64_t){7}, &seed), 0);
	cr_expect_gt(seed.last_pid, 0);
	cr_expect_gt(seed.forks, 0);
	cr_assert_eq(seed.ns, 1);
	cr_assert_eq(seed.nh, 1);
	cr_expect_eq(seed.s[0].inode, inode);
	cr_expect_not(seed.s[0].missed);
	cr_expect_eq(seed.s[0].n, 1);
	cr_expect_eq(seed.h[0].pid, getpid());
	cr_expect_eq(seed.h[0].fd, s);
	cr_expect_eq(seed.h[0].start_ticks, 7);
	owners_seed_clear(&seed);

	/* a holder whose start is not known is left out: its socket is in the file, holders not
	 * known */
	cr_assert_eq(owners_export(o, fixed_start, &(uint64_t){0}, &seed), 0);
	cr_assert_eq(seed.ns, 1);
	cr_expect(seed.s[0].unknown);
	cr_expect_eq(seed.s[0].n, 0);
	cr_expect_eq(seed.nh, 0);
	owners_seed_clear(&seed);

	/* its holder gone, the socket is to be searched again: in the file as not found yet */
	owners_forget_pid(o, getpid());
	cr_assert_eq(owners_export(o, fixed_start, &(uint64_t){7}, &seed), 0);
	cr_assert_eq(seed.ns, 1);
	cr_expect(seed.s[0].unknown);
	cr_expect_not(seed.s[0].missed);
	cr_expect_eq(seed.nh, 0);
	owners_seed_clear(&seed);
	owners_free(&o);
	close(procfd);
	close(s);
}

/* A process forked after the counters were noted (owners_want_export, called before the sockets
 * are read) is after the seed's last pid: a run that uses the file reads it in full. (Were the
 * last pid read at the listing instead, a worker forked between the sockets' dump and the listing
 * would pass for old, and the socket its parent made in that moment, missing from the file, for
 * new: nobody would look for that worker.) */
Test(linux_owner_cache, export_last_pid_precedes_the_sockets)
{
	uint64_t inode;
	int s = own_listener(&inode);
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct owners *o = NULL;
	cr_assert_eq(owners_new(&o, procfd), 0);
	owners_want_export(o);
	pid_t child = fork(); /* "forked after the dump": before the update lists the processes */
	if (child == 0) {
		pause();
		_exit(0);
	}
	cr_assert_gt(child, 0);
	int rc = owners_update(o, &inode, 1);
	struct owners_seed seed = {0};
	int erc = rc == 0 ? owners_export(o, fixed_start, &(uint64_t){7}, &seed) : rc;
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	cr_assert_eq(rc, 0);
	cr_assert_eq(erc, 0);
	long last_now = 0;
	FILE *f = fopen("/proc/loadavg", "r");
	cr_assert(f && fscanf(f, "%*s %*s %*s %*s %ld", &last_now) == 1);
	fclose(f);
	/* the child's pid lies in (seed.last_pid, last_now], across a wrap at pid_max */
	bool after = seed.last_pid <= last_now ? child > seed.last_pid && child <= last_now
	                                        : child > seed.last_pid || child <= last_now;
	cr_expect(after, "pid %d forked after the counters, seed's last pid %ld (now %ld)",
	          (int)child, seed.last_pid, last_now);
	owners_seed_clear(&seed);
	owners_free(&o);
	close(procfd);
	close(s);
}

Test(linux_owner_cache, export_keeps_sockets_nobody_showed)
{
	uint64_t inode;
	int s = own_listener(&inode);
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct owners *o = NULL;
	cr_assert_eq(owners_new(&o, procfd), 0);
	/* a socket inode no process holds (above any in use), and this process's socket */
	uint64_t inodes[2] = {inode, UINT64_MAX - 1};
	owners_want_export(o);
	cr_assert_eq(owners_update(o, inodes, 2), 0);
	cr_expect(owners_missed(o, UINT64_MAX - 1));
	owners_forget_pid(o, getpid()); /* the first socket: not found now */
	struct owners_seed seed;
	cr_assert_eq(owners_export(o, fixed_start, &(uint64_t){7}, &seed), 0);
	cr_assert_eq(seed.ns, 2, "the socket not found now and the one nobody showed");
	cr_expect_eq(seed.s[0].inode, inode);
	cr_expect(seed.s[0].unknown);
	cr_expect_not(seed.s[0].missed);
	cr_expect_eq(seed.s[1].inode, UINT64_MAX - 1);
	cr_expect(seed.s[1].missed);
	cr_expect_not(seed.s[1].unknown);
	cr_expect_eq(seed.s[1].n, 0);
	cr_expect_eq(seed.nh, 0);
	owners_seed_clear(&seed);
	owners_free(&o);
	close(procfd);
	close(s);
}

/* What nobody saw (spawn_run_as): texts, since pointers do not cross processes. */
struct as_nobody {
	int rc;
	int compared; /* rows compared, -1: a difference (msg) */
	char read[64], written[64];
	pid_t self, lead; /* nobody's process, and the lead holder of its listener */
	uint32_t nholders;
	char msg[600];
};

/* Runs as nobody: a listener of its own (a process that changed its uid is not dumpable: only
 * it can read its own fds), then runs without the cache, with it (arg: root's folder), without. */
static void look_as_nobody(void *arg, void *out, size_t len)
{
	struct as_nobody *r = out;
	(void)len;
	r->self = getpid();
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof a;
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 1) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &alen) < 0) {
		r->rc = -errno;
		return;
	}
	struct sandwich w;
	if ((r->rc = run_once(&w.before, NULL)) < 0 || (r->rc = run_once(&w.cached, arg)) < 0 ||
	    (r->rc = run_once(&w.after, NULL)) < 0)
		return;
	snprintf(r->read, sizeof r->read, "%s", text(w.cached.read));
	snprintf(r->written, sizeof r->written, "%s", text(w.cached.written));
	r->compared = compare(&w.before.s, &w.cached.s, &w.after.s, r->msg, sizeof r->msg);
	for (size_t i = 0; i < w.cached.s.set.n; i++) {
		const struct listener *l = &w.cached.s.set.v[i];
		if (l->port == ntohs(a.sin_port) && l->proto == PROTO_TCP) {
			r->lead = l->proc ? l->proc->id.pid : -1;
			r->nholders = l->nholders;
		}
	}
	sandwich_free(&w);
	close(s);
}

Test(linux_owner_cache, folder_of_root_seen_by_nobody)
{
	need_root("to run as nobody");
	/* root's folder, open to everyone: nobody could write there, and must not */
	cr_assert_eq(chmod(base, 0755), 0);
	cr_assert_eq(chmod(dir, 0777), 0);
	struct as_nobody r = {0};
	cr_assert_eq(spawn_run_as(NOBODY, look_as_nobody, dir, &r, sizeof r), 0);
	cr_assert_eq(r.rc, 0, "%s", strerror(-r.rc));
	cr_expect_str_eq(r.read, "unsafe folder (owned by another user)");
	cr_expect_str_eq(r.written, "unsafe folder (owned by another user)");
	cr_expect_gt(r.compared, 0, "the cache changed nobody's answer: %s", r.msg);
	cr_expect_eq(r.lead, r.self, "nobody's own listener");
	cr_expect_eq(r.nholders, 1);
	expect_entries(dir, NULL, 0); /* nothing written */
}
