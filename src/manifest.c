/* manifest.c - reads project manifests for the framework they depend on (manifest.h). */
#include "manifest.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "detect.h"
#include "json_check.h"

/* ---- dependencies -> rules ---- */

/* A package name as manifests write it: letters, digits and @ / . _ - only (anything else is
 * not a name, and is never printed). */
static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '@' || c == '/' || c == '.' || c == '_' ||
	       c == '-';
}

/* Whether dep (n bytes) is what pattern names: equal, or begun by a pattern ending in '*'.
 * Python's names compare without case, '_' and '-' alike (PEP 503). */
static bool dep_is(const char *pattern, const char *dep, size_t n, bool python)
{
	size_t pn = strlen(pattern);
	bool prefix = pn && pattern[pn - 1] == '*';
	if (prefix)
		pn--;
	if (n < pn || (!prefix && n != pn))
		return false;
	for (size_t i = 0; i < pn; i++) {
		char a = pattern[i], b = dep[i];
		if (python) {
			b = (char)tolower((unsigned char)b);
			if (b == '_' || b == '.')
				b = '-';
		}
		if (a != b)
			return false;
	}
	return true;
}

/* Notes dependency dep (n bytes) of a manifest of language eco named file. */
static void consider(struct manifest *m, enum manifest_eco eco, const char *file, const char *dep,
                     size_t n)
{
	if (n == 0 || n >= MANIFEST_NAME_MAX)
		return;
	for (size_t i = 0; i < n; i++)
		if (!name_char(dep[i]))
			return;
	struct manifest_found *f = &m->found[eco];
	for (size_t i = 0; i < manifest_rules_len; i++) {
		const struct manifest_rule *r = &manifest_rules[i];
		if (f->rule && r >= f->rule)
			return; /* what was found already comes first */
		if (r->eco == eco && dep_is(r->dep, dep, n, eco == ECO_PYTHON)) {
			f->rule = r;
			snprintf(f->from, sizeof f->from, "%s: %.*s", file, (int)n, dep);
			return;
		}
	}
}

/* The name a requirement begins with: "Django>=4.2" -> "Django". */
static size_t requirement_name(const char *s, size_t n)
{
	size_t k = 0;
	while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '-' || s[k] == '_' || s[k] == '.'))
		k++;
	return k;
}

/* ---- JSON manifests: package.json, composer.json ---- */

static void json_keys(struct manifest *m, enum manifest_eco eco, const char *file, const cJSON *doc,
                      const char *member)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(doc, member), *e;
	if (!cJSON_IsObject(o))
		return;
	cJSON_ArrayForEach(e, o) if (e->string)
	    consider(m, eco, file, e->string, strlen(e->string));
}

static void package_json(struct manifest *m, const char *file, const cJSON *doc)
{
	static const char *const deps[] = {"dependencies", "devDependencies", "peerDependencies",
	                                   "optionalDependencies"};
	for (size_t i = 0; i < sizeof deps / sizeof deps[0]; i++)
		json_keys(m, ECO_NODE, file, doc, deps[i]);
	const cJSON *main = cJSON_GetObjectItemCaseSensitive(doc, "main"), *e;
	if (cJSON_IsString(main))
		snprintf(m->main, sizeof m->main, "%s", main->valuestring);
	const cJSON *scripts = cJSON_GetObjectItemCaseSensitive(doc, "scripts");
	size_t o = strlen(m->scripts);
	if (cJSON_IsObject(scripts))
		cJSON_ArrayForEach(e, scripts) if (cJSON_IsString(e) && o < sizeof m->scripts) o +=
		    (size_t)snprintf(m->scripts + o, sizeof m->scripts - o, "%s\n", e->valuestring);
}

static int parse_json(struct manifest *m, enum manifest_kind kind, const char *file,
                      const char *text, size_t len, char *why, size_t whylen)
{
	cJSON *doc = NULL;
	if (json_check_parse(text, len, file, &doc, why, whylen) < 0)
		return -EINVAL;
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		snprintf(why, whylen, "%s: not a JSON object", file);
		return -EINVAL;
	}
	if (kind == MANIFEST_PACKAGE_JSON) {
		package_json(m, file, doc);
	} else {
		json_keys(m, ECO_PHP, file, doc, "require");
		json_keys(m, ECO_PHP, file, doc, "require-dev");
	}
	cJSON_Delete(doc);
	return 0;
}

/* ---- line-based manifests ---- */

struct line {
	const char *s;
	size_t n;
};

/* The next line of text[*at..len), without its end and surrounding blanks; false at the end. */
static bool next_line(const char *text, size_t len, size_t *at, struct line *out)
{
	if (*at >= len)
		return false;
	const char *s = text + *at;
	const char *nl = memchr(s, '\n', len - *at);
	size_t n = nl ? (size_t)(nl - s) : len - *at;
	*at += n + (nl != NULL);
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	*out = (struct line){s, n};
	return true;
}

static bool starts(struct line l, const char *word)
{
	size_t n = strlen(word);
	return l.n >= n && memcmp(l.s, word, n) == 0;
}

/* The first quoted string of l ('...' or "..."), or false. */
static bool quoted(struct line l, struct line *out)
{
	for (size_t i = 0; i < l.n; i++)
		if (l.s[i] == '"' || l.s[i] == '\'') {
			const char *end = memchr(l.s + i + 1, l.s[i], l.n - i - 1);
			if (!end)
				return false;
			*out = (struct line){l.s + i + 1, (size_t)(end - l.s - i - 1)};
			return true;
		}
	return false;
}

static void requirements(struct manifest *m, const char *file, const char *text, size_t len)
{
	struct line l;
	for (size_t at = 0; next_line(text, len, &at, &l);)
		if (l.n && l.s[0] != '#' && l.s[0] != '-')
			consider(m, ECO_PYTHON, file, l.s, requirement_name(l.s, l.n));
}

static void gemfile(struct manifest *m, const char *file, const char *text, size_t len)
{
	struct line l, name;
	for (size_t at = 0; next_line(text, len, &at, &l);)
		if (starts(l, "gem") && l.n > 3 && (l.s[3] == ' ' || l.s[3] == '(') &&
		    quoted(l, &name))
			consider(m, ECO_RUBY, file, name.s, name.n);
}

/* The last element of a Go module path that is not a major version: "example.com/api/v2" ->
 * "api". */
static void go_name(struct manifest *m, struct line path)
{
	size_t end = path.n;
	for (int round = 0; round < 2; round++) {
		size_t start = end;
		while (start > 0 && path.s[start - 1] != '/')
			start--;
		size_t digits = 0;
		while (start + 1 + digits < end &&
		       isdigit((unsigned char)path.s[start + 1 + digits]))
			digits++;
		bool version =
		    end - start >= 2 && path.s[start] == 'v' && digits == end - start - 1;
		if (!version || start == 0) {
			snprintf(m->name[ECO_GO], sizeof m->name[ECO_GO], "%.*s",
			         (int)(end - start), path.s + start);
			return;
		}
		end = start - 1;
	}
}

static void go_mod(struct manifest *m, const char *file, const char *text, size_t len)
{
	struct line l;
	bool block = false;
	for (size_t at = 0; next_line(text, len, &at, &l);) {
		if (block && l.n && l.s[0] == ')') {
			block = false;
			continue;
		}
		if (starts(l, "require (")) {
			block = true;
			continue;
		}
		struct line path = l;
		if (starts(l, "module ") || (starts(l, "require ") && !block)) {
			size_t skip = l.s[0] == 'm' ? 7 : 8;
			path = (struct line){l.s + skip, l.n - skip};
		} else if (!block) {
			continue;
		}
		while (path.n && path.s[0] == ' ')
			path.s++, path.n--;
		size_t n = 0;
		while (n < path.n && !isspace((unsigned char)path.s[n]))
			n++;
		path.n = n;
		if (starts(l, "module ")) {
			size_t ok = 0;
			while (ok < n && name_char(path.s[ok]))
				ok++;
			if (n && ok == n)
				go_name(m, path);
		} else {
			consider(m, ECO_GO, file, path.s, n);
		}
	}
}

/* The TOML manifests (pyproject.toml, Pipfile, Cargo.toml), read as far as dependencies go:
 * [section] headers, `key = value` lines, and the strings of arrays (on one line or several). */
struct toml_reader {
	struct manifest *m;
	enum manifest_kind kind;
	const char *file;
};

static bool section_is(struct line sec, const char *name)
{
	return sec.n == strlen(name) && memcmp(sec.s, name, sec.n) == 0;
}

/* Whether sec ends with ".dependencies" or is "dependencies"-like for Cargo and Poetry. */
static bool ends_with(struct line sec, const char *tail)
{
	size_t n = strlen(tail);
	return sec.n >= n && memcmp(sec.s + sec.n - n, tail, n) == 0;
}

/* A key of section sec names a dependency. */
static void toml_key(struct toml_reader *t, struct line sec, struct line key)
{
	enum manifest_eco eco = manifest_kind_eco[t->kind];
	bool deps = false;
	if (t->kind == MANIFEST_PIPFILE)
		deps = section_is(sec, "packages") || section_is(sec, "dev-packages");
	else if (t->kind == MANIFEST_CARGO)
		deps = ends_with(sec, "dependencies");
	else /* Poetry: tool.poetry.dependencies, tool.poetry.group.dev.dependencies */
		deps = starts(sec, "tool.poetry.") && ends_with(sec, "dependencies");
	if (deps && !(eco == ECO_PYTHON && key.n == 6 && memcmp(key.s, "python", 6) == 0))
		consider(t->m, eco, t->file, key.s, key.n);
}

/* A string of an array under key of section sec. */
static void toml_item(struct toml_reader *t, struct line sec, struct line key, struct line item)
{
	if (t->kind != MANIFEST_PYPROJECT)
		return;
	bool deps =
	    (section_is(sec, "project") && key.n == 12 && memcmp(key.s, "dependencies", 12) == 0) ||
	    section_is(sec, "project.optional-dependencies") ||
	    section_is(sec, "dependency-groups");
	if (deps)
		consider(t->m, ECO_PYTHON, t->file, item.s, requirement_name(item.s, item.n));
}

/* The strings of l (part of an array) to toml_item; returns whether the array closed on l. */
static bool toml_strings(struct toml_reader *t, struct line sec, struct line key, struct line l)
{
	for (size_t i = 0; i < l.n; i++) {
		char c = l.s[i];
		if (c == '#')
			return false;
		if (c == ']')
			return true;
		if (c == '"' || c == '\'') {
			const char *end = memchr(l.s + i + 1, c, l.n - i - 1);
			if (!end)
				return false;
			toml_item(t, sec, key,
			          (struct line){l.s + i + 1, (size_t)(end - l.s - i - 1)});
			i = (size_t)(end - l.s);
		}
	}
	return false;
}

static void toml(struct toml_reader *t, const char *text, size_t len)
{
	struct line l, sec = {"", 0}, key = {"", 0};
	bool in_array = false;
	for (size_t at = 0; next_line(text, len, &at, &l);) {
		if (in_array) {
			in_array = !toml_strings(t, sec, key, l);
			continue;
		}
		if (!l.n || l.s[0] == '#')
			continue;
		if (l.s[0] == '[') {
			size_t open = l.n > 1 && l.s[1] == '[' ? 2 : 1;
			const char *close = memchr(l.s, ']', l.n);
			if (!close)
				continue;
			sec = (struct line){l.s + open, (size_t)(close - l.s) - open};
			/* [dependencies.axum]: a dependency as its own table */
			if (t->kind == MANIFEST_CARGO && starts(sec, "dependencies.")) {
				toml_key(t, (struct line){"dependencies", 12},
				         (struct line){sec.s + 13, sec.n - 13});
				sec = (struct line){"", 0};
			}
			continue;
		}
		const char *eq = memchr(l.s, '=', l.n);
		if (!eq)
			continue;
		key = (struct line){l.s, (size_t)(eq - l.s)};
		while (key.n && isspace((unsigned char)key.s[key.n - 1]))
			key.n--;
		if (key.n >= 2 && (key.s[0] == '"' || key.s[0] == '\'') &&
		    key.s[key.n - 1] == key.s[0])
			key = (struct line){key.s + 1, key.n - 2};
		struct line value = {eq + 1, l.n - (size_t)(eq + 1 - l.s)};
		while (value.n && isspace((unsigned char)value.s[0]))
			value.s++, value.n--;
		toml_key(t, sec, key);
		if (t->kind == MANIFEST_CARGO && section_is(sec, "package") && key.n == 4 &&
		    memcmp(key.s, "name", 4) == 0) {
			struct line name;
			if (quoted(value, &name) && name.n && name.n < MANIFEST_NAME_MAX &&
			    requirement_name(name.s, name.n) == name.n)
				snprintf(t->m->name[ECO_RUST], MANIFEST_NAME_MAX, "%.*s",
				         (int)name.n, name.s);
		}
		if (value.n && value.s[0] == '[')
			in_array =
			    !toml_strings(t, sec, key, (struct line){value.s + 1, value.n - 1});
	}
}

int manifest_parse(struct manifest *m, enum manifest_kind kind, const char *file, const char *text,
                   size_t len, char *why, size_t whylen)
{
	why[0] = '\0';
	if ((unsigned)kind >= MANIFEST_KIND_COUNT)
		return -EINVAL;
	if (kind == MANIFEST_PACKAGE_JSON || kind == MANIFEST_COMPOSER) {
		struct manifest copy = *m; /* unchanged on error */
		int rc = parse_json(&copy, kind, file, text, len, why, whylen);
		if (rc == 0)
			*m = copy;
		else
			return rc;
	} else if (kind == MANIFEST_REQUIREMENTS) {
		requirements(m, file, text, len);
	} else if (kind == MANIFEST_GEMFILE) {
		gemfile(m, file, text, len);
	} else if (kind == MANIFEST_GO_MOD) {
		go_mod(m, file, text, len);
	} else {
		struct toml_reader t = {m, kind, file};
		toml(&t, text, len);
	}
	m->has[manifest_kind_eco[kind]] = true;
	return 0;
}

/* ---- does a process run the project's code? ---- */

/* Whether word (a file name) appears in text as a file: after a blank, '/' or the start, and
 * before a blank, a quote or the end ("node server.js", "nodemon src/server.js"). */
static bool names_file(const char *text, const char *word)
{
	size_t n = strlen(word);
	if (n == 0)
		return false;
	for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
		char before = p == text ? ' ' : p[-1], after = p[n];
		if ((isspace((unsigned char)before) || before == '/' || before == '"' ||
		     before == '\'') &&
		    (after == '\0' || isspace((unsigned char)after) || after == '"' ||
		     after == '\'' || after == ';' || after == '&'))
			return true;
	}
	return false;
}

static const char *file_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* The language of a runtime rule's label, or ECO_COUNT. */
static enum manifest_eco runtime_eco(const char *label)
{
	static const struct {
		const char *label;
		enum manifest_eco eco;
	} map[] = {{"Node.js", ECO_NODE},  {"Deno", ECO_NODE}, {"Bun", ECO_NODE},
	           {"Python", ECO_PYTHON}, {"Ruby", ECO_RUBY}, {"PHP", ECO_PHP},
	           {"Go", ECO_GO}};
	for (size_t i = 0; label && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].label, label) == 0)
			return map[i].eco;
	return ECO_COUNT;
}

/* Whether path lies inside the folder root. */
static bool inside(const char *path, const char *root)
{
	size_t n = strlen(root);
	return n > 1 && strncmp(path, root, n) == 0 && path[n] == '/';
}

bool manifest_match(const struct manifest *m, const struct proc_info *p, char *label,
                    size_t labellen, char *from, size_t fromlen)
{
	const char *root = p->project_root ? p->project_root : "";
	/* a process some other rule names is labelled by it whatever its manifest says
	 * (labels.h): only its language matters here */
	const struct detect_rule *r = detect_runtime(p->comm, p->exe, p->cmdline);
	enum manifest_eco eco = ECO_COUNT;
	char entry[MANIFEST_NAME_MAX] = "";
	if (r) {
		eco = runtime_eco(r->label);
		detect_runtime_entry(r, p->cmdline, entry, sizeof entry);
	} else if (root[0] && inside(p->exe, root)) { /* a compiled server of the project */
		eco = m->has[ECO_GO] ? ECO_GO : m->has[ECO_RUST] ? ECO_RUST : ECO_COUNT;
	}
	if (eco == ECO_COUNT || !m->has[eco])
		return false;
	if (eco == ECO_NODE) {
		const char *main = m->main[0] ? file_name(m->main) : "index.js";
		bool runs =
		    (p->launcher && p->launcher[0]) ||
		    (entry[0] && (strcmp(entry, main) == 0 || names_file(m->scripts, entry)));
		if (!runs)
			return false;
	} else if (eco == ECO_PYTHON || eco == ECO_RUBY || eco == ECO_PHP) {
		if (!entry[0])
			return false; /* `python -c`: a worker, whose parent may say more */
	}
	const struct manifest_found *f = &m->found[eco];
	if (f->rule) {
		snprintf(label, labellen, "%s", f->rule->label);
		snprintf(from, fromlen, "%s", f->from);
		return true;
	}
	if ((eco == ECO_GO || eco == ECO_RUST) && m->name[eco][0]) {
		snprintf(label, labellen, "%s %s", eco == ECO_GO ? "Go" : "Rust", m->name[eco]);
		snprintf(from, fromlen, "%s: %s", eco == ECO_GO ? "go.mod" : "Cargo.toml",
		         m->name[eco]);
		return true;
	}
	return false;
}
