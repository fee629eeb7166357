/* labels.h - what a listener is: the user's config first, then what the process is, then what
 * conventionally runs on the port. */
#ifndef DEVPORTS_LABELS_H
#define DEVPORTS_LABELS_H

#include "detect.h"
#include "listener.h"

enum label_source { LABEL_NONE = 0, LABEL_PORT, LABEL_PROCESS, LABEL_CONFIG, LABEL_SOURCE_COUNT };

struct label {
	char text[32];            /* "Vite", "PostgreSQL"; "" when nothing is known */
	enum label_source source; /* where the text came from */
	enum detect_role role;    /* what the process is (detect.h), whatever the text's source;
	                             ROLE_NONE for a hidden owner or an unknown process */
};

extern const char *const label_source_names[LABEL_SOURCE_COUNT]; /* "none", "port", "process",
                                                                    "config" */

struct config;

/* Labels one listener: a label from cfg (may be NULL) wins, then detection from the process
 * (detect.h), then the port table. A guess from the port number alone has source LABEL_PORT:
 * views show it with a "?" so it is never mistaken for a fact. Pure. */
struct label labels_for(const struct listener *l, const struct config *cfg);

#endif
