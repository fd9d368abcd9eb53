#ifndef RAMPART_CEPOLL_H
#define RAMPART_CEPOLL_H
// Glibc's Swift overlay has no epoll module: this small shim exposes it.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#endif
