/* platform.c - dispatches the contract to the native or the fake backend. */
#include "platform.h"
#include "fake/fake_backend.h"

#include <errno.h>
#include <stdlib.h>

struct platform {
	const struct platform_ops *ops;
	void *impl;
};

int platform_open(struct platform **out, const struct platform_opts *opts)
{
	static const struct platform_opts defaults = {0};
	if (!opts)
		opts = &defaults;
	*out = NULL;
	struct platform *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	int rc = opts->kind == PLATFORM_FAKE ? platform_fake_open(opts, &p->impl, &p->ops)
	                                     : platform_native_open(opts, &p->impl, &p->ops);
	if (!p->ops) {
		free(p);
		return rc ? rc : -EINVAL;
	}
	*out = p;
	return rc;
}

/* Declared in fake/fake_backend.h (the only backend with calls of its own so far). */
void *platform_backend(struct platform *p, const struct platform_ops *ops)
{
	return p && p->ops == ops ? p->impl : NULL;
}

const char *platform_name(const struct platform *p)
{
	return p->ops->name(p->impl);
}

const char *platform_error(const struct platform *p)
{
	const char *e = p && p->ops->error ? p->ops->error(p->impl) : NULL;
	return e ? e : "";
}

int platform_collect(struct platform *p, struct listener_set *out)
{
	return p->ops->collect(p->impl, out);
}

int platform_process(struct platform *p, pid_t pid, struct proc_info *out)
{
	return p->ops->process(p->impl, pid, out);
}

void platform_close(struct platform **p)
{
	if (!p || !*p)
		return;
	if ((*p)->ops->close)
		(*p)->ops->close((*p)->impl);
	free(*p);
	*p = NULL;
}
