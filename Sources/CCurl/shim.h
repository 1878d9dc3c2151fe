// The C side of SwitchyardCurl.
//
// libcurl's option and info setters are C-variadic, which Swift cannot call. Each wrapper below
// fixes one argument type, so the Swift layer picks the wrapper that matches the option's
// documented type (CURLOPTTYPE_LONG → _long, CURLOPTTYPE_OFF_T → _off_t, and so on). Passing the
// wrong type is undefined behaviour in C just as it would be with the variadic call, so keep the
// option and the wrapper in agreement.
//
// Macros that Swift does not import (CURLVERSION_NOW is an alias of another enum constant) and
// the bit masks the Swift layer needs are re-exported as constants with an SY_ prefix.
#ifndef SWITCHYARD_CCURL_SHIM_H
#define SWITCHYARD_CCURL_SHIM_H

#include <curl/curl.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

// MARK: - curl_easy_setopt

static inline CURLcode sy_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sy_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// For CURLOPTTYPE_STRINGPOINT options. libcurl copies strings (except CURLOPT_POSTFIELDS), so
/// the argument only has to live for the duration of the call.
static inline CURLcode sy_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// For CURLOPTTYPE_OBJECTPOINT / CBPOINT options (user data, buffers, CURLOPT_POSTFIELDS). libcurl
/// keeps the pointer: the caller owns the pointee and keeps it alive while the handle may use it.
static inline CURLcode sy_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// For CURLOPTTYPE_SLISTPOINT options (CURLOPT_HTTPHEADER, …). libcurl does not copy the list.
static inline CURLcode sy_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/// CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION share this signature.
static inline CURLcode sy_curl_easy_setopt_write_function(CURL *handle, CURLoption option, curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sy_curl_easy_setopt_read_function(CURL *handle, CURLoption option, curl_read_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sy_curl_easy_setopt_xferinfo_function(CURL *handle, CURLoption option, curl_xferinfo_callback value) {
    return curl_easy_setopt(handle, option, value);
}

// MARK: - curl_easy_getinfo

static inline CURLcode sy_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode sy_curl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// The string belongs to the handle: copy it before the next transfer or reset.
static inline CURLcode sy_curl_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode sy_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// For CURLINFO_PRIVATE, which hands back the pointer given to CURLOPT_PRIVATE.
static inline CURLcode sy_curl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

// MARK: - curl_multi_setopt

static inline CURLMcode sy_curl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

static inline CURLMcode sy_curl_multi_setopt_pointer(CURLM *handle, CURLMoption option, void *value) {
    return curl_multi_setopt(handle, option, value);
}

// MARK: - curl_share_setopt

/// For CURLSHOPT_SHARE / CURLSHOPT_UNSHARE, whose argument libcurl reads as an int
/// (a curl_lock_data value).
static inline CURLSHcode sy_curl_share_setopt_int(CURLSH *handle, CURLSHoption option, int value) {
    return curl_share_setopt(handle, option, value);
}

// MARK: - Constants Swift does not import, or imports with an awkward type

static const CURLversion SY_CURLVERSION_NOW = CURLVERSION_NOW;
static const long SY_CURL_GLOBAL_ALL = CURL_GLOBAL_ALL;
static const int SY_CURL_VERSION_HTTP2 = CURL_VERSION_HTTP2;
static const size_t SY_CURL_ERROR_SIZE = CURL_ERROR_SIZE;
static const size_t SY_CURL_WRITEFUNC_PAUSE = CURL_WRITEFUNC_PAUSE;
static const long SY_CURL_HTTP_VERSION_2TLS = CURL_HTTP_VERSION_2TLS;
static const int SY_CURLPAUSE_CONT = CURLPAUSE_CONT;
static const int SY_CURLPAUSE_RECV = CURLPAUSE_RECV;
static const long SY_CURLPIPE_NOTHING = CURLPIPE_NOTHING;
static const long SY_CURLPIPE_MULTIPLEX = CURLPIPE_MULTIPLEX;
static const int SY_CURL_LOCK_DATA_SSL_SESSION = CURL_LOCK_DATA_SSL_SESSION;

/// The version data of the libcurl loaded at run time (not the headers built against).
static inline curl_version_info_data *sy_curl_version_info(void) {
    return curl_version_info(CURLVERSION_NOW);
}

// MARK: - Threads

/// Names the calling thread (Linux keeps 15 bytes) for `ps -L`, `top -H` and debuggers.
/// `pthread_setname_np` is a GNU extension Swift's Glibc module does not import, and `prctl`
/// is variadic.
static inline void sy_set_current_thread_name(const char *name) {
#ifdef __linux__
    (void)prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
#else
    (void)name;
#endif
}

#endif
