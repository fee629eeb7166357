/* curl_lib.c - opens libcurl with dlopen and resolves the few functions devports calls. */
#include "curl_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

/* Versioned names first: the unversioned ones exist only with the -dev package. */
static const char *const library_names[] = {
    "libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.4.dylib", "libcurl.so", "libcurl.dylib",
};

static const struct {
	const char *symbol;
	size_t offset;
} symbols[] = {
    {"curl_global_init", offsetof(struct curl_lib, global_init)},
    {"curl_multi_init", offsetof(struct curl_lib, multi_init)},
    {"curl_easy_init", offsetof(struct curl_lib, easy_init)},
    {"curl_easy_setopt", offsetof(struct curl_lib, easy_setopt)},
    {"curl_easy_getinfo", offsetof(struct curl_lib, easy_getinfo)},
    {"curl_easy_strerror", offsetof(struct curl_lib, easy_strerror)},
    {"curl_easy_cleanup", offsetof(struct curl_lib, easy_cleanup)},
    {"curl_multi_add_handle", offsetof(struct curl_lib, multi_add_handle)},
    {"curl_multi_remove_handle", offsetof(struct curl_lib, multi_remove_handle)},
    {"curl_multi_perform", offsetof(struct curl_lib, multi_perform)},
    {"curl_multi_info_read", offsetof(struct curl_lib, multi_info_read)},
    {"curl_multi_wait", offsetof(struct curl_lib, multi_wait)},
    {"curl_multi_cleanup", offsetof(struct curl_lib, multi_cleanup)},
};

static bool load(struct curl_lib *lib)
{
	void *h = NULL;
	for (size_t i = 0; !h && i < sizeof library_names / sizeof library_names[0]; i++)
		h = dlopen(library_names[i], RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return false;
	for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
		void *fn = dlsym(h, symbols[i].symbol);
		if (!fn)
			return false; /* the handle stays open: the process ends with it anyway */
		/* POSIX guarantees a function's address survives the round trip through void *. */
		*(void **)((char *)lib + symbols[i].offset) = fn;
	}
	return lib->global_init(CURL_GLOBAL_NOTHING) == CURLE_OK;
}

static struct curl_lib lib;
static bool ready;

static void load_once(void)
{
	ready = load(&lib);
}

const struct curl_lib *curl_lib_get(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load_once);
	return ready ? &lib : NULL;
}
