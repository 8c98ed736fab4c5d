/* The agent's link to the host: whole frames, one writer at a time. */
#define _GNU_SOURCE
#include "link.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int link_fd = 1;
static pthread_mutex_t link_lock;

void link_init(int fd)
{
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&link_lock, &attr);
	pthread_mutexattr_destroy(&attr);
	link_fd = fd;
}

static void write_all(const char *bytes, size_t len)
{
	while (len > 0) {
		ssize_t n = write(link_fd, bytes, len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd p = { link_fd, POLLOUT, 0 };
			poll(&p, 1, 1000);
			continue;
		}
		if (n <= 0) { fprintf(stderr, "agent: write: %s\n", strerror(errno)); exit(1); }
		bytes += n;
		len -= (size_t)n;
	}
}

void link_send(const char *json, size_t len)
{
	if (pthread_mutex_lock(&link_lock) == EOWNERDEAD) {
		/* its writer died, perhaps mid-frame: end that line, so this frame starts one of its own */
		pthread_mutex_consistent(&link_lock);
		write_all("\n", 1);
	}
	write_all(FRAME_MARKER, sizeof FRAME_MARKER - 1);
	write_all(json, len);
	write_all("\n", 1);
	pthread_mutex_unlock(&link_lock);
}
