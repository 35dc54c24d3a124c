// libcurl (loaded at first use), zlib's macro parts and glibc's malloc tuning, in forms
// Swift can call.
#ifndef LOGSTREAM_CCURL_H
#define LOGSTREAM_CCURL_H

#include <curl/curl.h>
#include <malloc.h>
#include <zlib.h>

typedef size_t (*ls_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);

// libcurl is loaded when the first HTTP client is made (curl_loader.c), not linked: its
// thirty-odd shared libraries (TLS, Kerberos, LDAP, SSH, IDN…) cost about 4.5 ms at every
// start, which commands that never reach the network (--version, --help, checkpoint show,
// completions) should not pay. These are the libcurl functions logstream calls, and the
// fixed-signature forms of its variadic ones, which Swift cannot call directly.

// Loads libcurl once (thread-safe); NULL when it is loaded, else a message saying why not.
const char *ls_curl_load(void);

CURLcode ls_curl_global_init(long flags);
CURL *ls_curl_easy_init(void);
void ls_curl_easy_reset(CURL *handle);
void ls_curl_easy_cleanup(CURL *handle);
const char *ls_curl_easy_strerror(CURLcode code);
CURLcode ls_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ls_easy_setopt_ptr(CURL *handle, CURLoption option, const void *value);
CURLcode ls_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ls_easy_setopt_cb(CURL *handle, CURLoption option, ls_data_cb value);
CURLcode ls_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLM *ls_curl_multi_init(void);
CURLMcode ls_multi_setopt_long(CURLM *multi, CURLMoption option, long value);
CURLMcode ls_curl_multi_add_handle(CURLM *multi, CURL *handle);
CURLMcode ls_curl_multi_remove_handle(CURLM *multi, CURL *handle);
CURLMcode ls_curl_multi_perform(CURLM *multi, int *running);
CURLMcode ls_curl_multi_poll(CURLM *multi, struct curl_waitfd extra[], unsigned int count, int timeoutMillis, int *ready);
CURLMcode ls_curl_multi_wakeup(CURLM *multi);
CURLMsg *ls_curl_multi_info_read(CURLM *multi, int *left);
struct curl_slist *ls_curl_slist_append(struct curl_slist *list, const char *text);
void ls_curl_slist_free_all(struct curl_slist *list);

// windowBits 15 + 16 writes a gzip header and trailer rather than a raw zlib stream.
static inline int ls_deflate_init_gzip(z_streamp s, int level) {
    return deflateInit2(s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
// windowBits 15 + 32 accepts both gzip and zlib headers.
static inline int ls_inflate_init_auto(z_streamp s) { return inflateInit2(s, 15 + 32); }

// glibc's malloc, tuned for a process that moves megabyte buffers (pages, bulk bodies)
// through a few threads: they come from the heap and are reused, not mapped and unmapped
// per request (a fresh mapping costs a page fault per 4 KB: a fifth of the pipeline's
// CPU when measured); free memory goes back once 64 MB of it sits at the heap's top.
// Two arenas suffice.
static inline void ls_tune_malloc(void) {
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_ARENA_MAX, 2);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
}

// Hands free heap memory back to the kernel: for when a burst of work is over.
static inline void ls_release_free_memory(void) { malloc_trim(0); }

#endif
