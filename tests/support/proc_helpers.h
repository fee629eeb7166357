/* proc_helpers.h - helpers for tests that kill real processes: start a command and read the port
 * it prints, pick free ports, wait for a port, find a row, run the dashboard's loop by hand. */
#ifndef DEVPORTS_TEST_PROC_HELPERS_H
#define DEVPORTS_TEST_PROC_HELPERS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "app.h"

/* Monotonic seconds. */
double ph_now(void);
void ph_sleep_ms(int ms);

/* Whether python3 can be run. */
bool ph_have_python(void);

/* Starts argv (argv[0] looked up in PATH) in a new process group with stdout on a pipe, and reads
 * one line holding a port number (waits up to 5 s). Returns the pid (> 0) and sets *port, or -1.
 * The process dies with the test (PR_SET_PDEATHSIG). */
pid_t ph_start(const char *const argv[], uint16_t *port);

/* A python3 TCP listener on 127.0.0.1:PORT (its first argument; none: any port) that prints its
 * port (and goes on when nobody reads it); when ignore_term it ignores SIGTERM. The code to pass
 * as python3 -c CODE [PORT]. */
const char *ph_py_listener(bool ignore_term);

/* Kills the process group of pid (SIGKILL) and reaps pid. Idempotent for pid <= 0. */
void ph_stop(pid_t pid);

/* Whether pid still runs (a zombie counts as gone; it is reaped when it is our child). */
bool ph_alive(pid_t pid);

/* A TCP port nobody holds on 127.0.0.1 now (the kernel's pick). With n > 1, the first of n free
 * consecutive ports. */
uint16_t ph_free_port(int n);

/* Waits up to seconds for a TCP listener on 127.0.0.1:port to accept (true) . */
bool ph_wait_listening(uint16_t port, double seconds);
/* Whether 127.0.0.1:port can be connected to now. */
bool ph_listening(uint16_t port);

/* Selects the row of app a on port (and pid when pid > 0); false when there is none. */
bool ph_select(struct app *a, uint16_t port, pid_t pid);

/* Runs the dashboard's loop without a terminal for up to seconds: polls every interval, ticks,
 * until done(a) is true. Returns whether done() came true. */
bool ph_run(struct app *a, double seconds, bool (*done)(struct app *a));

#endif
