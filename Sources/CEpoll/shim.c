#define _GNU_SOURCE
#include "CEpoll.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cepoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int cepoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    event.events = events;
    event.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &event);
}

int cepoll_add(int epfd, int fd, uint32_t events, uint64_t token) {
    return cepoll_ctl(epfd, EPOLL_CTL_ADD, fd, events, token);
}

int cepoll_modify(int epfd, int fd, uint32_t events, uint64_t token) {
    return cepoll_ctl(epfd, EPOLL_CTL_MOD, fd, events, token);
}

int cepoll_remove(int epfd, int fd) { return cepoll_ctl(epfd, EPOLL_CTL_DEL, fd, 0, 0); }

int cepoll_wait(int epfd, cepoll_event *events, int max_events, int timeout_ms) {
    struct epoll_event raw[512];
    if (max_events > 512) max_events = 512;
    int count = epoll_wait(epfd, raw, max_events, timeout_ms);
    for (int i = 0; i < count; i++) {
        events[i].events = raw[i].events;
        events[i].data = raw[i].data.u64;
    }
    return count;
}

int cepoll_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

void cepoll_eventfd_signal(int fd) {
    uint64_t one = 1;
    // EAGAIN only when the counter would overflow, i.e. the loop is already woken.
    ssize_t ignored = write(fd, &one, sizeof one);
    (void)ignored;
}

void cepoll_eventfd_drain(int fd) {
    uint64_t value;
    ssize_t ignored = read(fd, &value, sizeof value);
    (void)ignored;
}

int cepoll_listen_tcp(const char *host, int port, int backlog, int *bound_port, int *failed_step) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo *result = NULL;
    int status = getaddrinfo(host, service, &hints, &result);
    if (status != 0 || result == NULL) {
        *failed_step = CEPOLL_STEP_RESOLVE;
        errno = status == EAI_SYSTEM ? errno : -status;
        return -1;
    }
    int fd = socket(result->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *failed_step = CEPOLL_STEP_SOCKET;
        freeaddrinfo(result);
        return -1;
    }
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
        *failed_step = CEPOLL_STEP_SETSOCKOPT;
        goto fail;
    }
    if (bind(fd, result->ai_addr, result->ai_addrlen) != 0) {
        *failed_step = CEPOLL_STEP_BIND;
        goto fail;
    }
    if (listen(fd, backlog) != 0) {
        *failed_step = CEPOLL_STEP_LISTEN;
        goto fail;
    }
    struct sockaddr_storage bound;
    socklen_t length = sizeof bound;
    if (getsockname(fd, (struct sockaddr *)&bound, &length) != 0) {
        *failed_step = CEPOLL_STEP_GETSOCKNAME;
        goto fail;
    }
    *bound_port = bound.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&bound)->sin6_port)
                                              : ntohs(((struct sockaddr_in *)&bound)->sin_port);
    freeaddrinfo(result);
    return fd;
fail: {
        int saved = errno;
        close(fd);
        freeaddrinfo(result);
        errno = saved;
        return -1;
    }
}

int cepoll_accept(int listen_fd, char *address, size_t address_capacity) {
    struct sockaddr_storage peer;
    socklen_t length = sizeof peer;
    int fd = accept4(listen_fd, (struct sockaddr *)&peer, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return -1;
    int one = 1;
    // Small responses must not wait for Nagle's algorithm (RFC 896) to coalesce them.
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (peer.ss_family == AF_INET6) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&peer;
        inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
        port = ntohs(v6->sin6_port);
        snprintf(address, address_capacity, "[%s]:%d", host, port);
    } else if (peer.ss_family == AF_INET) {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&peer;
        inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
        port = ntohs(v4->sin_port);
        snprintf(address, address_capacity, "%s:%d", host, port);
    } else {
        snprintf(address, address_capacity, "unknown");
    }
    return fd;
}

long cepoll_send(int fd, const void *bytes, size_t count) { return send(fd, bytes, count, MSG_NOSIGNAL); }

long cepoll_recv(int fd, void *bytes, size_t count) { return recv(fd, bytes, count, 0); }

int cepoll_shutdown_write(int fd) { return shutdown(fd, SHUT_WR); }

int cepoll_errno(void) { return errno; }
