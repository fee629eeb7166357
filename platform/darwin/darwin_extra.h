/* darwin_extra.h - the macOS backend's parts besides the snapshot: one process's data through
 * libproc and sysctl (darwin_proc.c) and process handles for a kill (darwin_kill.c). The
 * conversion of libproc's structs lives in darwin_convert.h. */
#ifndef DEVPORTS_DARWIN_EXTRA_H
#define DEVPORTS_DARWIN_EXTRA_H

#include "darwin_convert.h"
#include "platform.h"

/* Reads processes: keeps the KERN_PROCARGS2 buffer and the uid -> user name cache between calls. */
struct darwin_procs;

/* 0 or -ENOMEM. */
int darwin_procs_new(struct darwin_procs **out);
/* NULL-safe; *r becomes NULL. */
void darwin_procs_free(struct darwin_procs **r);

/* Everything about pid: with the full BSD info (own processes, or as root) the start time, working
 * directory, arguments, memory and project root; with only the short BSD info (another user's
 * process) its name, uid, parent and executable. out's strings point into text (never NULL, ""
 * when unknown). 0, -ESRCH (gone), -EACCES (nothing readable), -ENOMEM. */
int darwin_procs_read(struct darwin_procs *r, pid_t pid, struct darwin_proc_text *text,
                      struct proc_info *out);

/* The start identity of pid (darwin_start_id). 0, -ESRCH (gone), -EPERM (another user's). */
int darwin_proc_start(pid_t pid, uint64_t *start);

/* platform_ops entries for process handles; impl (the backend) is not used. */
int darwin_proc_open(void *impl, const struct proc_ident *who, void **proc);
int darwin_proc_signal(void *impl, void *proc, int sig);
int darwin_proc_wait(void *impl, void *proc, int timeout_ms);
void darwin_proc_close(void *impl, void *proc);

#endif
