/* main.c - hands argv to the command line. */
#include "cli.h"

#include <sys/resource.h>

/* The dashboard keeps a file open per process it watches (platform/linux/procinfo.h): the soft
 * limit on open files goes up to the hard one (at most 16384), as a program holding many
 * descriptors on purpose does. Nothing here uses select(). */
static void raise_file_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	rlim_t want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 16384 ? 16384 : rl.rlim_max;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = want;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	raise_file_limit();
	return cli_main(argc, argv);
}
