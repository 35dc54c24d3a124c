// Fixed-signature wrappers for the variadic and macro parts of libcurl and zlib,
// which Swift cannot call directly.
#ifndef LOGSTREAM_CCURL_SHIM_H
#define LOGSTREAM_CCURL_SHIM_H

#include <curl/curl.h>
#include <malloc.h>
#include <zlib.h>

typedef size_t (*ls_data_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode ls_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ls_easy_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ls_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ls_easy_setopt_cb(CURL *h, CURLoption o, ls_data_cb v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ls_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode ls_easy_getinfo_ptr(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }
static inline CURLMcode ls_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

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
