#ifndef RAMPART_CEPOLL_H
#define RAMPART_CEPOLL_H
// Glibc's Swift overlay has no epoll module, and several socket constants import as C enums or
// variadic functions that Swift cannot call. This small shim exposes them with plain C types.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stddef.h>

/// `struct epoll_event` is packed on x86_64; this unpacked copy is what Swift sees.
typedef struct {
    uint32_t events;
    uint64_t data;
} cepoll_event;

static const uint32_t CEPOLL_IN = EPOLLIN;
static const uint32_t CEPOLL_OUT = EPOLLOUT;
static const uint32_t CEPOLL_RDHUP = EPOLLRDHUP;
static const uint32_t CEPOLL_HUP = EPOLLHUP;
static const uint32_t CEPOLL_ERR = EPOLLERR;

/// Which step of `cepoll_listen_tcp` failed (reported with errno).
enum {
    CEPOLL_STEP_RESOLVE = 1,
    CEPOLL_STEP_SOCKET = 2,
    CEPOLL_STEP_SETSOCKOPT = 3,
    CEPOLL_STEP_BIND = 4,
    CEPOLL_STEP_LISTEN = 5,
    CEPOLL_STEP_GETSOCKNAME = 6,
};

/// epoll_create1(EPOLL_CLOEXEC); -1 and errno on failure.
int cepoll_create(void);
/// epoll_ctl with a 64-bit user token; op is EPOLL_CTL_ADD/MOD/DEL.
int cepoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token);
int cepoll_add(int epfd, int fd, uint32_t events, uint64_t token);
int cepoll_modify(int epfd, int fd, uint32_t events, uint64_t token);
int cepoll_remove(int epfd, int fd);
/// epoll_wait into unpacked events (at most 512).
int cepoll_wait(int epfd, cepoll_event *events, int max_events, int timeout_ms);

/// A non-blocking, close-on-exec eventfd; -1 and errno on failure.
int cepoll_eventfd(void);
/// Adds 1 to the eventfd counter (wakes the loop).
void cepoll_eventfd_signal(int fd);
/// Reads and clears the eventfd counter.
void cepoll_eventfd_drain(int fd);

/// Creates a non-blocking listening TCP socket with SO_REUSEADDR bound to host:port.
/// Returns the fd, or -1 with errno set and *failed_step one of CEPOLL_STEP_*. *bound_port receives the port.
/// For CEPOLL_STEP_RESOLVE, errno holds the getaddrinfo error code (negative).
int cepoll_listen_tcp(const char *host, int port, int backlog, int *bound_port, int *failed_step);

/// accept4(SOCK_NONBLOCK | SOCK_CLOEXEC) with TCP_NODELAY set; writes "ip:port" into address.
/// Returns the fd, or -1 with errno set (EAGAIN when no connection is pending).
int cepoll_accept(int listen_fd, char *address, size_t address_capacity);

/// send(MSG_NOSIGNAL): a write to a closed peer returns EPIPE instead of raising SIGPIPE.
long cepoll_send(int fd, const void *bytes, size_t count);
/// recv into bytes; 0 at end of stream.
long cepoll_recv(int fd, void *bytes, size_t count);
/// shutdown(fd, SHUT_WR): sends FIN while still reading.
int cepoll_shutdown_write(int fd);
/// errno of the calling thread (Swift's Glibc errno works too; this keeps the loop code uniform).
int cepoll_errno(void);
#endif
