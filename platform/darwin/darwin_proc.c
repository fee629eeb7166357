/* darwin_proc.c - one process's data from libproc (proc_pidinfo, proc_pidpath) and sysctl
 * (KERN_PROCARGS2), turned into proc_info by darwin_convert.c. */
#include "darwin_extra.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysctl.h>

#include "darwin_convert.h"
#include "project_root.h"
#include "sanitize.h"

struct user_entry {
	uint32_t uid;
	char name[PROC_USER_MAX]; /* raw, from the user database; "" when it has none */
};

struct darwin_procs {
	char *args; /* KERN_PROCARGS2 buffer, KERN_ARGMAX bytes */
	size_t args_cap;
	struct user_entry *users;
	size_t nusers, capusers;
};

int darwin_procs_new(struct darwin_procs **out)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return -ENOMEM;
	int mib[2] = {CTL_KERN, KERN_ARGMAX};
	int argmax = 0;
	size_t len = sizeof argmax;
	if (sysctl(mib, 2, &argmax, &len, NULL, 0) < 0 || argmax <= 0)
		argmax = 256 * 1024;
	(*out)->args_cap = (size_t)argmax;
	(*out)->args = malloc((*out)->args_cap);
	if (!(*out)->args) {
		darwin_procs_free(out);
		return -ENOMEM;
	}
	return 0;
}

void darwin_procs_free(struct darwin_procs **r)
{
	if (!r || !*r)
		return;
	free((*r)->args);
	free((*r)->users);
	free(*r);
	*r = NULL;
}

/* The raw name of uid, looked up once (getpwuid_r can be slow: directory services); NULL when the
 * user database has none (the uid is shown as digits). */
static const char *user_name(struct darwin_procs *r, uint32_t uid)
{
	for (size_t i = 0; i < r->nusers; i++)
		if (r->users[i].uid == uid)
			return r->users[i].name[0] ? r->users[i].name : NULL;
	if (r->nusers == r->capusers) {
		size_t ncap = r->capusers ? r->capusers * 2 : 8;
		struct user_entry *nv = realloc(r->users, ncap * sizeof *nv);
		if (!nv)
			return NULL;
		r->users = nv;
		r->capusers = ncap;
	}
	struct user_entry *e = &r->users[r->nusers++];
	char buf[4096];
	struct passwd pw, *res = NULL;
	e->uid = uid;
	e->name[0] = '\0';
	if (getpwuid_r((uid_t)uid, &pw, buf, sizeof buf, &res) == 0 && res && res->pw_name)
		snprintf(e->name, sizeof e->name, "%s", res->pw_name);
	return e->name[0] ? e->name : NULL;
}

int darwin_proc_start(pid_t pid, uint64_t *start)
{
	struct proc_bsdinfo bsd;
	errno = 0;
	if (proc_pidinfo(pid, PROC_PIDTBSDINFO, 0, &bsd, (int)sizeof bsd) != (int)sizeof bsd)
		return errno == EPERM || errno == EACCES ? -EPERM : -ESRCH;
	*start = darwin_start_id(&bsd);
	return 0;
}

/* The KERN_PROCARGS2 buffer of pid into r->args; its length, 0 when not allowed (another user's
 * process) or gone. */
static size_t read_args(struct darwin_procs *r, pid_t pid)
{
	int mib[3] = {CTL_KERN, KERN_PROCARGS2, pid};
	size_t len = r->args_cap;
	if (sysctl(mib, 3, r->args, &len, NULL, 0) < 0)
		return 0;
	return len;
}

/* The project the working directory belongs to, found from the raw path, sanitized into
 * text->project_root. */
static void fill_project(const struct proc_vnodepathinfo *vp, struct darwin_proc_text *text)
{
	char cwd[sizeof vp->pvi_cdir.vip_path + 1];
	memcpy(cwd, vp->pvi_cdir.vip_path, sizeof vp->pvi_cdir.vip_path);
	cwd[sizeof cwd - 1] = '\0';
	char root[PROC_PATH_MAX * 2];
	if (cwd[0] && project_root_find(cwd, root, sizeof root) == 0)
		sanitize_text(text->project_root, sizeof text->project_root, root, strlen(root));
}

int darwin_procs_read(struct darwin_procs *r, pid_t pid, struct darwin_proc_text *text,
                      struct proc_info *out)
{
	struct proc_bsdinfo bsd;
	struct proc_bsdshortinfo sbsd;
	struct proc_taskinfo task;
	struct proc_vnodepathinfo vp;
	char exe[PROC_PIDPATHINFO_MAXSIZE];
	struct darwin_proc_src src = {.pid = pid};

	/* no info yet: out is zeroed, its strings "" (into text), whatever fails below */
	(void)darwin_proc_from_info(&src, text, out);
	if (pid < 0)
		return -ESRCH;
	errno = 0;
	if (proc_pidinfo(pid, PROC_PIDTBSDINFO, 0, &bsd, (int)sizeof bsd) == (int)sizeof bsd) {
		src.bsd = &bsd;
	} else if (errno != EPERM && errno != EACCES) {
		return -ESRCH;
	} else {
		errno = 0;
		if (proc_pidinfo(pid, PROC_PIDT_SHORTBSDINFO, 0, &sbsd, (int)sizeof sbsd) !=
		    (int)sizeof sbsd)
			return errno == EPERM || errno == EACCES ? -EACCES : -ESRCH;
		src.shortbsd = &sbsd;
	}
	if (src.bsd) { /* the same user's process (or root): everything else is readable too */
		if (proc_pidinfo(pid, PROC_PIDTASKINFO, 0, &task, (int)sizeof task) ==
		    (int)sizeof task)
			src.task = &task;
		if (proc_pidinfo(pid, PROC_PIDVNODEPATHINFO, 0, &vp, (int)sizeof vp) ==
		    (int)sizeof vp)
			src.vnode = &vp;
		src.args_len = read_args(r, pid);
		src.args = src.args_len ? r->args : NULL;
	}
	int n = proc_pidpath(pid, exe, sizeof exe); /* any user's process */
	if (n > 0) {
		src.exe = exe;
		src.exe_len = (size_t)n;
	}
	src.user = user_name(r, src.bsd ? (uint32_t)bsd.pbi_uid : (uint32_t)sbsd.pbsi_uid);
	int rc = darwin_proc_from_info(&src, text, out);
	if (rc == 0 && src.vnode)
		fill_project(src.vnode, text);
	return rc;
}
