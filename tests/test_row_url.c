/* test_row_url.c - a row's URL (o, y), base64 and the OSC 52 sequence (src/row_url.h). */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "make_listener.h"
#include "row_url.h"

static void url_is(enum listener_proto proto, const char *addr, bool v6only, unsigned port,
                   int want_rc, const char *want)
{
	char out[ROW_URL_MAX];
	struct listener l = make_listener(proto, addr, port, 100, "python3", "dev");
	l.v6only = v6only;
	cr_assert_eq(row_url(&l, out, sizeof out), want_rc, "%s:%u", addr, port);
	cr_assert_str_eq(out, want, "%s:%u", addr, port);
}

Test(row_url, loopback_and_wildcards_are_localhost)
{
	url_is(PROTO_TCP, "127.0.0.1", false, 8000, 0, "http://localhost:8000/");
	url_is(PROTO_TCP, "0.0.0.0", false, 3000, 0, "http://localhost:3000/");
	url_is(PROTO_TCP, "::", false, 5173, 0, "http://localhost:5173/");
	url_is(PROTO_TCP, "::ffff:127.0.0.1", false, 80, 0, "http://localhost:80/");
}

Test(row_url, ipv6_only_servers_are_bracketed_loopback)
{
	url_is(PROTO_TCP, "::1", false, 8000, 0, "http://[::1]:8000/");
	url_is(PROTO_TCP, "::", true, 4000, 0, "http://[::1]:4000/");
}

Test(row_url, a_specific_address_is_used_as_it_is)
{
	url_is(PROTO_TCP, "192.168.1.20", false, 8080, 0, "http://192.168.1.20:8080/");
	url_is(PROTO_TCP, "127.0.0.2", false, 9000, 0, "http://127.0.0.2:9000/");
	url_is(PROTO_TCP, "fd00::1", false, 443, 0, "http://[fd00::1]:443/");
	url_is(PROTO_TCP, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", false, 65535, 0,
	       "http://[ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe]:65535/");
}

Test(row_url, udp_has_no_url)
{
	url_is(PROTO_UDP, "0.0.0.0", false, 5353, -EPROTONOSUPPORT, "udp :5353 has no URL");
}

Test(row_url, a_short_buffer_is_refused)
{
	char out[10];
	struct listener l = make_listener(PROTO_TCP, "127.0.0.1", 8000, 100, "python3", "dev");
	cr_assert_eq(row_url(&l, out, sizeof out), -ENAMETOOLONG);
	cr_assert_str_eq(out, "");
}

Test(base64, rfc_4648_test_vectors)
{
	static const char *const v[][2] = {
	    {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
	    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
	};
	char out[32];
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		int n = base64_encode(v[i][0], strlen(v[i][0]), out, sizeof out);
		cr_assert_eq(n, (int)strlen(v[i][1]));
		cr_assert_str_eq(out, v[i][1]);
	}
}

Test(base64, every_byte_and_the_last_two_digits)
{
	static const unsigned char in[] = {0x00, 0xff, 0xfe, 0xfb, 0xef, 0xbe};
	char out[16];
	cr_assert_eq(base64_encode(in, sizeof in, out, sizeof out), 8);
	cr_assert_str_eq(out, "AP/+++++");
	cr_assert_eq(base64_encode(in, 1, out, sizeof out), 4);
	cr_assert_str_eq(out, "AA==");
}

Test(base64, exactly_enough_room_and_one_byte_less)
{
	char out[9];
	cr_assert_eq(base64_encode("foobar", 6, out, 9), 8);
	cr_assert_eq(base64_encode("foobar", 6, out, 8), -ENAMETOOLONG);
	cr_assert_str_eq(out, "");
}

Test(osc52, the_sequence_for_a_url)
{
	char out[128];
	const char *want = "\033]52;c;aHR0cDovL2xvY2FsaG9zdDo4MDAwLw==\a";
	cr_assert_eq(osc52_sequence("http://localhost:8000/", out, sizeof out), (int)strlen(want));
	cr_assert_str_eq(out, want);
	cr_assert_eq(osc52_sequence("http://localhost:8000/", out, strlen(want)), -ENAMETOOLONG);
	cr_assert_eq(osc52_sequence("http://localhost:8000/", out, strlen(want) + 1),
	             (int)strlen(want));
}
