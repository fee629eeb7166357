/* ranges.h - the port ranges listeners are grouped by, as a table. */
#ifndef DEVPORTS_RANGES_H
#define DEVPORTS_RANGES_H

#include <stdint.h>

enum port_range { RANGE_WELL_KNOWN = 0, RANGE_REGISTERED, RANGE_DYNAMIC, RANGE_COUNT };

struct range_def {
	enum port_range id;
	uint16_t lo, hi;  /* inclusive */
	const char *name; /* "Well-known" */
	const char *key;  /* "well_known", for JSON */
};

extern const struct range_def ranges_table[RANGE_COUNT];

enum port_range ranges_of(uint16_t port);

#endif
