/* labels.h - what a listener is: from the process when it can be recognised, else the port. */
#ifndef DEVPORTS_LABELS_H
#define DEVPORTS_LABELS_H

#include "listener.h"

enum label_source { LABEL_NONE = 0, LABEL_PORT, LABEL_PROCESS, LABEL_CONFIG };

struct label {
	char text[32];            /* "Vite", "PostgreSQL"; "" when nothing is known */
	enum label_source source; /* where it came from */
};

extern const char *const label_source_names[]; /* "none", "port", "process", "config" */

/* Labels one listener. A guess from the port number alone has source LABEL_PORT: views show it
 * with a "?" so it is never mistaken for a fact. */
struct label labels_for(const struct listener *l);

#endif
