/* fuzz_detect.c - the command-line pattern matcher on any bytes.
 *
 * Input: two bytes of port, then the command name, the executable's path and the command line,
 * separated by NUL bytes (missing parts are ""). The matcher is meant for sanitized text but only
 * compares bytes, so it gets raw ones too. Checks: the result is NULL or a rule of the table with
 * a short label and a valid role; the same question gives the same answer; and spaces do not
 * matter: the command line with every space doubled and spaces around it matches the same rule;
 * a runtime's label begins with the rule's and fits; a launcher's text fits.
 */
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "fuzz_check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init_locale();
	return 0;
}

/* The next NUL-separated part of data[*at..size), copied with a NUL. */
static char *next_part(const uint8_t *data, size_t size, size_t *at)
{
	size_t start = *at < size ? *at : size, end = start;
	while (end < size && data[end])
		end++;
	char *s = malloc(end - start + 1);
	memcpy(s, data + start, end - start);
	s[end - start] = '\0';
	*at = end + 1;
	return s;
}

static void check_rule(const struct detect_rule *r)
{
	if (!r)
		return;
	FUZZ_ASSERT(r >= detect_rules && r < detect_rules + detect_rules_len, "not a rule");
	FUZZ_ASSERT(!r->label || strlen(r->label) <= DETECT_LABEL_MAX, "label too long");
	FUZZ_ASSERT(r->role >= ROLE_NONE && r->role < ROLE_COUNT, "role %d", (int)r->role);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint16_t port = (uint16_t)(data[0] << 8 | data[1]);
	size_t at = 2;
	char *comm = next_part(data, size, &at);
	char *exe = next_part(data, size, &at);
	char *cmdline = next_part(data, size, &at);

	const struct detect_rule *r = detect_process(comm, exe, cmdline, port);
	check_rule(r);
	FUZZ_ASSERT(detect_process(comm, exe, cmdline, port) == r, "not deterministic");
	char text[32], big[PROC_COMM_MAX];
	if (r && r->role == ROLE_RUNTIME) { /* "Node.js server.js", cut to fit */
		detect_runtime_label(r, cmdline, text, sizeof text);
		FUZZ_ASSERT(strncmp(text, r->label, strlen(r->label)) == 0, "%s", text);
		detect_runtime_entry(r, cmdline, text, sizeof text);
		FUZZ_ASSERT(strlen(text) < sizeof text, "entry");
	}
	if (detect_launcher(cmdline, big, sizeof big))
		FUZZ_ASSERT(strlen(big) < sizeof big && strchr(big, ' '), "launcher %s", big);
	detect_evidence(r ? r : &detect_rules[0], comm, big, sizeof big);
	(void)detect_wrapper_shell(comm, cmdline);

	size_t n = strlen(cmdline);
	char *spaced = malloc(2 * n + 3), *o = spaced;
	*o++ = ' ';
	for (size_t i = 0; i < n; i++) {
		*o++ = cmdline[i];
		if (cmdline[i] == ' ')
			*o++ = ' ';
	}
	*o++ = ' ';
	*o = '\0';
	const struct detect_rule *r2 = detect_process(comm, exe, spaced, port);
	FUZZ_ASSERT(r2 == r, "extra spaces change the match: %s -> %s",
	            r && r->label ? r->label : "(none)", r2 && r2->label ? r2->label : "(none)");
	free(spaced);
	free(cmdline);
	free(exe);
	free(comm);
	return 0;
}
