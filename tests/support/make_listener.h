/* make_listener.h - builds listeners by hand for unit tests.
 *
 * Each listener made here is held by one process of its own, kept in a static pool (so nothing is
 * freed and leak checkers stay quiet): test_proc() gives it back writable, and its strings have
 * room to be written (test_set_cmdline() and friends). A snapshot built by pushing such listeners
 * into s->set by hand is made ready with test_snapshot_ready(): sorted, fingerprints computed.
 */
#ifndef DEVPORTS_TEST_MAKE_LISTENER_H
#define DEVPORTS_TEST_MAKE_LISTENER_H

#include "listener.h"
#include "snapshot.h"

/* A listener on addr ("127.0.0.1", "::", ...) and port, owned by pid running comm as user. */
struct listener make_listener(enum listener_proto proto, const char *addr, unsigned port, int pid,
                              const char *comm, const char *user);

/* The same with no readable owner: pid 0, uid, user, for reason why (enum owner_unknown). */
struct listener make_hidden(enum listener_proto proto, const char *addr, unsigned port,
                            uint32_t uid, const char *user, enum owner_unknown why);

/* l's process (the lead), writable. */
struct proc_info *test_proc(const struct listener *l);
void test_set_comm(struct listener *l, const char *text);
void test_set_cmdline(struct listener *l, const char *text);
void test_set_cwd(struct listener *l, const char *text);
void test_set_exe(struct listener *l, const char *text);
void test_set_project(struct listener *l, const char *text);
void test_set_user(struct listener *l, const char *text);

/* Makes l held by the processes of `others` too (pre-fork workers), lead first as given. */
void test_add_holders(struct listener *l, const struct listener *const *others, size_t n);

/* Sorts s->set by key and sets the fingerprint of every process its rows point at. */
void test_snapshot_ready(struct snapshot *s);

/* Merges a snapshot of v[0..n) into m at monotonic time now (wall clock 1700000000 + now); the
 * test fails if the merge does. */
struct model;
void test_model_apply(struct model *m, const struct listener *v, size_t n, double now);

#endif
