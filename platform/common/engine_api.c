/* engine_api.c - GET /containers/json on a container engine's unix socket, and its answer
 * (engine_api.h). */
#include "engine_api.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "curl_lib.h"
#include "json_check.h"
#include "listener.h"
#include "sanitize.h"

void engine_list_free(struct engine_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].ports);
	free(l->v);
	*l = (struct engine_list){0};
}

const char *engine_name_of(const char *path)
{
	return strstr(path, "podman") ? "podman" : "docker";
}

int engine_socket_choose(const char *docker_host, const char *xdg_runtime, char *path, char *why,
                         size_t len)
{
	static const char unix_scheme[] = "unix://";
	char safe[ENGINE_PATH_MAX];
	path[0] = '\0';
	if (len)
		why[0] = '\0';
	if (docker_host && docker_host[0]) {
		if (strncmp(docker_host, unix_scheme, sizeof unix_scheme - 1) != 0) {
			sanitize_text(safe, sizeof safe, docker_host, strlen(docker_host));
			snprintf(why, len,
			         "DOCKER_HOST=%s is not supported: devports asks the engine "
			         "on a unix socket only",
			         safe);
			return -EPROTONOSUPPORT;
		}
		snprintf(path, ENGINE_PATH_MAX, "%s", docker_host + sizeof unix_scheme - 1);
		if (!path[0]) {
			snprintf(why, len, "DOCKER_HOST=unix:// names no socket");
			return -ENOENT;
		}
		return 0;
	}
	char podman_user[ENGINE_PATH_MAX] = "";
	if (xdg_runtime && xdg_runtime[0])
		snprintf(podman_user, sizeof podman_user, "%s/podman/podman.sock", xdg_runtime);
	const char *const candidates[] = {"/var/run/docker.sock", podman_user,
	                                  "/run/podman/podman.sock"};
	struct stat st;
	for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
		if (candidates[i][0] && stat(candidates[i], &st) == 0) {
			snprintf(path, ENGINE_PATH_MAX, "%s", candidates[i]);
			return 0;
		}
	snprintf(why, len, "no Docker socket at /var/run/docker.sock (nor Podman's)");
	return -ENOENT;
}

/* ---- The answer ---- */

/* A string member into dst (sanitized); "" when absent. false when present but not a string. */
static bool text_member(const cJSON *o, const char *key, char *dst, size_t cap)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	dst[0] = '\0';
	if (!v || cJSON_IsNull(v))
		return true;
	if (!cJSON_IsString(v))
		return false;
	sanitize_text(dst, cap, v->valuestring, strlen(v->valuestring));
	return true;
}

/* A port number member into *out; 0 when absent. false when present but not a port. */
static bool port_member(const cJSON *o, const char *key, uint16_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	*out = 0;
	if (!v || cJSON_IsNull(v))
		return true;
	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 65535 ||
	    v->valuedouble != (double)(int)v->valuedouble)
		return false;
	*out = (uint16_t)v->valueint;
	return true;
}

/* One element of Ports; NULL when it is fine, else what is wrong. */
static const char *parse_port(const cJSON *o, struct engine_port *p)
{
	char type[8];
	if (!cJSON_IsObject(o))
		return "a port is not an object";
	if (!port_member(o, "PrivatePort", &p->private_port) ||
	    !port_member(o, "PublicPort", &p->public_port))
		return "a port number is not a number from 0 to 65535";
	if (!text_member(o, "IP", p->ip, sizeof p->ip) ||
	    !text_member(o, "Type", type, sizeof type))
		return "IP or Type is not a string";
	if (strcmp(type, "udp") == 0)
		p->proto = PROTO_UDP;
	else if (strcmp(type, "tcp") == 0 || type[0] == '\0')
		p->proto = PROTO_TCP;
	else
		p->proto = ENGINE_PROTO_OTHER; /* sctp: never a row of devports */
	return NULL;
}

/* One element of the answer into c; NULL when it is fine, else what is wrong. */
static const char *parse_container(const cJSON *o, struct engine_container *c)
{
	if (!cJSON_IsObject(o))
		return "not an object";
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "Id");
	if (!cJSON_IsString(id) || !id->valuestring[0])
		return "Id is missing or not a string";
	sanitize_text(c->id, sizeof c->id, id->valuestring, strlen(id->valuestring));
	if (!text_member(o, "Image", c->image, sizeof c->image))
		return "Image is not a string";
	const cJSON *names = cJSON_GetObjectItemCaseSensitive(o, "Names");
	if (names && !cJSON_IsNull(names) && !cJSON_IsArray(names))
		return "Names is not an array";
	const cJSON *first = cJSON_IsArray(names) ? cJSON_GetArrayItem(names, 0) : NULL;
	if (first && !cJSON_IsString(first))
		return "Names holds something else than strings";
	if (first) {
		const char *n = first->valuestring;
		n += n[0] == '/';
		sanitize_text(c->name, sizeof c->name, n, strlen(n));
	}
	const cJSON *ports = cJSON_GetObjectItemCaseSensitive(o, "Ports");
	if (!ports || cJSON_IsNull(ports))
		return NULL;
	if (!cJSON_IsArray(ports))
		return "Ports is not an array";
	size_t n = (size_t)cJSON_GetArraySize(ports);
	if (n && !(c->ports = calloc(n, sizeof *c->ports)))
		return "out of memory";
	const cJSON *e;
	cJSON_ArrayForEach(e, ports)
	{
		const char *bad = parse_port(e, &c->ports[c->nports]);
		if (bad)
			return bad;
		c->nports++;
	}
	return NULL;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(((const struct engine_container *)a)->id,
	              ((const struct engine_container *)b)->id);
}

int engine_parse(const char *text, size_t len, struct engine_list *out, char *why, size_t wlen)
{
	cJSON *doc = NULL;
	char err[ENGINE_WHY_MAX];
	engine_list_free(out);
	if (wlen)
		why[0] = '\0';
	if (json_check_parse(text, len, "answer", &doc, err, sizeof err) < 0) {
		snprintf(why, wlen, "the engine's %s", err);
		return -EBADMSG;
	}
	if (!cJSON_IsArray(doc)) {
		cJSON_Delete(doc);
		snprintf(why, wlen, "the engine's answer is not a list of containers");
		return -EBADMSG;
	}
	size_t n = (size_t)cJSON_GetArraySize(doc);
	int rc = 0;
	if (n && !(out->v = calloc(n, sizeof *out->v))) {
		snprintf(why, wlen, "out of memory");
		rc = -ENOMEM;
	}
	const cJSON *e;
	cJSON_ArrayForEach(e, doc)
	{
		if (rc < 0)
			break;
		const char *bad = parse_container(e, &out->v[out->n]);
		out->n++; /* counted even when bad: its ports are freed with the list */
		if (bad) {
			snprintf(why, wlen, "the engine's answer is malformed: container %zu: %s",
			         out->n, bad);
			rc = strcmp(bad, "out of memory") == 0 ? -ENOMEM : -EBADMSG;
		}
	}
	cJSON_Delete(doc);
	if (rc < 0) {
		engine_list_free(out);
		return rc;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, cmp_id);
	return 0;
}

/* ---- The request ---- */

struct answer {
	char *buf;
	size_t len, cap;
	bool too_big;
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;
	size_t more = size * n;
	if (a->len + more > ENGINE_ANSWER_MAX) {
		a->too_big = true;
		return 0; /* stops the transfer */
	}
	if (a->len + more + 1 > a->cap) {
		size_t cap = a->cap ? a->cap : 16384;
		while (cap < a->len + more + 1)
			cap *= 2;
		char *b = realloc(a->buf, cap);
		if (!b)
			return 0;
		a->buf = b;
		a->cap = cap;
	}
	memcpy(a->buf + a->len, data, more);
	a->len += more;
	a->buf[a->len] = '\0';
	return more;
}

/* Why a connection failed, from the connect's errno (curl keeps it). */
static int connect_failed(long os_errno, const char *path, char *why, size_t wlen)
{
	char safe[ENGINE_PATH_MAX];
	sanitize_text(safe, sizeof safe, path, strlen(path));
	const char *engine = engine_name_of(path);
	bool docker = strcmp(engine, "docker") == 0;
	switch (os_errno) {
	case ENOENT:
		snprintf(why, wlen, "no %s socket at %s", docker ? "Docker" : "Podman", safe);
		return -ENOENT;
	case EACCES:
	case EPERM:
		snprintf(why, wlen, "permission denied on %s — %s", safe,
		         docker ? "add yourself to the docker group or run with sudo"
		                : "run as the socket's owner or with sudo");
		return -EACCES;
	case ECONNREFUSED:
		snprintf(why, wlen, "nothing answers on %s (is the %s daemon running?)", safe,
		         engine);
		return -ECONNREFUSED;
	default:
		snprintf(why, wlen, "cannot connect to %s: %s", safe,
		         os_errno ? strerror((int)os_errno) : "unknown error");
		return -EIO;
	}
}

/* Runs the transfer until it ends, times out or stop_fd wakes. Returns curl's result, or -1
 * when stopped. */
static int run(const struct curl_lib *cl, CURLM *multi, CURL *easy, int stop_fd)
{
	int running = 1;
	while (running) {
		if (cl->multi_perform(multi, &running) != CURLM_OK)
			return CURLE_FAILED_INIT;
		if (!running)
			break;
		struct curl_waitfd stop = {.fd = stop_fd, .events = CURL_WAIT_POLLIN};
		int numfds = 0;
		cl->multi_wait(multi, stop_fd >= 0 ? &stop : NULL, stop_fd >= 0 ? 1 : 0, 100,
		               &numfds);
		if (stop_fd >= 0 && (stop.revents & CURL_WAIT_POLLIN))
			return -1;
	}
	int left = 0;
	CURLMsg *m;
	CURLcode code = CURLE_OK;
	while ((m = cl->multi_info_read(multi, &left)))
		if (m->msg == CURLMSG_DONE && m->easy_handle == easy)
			code = m->data.result;
	return (int)code;
}

/* The outcome of a finished transfer: 0 with the answer parsed, or why not. */
static int outcome(const struct curl_lib *cl, CURL *easy, int code, const struct answer *a,
                   const char *path, int timeout_ms, struct engine_list *out, char *why,
                   size_t wlen)
{
	long os_errno = 0, status = 0;
	cl->easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
	cl->easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	if (code == -1) {
		snprintf(why, wlen, "stopped");
		return -ECANCELED;
	}
	if (a->too_big) {
		snprintf(why, wlen, "the engine's answer is larger than %d MiB",
		         ENGINE_ANSWER_MAX >> 20);
		return -EMSGSIZE;
	}
	if (code == CURLE_OPERATION_TIMEDOUT) {
		snprintf(why, wlen, "the engine did not answer in %d ms", timeout_ms);
		return -ETIMEDOUT;
	}
	if (code == CURLE_COULDNT_CONNECT)
		return connect_failed(os_errno, path, why, wlen);
	if (code != CURLE_OK) {
		snprintf(why, wlen, "the engine's answer could not be read: %s",
		         cl->easy_strerror((CURLcode)code));
		return code == CURLE_OUT_OF_MEMORY || code == CURLE_WRITE_ERROR ? -ENOMEM : -EIO;
	}
	if (status != 200) {
		snprintf(why, wlen, "the engine answered HTTP %ld, not 200", status);
		return -EPROTO;
	}
	return engine_parse(a->buf ? a->buf : "", a->len, out, why, wlen);
}

int engine_get_containers(const char *path, int timeout_ms, int stop_fd, struct engine_list *out,
                          char *why, size_t wlen)
{
	engine_list_free(out);
	if (wlen)
		why[0] = '\0';
	const struct curl_lib *cl = curl_lib_get();
	if (!cl) {
		snprintf(why, wlen, "libcurl could not be loaded (install libcurl4)");
		return -ENOTSUP;
	}
	CURLM *multi = cl->multi_init();
	CURL *easy = cl->easy_init();
	struct answer a = {0};
	int rc = -ENOMEM;
	if (multi && easy) {
		cl->easy_setopt(easy, CURLOPT_UNIX_SOCKET_PATH, path);
		/* the host name is not looked up: the connection goes to the socket */
		cl->easy_setopt(easy, CURLOPT_URL, "http://localhost/containers/json");
		cl->easy_setopt(easy, CURLOPT_PROXY, "");
		cl->easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
		cl->easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
		cl->easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
		cl->easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
		cl->easy_setopt(easy, CURLOPT_USERAGENT, "devports/" DEVPORTS_VERSION);
		cl->easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_data);
		cl->easy_setopt(easy, CURLOPT_WRITEDATA, &a);
		if (cl->multi_add_handle(multi, easy) == CURLM_OK) {
			int code = run(cl, multi, easy, stop_fd);
			rc = outcome(cl, easy, code, &a, path, timeout_ms, out, why, wlen);
			cl->multi_remove_handle(multi, easy);
		} else {
			rc = -EIO;
			snprintf(why, wlen, "libcurl could not start the request");
		}
	} else {
		snprintf(why, wlen, "out of memory");
	}
	if (easy)
		cl->easy_cleanup(easy);
	if (multi)
		cl->multi_cleanup(multi);
	free(a.buf);
	return rc;
}
