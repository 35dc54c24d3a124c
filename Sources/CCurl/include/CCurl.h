// libcurl (loaded at first use), in forms Swift can call. Wrapped by
// Sources/Engine/HTTP/CurlTransport.swift and CurlTransfer.swift.
#ifndef LOGSTREAM_CCURL_H
#define LOGSTREAM_CCURL_H

#include <curl/curl.h>

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
// libcurl's version line ("libcurl/7.88.1 OpenSSL/3.0.17 zlib/1.2.13 …").
const char *ls_curl_version(void);
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

#endif
