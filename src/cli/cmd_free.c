/* cmd_free.c - `devports free [PORT]`: the first TCP port at or after PORT that nothing holds and
 * that binds on 127.0.0.1, ::1, 0.0.0.0 and :: right now. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "snapshot.h"

enum { FREE_DEFAULT_PORT = 3000 };

static bool in_snapshot(const struct snapshot *s, uint16_t port)
{
	for (size_t i = 0; i < s->set.n; i++)
		if (s->set.v[i].proto == PROTO_TCP && s->set.v[i].port == port)
			return true;
	return false;
}

int cmd_free(const struct cli_opts *o)
{
	uint16_t from;
	if (!cli_port_arg(o, "free", FREE_DEFAULT_PORT, &from))
		return EXIT_ERROR;
	struct platform *p;
	struct snapshot s = {0};
	if (!cli_open_snapshot(o, &p, &s))
		return EXIT_ERROR;
	int exit_code = EXIT_NOT_FOUND;
	for (unsigned port = from; port <= 65535 && exit_code == EXIT_NOT_FOUND; port++) {
		if (in_snapshot(&s, (uint16_t)port))
			continue;
		int rc = platform_tcp_port_free(p, (uint16_t)port);
		if (rc == 0) {
			printf("%u\n", port);
			exit_code = EXIT_OK;
		} else if (rc != -EADDRINUSE && rc != -EACCES) {
			fprintf(stderr, "devports: cannot check port %u: %s\n", port,
			        strerror(-rc));
			exit_code = EXIT_ERROR;
		}
	}
	if (exit_code == EXIT_NOT_FOUND)
		fprintf(stderr, "devports: no free TCP port from %u to 65535\n", (unsigned)from);
	snapshot_free(&s);
	platform_close(&p);
	if (fflush(stdout) == EOF)
		exit_code = EXIT_ERROR;
	return exit_code;
}
