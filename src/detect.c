/* detect.c - matches a process against the rules of detect_rules.c. */
#include "detect.h"

#include <stdbool.h>
#include <stdio.h>
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

/* The first rule that matches, among the rules of role only when only_role is true. */
static const struct detect_rule *first_match(const char *comm, const char *exe, const char *cmdline,
                                             uint16_t port, bool only_role, enum detect_role role)
{
	struct words w;
	w.n = split(cmdline, w.v, WORDS_MAX);
	for (size_t i = 0; i < w.n; i++)
		w.base[i] = base_of(w.v[i]);
	w.comm = word_of(comm);
	w.exe = base_of(word_of(exe));
	for (size_t i = 0; i < detect_rules_len; i++)
		if ((!only_role || detect_rules[i].role == role) &&
		    rule_matches(&detect_rules[i], &w, exe, cmdline, port))
			return &detect_rules[i];
	return NULL;
}

const struct detect_rule *detect_process(const char *comm, const char *exe, const char *cmdline,
                                         uint16_t port)
{
	return first_match(comm, exe, cmdline, port, false, ROLE_NONE);
}

const struct detect_rule *detect_runtime(const char *comm, const char *exe, const char *cmdline)
{
	return first_match(comm, exe, cmdline, 0, true, ROLE_RUNTIME);
}

static const struct detect_runtime *runtime_of(const struct detect_rule *r)
{
	for (size_t i = 0; r->label && i < detect_runtimes_len; i++)
		if (strcmp(detect_runtimes[i].label, r->label) == 0)
			return &detect_runtimes[i];
	return NULL;
}

/* Whether option word w is one of pattern's, alone or as "--opt=value" (*inline_value). */
static bool option_is(const char *pattern, struct word w, bool *inline_value)
{
	if (!pattern)
		return false;
	const char *eq = memchr(w.s, '=', w.n);
	struct word name = eq ? (struct word){w.s, (size_t)(eq - w.s)} : w;
	*inline_value = eq != NULL;
	return name_matches(pattern, name, false);
}

/* Writes "label entry" into out, the entry cut before the first character that does not fit. */
static void label_with(char *out, size_t len, const char *label, struct word entry)
{
	int n = snprintf(out, len, "%s%s", label, label[0] ? " " : "");
	if (n < 0 || (size_t)n >= len)
		return;
	size_t o = (size_t)n;
	for (size_t i = 0; i < entry.n;) {
		unsigned char c = (unsigned char)entry.s[i];
		size_t k = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (i + k > entry.n || o + k >= len)
			break;
		memcpy(out + o, entry.s + i, k);
		o += k;
		i += k;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

/* The word naming the file a runtime runs (see detect_runtime_entry), or false. */
static bool runtime_entry(const struct detect_rule *r, const struct word *v, size_t n,
                          struct word *entry)
{
	const struct detect_runtime *rt = runtime_of(r);
	if (!rt || n == 0)
		return false;
	if (rt->program_is_file) {
		*entry = base_of(v[0]);
		return entry->n > 0;
	}
	size_t i = 1;
	/* the runtime's own word: `env node x.js`, `/usr/bin/time python3 app.py` */
	for (size_t k = 0; k < n && k < 4; k++)
		if (r->prog && name_matches(r->prog, base_of(v[k]), false)) {
			i = k + 1;
			break;
		}
	bool sub_seen = false;
	for (; i < n; i++) {
		struct word w = v[i];
		bool inline_value;
		if (w.n > 1 && w.s[0] == '-') {
			if (option_is(rt->stop_opts, w, &inline_value))
				return false;
			if (option_is(rt->module_opt, w, &inline_value)) {
				if (inline_value || i + 1 >= n)
					return false;
				*entry = base_of(v[i + 1]);
				return true;
			}
			if (option_is(rt->value_opts, w, &inline_value) && !inline_value)
				i++;
			continue;
		}
		if (!sub_seen && rt->subcommands && name_matches(rt->subcommands, w, false)) {
			sub_seen = true;
			continue;
		}
		/* the file's name, not its folder: "server.js" (base_of drops ".js": not here) */
		for (size_t k = w.n; k > 0; k--)
			if (w.s[k - 1] == '/') {
				w.s += k;
				w.n -= k;
				break;
			}
		*entry = w;
		return w.n && strspn(w.s, "0123456789") < w.n; /* a number is an option's value */
	}
	return false;
}

void detect_runtime_entry(const struct detect_rule *r, const char *cmdline, char *out, size_t len)
{
	struct word v[WORDS_MAX], entry;
	size_t n = split(cmdline, v, WORDS_MAX);
	out[0] = '\0';
	if (runtime_entry(r, v, n, &entry))
		label_with(out, len, "", entry);
}

void detect_runtime_label(const struct detect_rule *r, const char *cmdline, char *out, size_t len)
{
	struct word v[WORDS_MAX], entry;
	size_t n = split(cmdline, v, WORDS_MAX);
	snprintf(out, len, "%s", r->label ? r->label : "");
	if (runtime_entry(r, v, n, &entry))
		label_with(out, len, r->label ? r->label : "", entry);
}

/* The script a launcher runs, from the words after its program (v[prog]): "npm run dev". */
static bool launcher_script(const struct detect_launcher *ln, const struct word *v, size_t n,
                            size_t prog, char *out, size_t len)
{
	size_t i = prog + 1;
	while (i < n && v[i].n > 1 && v[i].s[0] == '-') /* `npm --silent run dev` */
		i++;
	if (i >= n)
		return false;
	struct word w = v[i];
	if (ln->run && name_matches(ln->run, w, false)) {
		if (i + 1 >= n)
			return false;
		snprintf(out, len, "%s %.*s %.*s", ln->name, (int)w.n, w.s, (int)v[i + 1].n,
		         v[i + 1].s);
		return true;
	}
	bool direct = ln->direct && name_matches(ln->direct, w, false);
	bool other = ln->any_word && !memchr(w.s, '.', w.n) && !memchr(w.s, '/', w.n) &&
	             !(ln->not_scripts && name_matches(ln->not_scripts, w, false));
	if (!direct && !other)
		return false;
	snprintf(out, len, "%s %.*s", ln->name, (int)w.n, w.s);
	return true;
}

bool detect_launcher(const char *cmdline, char *out, size_t len)
{
	struct word v[WORDS_MAX];
	size_t n = split(cmdline, v, WORDS_MAX);
	/* the program is one of the first words: `npm`, `node /usr/bin/pnpm`, `/usr/bin/env yarn`
	 */
	for (size_t k = 0; k < n && k < 3; k++)
		for (size_t j = 0; j < detect_launchers_len; j++)
			if (name_matches(detect_launchers[j].prog, base_of(v[k]), false))
				return launcher_script(&detect_launchers[j], v, n, k, out, len);
	return false;
}

bool detect_wrapper_shell(const char *comm, const char *cmdline)
{
	struct word v[3];
	size_t n = split(cmdline, v, 3);
	return name_matches("sh|bash|dash|zsh|fish|ash", word_of(comm), false) && n >= 2 &&
	       v[1].n == 2 && memcmp(v[1].s, "-c", 2) == 0;
}

void detect_evidence(const struct detect_rule *r, const char *comm, char *out, size_t len)
{
	size_t o = 0;
	out[0] = '\0';
	if (r->args[0]) {
		o = (size_t)snprintf(out, len, "command:");
		for (size_t k = 0; k < DETECT_ARGS_MAX && r->args[k] && o < len; k++) {
			size_t n = strcspn(r->args[k], "|*");
			o += (size_t)snprintf(out + o, len - o, " %.*s", (int)n, r->args[k]);
		}
	} else if (r->within) {
		snprintf(out, len, "command: …%s…", r->within);
	} else {
		snprintf(out, len, "process: %s", comm);
	}
}
