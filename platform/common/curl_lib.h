/* curl_lib.h - libcurl, loaded when it is first needed instead of at start.
 *
 * Only inspect's HTTP check and the container engine's API (engine_api.h, asked only when a
 * docker-proxy, rootlessport or conmon row exists) use libcurl, yet linking it maps it and its
 * TLS, LDAP and Kerberos dependencies into every run: about 6 MB of resident memory for
 * `devports --json` and for a dashboard that may never inspect anything. So devports builds
 * against libcurl's headers and opens the shared library (Debian's libcurl4, a dependency of
 * libcurl4-openssl-dev) the first time a check or a request starts. */
#ifndef DEVPORTS_CURL_LIB_H
#define DEVPORTS_CURL_LIB_H

#define CURL_DISABLE_TYPECHECK /* the type-checking macros would hide the calls through pointers   \
                                */
#include <curl/curl.h>

struct curl_lib {
	CURLcode (*global_init)(long flags);
	CURLM *(*multi_init)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *e, CURLoption opt, ...);
	CURLcode (*easy_getinfo)(CURL *e, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode code);
	void (*easy_cleanup)(CURL *e);
	CURLMcode (*multi_add_handle)(CURLM *m, CURL *e);
	CURLMcode (*multi_remove_handle)(CURLM *m, CURL *e);
	CURLMcode (*multi_perform)(CURLM *m, int *running);
	CURLMsg *(*multi_info_read)(CURLM *m, int *left);
	CURLMcode (*multi_wait)(CURLM *m, struct curl_waitfd *extra, unsigned n, int timeout_ms,
	                        int *numfds);
	CURLMcode (*multi_cleanup)(CURLM *m);
};

/* libcurl's functions, loaded and initialised once (the first call, from any thread, does it;
 * others wait for it); NULL when the library cannot be opened (the caller then says so). */
const struct curl_lib *curl_lib_get(void);

#endif
