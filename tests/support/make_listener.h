/* make_listener.h - builds listeners by hand for unit tests. */
#ifndef DEVPORTS_TEST_MAKE_LISTENER_H
#define DEVPORTS_TEST_MAKE_LISTENER_H

#include "listener.h"

/* A listener on addr ("127.0.0.1", "::", ...) and port, owned by pid running comm as user. */
struct listener make_listener(enum listener_proto proto, const char *addr, unsigned port, int pid,
                              const char *comm, const char *user);

#endif
