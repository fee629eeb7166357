/* fuzz_procnet.c - the /proc/net/{tcp,udp}{,6} table parser on any bytes.
 *
 * Checks: the count returned is the number of listeners added, at most one per line; every
 * listener is a sane socket with no owner, a non-zero port and a TCP/UDP protocol as asked; the
 * v6only guess marks only IPv6 wildcards; and a listener printed back as a kernel row parses to
 * the same listener.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz_check.h"
#include "procnet.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init_locale();
	return 0;
}

/* l as the kernel would print its row (each 32-bit word of the address in host order). */
static int print_row(const struct listener *l, char *buf, size_t cap)
{
	char addr[33] = "", zero[33] = "";
	size_t words = l->family == FAMILY_V4 ? 1 : 4;
	for (size_t w = 0; w < words; w++) {
		uint32_t v;
		memcpy(&v, l->addr + 4 * w, 4);
		snprintf(addr + 8 * w, 9, "%08X", (unsigned)v);
		memcpy(zero + 8 * w, "00000000", 9);
	}
	return snprintf(
	    buf, cap,
	    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
	    "   uid  timeout inode\n"
	    "   0: %s:%04X %s:0000 %02X 00000000:00000000 00:00000000 00000000 %5u "
	    "       0 %llu 1 0000000000000000 100 0 0 10 0\n",
	    addr, (unsigned)l->port, zero, l->proto == PROTO_TCP ? 0x0A : 0x07, (unsigned)l->uid,
	    (unsigned long long)l->inode);
}

static void round_trip(const struct listener *l)
{
	char row[512];
	int n = print_row(l, row, sizeof row);
	struct listener_set again = {0};
	int rc = procnet_parse(row, (size_t)n, (enum listener_proto)l->proto, &again);
	FUZZ_ASSERT(rc == 1, "a printed row gives %d listeners:\n%s", rc, row);
	const struct listener *b = &again.v[0];
	FUZZ_ASSERT(b->family == l->family && b->port == l->port && b->uid == l->uid &&
	                b->inode == l->inode && memcmp(b->addr, l->addr, 16) == 0,
	            "a printed row parses to another listener:\n%s", row);
	listener_set_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += text[i] == '\n';
	for (int proto = PROTO_TCP; proto <= PROTO_UDP; proto++) {
		struct listener_set s = {0};
		int n = procnet_parse(text, size, (enum listener_proto)proto, &s);
		FUZZ_ASSERT(n >= 0 && (size_t)n == s.n, "returned %d for %zu listeners", n, s.n);
		FUZZ_ASSERT(s.n <= lines, "%zu listeners from %zu lines", s.n, lines);
		for (size_t i = 0; i < s.n; i++) {
			const struct listener *l = &s.v[i];
			fuzz_check_socket(l, true);
			fuzz_check_no_owner(l);
			FUZZ_ASSERT(l->proto == proto, "proto %u from a %d table", l->proto, proto);
			FUZZ_ASSERT(l->port != 0, "port 0");
			FUZZ_ASSERT(!l->v6only, "v6only is the guess's to set");
			round_trip(l);
		}
		procnet_guess_v6only(&s, 0, size & 1);
		for (size_t i = 0; i < s.n; i++)
			fuzz_check_socket(&s.v[i], true);
		listener_set_free(&s);
	}
	return 0;
}
