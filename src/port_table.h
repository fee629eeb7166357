/* port_table.h - what conventionally listens on a port, as static data. */
#ifndef DEVPORTS_PORT_TABLE_H
#define DEVPORTS_PORT_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "listener.h"

enum port_proto_mask { PP_TCP = 1, PP_UDP = 2, PP_BOTH = 3 };

struct port_entry {
	uint16_t port;
	uint8_t protos;      /* enum port_proto_mask */
	const char *label;   /* short, for the LABEL column: "Vite" */
	const char *details; /* everything that conventionally runs there */
};

extern const struct port_entry port_table[];
extern const size_t port_table_len;

/* The entry for a port and protocol, or NULL. Binary search: the table is sorted by port. */
const struct port_entry *port_table_find(uint16_t port, enum listener_proto proto);

#endif
