/* ancestry.c - parents up to pid 1 (see ancestry.h). */
#include "ancestry.h"

#include <stdio.h>
#include <string.h>

size_t ancestry_walk(struct platform *p, const struct proc_info *start, struct proc_info *chain,
                     size_t max, struct arena *strings)
{
	if (max == 0)
		return 0;
	chain[0] = *start;
	size_t n = 1;
	while (n < max) {
		const struct proc_info *last = &chain[n - 1];
		pid_t parent = last->ppid;
		if (last->id.pid <= 1 || parent <= 0 || parent == last->id.pid)
			break;
		if (platform_process(p, parent, strings, &chain[n]) < 0)
			break;
		n++;
	}
	return n;
}

void ancestry_format(const struct proc_info *chain, size_t n, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	if (n == 0 || len == 0)
		return;
	if (chain[n - 1].id.pid > 1 && chain[n - 1].ppid > 0)
		o += (size_t)snprintf(buf, len, "… -> ");
	for (size_t i = n; i-- > 0 && o < len;)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", chain[i].comm, i ? " -> " : "");
}
