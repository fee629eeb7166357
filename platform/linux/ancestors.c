/* ancestors.c - the holders' parents and theirs, read and checked like holders (ancestors.h). */
#include "ancestors.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "array_grow.h"
#include "procdir.h"

struct ancestors {
	struct procinfo *info;
	pid_t *pids; /* the ancestors of the last update, ascending */
	size_t n, cap;
	pid_t *want; /* the next set asked for */
	size_t nwant, capwant;
};

int ancestors_new(struct ancestors **out, int procfd, struct usernames *names)
{
	struct ancestors *a = calloc(1, sizeof *a);
	if (!a)
		return -ENOMEM;
	int rc = procinfo_new(&a->info, procfd, names, false);
	if (rc < 0) {
		free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void ancestors_free(struct ancestors **a)
{
	if (!a || !*a)
		return;
	procinfo_free(&(*a)->info);
	free((*a)->pids);
	free((*a)->want);
	free(*a);
	*a = NULL;
}

static bool has(const pid_t *v, size_t n, pid_t pid)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] == pid)
			return true;
		if (v[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Adds pid's parent to want when it is a new ancestor. */
static bool want_parent(struct ancestors *a, const struct procinfo_data *d, const pid_t *holders,
                        size_t nholders)
{
	struct proc_info p;
	if (!d)
		return true;
	procinfo_view(d, &p);
	pid_t up = p.ppid;
	if (up <= 1 || up == p.id.pid || has(holders, nholders, up))
		return true;
	for (size_t i = 0; i < a->nwant; i++) /* want is small: a few shells and launchers */
		if (a->want[i] == up)
			return true;
	if (!array_grow((void **)&a->want, &a->capwant, a->nwant + 1, sizeof *a->want, 16))
		return false;
	a->want[a->nwant++] = up;
	return true;
}

int ancestors_update(struct ancestors *a, const struct procinfo *holders, const pid_t *pids,
                     size_t n)
{
	a->nwant = 0;
	for (size_t i = 0; i < n; i++)
		if (!want_parent(a, procinfo_find(holders, pids[i]), pids, n))
			return -ENOMEM;
	/* generation by generation: a new ancestor's parent is read in the next round; the ones
	 * known from the last update are asked for at once, so a settled tree takes one round */
	for (size_t i = 0; i < a->n; i++)
		if (!has(pids, n, a->pids[i])) {
			if (!array_grow((void **)&a->want, &a->capwant, a->nwant + 1,
			                sizeof *a->want, 16))
				return -ENOMEM;
			a->want[a->nwant++] = a->pids[i];
		}
	for (int round = 0; round < ANCESTORS_DEPTH; round++) {
		a->nwant = procdir_sort_pids(a->want, a->nwant);
		int rc = procinfo_update(a->info, a->want, a->nwant);
		if (rc < 0)
			return rc;
		size_t before = a->nwant;
		for (size_t i = 0; i < before; i++)
			if (!want_parent(a, procinfo_find(a->info, a->want[i]), pids, n))
				return -ENOMEM;
		if (a->nwant == before)
			break;
	}
	/* the ancestors are what was found */
	if (!array_grow((void **)&a->pids, &a->cap, a->nwant + 1, sizeof *a->pids, 16))
		return -ENOMEM;
	a->n = 0;
	for (size_t i = 0; i < a->nwant; i++)
		if (procinfo_find(a->info, a->want[i]))
			a->pids[a->n++] = a->want[i];
	a->n = procdir_sort_pids(a->pids, a->n);
	return 0;
}

size_t ancestors_pids(const struct ancestors *a, const pid_t **pids)
{
	*pids = a->pids;
	return a->n;
}

const struct procinfo_data *ancestors_find(const struct ancestors *a, pid_t pid)
{
	return procinfo_find(a->info, pid);
}
