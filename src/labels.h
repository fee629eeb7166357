/* labels.h - what a listener is, from the strongest evidence there is (README "Labels"):
 *   1. the user's config file;
 *   2. the process itself: its command line, executable or title (detect.h);
 *   3. the container a docker-proxy or rootlessport row forwards into (the engine's API);
 *   4. the service_type its project declares in .devports.yml (project_map.h);
 *   5. its project's manifest, when the process runs the project's code (package.json...);
 *   6. its parent, when the parent's rule passes its label to workers and reloaded children;
 *   7. the service unit that runs it (systemd);
 *   8. the language runtime it is, with the file it runs ("Node.js server.js");
 *   9. the port table: a guess from the port number, only when the process names nothing.
 * Each step reads what the platform and the snapshot worked out about the process
 * (proc_info.manifest, .parent_label, .unit; listener.container), so labelling stays pure. */
#ifndef DEVPORTS_LABELS_H
#define DEVPORTS_LABELS_H

#include "detect.h"
#include "listener.h"

enum label_source {
	LABEL_NONE = 0,
	LABEL_PORT,      /* the port table: a guess */
	LABEL_PROCESS,   /* a rule about the process itself */
	LABEL_CONFIG,    /* the user's config */
	LABEL_MANIFEST,  /* the project's manifest */
	LABEL_PARENT,    /* the parent's rule */
	LABEL_RUNTIME,   /* the language runtime and its entry file */
	LABEL_SERVICE,   /* the service unit */
	LABEL_CONTAINER, /* the container engine */
	LABEL_PROJECT,   /* the service_type of its project's .devports.yml (project_map.h) */
	LABEL_SOURCE_COUNT
};

enum { LABEL_TEXT_MAX = 32, LABEL_FROM_MAX = 96 };

struct label {
	char text[LABEL_TEXT_MAX]; /* "Vite", "PostgreSQL"; "" when nothing is known */
	enum label_source source;  /* where the text came from */
	enum detect_role role;     /* what the process is (detect.h), whatever the text's source;
	                              ROLE_NONE for a hidden owner or an unknown process */
	/* Where the text came from, for inspect: "package.json: express", "parent: uvicorn",
	 * "port table: a guess"; "" when there is no text. */
	char from[LABEL_FROM_MAX];
};

/* "none", "port", "process", "config", "manifest", "parent", "runtime", "service",
 * "container", "project" */
extern const char *const label_source_names[LABEL_SOURCE_COUNT];

struct config;

/* Labels one listener from the evidence above, strongest first. A guess from the port number
 * alone has source LABEL_PORT: views show it with a "?" so it is never mistaken for a fact.
 * Pure. */
struct label labels_for(const struct listener *l, const struct config *cfg);

/* The label of holder i of l on its own (a worker's may come from its parent where the row's
 * comes from the lead): row is labels_for(l, cfg)'s, which a config label keeps for every
 * holder. Pure. */
struct label labels_for_holder(const struct listener *l, size_t i, const struct label *row);

#endif
