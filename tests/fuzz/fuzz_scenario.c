/* fuzz_scenario.c - the demo scenario loader (strict JSON check, cJSON, every field) on any
 * bytes.
 *
 * Checks: the result is 0 or -EINVAL; an error leaves a clean message and an empty scenario;
 * success leaves no message, a known kernel, at least one step, times that increase, listeners
 * that are sane sockets (a pid for a visible owner, none and a reason for a hidden one) whose every text is
 * there (never NULL) and clean, one extra
 * record per listener, clean ancestors; and the step index for any time is a step that has
 * begun (or the first).
 */
#include <errno.h>
#include <string.h>

#include "fuzz_check.h"
#include "scenario.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init_locale();
	return 0;
}

/* Every string there (never NULL), then clean. */
static void check_proc(const struct proc_info *p)
{
	FUZZ_ASSERT(p->comm && p->user && p->cmdline && p->cwd && p->exe && p->project_root,
	            "a NULL string in process %d", (int)p->id.pid);
	fuzz_check_proc(p);
}

static void check_step(const struct scenario_step *st)
{
	FUZZ_ASSERT(st->listeners.n == 0 || st->extra, "listeners without extra records");
	for (size_t j = 0; j < st->listeners.n; j++) {
		const struct scenario_listener *l = &st->listeners.v[j];
		fuzz_check_socket(&l->sock, false);
		check_proc(&l->proc);
		FUZZ_ASSERT(l->sock.uid == l->proc.uid, "socket uid %u, owner uid %u",
		            (unsigned)l->sock.uid, (unsigned)l->proc.uid);
		if (l->sock.owner_hidden) {
			FUZZ_ASSERT(l->proc.id.pid == 0, "hidden owner with pid %d",
			            (int)l->proc.id.pid);
			FUZZ_ASSERT(l->sock.owner_why > OWNER_KNOWN &&
			                l->sock.owner_why < OWNER_UNKNOWN_COUNT,
			            "hidden owner with reason %u", l->sock.owner_why);
		} else {
			FUZZ_ASSERT(l->proc.id.pid > 0, "visible owner with pid %d",
			            (int)l->proc.id.pid);
			FUZZ_ASSERT(l->sock.owner_why == OWNER_KNOWN, "visible owner with reason %u",
			            l->sock.owner_why);
		}
		FUZZ_ASSERT(st->extra[j].connections >= -1, "connections %d",
		            st->extra[j].connections);
	}
}

static void check_loaded(const struct scenario *sc)
{
	fuzz_check_text(sc->name, sizeof sc->name, "name");
	FUZZ_ASSERT(sc->kernel < REACH_KERNEL_COUNT, "kernel %u", sc->kernel);
	FUZZ_ASSERT(sc->n_steps >= 1 && sc->steps, "no steps");
	for (size_t i = 0; i < sc->n_steps; i++) {
		FUZZ_ASSERT(sc->steps[i].at >= 0, "step %zu at %g", i, sc->steps[i].at);
		if (i > 0)
			FUZZ_ASSERT(sc->steps[i].at > sc->steps[i - 1].at, "step %zu goes back", i);
		check_step(&sc->steps[i]);
	}
	for (size_t i = 0; i < sc->n_processes; i++)
		check_proc(&sc->processes[i]);
	static const double times[] = {-1, 0, 0.5, 1, 2, 10, 1e6, 1e10};
	for (size_t k = 0; k < sizeof times / sizeof times[0]; k++) {
		size_t i = scenario_step_index(sc, times[k]);
		FUZZ_ASSERT(i < sc->n_steps, "index %zu of %zu steps", i, sc->n_steps);
		FUZZ_ASSERT(i == 0 || sc->steps[i].at <= times[k], "step %zu not begun at %g", i,
		            times[k]);
		FUZZ_ASSERT(i + 1 == sc->n_steps || sc->steps[i + 1].at > times[k],
		            "step %zu is not the last begun at %g", i, times[k]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario sc;
	char err[SCENARIO_ERROR_MAX];
	memset(&sc, 0, sizeof sc);
	int rc = scenario_parse(&sc, (const char *)data, size, "scenario.json", 1700000000, err,
	                        sizeof err);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL, "returned %d", rc);
	fuzz_check_text(err, sizeof err, "error");
	if (rc == 0) {
		FUZZ_ASSERT(err[0] == '\0', "success with an error: %s", err);
		check_loaded(&sc);
	} else {
		FUZZ_ASSERT(err[0], "an error without a message");
		FUZZ_ASSERT(sc.n_steps == 0 && !sc.steps && sc.n_processes == 0 && !sc.processes,
		            "an error left steps");
	}
	scenario_free(&sc);
	return 0;
}
