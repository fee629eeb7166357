/* ancestors.h - the parents of the processes holding sockets, and theirs, up to init: what
 * labels read about a process's lineage (a reloader above its worker, `npm start` above a
 * server: src/lineage.h), kept in a procinfo cache of their own so that they cost what holders
 * cost: a full read when new, cheap checks after (procinfo.h). Read only when the backend's proc
 * root is the live /proc (libproc2 reads /proc whatever the root). */
#ifndef DEVPORTS_ANCESTORS_H
#define DEVPORTS_ANCESTORS_H

#include <stddef.h>
#include <sys/types.h>

#include "procinfo.h"

/* How many generations above a holder are read at most. */
enum { ANCESTORS_DEPTH = 16 };

struct ancestors;

/* procfd and names are borrowed (procinfo_new). 0 or a negative errno. */
int ancestors_new(struct ancestors **out, int procfd, struct usernames *names);
void ancestors_free(struct ancestors **a); /* NULL-safe */

/* Brings the ancestors of the holders up to date: holders is the holders' cache, pids[0..n)
 * their pids (ascending). An ancestor is every process above a holder up to a child of init
 * (pid 1 itself and the kernel's threads are left out) that is not a holder itself. 0 or
 * -ENOMEM. */
int ancestors_update(struct ancestors *a, const struct procinfo *holders, const pid_t *pids,
                     size_t n);

/* The ancestors after the last update, ascending: *pids (valid until the next update). */
size_t ancestors_pids(const struct ancestors *a, const pid_t **pids);
/* The cached data of ancestor pid, or NULL (procinfo_find). */
const struct procinfo_data *ancestors_find(const struct ancestors *a, pid_t pid);

#endif
