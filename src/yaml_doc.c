/* yaml_doc.c - YAML text into a cJSON tree through libyaml's events (yaml_doc.h). */
#include "yaml_doc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "sanitize.h"

struct reader {
	cJSON *root;
	cJSON *stack[YAML_DOC_DEPTH_MAX]; /* the open mappings and sequences, outermost first */
	char *key[YAML_DOC_DEPTH_MAX];    /* a mapping's key waiting for its value; NULL: none */
	size_t depth;
	size_t nodes; /* values read so far, at most YAML_DOC_NODES_MAX */
	unsigned documents;
	const char *label;
	char *err;
	size_t errlen;
};

/* The message: why, then what (text of the file: made safe to print, and cut short). */
static int fail_at(struct reader *r, const yaml_mark_t *mark, const char *why, const char *raw)
{
	char what[64] = "";
	if (raw)
		sanitize_text(what, sizeof what, raw, strlen(raw));
	if (mark)
		snprintf(r->err, r->errlen, "%s:%zu:%zu: invalid YAML: %s%s", r->label,
		         mark->line + 1, mark->column + 1, why, what);
	else
		snprintf(r->err, r->errlen, "%s: invalid YAML: %s%s", r->label, why, what);
	return -EINVAL;
}

static int no_memory(struct reader *r)
{
	snprintf(r->err, r->errlen, "%s: out of memory", r->label);
	return -ENOMEM;
}

/* Plain scalars that read as null, true and false (YAML 1.1's words as well as 1.2's). */
static const char *const null_words[] = {"", "~", "null", "Null", "NULL", NULL};
static const char *const true_words[] = {"true", "True", "TRUE", "yes", "Yes",
                                         "YES",  "on",   "On",   "ON",  NULL};
static const char *const false_words[] = {"false", "False", "FALSE", "no",  "No",
                                          "NO",    "off",   "Off",   "OFF", NULL};

static bool one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(s, *words))
			return true;
	return false;
}

/* A decimal number: [+-]digits[.digits][e[+-]digits], nothing else (no hex, inf or nan). */
static bool number_text(const char *s, double *out)
{
	const char *p = s + (*s == '+' || *s == '-');
	size_t digits = strspn(p, "0123456789");
	if (!digits)
		return false;
	p += digits;
	if (*p == '.')
		p += 1 + strspn(p + 1, "0123456789");
	if (*p == 'e' || *p == 'E') {
		p++;
		p += *p == '+' || *p == '-';
		size_t exp = strspn(p, "0123456789");
		if (!exp)
			return false;
		p += exp;
	}
	if (*p)
		return false;
	*out = strtod(s, NULL);
	return true;
}

static cJSON *scalar_value(const yaml_event_t *e)
{
	const char *text = (const char *)e->data.scalar.value;
	if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || e->data.scalar.tag)
		return cJSON_CreateString(text);
	double n;
	if (one_of(text, null_words))
		return cJSON_CreateNull();
	if (one_of(text, true_words))
		return cJSON_CreateTrue();
	if (one_of(text, false_words))
		return cJSON_CreateFalse();
	if (number_text(text, &n))
		return cJSON_CreateNumber(n);
	return cJSON_CreateString(text);
}

/* Places v (owned: freed on failure) where the reader stands: the root, an item of the open
 * sequence, or the value of the open mapping's waiting key. */
static int place(struct reader *r, cJSON *v, const yaml_mark_t *mark)
{
	if (!v)
		return no_memory(r);
	if (++r->nodes > YAML_DOC_NODES_MAX) {
		cJSON_Delete(v);
		return fail_at(r, mark, "too many values for a settings file", NULL);
	}
	if (!r->depth) {
		if (r->root) {
			cJSON_Delete(v);
			return fail_at(r, mark, "more than one value at the top", NULL);
		}
		r->root = v;
		return 0;
	}
	cJSON *top = r->stack[r->depth - 1];
	if (cJSON_IsArray(top)) {
		cJSON_AddItemToArray(top, v);
		return 0;
	}
	char *key = r->key[r->depth - 1];
	if (!key) {
		cJSON_Delete(v);
		return fail_at(
		    r, mark, "a mapping's key must be a plain value, not a list or mapping", NULL);
	}
	r->key[r->depth - 1] = NULL;
	bool ok = cJSON_AddItemToObject(top, key, v);
	free(key);
	if (!ok) {
		cJSON_Delete(v);
		return no_memory(r);
	}
	return 0;
}

static int scalar(struct reader *r, const yaml_event_t *e)
{
	const char *text = (const char *)e->data.scalar.value;
	cJSON *top = r->depth ? r->stack[r->depth - 1] : NULL;
	if (top && cJSON_IsObject(top) && !r->key[r->depth - 1]) { /* a key */
		if (cJSON_GetObjectItemCaseSensitive(top, text))
			return fail_at(r, &e->start_mark, "key given twice: ", text);
		r->key[r->depth - 1] = strdup(text);
		return r->key[r->depth - 1] ? 0 : no_memory(r);
	}
	return place(r, scalar_value(e), &e->start_mark);
}

static int open_node(struct reader *r, const yaml_event_t *e, cJSON *node)
{
	if (!node)
		return no_memory(r);
	if (r->depth == YAML_DOC_DEPTH_MAX) {
		cJSON_Delete(node);
		return fail_at(r, &e->start_mark, "nested too deep", NULL);
	}
	int rc = place(r, node, &e->start_mark);
	if (rc < 0)
		return rc;
	r->stack[r->depth] = node;
	r->key[r->depth++] = NULL;
	return 0;
}

static const yaml_char_t *anchor_of(const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_SCALAR_EVENT:
		return e->data.scalar.anchor;
	case YAML_MAPPING_START_EVENT:
		return e->data.mapping_start.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return e->data.sequence_start.anchor;
	default:
		return NULL;
	}
}

/* One event; 1 at the end of the stream. */
static int on_event(struct reader *r, const yaml_event_t *e)
{
	if (anchor_of(e) || e->type == YAML_ALIAS_EVENT)
		return fail_at(r, &e->start_mark, "anchors and aliases (& and *) are not supported",
		               NULL);
	switch (e->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (r->documents++)
			return fail_at(r, &e->start_mark, "a second document (one is read)", NULL);
		return 0;
	case YAML_SCALAR_EVENT:
		return scalar(r, e);
	case YAML_MAPPING_START_EVENT:
		return open_node(r, e, cJSON_CreateObject());
	case YAML_SEQUENCE_START_EVENT:
		return open_node(r, e, cJSON_CreateArray());
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		if (r->depth) {
			r->depth--;
			free(r->key[r->depth]); /* NULL unless the parser let a key go unpaired */
			r->key[r->depth] = NULL;
		}
		return 0;
	default:
		return 0;
	}
}

static int parser_error(struct reader *r, const yaml_parser_t *p)
{
	if (p->error == YAML_MEMORY_ERROR)
		return no_memory(r);
	const char *problem = p->problem ? p->problem : "cannot be read";
	char why[200];
	if (p->context)
		snprintf(why, sizeof why, "%s %s", problem, p->context);
	else
		snprintf(why, sizeof why, "%s", problem);
	return fail_at(r, &p->problem_mark, why, NULL);
}

int yaml_doc_parse(const char *s, size_t len, const char *label, cJSON **doc, char *err,
                   size_t errlen)
{
	*doc = NULL;
	err[0] = '\0';
	struct reader r = {.label = label, .err = err, .errlen = errlen};
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		return no_memory(&r);
	yaml_parser_set_input_string(&p, (const unsigned char *)s, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	int rc = 0;
	while (rc == 0) {
		yaml_event_t e;
		if (!yaml_parser_parse(&p, &e)) {
			rc = parser_error(&r, &p);
			break;
		}
		rc = on_event(&r, &e);
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	for (size_t i = 0; i < YAML_DOC_DEPTH_MAX; i++)
		free(r.key[i]);
	if (rc < 0) {
		cJSON_Delete(r.root);
		return rc;
	}
	*doc = r.root ? r.root : cJSON_CreateObject();
	return *doc ? 0 : no_memory(&r);
}

bool yaml_doc_is_yaml_name(const char *path)
{
	size_t n = strlen(path);
	return (n >= 4 && !strcmp(path + n - 4, ".yml")) ||
	       (n >= 5 && !strcmp(path + n - 5, ".yaml"));
}
