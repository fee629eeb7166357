/* engine_api.h - a container engine's HTTP API over its unix socket (Docker's Engine API, and
 * Podman's Docker-compatible one): which socket to ask, GET /containers/json, and its answer
 * parsed into the containers and their published ports.
 *
 * The answer's shape (Docker Engine API "ContainerList", Podman's compat endpoint alike):
 *   [{"Id": "4f2a...", "Names": ["/web"], "Image": "nginx:1.25",
 *     "Ports": [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
 *               {"PrivatePort": 443, "Type": "tcp"}], ...}, ...]
 * (a port without PublicPort is exposed, not published). Other members are ignored.
 *
 * Requests go through libcurl (curl_lib.h: loaded on the first request, never before). */
#ifndef DEVPORTS_ENGINE_API_H
#define DEVPORTS_ENGINE_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	ENGINE_WHY_MAX = 160,                /* a reason, for inspect and JSON */
	ENGINE_PATH_MAX = 256,               /* a socket's path */
	ENGINE_ANSWER_MAX = 4 * 1024 * 1024, /* a larger answer is refused, not read */
	ENGINE_ID_MAX = 80,
	ENGINE_NAME_MAX = 128,
	ENGINE_IMAGE_MAX = 256,
	ENGINE_IP_MAX = 48,
};

enum { ENGINE_PROTO_OTHER = 0xff }; /* a port of another protocol than TCP or UDP (sctp) */

struct engine_port {
	uint16_t public_port;   /* the host's port; 0 when only exposed */
	uint16_t private_port;  /* the container's */
	uint8_t proto;          /* enum listener_proto, or ENGINE_PROTO_OTHER */
	char ip[ENGINE_IP_MAX]; /* "0.0.0.0", "::", "" (every address) */
};

/* One container; every string sanitized (sanitize.h), never NULL. */
struct engine_container {
	char id[ENGINE_ID_MAX];
	char name[ENGINE_NAME_MAX]; /* Names[0] without its leading "/"; "" when none */
	char image[ENGINE_IMAGE_MAX];
	struct engine_port *ports;
	size_t nports;
};

/* The engine's containers, sorted by id. A zeroed list is empty and valid. */
struct engine_list {
	struct engine_container *v;
	size_t n;
};
void engine_list_free(struct engine_list *l); /* empties it; NULL-safe */

/* The engine of a socket path: "podman" when the path says so, else "docker". */
const char *engine_name_of(const char *path);

/* The socket to ask, into path (ENGINE_PATH_MAX): with docker_host set (DOCKER_HOST), its
 * unix://PATH; otherwise the first that exists of /var/run/docker.sock,
 * xdg_runtime/podman/podman.sock (when xdg_runtime is set) and /run/podman/podman.sock. Returns
 * 0, -EPROTONOSUPPORT (DOCKER_HOST names no unix socket: tcp://, ssh://), -ENOENT (no socket,
 * or an empty unix:// path);
 * why says so in words when it fails. */
int engine_socket_choose(const char *docker_host, const char *xdg_runtime, char *path, char *why,
                         size_t len);

/* Pure: the answer text[0..len) of GET /containers/json into *out (emptied first). 0, -ENOMEM,
 * or -EBADMSG with why saying what is wrong ("not a JSON array", "container 3: Ports is not an
 * array"); *out is then empty. Strict: a wrong type anywhere refuses the whole answer. */
int engine_parse(const char *text, size_t len, struct engine_list *out, char *why, size_t wlen);

/* GET /containers/json on the unix socket at path, giving up after timeout_ms, or as soon as
 * stop_fd (-1: none) becomes readable. Returns 0 with *out filled, or a negative errno with why
 * in words: -ENOENT (no socket there), -EACCES (permission denied: not in the docker group),
 * -ECONNREFUSED (nothing listens on it), -ETIMEDOUT, -EMSGSIZE (answer larger than
 * ENGINE_ANSWER_MAX), -EPROTO (an HTTP status other than 200), -EBADMSG (engine_parse),
 * -ECANCELED (stop_fd), -ENOTSUP (libcurl cannot be loaded), -ENOMEM, -EIO. */
int engine_get_containers(const char *path, int timeout_ms, int stop_fd, struct engine_list *out,
                          char *why, size_t wlen);

#endif
