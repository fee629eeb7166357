/* yaml_doc.h - YAML files (.devports.yml, healthcheck.yml, a YAML config) read into the same
 * cJSON tree a JSON file gives, so one schema check serves both spellings of a file.
 *
 * Built on libyaml's event parser. What a settings file needs and nothing more: one document of
 * mappings, sequences and scalars. A plain scalar that reads as a whole number or a decimal
 * becomes a number, true/false (and YAML 1.1's yes/no/on/off) a boolean, null/~/nothing a null;
 * a quoted scalar is always a string. Refused, with the file's line and column: a syntax error,
 * an alias or anchor (a small file must not grow into a large tree), a mapping key that is not a
 * scalar, a key given twice, nesting deeper than YAML_DOC_DEPTH_MAX, more than YAML_DOC_NODES_MAX
 * values, a second document, and text
 * that is not UTF-8.
 */
#ifndef DEVPORTS_YAML_DOC_H
#define DEVPORTS_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;

/* Bounds: nesting, and values in all (a key given twice is looked for among its mapping's keys,
 * so a bound on values is a bound on that work too). */
enum { YAML_DOC_DEPTH_MAX = 64, YAML_DOC_NODES_MAX = 20000 };

/* Parses the YAML text s[0..len) into *doc (cJSON_Delete it). An empty document (nothing but
 * comments) is an empty object. `label` names the text in messages and must be printable (already
 * sanitized). Returns 0, or -EINVAL with "LABEL:LINE:COLUMN: invalid YAML: why" in err (or
 * "LABEL: ..." when the position is not known), -ENOMEM likewise. *doc is NULL on error; err
 * (capacity errlen) is always NUL-terminated, "" on success. */
int yaml_doc_parse(const char *s, size_t len, const char *label, struct cJSON **doc, char *err,
                   size_t errlen);

/* Whether a file of this name is read as YAML: it ends in ".yml" or ".yaml". */
bool yaml_doc_is_yaml_name(const char *path);

#endif
