/* lineage.h - what a process's ancestors say about it: a parent whose rule passes its label to
 * its workers and reloaded children (uvicorn --reload's worker, gunicorn's workers), and the
 * package script that started it (`npm start`, `pnpm dev`).
 *
 * Reads the snapshot's process table, which holds the holders of sockets and their ancestors
 * (a backend adds each holder's parent, and theirs, up to the first process it cannot read).
 * Pure. */
#ifndef DEVPORTS_LINEAGE_H
#define DEVPORTS_LINEAGE_H

#include "snapshot.h"

/* How many ancestors are looked at for a launcher: npm, then `sh -c`, then the server. */
enum { LINEAGE_LAUNCHER_DEPTH = 6 };

/* What the processes said at the last call, by fingerprint (listener.h): a process seen then is
 * not matched against the rules again (rule matching is the dearest part, and every poll asks it
 * of every parent). */
struct lineage_memo;
/* Returns 0 or -ENOMEM. */
int lineage_memo_new(struct lineage_memo **out);
/* NULL-safe; *m becomes NULL. */
void lineage_memo_free(struct lineage_memo **m);

/* Sets parent_label, parent_from and launcher of every process of s (built, not yet finished):
 *  - parent_label: the label of the nearest ancestor that is not a shell running one command
 *    for it (`sh -c`), when that ancestor's rule passes its label to children (detect.h);
 *    parent_from is that ancestor's command name;
 *  - launcher: what the nearest package-manager ancestor runs ("npm run dev"), within
 *    LINEAGE_LAUNCHER_DEPTH generations.
 * Fields left "" when nothing is known. memo (may be NULL) keeps what each process said for the
 * next call. 0 or -ENOMEM. */
int lineage_fill(struct snapshot *s, struct lineage_memo *memo);

#endif
