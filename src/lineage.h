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

/* Sets parent_label, parent_from and launcher of every process of s (built, not yet finished):
 *  - parent_label: the label of the nearest ancestor that is not a shell running one command
 *    for it (`sh -c`), when that ancestor's rule passes its label to children (detect.h);
 *    parent_from is that ancestor's command name;
 *  - launcher: what the nearest package-manager ancestor runs ("npm run dev"), within
 *    LINEAGE_LAUNCHER_DEPTH generations.
 * Fields left "" when nothing is known. 0 or -ENOMEM. */
int lineage_fill(struct snapshot *s);

#endif
