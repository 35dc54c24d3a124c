// libcurl, opened with dlopen the first time an HTTP client is made (see CCurl.h for why).
// Every entry point is looked up once, under pthread_once; the functions below call
// through the table, so callers use them exactly as they would libcurl's own.
#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_reset)(CURL *);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    char *(*version)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd[], unsigned int, int, int *);
    CURLMcode (*multi_wakeup)(CURLM *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} api;

static pthread_once_t loaded = PTHREAD_ONCE_INIT;
static char failure[512];

static void *symbol(void *library, const char *name) {
    void *found = dlsym(library, name);
    if (!found && !failure[0]) {
        snprintf(failure, sizeof failure, "libcurl.so.4 has no %s: logstream needs libcurl 7.68 or newer", name);
    }
    return found;
}

static void load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(failure, sizeof failure,
                 "cannot load libcurl (%s): install it (Debian and Ubuntu: apt-get install libcurl4; Fedora: dnf install libcurl)",
                 dlerror());
        return;
    }
    // POSIX allows converting dlsym's void * to a function pointer; the casts say which.
    api.global_init = (CURLcode (*)(long))symbol(library, "curl_global_init");
    api.easy_init = (CURL * (*)(void)) symbol(library, "curl_easy_init");
    api.easy_reset = (void (*)(CURL *))symbol(library, "curl_easy_reset");
    api.easy_cleanup = (void (*)(CURL *))symbol(library, "curl_easy_cleanup");
    api.easy_strerror = (const char *(*)(CURLcode))symbol(library, "curl_easy_strerror");
    api.version = (char *(*)(void))symbol(library, "curl_version");
    api.easy_setopt = (CURLcode (*)(CURL *, CURLoption, ...))symbol(library, "curl_easy_setopt");
    api.easy_getinfo = (CURLcode (*)(CURL *, CURLINFO, ...))symbol(library, "curl_easy_getinfo");
    api.multi_init = (CURLM * (*)(void)) symbol(library, "curl_multi_init");
    api.multi_setopt = (CURLMcode (*)(CURLM *, CURLMoption, ...))symbol(library, "curl_multi_setopt");
    api.multi_add_handle = (CURLMcode (*)(CURLM *, CURL *))symbol(library, "curl_multi_add_handle");
    api.multi_remove_handle = (CURLMcode (*)(CURLM *, CURL *))symbol(library, "curl_multi_remove_handle");
    api.multi_perform = (CURLMcode (*)(CURLM *, int *))symbol(library, "curl_multi_perform");
    api.multi_poll = (CURLMcode (*)(CURLM *, struct curl_waitfd[], unsigned int, int, int *))symbol(library, "curl_multi_poll");
    api.multi_wakeup = (CURLMcode (*)(CURLM *))symbol(library, "curl_multi_wakeup");
    api.multi_info_read = (CURLMsg * (*)(CURLM *, int *)) symbol(library, "curl_multi_info_read");
    api.slist_append = (struct curl_slist * (*)(struct curl_slist *, const char *)) symbol(library, "curl_slist_append");
    api.slist_free_all = (void (*)(struct curl_slist *))symbol(library, "curl_slist_free_all");
}

const char *ls_curl_load(void) {
    pthread_once(&loaded, load);
    return failure[0] ? failure : NULL;
}

// The rest are called only after ls_curl_load returned NULL (CurlTransport makes sure).
CURLcode ls_curl_global_init(long flags) { return api.global_init(flags); }
CURL *ls_curl_easy_init(void) { return api.easy_init(); }
void ls_curl_easy_reset(CURL *handle) { api.easy_reset(handle); }
void ls_curl_easy_cleanup(CURL *handle) { api.easy_cleanup(handle); }
const char *ls_curl_easy_strerror(CURLcode code) { return api.easy_strerror(code); }
const char *ls_curl_version(void) { return api.version(); }
CURLcode ls_easy_setopt_long(CURL *handle, CURLoption option, long value) { return api.easy_setopt(handle, option, value); }
CURLcode ls_easy_setopt_ptr(CURL *handle, CURLoption option, const void *value) { return api.easy_setopt(handle, option, value); }
CURLcode ls_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value) { return api.easy_setopt(handle, option, value); }
CURLcode ls_easy_setopt_cb(CURL *handle, CURLoption option, ls_data_cb value) { return api.easy_setopt(handle, option, value); }
CURLcode ls_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) { return api.easy_getinfo(handle, info, value); }
CURLM *ls_curl_multi_init(void) { return api.multi_init(); }
CURLMcode ls_multi_setopt_long(CURLM *multi, CURLMoption option, long value) { return api.multi_setopt(multi, option, value); }
CURLMcode ls_curl_multi_add_handle(CURLM *multi, CURL *handle) { return api.multi_add_handle(multi, handle); }
CURLMcode ls_curl_multi_remove_handle(CURLM *multi, CURL *handle) { return api.multi_remove_handle(multi, handle); }
CURLMcode ls_curl_multi_perform(CURLM *multi, int *running) { return api.multi_perform(multi, running); }
CURLMcode ls_curl_multi_poll(CURLM *multi, struct curl_waitfd extra[], unsigned int count, int timeoutMillis, int *ready) {
    return api.multi_poll(multi, extra, count, timeoutMillis, ready);
}
CURLMcode ls_curl_multi_wakeup(CURLM *multi) { return api.multi_wakeup(multi); }
CURLMsg *ls_curl_multi_info_read(CURLM *multi, int *left) { return api.multi_info_read(multi, left); }
struct curl_slist *ls_curl_slist_append(struct curl_slist *list, const char *text) { return api.slist_append(list, text); }
void ls_curl_slist_free_all(struct curl_slist *list) { api.slist_free_all(list); }
