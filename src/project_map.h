/* project_map.h - the ports a project declares for itself, in the shape of the `.devports.yml`
 * that port-conflict guides keep in each repository (or `.devports.json`, or the `projects`
 * section of the config file):
 *
 *   projects:
 *     api-gateway:
 *       preferred_port: 5000
 *       fallback_ports: [5001, 5002, 5100]
 *       service_type: flask
 *
 * A project's ports are expectations: a port it declares held by something else is flagged
 * (hints.h: unexpected_owner), a project running on a fallback while its preferred port is taken
 * says by whom (on_fallback); its service_type is label evidence (labels.h); the dashboard can
 * show its ports as "down" rows when it is not running; `free --project` allocates a port from
 * them. Pure: the trees come in parsed (project_files.h finds and reads the files).
 */
#ifndef DEVPORTS_PROJECT_MAP_H
#define DEVPORTS_PROJECT_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect.h"
#include "listener.h"

struct cJSON;

enum {
	PROJECT_NAME_MAX = 64,
	PROJECT_TYPE_MAX = 32,
	PROJECT_FALLBACKS_MAX = 16,
	PROJECT_DECLS_MAX = 256,  /* projects kept in all */
	PROJECT_MESSAGES_MAX = 8, /* problems kept (the first ones) */
	PROJECT_MESSAGE_MAX = 320,
};

/* One project's declaration. Text sanitized. */
struct project_decl {
	char name[PROJECT_NAME_MAX]; /* "api-gateway" */
	uint16_t preferred;          /* 0: none */
	uint16_t fallback[PROJECT_FALLBACKS_MAX];
	size_t nfallback;
	char service_type[PROJECT_TYPE_MAX]; /* "flask" as written; "" for none */
	char file[PROC_PATH_MAX];            /* the file that declares it */
	char dir[PROC_PATH_MAX];             /* its folder; "" for the config file's section */
};

struct project_maps {
	struct project_decl *v;
	size_t n, cap;
	char messages[PROJECT_MESSAGES_MAX][PROJECT_MESSAGE_MAX]; /* problems, in order */
	size_t nmessages;
	size_t dropped; /* problems past PROJECT_MESSAGES_MAX */
};

/* Reads a project file's whole tree (its `projects` member; other members are warned about):
 * every well-formed project is added; a malformed one is left out with a message naming the file
 * and the key ("shop/.devports.yml: projects.api.fallback_ports: item 2: expected a port
 * 1-65535"). dir is the file's folder ("" for none). Returns how many projects were added. */
size_t project_maps_read(struct project_maps *m, const struct cJSON *doc, const char *file,
                         const char *dir);
/* The same for a `projects` object alone (the config file's section). */
size_t project_maps_read_projects(struct project_maps *m, const struct cJSON *projects,
                                  const char *file, const char *dir);
/* Adds a problem found elsewhere (a file that could not be parsed: its error). */
void project_maps_note(struct project_maps *m, const char *message);
/* Adds copies of every declaration of src. */
void project_maps_add_all(struct project_maps *m, const struct project_maps *src);
/* Empties m, keeping its memory; project_maps_free frees it. Both NULL-safe. */
void project_maps_clear(struct project_maps *m);
void project_maps_free(struct project_maps *m);

/* The first declaration of that name, or NULL. m may be NULL. */
const struct project_decl *project_maps_find(const struct project_maps *m, const char *name);
/* Whether d declares port (preferred or fallback). */
bool project_decl_has_port(const struct project_decl *d, uint16_t port);
/* "shop/.devports.yml": the file named by its folder's name, for short messages. */
void project_decl_source(const struct project_decl *d, char *buf, size_t len);

/* The declaration the listener runs as, or NULL: a TCP listener with a known owner whose project
 * root (or working directory) lies in the declaring file's folder, and that the declaration
 * names: by the project folder's name, else by one of its ports, else as the folder's only
 * project. A declaration from the config file (no folder) names a listener by its project
 * folder's name only. m may be NULL. */
const struct project_decl *project_maps_owner(const struct project_maps *m,
                                              const struct listener *l);

/* What a service_type says, as a label: "flask" -> "Flask", "node" -> "Node.js", "postgres" ->
 * "PostgreSQL"; a type not in the table is shown as written. *role is the role it implies. */
void project_service_label(const char *service_type, char *buf, size_t len, enum detect_role *role);

#endif
