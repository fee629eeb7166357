/* row_url.h - the URL of a listener, for the dashboard's o (open) and y (copy), and base64 for
 * the terminal's clipboard sequence (OSC 52). Pure: no I/O. */
#ifndef DEVPORTS_ROW_URL_H
#define DEVPORTS_ROW_URL_H

#include <stddef.h>

#include "listener.h"

/* "http://[ffff:...:ffff]:65535/" and its NUL fit. */
enum { ROW_URL_MAX = 64 };

/* The URL of l, built only from its address and port, into out (always NUL-terminated):
 * - 127.0.0.1, 0.0.0.0, a dual-stack [::] (and ::ffff:127.0.0.1): "http://localhost:PORT/",
 *   what a developer types;
 * - ::1 and an IPv6-only [::]: "http://[::1]:PORT/" (localhost may be tried as 127.0.0.1 first,
 *   where nothing of this listener answers);
 * - any other address: "http://ADDR:PORT/", IPv6 in brackets (127.0.0.2 too: localhost would
 *   reach 127.0.0.1, not it).
 * 0, -EPROTONOSUPPORT for UDP ("udp :5353 has no URL" into out instead), -ENAMETOOLONG when len
 * is too small. */
int row_url(const struct listener *l, char *out, size_t len);

/* Base64 (RFC 4648, the standard alphabet, '=' padding) of in[0..n) into out, NUL-terminated:
 * the length written, or -ENAMETOOLONG when out cannot hold base64_len(n) + 1 bytes (out is then
 * ""). */
int base64_encode(const void *in, size_t n, char *out, size_t len);
static inline size_t base64_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

/* OSC 52 for text: ESC ] 52 ; c ; BASE64(text) BEL, the sequence that asks a terminal (or tmux
 * with set-clipboard on) to put text in its clipboard. Its length, or -ENAMETOOLONG. */
int osc52_sequence(const char *text, char *out, size_t len);

#endif
