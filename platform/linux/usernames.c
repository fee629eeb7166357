/* usernames.c - uid -> sanitized user name, cached (see usernames.h). */
#include "usernames.h"
#include "array_grow.h"
#include "listener.h"
#include "sanitize.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	uint32_t uid;
	char name[PROC_USER_MAX];
};

struct usernames {
	struct entry *v; /* sorted by uid */
	size_t n, cap;
	char fallback[PROC_USER_MAX]; /* returned when the cache cannot grow */
};

int usernames_new(struct usernames **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : -ENOMEM;
}

void usernames_free(struct usernames **u)
{
	if (!u || !*u)
		return;
	free((*u)->v);
	free(*u);
	*u = NULL;
}

static void lookup(uint32_t uid, char *name, size_t cap)
{
	char buf[4096];
	struct passwd pw, *res = NULL;
	if (getpwuid_r((uid_t)uid, &pw, buf, sizeof buf, &res) == 0 && res && res->pw_name[0])
		sanitize_text(name, cap, res->pw_name, strlen(res->pw_name));
	else
		snprintf(name, cap, "%u", uid);
}

static int cmp_uid(const void *key, const void *elem)
{
	uint32_t x = *(const uint32_t *)key, y = ((const struct entry *)elem)->uid;
	return (x > y) - (x < y);
}

const char *usernames_get(struct usernames *u, uint32_t uid)
{
	const struct entry *e = u->n ? bsearch(&uid, u->v, u->n, sizeof *u->v, cmp_uid) : NULL;
	if (e)
		return e->name;
	if (!array_grow((void **)&u->v, &u->cap, u->n + 1, sizeof *u->v, 16)) {
		lookup(uid, u->fallback, sizeof u->fallback);
		return u->fallback;
	}
	size_t lo = u->n; /* the place to insert: the move below is as long as this walk */
	while (lo > 0 && u->v[lo - 1].uid > uid)
		lo--;
	memmove(&u->v[lo + 1], &u->v[lo], (u->n - lo) * sizeof *u->v);
	u->n++;
	u->v[lo].uid = uid;
	lookup(uid, u->v[lo].name, sizeof u->v[lo].name);
	return u->v[lo].name;
}
