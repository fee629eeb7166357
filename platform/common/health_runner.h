/* health_runner.h - the platform's own side of the health runner (platform.h has its calls):
 * platform_health_open() makes one with this after refusing the fake backend. */
#ifndef DEVPORTS_HEALTH_RUNNER_H
#define DEVPORTS_HEALTH_RUNNER_H

#include "platform.h"

/* A runner with nothing under way: 0 and *out set, or -ENOMEM. libcurl is loaded by the first
 * check that starts. */
int health_runner_new(struct health_runner **out);

#endif
