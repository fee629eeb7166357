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

/* Starts argv (argv[0] looked up in PATH) in a process group of its own (its pgid is its pid),
 * stdin and stderr on /dev/null, stdout on a pipe whose read end is stored in *out (out NULL:
 * /dev/null too). Returns the pid (> 0) or -1.
 *
 * Everything in that group ends with the test, however the test ends:
 * - ph_stop() (or ph_stop_all() in a fixture's fini: it runs after a failed assertion too) kills
 *   the whole group and waits until none of it runs;
 * - when the test process dies without its fini (a time-out, a crash), the process dies with it
 *   (PR_SET_PDEATHSIG), and so does what it started: a guard process ("dp-guard", a child of the
 *   test in the same group, holding no file descriptor) learns of the test's death and kills the
 *   whole group. (PR_SET_PDEATHSIG alone would leave the children of `sh -c` behind.) */
pid_t ph_spawn(const char *const argv[], int *out);

/* ph_spawn(), then reads one line from its stdout holding a port number (waits up to 5 s).
 * Returns the pid (> 0) and sets *port, or -1 (and then nothing is left running). */
pid_t ph_start(const char *const argv[], uint16_t *port);

/* A python3 TCP listener on 127.0.0.1:PORT (its first argument; none: any port) that prints its
 * port (and goes on when nobody reads it); when ignore_term it ignores SIGTERM. The code to pass
 * as python3 -c CODE [PORT]. */
const char *ph_py_listener(bool ignore_term);

/* Kills the process group of pid (SIGKILL: pid, what it started, its guard), reaps pid (and its
 * guard) and waits (up to 5 s) until no process of the group runs. Idempotent for pid <= 0. */
void ph_stop(pid_t pid);

/* ph_stop() of every process ph_spawn() started that is not stopped yet. */
void ph_stop_all(void);

/* Waits up to seconds until no process of the process group pgid runs (zombies do not count);
 * false if one still does. */
bool ph_group_gone(pid_t pgid, double seconds);

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
