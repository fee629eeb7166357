/* ancestry.h - a process and its parents up to pid 1, read through the platform: for inspect
 * ("systemd -> tmux -> zsh -> npm -> node") and for telling who restarted a killed server. */
#ifndef DEVPORTS_ANCESTRY_H
#define DEVPORTS_ANCESTRY_H

#include <stddef.h>

#include "listener.h"
#include "platform.h"

enum { ANCESTRY_MAX = 24 };

/* chain[0] = *start, chain[1] its parent (platform_process), and so on up to pid 1 included, the
 * first parent that cannot be read (gone, hidden) or max entries; the parents' strings go into
 * `strings`. Returns how many (>= 1 when max >= 1). */
size_t ancestry_walk(struct platform *p, const struct proc_info *start, struct proc_info *chain,
                     size_t max, struct arena *strings);

/* Oldest first, by command name: "systemd -> tmux -> zsh -> npm -> node". When the chain stops
 * before pid 1 it starts with "… -> ". */
void ancestry_format(const struct proc_info *chain, size_t n, char *buf, size_t len);

#endif
