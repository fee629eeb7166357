/* config.h - the user's settings file, $XDG_CONFIG_HOME/devports/config.json (by default
 * ~/.config/devports/config.json), read with cJSON after the strict checker of json_check.h.
 *
 *   {"interval": 2,                         seconds between polls, 0.2 to 60
 *    "sort": "port",                        "port", "process", "pid" or "uptime"
 *    "show_udp": true,                      UDP rows shown at start
 *    "show_dynamic": false,                 the dynamic group unfolded at start
 *    "labels": {"3000": "shop-web", "5353/udp": "mDNS"},      port -> label, wins over detection
 *    "expect": {"3000": "shop-web", "8080": "~/src/api"},     port -> project name or directory
 *    "hide_ports": [631, "49152-65535"],    ports or ranges the dashboard folds away (a shows)
 *    "hide_processes": ["spotify"],         process names the dashboard folds away
 *    "watch": [5432, "3000", "8000/udp"],   ports the dashboard watches (TCP unless "/udp")
 *    "projects": {"api": {"preferred_port": 5000, "fallback_ports": [5001],
 *                         "service_type": "flask"}},   the shape of a .devports.yml (project_map.h)
 *    "health": {"services": {...}},         health checks, healthcheck.yml's shape (health_spec.h)
 *    "comment": "anything"}                 ignored
 *
 * A file whose name ends in .yml or .yaml is read as YAML into the same members (yaml_doc.h): a
 * .devports.yml can be given as the config (`--config`).
 *
 * A port key is "PORT" (TCP and UDP), "PORT/tcp" or "PORT/udp". Every member is optional. A file
 * that is not valid JSON, or a member of the wrong type, is an error: the whole file is ignored
 * and devports runs on its defaults. An unknown member is a warning and the rest is used. The
 * file is only ever read.
 */
#ifndef DEVPORTS_CONFIG_H
#define DEVPORTS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "listener.h"
#include "project_map.h"

struct cJSON;

enum {
	CONFIG_WATCH_MAX = 64,
	CONFIG_LABEL_MAX = 32,
	CONFIG_WARNINGS_MAX = 8,
	CONFIG_MESSAGE_MAX = 384
};

/* One "labels" or "expect" entry. */
struct config_port_text {
	uint16_t port;
	uint8_t protos;           /* enum port_proto_mask (port_table.h) */
	char text[PROC_PATH_MAX]; /* sanitized; a label is cut to CONFIG_LABEL_MAX - 1 bytes; an
	                             expected directory has "~/" expanded */
};

/* One "watch" entry: a port and one protocol (5432 and "5432" are TCP, "5432/udp" UDP). */
struct config_watch {
	uint16_t port;
	uint8_t proto; /* enum listener_proto */
};

struct config_range {
	uint16_t lo, hi; /* inclusive */
};

struct config {
	/* Settings; each "not set" lets the command line or the built-in default decide. */
	double interval;  /* seconds; 0 = not set */
	int sort;         /* an enum sort_mode (model.h); -1 = not set */
	int show_udp;     /* 1 or 0; -1 = not set */
	int show_dynamic; /* 1 or 0; -1 = not set */
	struct config_port_text *labels, *expect;
	size_t nlabels, nexpect;
	struct config_range *hide_ports;
	size_t nhide_ports;
	char (*hide_processes)[PROC_COMM_MAX];
	size_t nhide_processes;
	struct config_watch *watch; /* at most CONFIG_WATCH_MAX, no two alike */
	size_t nwatch;
	struct project_maps projects; /* the file's own "projects" (no folder) */
	/* The project maps in effect: the file's projects and those of every .devports.yml found
	 * (set by the front after it found them; not owned, must outlive its users); NULL: the
	 * file's own projects alone. Read it through config_maps(). */
	const struct project_maps *maps;
	struct cJSON *health; /* "health": an object, read by health_spec.h when checks are gathered
	                         (its own messages then); NULL when not given */

	/* What loading found, for messages and `devports config check`. */
	char path[PROC_PATH_MAX]; /* where the file was looked for; "" when there is nowhere */
	bool found;               /* the file exists (it may still be invalid) */
	bool empty;               /* the file holds nothing but white space: defaults, no error */
	char error[CONFIG_MESSAGE_MAX]; /* why the file was ignored ("PATH:3:1: invalid JSON: ..."),
	                                   or "" */
	char warnings[CONFIG_WARNINGS_MAX][CONFIG_MESSAGE_MAX]; /* unknown members, and so on */
	size_t nwarnings;
};

/* Everything not set, no lists, no messages. */
void config_init(struct config *c);
/* Frees the lists; *c is as after config_init. NULL-safe. */
void config_free(struct config *c);

/* Where the file is looked for: XDG/devports/config.json when xdg_config_home is an absolute path,
 * else HOME/.config/devports/config.json; "" when home is NULL or empty too. Pure. */
void config_path(char *buf, size_t len, const char *xdg_config_home, const char *home);

/* Parses the text of a config file into *c (config_init'ed or freed). `label` names it in messages
 * (the path). home expands "~/" in expected directories (NULL: left as written). Returns 0 (maybe
 * with warnings), -EINVAL (c->error says where and why; the settings are the defaults) or
 * -ENOMEM (likewise). Never prints. */
int config_parse(struct config *c, const char *text, size_t len, const char *label,
                 const char *home);

/* Reads and parses the file at path into *c. A missing file (ENOENT, or path "") is no error:
 * defaults, found false, returns 0. A file that cannot be read: c->error, a negative errno. */
int config_load(struct config *c, const char *path, const char *home);

/* Queries; c may be NULL (no config). */
/* The configured label for a port and protocol, or NULL. */
const char *config_label(const struct config *c, uint16_t port, enum listener_proto proto);
/* The expected owner (a project name, or a directory when it holds a '/'), or NULL. */
const char *config_expected(const struct config *c, uint16_t port, enum listener_proto proto);
/* The project maps in effect (maps, else the file's own projects); NULL when c is. */
const struct project_maps *config_maps(const struct config *c);
/* Whether the dashboard folds this listener away: its port is in hide_ports or its process name
 * (command name or executable's file name) is in hide_processes. */
bool config_hides(const struct config *c, const struct listener *l);

#endif
