/* detect.c - matches a process against the rules of detect_rules.c. */
#include "detect.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *const detect_role_names[ROLE_COUNT] = {
    [ROLE_NONE] = "none",       [ROLE_DEV] = "dev",         [ROLE_DATABASE] = "database",
    [ROLE_SERVICE] = "service", [ROLE_SYSTEM] = "system",   [ROLE_APP] = "app",
    [ROLE_DOCKER] = "docker",   [ROLE_AIRPLAY] = "airplay", [ROLE_RUNTIME] = "runtime",
};

/* The kernel keeps 15 bytes of a command name: one this long may have been cut. */
enum { COMM_CUT_LEN = 15, WORDS_MAX = 64 };

struct word {
	const char *s;
	size_t n;
};

/* Whether one alternative (alt[0..altn), ending in '*' for a prefix) names w. A name that may be
 * cut (`cut`) also matches an alternative it begins. */
static bool alt_matches(const char *alt, size_t altn, struct word w, bool cut)
{
	bool prefix = altn > 0 && alt[altn - 1] == '*';
	if (prefix)
		altn--;
	if (w.n >= altn && memcmp(w.s, alt, altn) == 0)
		return prefix || w.n == altn;
	return cut && w.n > 0 && w.n < altn && memcmp(w.s, alt, w.n) == 0;
}

/* Whether the pattern ("a|b|c*") names w. */
static bool name_matches(const char *pattern, struct word w, bool cut)
{
	for (const char *p = pattern;;) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (alt_matches(p, n, w, cut))
			return true;
		if (!bar)
			return false;
		p = bar + 1;
	}
}

static bool ends_with(struct word w, const char *tail)
{
	size_t n = strlen(tail);
	return w.n > n && memcmp(w.s + w.n - n, tail, n) == 0;
}

/* An argument as rules compare it: its file name, without a trailing ':' ("gunicorn: master")
 * or a JavaScript ending ("vite.js"). */
static struct word base_of(struct word w)
{
	static const char *const js[] = {".js", ".mjs", ".cjs"};
	for (size_t i = w.n; i > 0; i--)
		if (w.s[i - 1] == '/') {
			w.s += i;
			w.n -= i;
			break;
		}
	if (w.n > 1 && w.s[w.n - 1] == ':')
		w.n--;
	for (size_t i = 0; i < sizeof js / sizeof js[0]; i++)
		if (ends_with(w, js[i])) {
			w.n -= strlen(js[i]);
			break;
		}
	return w;
}

/* Splits the command line at spaces; returns the number of words (at most max). */
static size_t split(const char *cmdline, struct word *v, size_t max)
{
	size_t n = 0;
	for (const char *p = cmdline; *p && n < max;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *start = p;
		while (*p && *p != ' ')
			p++;
		v[n++] = (struct word){start, (size_t)(p - start)};
	}
	return n;
}

static struct word word_of(const char *s)
{
	return (struct word){s, strlen(s)};
}

/* A process's words as the rules compare them, worked out once for all the rules. */
struct words {
	struct word v[WORDS_MAX];    /* the command line's arguments */
	struct word base[WORDS_MAX]; /* base_of() each */
	size_t n;
	struct word comm, exe; /* the command name; the executable's base_of() */
};

static bool prog_matches(const char *pattern, const struct words *w)
{
	if (w->comm.n && name_matches(pattern, w->comm, w->comm.n == COMM_CUT_LEN))
		return true;
	if (w->exe.n && name_matches(pattern, w->exe, false))
		return true;
	return w->n > 0 && name_matches(pattern, w->base[0], false);
}

static bool args_match(const char *const *args, const struct words *w)
{
	size_t need = 0;
	while (need < DETECT_ARGS_MAX && args[need])
		need++;
	for (size_t i = 0; i + need <= w->n; i++) {
		size_t k = 0;
		while (k < need && name_matches(args[k], w->base[i + k], false))
			k++;
		if (k == need)
			return true;
	}
	return false;
}

/* The port an option gives ("--inspect", "--inspect-brk=9230", "--inspect=0.0.0.0:9230"), the
 * default when it gives none, or -1 when the option is absent. */
static long option_port(const char *opt, uint16_t fallback, const struct word *argv, size_t argc)
{
	size_t on = strlen(opt);
	for (size_t i = 0; i < argc; i++) {
		struct word w = argv[i];
		if (w.n < on || memcmp(w.s, opt, on) != 0)
			continue;
		size_t j = on;
		if (j < w.n && w.s[j] == '-') /* a variant: --inspect-brk, --inspect-wait */
			while (j < w.n && w.s[j] != '=')
				j++;
		if (j == w.n)
			return fallback;
		if (w.s[j] != '=')
			continue; /* another option that merely begins the same way */
		size_t colon = w.n;
		while (colon > j + 1 && w.s[colon - 1] != ':')
			colon--;
		size_t start = colon > j + 1 ? colon : j + 1;
		long port = 0;
		size_t digits = 0;
		for (size_t k = start; k < w.n && w.s[k] >= '0' && w.s[k] <= '9' && port <= 65535;
		     k++)
			port = port * 10 + (w.s[k] - '0'), digits++;
		return digits && start + digits == w.n ? port : fallback; /* a host alone */
	}
	return -1;
}

static bool rule_matches(const struct detect_rule *r, const struct words *w, const char *exe,
                         const char *cmdline, uint16_t port)
{
	if (r->prog && !prog_matches(r->prog, w))
		return false;
	if (r->args[0] && !args_match(r->args, w))
		return false;
	if (r->within && !strstr(cmdline, r->within) && !strstr(exe, r->within))
		return false;
	if (r->port_arg && option_port(r->port_arg, r->port_default, w->v, w->n) != port)
		return false;
	return true;
}

const struct detect_rule *detect_process(const char *comm, const char *exe, const char *cmdline,
                                         uint16_t port)
{
	struct words w;
	w.n = split(cmdline, w.v, WORDS_MAX);
	for (size_t i = 0; i < w.n; i++)
		w.base[i] = base_of(w.v[i]);
	w.comm = word_of(comm);
	w.exe = base_of(word_of(exe));
	for (size_t i = 0; i < detect_rules_len; i++)
		if (rule_matches(&detect_rules[i], &w, exe, cmdline, port))
			return &detect_rules[i];
	return NULL;
}
