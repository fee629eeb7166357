/* fuzz_sockdiag.c - the netlink sock_diag message walker on any bytes, as one received datagram.
 *
 * The bytes are copied one byte past an aligned address, so a walker that casts instead of
 * copying is caught by the alignment check. Checks: the result is 1 (done), 0 (more to come) or a
 * negative errno the rest of devports can print; every listener is a sane socket with no owner, a
 * non-zero port, the protocol asked for, and v6only only on the IPv6 wildcard; there are no more
 * listeners than whole messages.
 */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "sockdiag.h"

enum { MAX_ERRNO = 4095 }; /* the kernel's errno values are 1..4095 */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init_locale();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy + 1, data, size);
	for (int proto = PROTO_TCP; proto <= PROTO_UDP; proto++) {
		struct listener_set s = {0};
		int rc = sockdiag_parse(copy + 1, size, (enum listener_proto)proto, &s);
		FUZZ_ASSERT(rc == 0 || rc == 1 || (rc < 0 && rc >= -MAX_ERRNO),
		            "returned %d: not 0, 1 or an errno", rc);
		FUZZ_ASSERT(s.n <= size / NLMSG_LENGTH(sizeof(struct inet_diag_msg)),
		            "%zu listeners from %zu bytes", s.n, size);
		for (size_t i = 0; i < s.n; i++) {
			const struct listener *l = &s.v[i];
			fuzz_check_socket(l, true);
			fuzz_check_no_owner(l);
			FUZZ_ASSERT(l->proto == proto, "proto %u from a %d dump", l->proto, proto);
			FUZZ_ASSERT(l->port != 0, "port 0");
		}
		listener_set_free(&s);
	}
	free(copy);
	return 0;
}
