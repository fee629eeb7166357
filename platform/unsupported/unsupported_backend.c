/* unsupported_backend.c - the native backend on a system devports does not support yet: every
 * call fails with -ENOSYS, so the program still builds and `--demo` still works. */
#include <errno.h>

#include "platform.h"

static const char *unsupported_name(void *impl)
{
	(void)impl;
	return "unsupported";
}

static int unsupported_collect(void *impl, struct snapshot *out)
{
	(void)impl, (void)out;
	return -ENOSYS;
}

static int unsupported_process(void *impl, pid_t pid, struct arena *strings, struct proc_info *out)
{
	(void)impl, (void)pid, (void)strings, (void)out;
	return -ENOSYS;
}

static const struct platform_ops unsupported_ops = {
    .name = unsupported_name,
    .collect = unsupported_collect,
    .process = unsupported_process,
};

int platform_native_open(const struct platform_opts *opts, void **impl,
                         const struct platform_ops **ops)
{
	(void)opts;
	*impl = NULL;
	*ops = &unsupported_ops;
	return -ENOSYS;
}
