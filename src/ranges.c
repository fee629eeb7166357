/* ranges.c - well-known / registered / dynamic (IANA, RFC 6335). */
#include "ranges.h"

const struct range_def ranges_table[RANGE_COUNT] = {
    [RANGE_WELL_KNOWN] = {RANGE_WELL_KNOWN, 0, 1023, "Well-known", "well_known"},
    [RANGE_REGISTERED] = {RANGE_REGISTERED, 1024, 49151, "Registered", "registered"},
    [RANGE_DYNAMIC] = {RANGE_DYNAMIC, 49152, 65535, "Dynamic", "dynamic"},
};

enum port_range ranges_of(uint16_t port)
{
	for (int i = 0; i < RANGE_COUNT; i++)
		if (port >= ranges_table[i].lo && port <= ranges_table[i].hi)
			return ranges_table[i].id;
	return RANGE_DYNAMIC; /* unreachable: the table covers 0..65535 */
}
