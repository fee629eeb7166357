/* manifest.h - what a project's manifests say runs in it: package.json, pyproject.toml,
 * requirements*.txt, Pipfile, Gemfile, composer.json, go.mod and Cargo.toml, read for the
 * framework they depend on (a table in manifest_rules.c, most specific first), and whether a
 * process runs the project's code (manifest_match).
 *
 * Pure: the platform layer reads the files (platform/common/manifest_cache.h) and hands their
 * text here. A manifest that cannot be parsed adds nothing, and says why. */
#ifndef DEVPORTS_MANIFEST_H
#define DEVPORTS_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "listener.h"

/* The language a manifest is about. */
enum manifest_eco { ECO_NODE = 0, ECO_PYTHON, ECO_RUBY, ECO_PHP, ECO_GO, ECO_RUST, ECO_COUNT };

enum manifest_kind {
	MANIFEST_PACKAGE_JSON = 0, /* package.json */
	MANIFEST_PYPROJECT,        /* pyproject.toml */
	MANIFEST_REQUIREMENTS,     /* requirements.txt, requirements-dev.txt... */
	MANIFEST_PIPFILE,          /* Pipfile */
	MANIFEST_GEMFILE,          /* Gemfile */
	MANIFEST_COMPOSER,         /* composer.json */
	MANIFEST_GO_MOD,           /* go.mod */
	MANIFEST_CARGO,            /* Cargo.toml */
	MANIFEST_KIND_COUNT
};

/* Each kind's file name ("requirements.txt" stands for every requirements*.txt) and language. */
extern const char *const manifest_file_names[MANIFEST_KIND_COUNT];
extern const enum manifest_eco manifest_kind_eco[MANIFEST_KIND_COUNT];

/* One rule: a dependency that says what the project is. */
struct manifest_rule {
	enum manifest_eco eco;
	const char *dep;   /* a package name; one that ends in '*' matches every name it begins */
	const char *label; /* "Express", at most DETECT_LABEL_MAX bytes */
};
extern const struct manifest_rule manifest_rules[];
extern const size_t manifest_rules_len;

enum { MANIFEST_FROM_MAX = 80, MANIFEST_NAME_MAX = 48, MANIFEST_SCRIPTS_MAX = 2048 };

/* What one project's manifests say, language by language. */
struct manifest {
	struct manifest_found {
		const struct manifest_rule
		    *rule;                    /* the first rule (table order) a dependency met */
		char from[MANIFEST_FROM_MAX]; /* "package.json: express" */
	} found[ECO_COUNT];
	bool has[ECO_COUNT];                     /* a manifest of this language was read */
	char name[ECO_COUNT][MANIFEST_NAME_MAX]; /* go.mod's module, Cargo.toml's package name */
	char main[MANIFEST_NAME_MAX];            /* package.json's main, "" when it has none */
	char scripts[MANIFEST_SCRIPTS_MAX]; /* package.json's scripts' commands, '\n' between */
};

/* Reads one manifest's text (text[0..len), need not be NUL-terminated) into m, which holds what
 * the project's other manifests said (start from a zeroed one): a dependency found here counts
 * when its rule comes before what m found for the language. file is the file's name, for the
 * evidence ("requirements-dev.txt"). Returns 0, or -EINVAL with a short reason in why (capacity
 * whylen): the text is not what the kind says (invalid JSON); m is then unchanged. */
int manifest_parse(struct manifest *m, enum manifest_kind kind, const char *file, const char *text,
                   size_t len, char *why, size_t whylen);

/* Whether p runs its project's code as m describes it, and what it is then: *label ("Express",
 * "Go api") into label (capacity labellen), and the evidence ("package.json: express") into from.
 * - Node.js (and Deno, Bun): the file it runs is package.json's main or is named in a script,
 *   or a package script started it (p->launcher);
 * - Python, Ruby, PHP: it runs a file or a module (not `python -c`);
 * - Go, Rust: its executable lies inside the project (p->project_root).
 * The language is told by its runtime (detect.h). Pure. */
bool manifest_match(const struct manifest *m, const struct proc_info *p, char *label,
                    size_t labellen, char *from, size_t fromlen);

#endif
