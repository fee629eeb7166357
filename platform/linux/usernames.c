/* usernames.c - uid -> sanitized user name, cached (see usernames.h). */
#include "usernames.h"
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

const char *usernames_get(struct usernames *u, uint32_t uid)
{
	size_t lo = 0, hi = u->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (u->v[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < u->n && u->v[lo].uid == uid)
		return u->v[lo].name;
	if (u->n == u->cap) {
		size_t ncap = u->cap ? u->cap * 2 : 16;
		struct entry *nv = realloc(u->v, ncap * sizeof *nv);
		if (!nv) {
			lookup(uid, u->fallback, sizeof u->fallback);
			return u->fallback;
		}
		u->v = nv;
		u->cap = ncap;
	}
	memmove(&u->v[lo + 1], &u->v[lo], (u->n - lo) * sizeof *u->v);
	u->n++;
	u->v[lo].uid = uid;
	lookup(uid, u->v[lo].name, sizeof u->v[lo].name);
	return u->v[lo].name;
}
