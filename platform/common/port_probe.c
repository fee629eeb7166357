/* port_probe.c - a TCP port is free when bind() says so on every local address that matters. */
#include "port_probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const struct {
	int family;
	const char *addr;
} probe_addrs[] = {
    {AF_INET, "127.0.0.1"},
    {AF_INET6, "::1"},
    {AF_INET, "0.0.0.0"},
    {AF_INET6, "::"},
};

/* 0 bound, 1 skipped (no such family or address here), or a negative errno. */
static int try_bind(int family, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		inet_pton(AF_INET, addr, &in->sin_addr);
		len = sizeof *in;
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &in6->sin6_addr);
		len = sizeof *in6;
	}
	int s = socket(family, SOCK_STREAM, 0); /* SOCK_CLOEXEC is not on macOS */
	if (s < 0)
		return errno == EAFNOSUPPORT ? 1 : -errno;
	fcntl(s, F_SETFD, FD_CLOEXEC);
	int one = 1, zero = 0;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (family == AF_INET6)
		setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
	int rc = bind(s, (struct sockaddr *)&ss, len) == 0 ? 0 : -errno;
	close(s);
	if (rc == -EADDRNOTAVAIL && family == AF_INET6)
		return 1; /* IPv6 without ::1 (disabled on lo) */
	return rc;
}

int port_probe_tcp(uint16_t port)
{
	for (size_t i = 0; i < sizeof probe_addrs / sizeof probe_addrs[0]; i++) {
		int rc = try_bind(probe_addrs[i].family, probe_addrs[i].addr, port);
		if (rc < 0)
			return rc;
	}
	return 0;
}
