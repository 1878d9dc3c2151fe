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
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <errno.h>
#include <unistd.h>
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

/// CURLOPT_OPENSOCKETFUNCTION.
static inline CURLcode sy_curl_easy_setopt_opensocket_function(CURL *handle, CURLoption option, curl_opensocket_callback value) {
    return curl_easy_setopt(handle, option, value);
}

/// CURLOPT_CLOSESOCKETFUNCTION.
static inline CURLcode sy_curl_easy_setopt_closesocket_function(CURL *handle, CURLoption option, curl_closesocket_callback value) {
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

/// CURLMOPT_SOCKETFUNCTION.
static inline CURLMcode sy_curl_multi_setopt_socket_function(CURLM *handle, CURLMoption option, curl_socket_callback value) {
    return curl_multi_setopt(handle, option, value);
}

/// CURLMOPT_TIMERFUNCTION.
static inline CURLMcode sy_curl_multi_setopt_timer_function(CURLM *handle, CURLMoption option, curl_multi_timer_callback value) {
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
static const curl_socket_t SY_CURL_SOCKET_TIMEOUT = CURL_SOCKET_TIMEOUT;
static const curl_socket_t SY_CURL_SOCKET_BAD = CURL_SOCKET_BAD;
static const int SY_CURL_POLL_IN = CURL_POLL_IN;
static const int SY_CURL_POLL_OUT = CURL_POLL_OUT;
static const int SY_CURL_POLL_REMOVE = CURL_POLL_REMOVE;
static const int SY_CURL_CSELECT_IN = CURL_CSELECT_IN;
static const int SY_CURL_CSELECT_OUT = CURL_CSELECT_OUT;
static const int SY_CURL_CSELECT_ERR = CURL_CSELECT_ERR;

/// The version data of the libcurl loaded at run time (not the headers built against).
static inline curl_version_info_data *sy_curl_version_info(void) {
    return curl_version_info(CURLVERSION_NOW);
}

// MARK: - epoll

#ifdef __linux__
/// `struct epoll_event` is packed on x86-64; these wrappers keep it on the C side so Swift only
/// sees plain integers.

/// EPOLL_CTL_ADD, _MOD or _DEL of `fd` for `events` (EPOLLIN/EPOLLOUT bits); 0 or an errno.
static inline int sy_epoll_control(int epfd, int op, int fd, unsigned int events) {
    struct epoll_event event = { .events = events, .data = { .fd = fd } };
    return epoll_ctl(epfd, op, fd, &event) == 0 ? 0 : errno;
}

/// Waits up to `timeout_ms` (-1: forever) for at most `capacity` ready descriptors and writes
/// each one's fd and event bits to `fds` / `events`. Returns how many, 0 on timeout or EINTR,
/// -1 on another error.
static inline int sy_epoll_wait(int epfd, int *fds, unsigned int *events, int capacity, int timeout_ms) {
    struct epoll_event ready[64];
    if (capacity > 64) capacity = 64;
    int count = epoll_wait(epfd, ready, capacity, timeout_ms);
    if (count < 0) return errno == EINTR ? 0 : -1;
    for (int i = 0; i < count; i++) {
        fds[i] = ready[i].data.fd;
        events[i] = ready[i].events;
    }
    return count;
}

static const int SY_EPOLL_CTL_ADD = EPOLL_CTL_ADD;
static const int SY_EPOLL_CTL_MOD = EPOLL_CTL_MOD;
static const int SY_EPOLL_CTL_DEL = EPOLL_CTL_DEL;
static const unsigned int SY_EPOLLIN = EPOLLIN;
static const unsigned int SY_EPOLLOUT = EPOLLOUT;
static const unsigned int SY_EPOLLERR = EPOLLERR;
static const unsigned int SY_EPOLLHUP = EPOLLHUP;
#endif

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
