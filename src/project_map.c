/* project_map.c - the ports projects declare, read from their trees (project_map.h). */
#include "project_map.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array_grow.h"
#include "sanitize.h"

static void safe(char *dst, size_t cap, const char *src)
{
	sanitize_text(dst, cap, src, strlen(src));
}

__attribute__((format(printf, 2, 3))) static void note(struct project_maps *m, const char *fmt, ...)
{
	if (m->nmessages == PROJECT_MESSAGES_MAX) {
		m->dropped++;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->messages[m->nmessages++], PROJECT_MESSAGE_MAX, fmt, ap);
	va_end(ap);
}

void project_maps_note(struct project_maps *m, const char *message)
{
	note(m, "%s", message);
}

/* A port: a whole number from 1 to 65535. */
static bool port_of(const cJSON *v, uint16_t *out)
{
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 1 && v->valuedouble <= 65535) ||
	    v->valuedouble != (double)(int)v->valuedouble)
		return false;
	*out = (uint16_t)v->valueint;
	return true;
}

/* One project's members into d; false (with a message) when one is malformed. */
static bool read_project(struct project_maps *m, const cJSON *p, struct project_decl *d,
                         const char *file)
{
	if (!cJSON_IsObject(p)) {
		note(m,
		     "%s: projects.%s: expected a mapping of preferred_port, fallback_ports and "
		     "service_type",
		     file, d->name);
		return false;
	}
	for (const cJSON *v = p->child; v; v = v->next) {
		char key[48];
		safe(key, sizeof key, v->string);
		if (!strcmp(v->string, "preferred_port")) {
			if (!cJSON_IsNull(v) && !port_of(v, &d->preferred)) {
				note(m, "%s: projects.%s.preferred_port: expected a port 1-65535",
				     file, d->name);
				return false;
			}
		} else if (!strcmp(v->string, "fallback_ports")) {
			if (cJSON_IsNull(v))
				continue;
			if (!cJSON_IsArray(v)) {
				note(m, "%s: projects.%s.fallback_ports: expected a list of ports",
				     file, d->name);
				return false;
			}
			size_t i = 0;
			for (const cJSON *e = v->child; e; e = e->next, i++) {
				uint16_t port;
				if (!port_of(e, &port)) {
					note(m,
					     "%s: projects.%s.fallback_ports: item %zu: expected a "
					     "port "
					     "1-65535",
					     file, d->name, i + 1);
					return false;
				}
				if (d->nfallback == PROJECT_FALLBACKS_MAX) {
					note(m,
					     "%s: projects.%s.fallback_ports: more than %d, the "
					     "rest "
					     "ignored",
					     file, d->name, PROJECT_FALLBACKS_MAX);
					break;
				}
				d->fallback[d->nfallback++] = port;
			}
		} else if (!strcmp(v->string, "service_type")) {
			if (cJSON_IsNull(v))
				continue;
			if (!cJSON_IsString(v)) {
				note(m,
				     "%s: projects.%s.service_type: expected a name like flask or "
				     "node",
				     file, d->name);
				return false;
			}
			safe(d->service_type, sizeof d->service_type, v->valuestring);
		} else {
			note(m,
			     "%s: projects.%s: unknown key \"%s\" ignored (known: preferred_port, "
			     "fallback_ports, service_type)",
			     file, d->name, key);
		}
	}
	if (!d->preferred && !d->nfallback && !d->service_type[0])
		note(m, "%s: projects.%s: declares no port", file, d->name);
	return true;
}

size_t project_maps_read_projects(struct project_maps *m, const cJSON *projects, const char *file,
                                  const char *dir)
{
	char label[PROC_PATH_MAX];
	safe(label, sizeof label, file);
	if (!cJSON_IsObject(projects)) {
		note(m, "%s: projects: expected a mapping of project names", label);
		return 0;
	}
	size_t added = 0;
	for (const cJSON *p = projects->child; p; p = p->next) {
		if (m->n == PROJECT_DECLS_MAX) {
			note(m, "%s: more than %d projects in all: the rest ignored", label,
			     PROJECT_DECLS_MAX);
			break;
		}
		if (!array_grow((void **)&m->v, &m->cap, m->n + 1, sizeof *m->v, 8))
			break;
		struct project_decl *d = &m->v[m->n];
		memset(d, 0, sizeof *d);
		safe(d->name, sizeof d->name, p->string);
		snprintf(d->file, sizeof d->file, "%s", label);
		safe(d->dir, sizeof d->dir, dir ? dir : "");
		if (read_project(m, p, d, label)) {
			m->n++;
			added++;
		}
	}
	return added;
}

size_t project_maps_read(struct project_maps *m, const cJSON *doc, const char *file,
                         const char *dir)
{
	char label[PROC_PATH_MAX];
	safe(label, sizeof label, file);
	if (!cJSON_IsObject(doc)) {
		note(m, "%s: expected a mapping with a projects key", label);
		return 0;
	}
	const cJSON *projects = NULL;
	for (const cJSON *v = doc->child; v; v = v->next) {
		if (!strcmp(v->string, "projects")) {
			projects = v;
		} else {
			char key[48];
			safe(key, sizeof key, v->string);
			note(m, "%s: unknown key \"%s\" ignored (known: projects)", label, key);
		}
	}
	if (!projects || cJSON_IsNull(projects))
		return 0;
	return project_maps_read_projects(m, projects, file, dir);
}

void project_maps_add_all(struct project_maps *m, const struct project_maps *src)
{
	for (size_t i = 0; src && i < src->n && m->n < PROJECT_DECLS_MAX; i++) {
		if (!array_grow((void **)&m->v, &m->cap, m->n + 1, sizeof *m->v, 8))
			return;
		m->v[m->n++] = src->v[i];
	}
	for (size_t i = 0; src && i < src->nmessages; i++)
		note(m, "%s", src->messages[i]);
}

void project_maps_clear(struct project_maps *m)
{
	if (!m)
		return;
	m->n = 0;
	m->nmessages = 0;
	m->dropped = 0;
}

void project_maps_free(struct project_maps *m)
{
	if (!m)
		return;
	free(m->v);
	memset(m, 0, sizeof *m);
}

const struct project_decl *project_maps_find(const struct project_maps *m, const char *name)
{
	for (size_t i = 0; m && i < m->n; i++)
		if (!strcmp(m->v[i].name, name))
			return &m->v[i];
	return NULL;
}

bool project_decl_has_port(const struct project_decl *d, uint16_t port)
{
	if (d->preferred == port)
		return true;
	for (size_t i = 0; i < d->nfallback; i++)
		if (d->fallback[i] == port)
			return true;
	return false;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

void project_decl_source(const struct project_decl *d, char *buf, size_t len)
{
	const char *file = base_name(d->file);
	if (d->dir[0])
		snprintf(buf, len, "%s/%s", base_name(d->dir), file);
	else
		snprintf(buf, len, "%s", file);
}

/* Whether path is dir or inside it. */
static bool within(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return n && path[0] && !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

static bool names_it(const struct project_decl *d, const struct proc_info *p)
{
	const char *names[] = {base_name(p->project_root), base_name(p->cwd)};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i][0] && !strcasecmp(names[i], d->name))
			return true;
	return false;
}

/* Whether d is the only project its file declares. */
static bool alone_in_file(const struct project_maps *m, const struct project_decl *d)
{
	for (size_t i = 0; i < m->n; i++)
		if (&m->v[i] != d && !strcmp(m->v[i].file, d->file))
			return false;
	return true;
}

const struct project_decl *project_maps_owner(const struct project_maps *m,
                                              const struct listener *l)
{
	if (!m || !m->n || l->owner_hidden || l->proto != PROTO_TCP)
		return NULL;
	const struct proc_info *p = l->proc;
	const struct project_decl *by_port = NULL, *only = NULL;
	for (size_t i = 0; i < m->n; i++) {
		const struct project_decl *d = &m->v[i];
		bool here =
		    d->dir[0] && (within(p->project_root, d->dir) || within(p->cwd, d->dir));
		if (!here && d->dir[0])
			continue;
		if (names_it(d, p))
			return d;
		if (!here)
			continue;
		if (!by_port && project_decl_has_port(d, l->port))
			by_port = d;
		if (!only && alone_in_file(m, d))
			only = d;
	}
	return by_port ? by_port : only;
}

/* service_type -> label and role; matched without regard to case. */
static const struct {
	const char *type, *label;
	enum detect_role role;
} service_types[] = {
    {"flask", "Flask", ROLE_DEV},
    {"django", "Django", ROLE_DEV},
    {"fastapi", "FastAPI", ROLE_DEV},
    {"python", "Python", ROLE_DEV},
    {"node", "Node.js", ROLE_DEV},
    {"nodejs", "Node.js", ROLE_DEV},
    {"express", "Express", ROLE_DEV},
    {"next", "Next.js", ROLE_DEV},
    {"nextjs", "Next.js", ROLE_DEV},
    {"react", "React", ROLE_DEV},
    {"vite", "Vite", ROLE_DEV},
    {"vue", "Vue", ROLE_DEV},
    {"angular", "Angular", ROLE_DEV},
    {"rails", "Rails", ROLE_DEV},
    {"ruby", "Ruby", ROLE_DEV},
    {"go", "Go", ROLE_DEV},
    {"rust", "Rust", ROLE_DEV},
    {"java", "Java", ROLE_DEV},
    {"spring", "Spring Boot", ROLE_DEV},
    {"php", "PHP", ROLE_DEV},
    {"laravel", "Laravel", ROLE_DEV},
    {"postgres", "PostgreSQL", ROLE_DATABASE},
    {"postgresql", "PostgreSQL", ROLE_DATABASE},
    {"mysql", "MySQL", ROLE_DATABASE},
    {"redis", "Redis", ROLE_DATABASE},
    {"mongodb", "MongoDB", ROLE_DATABASE},
    {"nginx", "nginx", ROLE_SERVICE},
};

void project_service_label(const char *service_type, char *buf, size_t len, enum detect_role *role)
{
	for (size_t i = 0; i < sizeof service_types / sizeof service_types[0]; i++)
		if (!strcasecmp(service_types[i].type, service_type)) {
			snprintf(buf, len, "%s", service_types[i].label);
			*role = service_types[i].role;
			return;
		}
	snprintf(buf, len, "%s", service_type);
	*role = ROLE_DEV;
}
