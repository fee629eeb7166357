/* project_files.c - a project folder's settings files, read once per change (project_files.h),
 * and the walk over a snapshot's project folders (platform_project_files, platform.h). */
#include "project_files.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hash.h"
#include "json_check.h"
#include "project_map.h"
#include "project_root.h"
#include "sanitize.h"
#include "small_file.h"
#include "yaml_doc.h"

const struct project_file_name project_file_names[] = {
    {".devports.yml", PROJECT_FILE_MAP},       {".devports.yaml", PROJECT_FILE_MAP},
    {".devports.json", PROJECT_FILE_MAP},      {"healthcheck.yml", PROJECT_FILE_HEALTH},
    {"healthcheck.yaml", PROJECT_FILE_HEALTH}, {NULL, PROJECT_FILE_MAP},
};
enum { NAMES = sizeof project_file_names / sizeof project_file_names[0] - 1, ERROR_MAX = 320 };

struct slot {
	uint64_t stamp; /* 0: absent */
	cJSON *doc;
	char error[ERROR_MAX];
};

struct folder {
	char *dir; /* NULL: a free entry */
	uint64_t hash;
	double recheck_at, used_at;
	struct slot files[NAMES];
};

static struct folder folders[PROJECT_FILES_DIRS_MAX];
static unsigned long reads;

unsigned long project_files_reads(void)
{
	return reads;
}

static void forget(struct folder *f)
{
	free(f->dir);
	for (size_t i = 0; i < NAMES; i++)
		cJSON_Delete(f->files[i].doc);
	memset(f, 0, sizeof *f);
}

void project_files_clear(void)
{
	for (size_t i = 0; i < PROJECT_FILES_DIRS_MAX; i++)
		forget(&folders[i]);
}

/* The file's stamp: its size, modification time, inode and type; 0 when it is absent. */
static uint64_t stamp_of(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return 0;
	uint64_t f[] = {(uint64_t)st.st_size, (uint64_t)st.st_mtime, (uint64_t)st.st_ino,
	                (uint64_t)st.st_mode, (uint64_t)st.st_dev};
	uint64_t h = HASH_SEED;
	for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
		h = hash_u64(h, f[k]);
	return h ? h : 1;
}

static void load(struct slot *s, const char *path, const char *label)
{
	cJSON_Delete(s->doc);
	s->doc = NULL;
	s->error[0] = '\0';
	char *text = NULL;
	size_t len = 0;
	int rc = small_file_read(path, PROJECT_FILE_MAX, &text, &len);
	if (rc < 0) {
		char why[96];
		small_file_why(rc, PROJECT_FILE_MAX, why, sizeof why);
		snprintf(s->error, sizeof s->error, "%s: %s", label, why);
		return;
	}
	reads++;
	if (yaml_doc_is_yaml_name(path))
		yaml_doc_parse(text, len, label, &s->doc, s->error, sizeof s->error);
	else
		json_check_parse(text, len, label, &s->doc, s->error, sizeof s->error);
	free(text);
}

static struct folder *folder_for(const char *dir, double now)
{
	uint64_t h = hash_str(HASH_SEED, dir);
	struct folder *free_one = NULL, *oldest = &folders[0];
	for (size_t i = 0; i < PROJECT_FILES_DIRS_MAX; i++) {
		struct folder *f = &folders[i];
		if (!f->dir) {
			if (!free_one)
				free_one = f;
			continue;
		}
		if (f->hash == h && !strcmp(f->dir, dir))
			return f;
		if (oldest->dir && f->used_at < oldest->used_at)
			oldest = f;
	}
	struct folder *f = free_one ? free_one : oldest;
	forget(f);
	if (!(f->dir = strdup(dir)))
		return NULL;
	f->hash = h;
	f->recheck_at = now; /* looked at now */
	return f;
}

uint64_t project_files_in(const char *dir, double now,
                          void (*each)(const struct project_file *f, void *ctx), void *ctx)
{
	uint64_t found = HASH_SEED;
	if (!dir || !dir[0])
		return found;
	struct folder *f = folder_for(dir, now);
	if (!f)
		return found;
	f->used_at = now;
	char path[PATH_MAX], label[PATH_MAX];
	bool look = now >= f->recheck_at;
	if (look)
		f->recheck_at = now + PROJECT_FILES_RECHECK_SECONDS;
	for (size_t i = 0; i < NAMES; i++) {
		struct slot *s = &f->files[i];
		snprintf(path, sizeof path, "%s/%s", dir, project_file_names[i].name);
		if (look) {
			uint64_t stamp = stamp_of(path);
			if (stamp != s->stamp) {
				s->stamp = stamp;
				if (stamp) {
					sanitize_text(label, sizeof label, path, strlen(path));
					load(s, path, label);
				} else {
					cJSON_Delete(s->doc);
					s->doc = NULL;
					s->error[0] = '\0';
				}
			}
		}
		if (!s->stamp)
			continue;
		found = hash_u64(hash_str(found, path), s->stamp);
		if (each)
			each(&(struct project_file){project_file_names[i].kind, dir, path, s->doc,
			                            s->error},
			     ctx);
	}
	return found;
}

/* The folders of one walk, each once: a set of strings by hash (open addressing). */
enum { SEEN_SLOTS = 1024 };
struct seen {
	const char *v[SEEN_SLOTS];
	size_t n;
};

/* Whether dir is new to the set (then it is added); a full set says every folder is new. */
static bool first_time(struct seen *s, const char *dir)
{
	if (s->n >= SEEN_SLOTS / 2)
		return true;
	for (size_t i = hash_mix(hash_str(HASH_SEED, dir)) % SEEN_SLOTS;;
	     i = (i + 1) % SEEN_SLOTS) {
		if (!s->v[i]) {
			s->v[i] = dir;
			s->n++;
			return true;
		}
		if (!strcmp(s->v[i], dir))
			return false;
	}
}

uint64_t platform_project_files(struct platform *p, const struct snapshot *s, const char *cwd,
                                void (*each)(const struct project_file *f, void *ctx), void *ctx)
{
	(void)p;
	double now = platform_monotonic();
	struct seen *seen = calloc(1, sizeof *seen);
	uint64_t h = HASH_SEED;
	char root[PATH_MAX];
	const char *dirs[2] = {cwd, NULL};
	if (cwd && cwd[0] && project_root_find(cwd, root, sizeof root) == 0)
		dirs[1] = root;
	for (size_t i = 0; i < 2; i++)
		if (dirs[i] && dirs[i][0] && (!seen || first_time(seen, dirs[i])))
			h = hash_u64(h, project_files_in(dirs[i], now, each, ctx));
	for (size_t i = 0; s && i < s->set.n; i++) {
		const struct listener *l = &s->set.v[i];
		for (size_t k = 0; k < l->nholders; k++) {
			const char *dir = l->holders[k]->project_root;
			if (dir && dir[0] && (!seen || first_time(seen, dir)))
				h = hash_u64(h, project_files_in(dir, now, each, ctx));
		}
	}
	free(seen);
	return h;
}

static void add_map(const struct project_file *f, void *ctx)
{
	struct project_maps *out = ctx;
	if (f->kind != PROJECT_FILE_MAP)
		return;
	if (f->doc)
		project_maps_read(out, f->doc, f->path, f->dir);
	else
		project_maps_note(out, f->error);
}

uint64_t platform_project_maps(struct platform *p, const struct snapshot *s, const char *cwd,
                               const struct project_maps *base, struct project_maps *out)
{
	project_maps_clear(out);
	project_maps_add_all(out, base);
	return platform_project_files(p, s, cwd, add_map, out);
}
