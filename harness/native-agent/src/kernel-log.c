/* The kernel-log op and its reader thread (harness/agent/kmsg-worker.ts, kernel-log-watch.ts). */
#define _GNU_SOURCE
#include "kernel-log.h"
#include "kmsg-record.h"
#include "link.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How long the reader waits for a record before it beats again. */
#define POLL_MS 100
/* A reader that has not beaten for this long is dead (or stuck for good): a new one takes over. */
#define STALE_MS 3000
/* Records per pushed frame: keeps a frame well under a virtio port's 32 KiB write. */
#define RECORDS_PER_FRAME 64

static pthread_mutex_t ring_lock;
static struct kmsg_ring ring;
static int kmsg_fd = -1;
static int following;
/* the sequence number of the first record not pushed yet */
static unsigned long long push_from;
/* the running reader's generation: an older one stops at its next beat */
static atomic_int generation;
static atomic_llong heartbeat_ms;
static atomic_int fault_seen;
static char fault_line[300];
static long long fault_at_ms;

long long monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void lock_ring(void)
{
	/* a reader killed in the kernel while holding it: the ring is still whole (records are added in one step) */
	if (pthread_mutex_lock(&ring_lock) == EOWNERDEAD) pthread_mutex_consistent(&ring_lock);
}

static long long tainted(void)
{
	char text[32] = "";
	int fd = open("/proc/sys/kernel/tainted", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
	if (fd >= 0) close(fd);
	if (n <= 0) return -1;
	text[n] = '\0';
	return strtoll(text, NULL, 10);
}

/* Every record available on the non-blocking /dev/kmsg into the ring (ring lock held); -1 with `error` on a read failure. */
static int read_available(char *error, size_t size)
{
	char buffer[8192];
	for (;;) {
		ssize_t n = read(kmsg_fd, buffer, sizeof buffer);
		if (n < 0 && errno == EAGAIN) return 0;
		/* EPIPE: records overwritten before we read them (the sequence numbers show the gap) */
		if (n < 0 && (errno == EPIPE || errno == EINTR)) continue;
		if (n < 0) { snprintf(error, size, "kernel log reader: read /dev/kmsg: %s", strerror(errno)); return -1; }
		if (n == 0) return 0;
		struct kmsg_record record;
		if (kmsg_parse(buffer, (size_t)n, &record) < 0) continue;
		/* the matrix watchdog ends the request in flight at once (when its thread is still alive to) */
		if (following && !atomic_load(&fault_seen) && kmsg_is_fault_line(record.text, record.len)) {
			snprintf(fault_line, sizeof fault_line, "%.*s", (int)strnlen(record.text, record.len), record.text);
			fault_at_ms = monotonic_ms();
			atomic_store(&fault_seen, 1);
		}
		kmsg_ring_add(&ring, &record);
	}
}

static void write_records(struct jwriter *w, const struct kmsg_slice *slice)
{
	jw_begin_array(w);
	for (size_t i = 0; i < slice->count; i++) {
		const struct kmsg_record *record = kmsg_ring_at(&ring, slice, i);
		jw_begin_object(w);
		jw_key(w, "seq"); jw_int(w, (long long)record->seq);
		jw_key(w, "level"); jw_int(w, record->level);
		jw_key(w, "usec"); jw_int(w, (long long)record->usec);
		jw_key(w, "text"); jw_string(w, record->text, record->len);
		jw_end(w);
	}
	jw_end(w);
}

/* The next event frame of records not pushed yet into `w` (ring lock held); 0 when there is none. */
static int next_push(struct jwriter *w)
{
	if (!following) return 0;
	struct kmsg_slice slice = kmsg_ring_since(&ring, push_from, RECORDS_PER_FRAME);
	if (slice.count == 0) return 0;
	push_from = slice.next;
	jw_begin_object(w);
	jw_key(w, "event"); jw_cstring(w, "kernel-log");
	jw_key(w, "records"); write_records(w, &slice);
	jw_key(w, "tainted"); jw_int(w, tainted());
	if (slice.dropped > 0) { jw_key(w, "dropped"); jw_int(w, (long long)slice.dropped); }
	jw_end(w);
	return 1;
}

static void *reader(void *arg)
{
	int mine = (int)(intptr_t)arg;
	char error[160];
	while (atomic_load(&generation) == mine) {
		atomic_store(&heartbeat_ms, monotonic_ms());
		struct pollfd p = { kmsg_fd, POLLIN, 0 };
		poll(&p, 1, POLL_MS);
		/* a frame is sent before the ring is let go: frames leave in order, even from a reader taking over */
		for (int more = 1, failed = 0; more && !failed && atomic_load(&generation) == mine;) {
			struct jwriter frame;
			jw_init(&frame);
			lock_ring();
			/* a failure stops the beat: the next request restarts the reader, and its own read reports it */
			failed = read_available(error, sizeof error) < 0;
			more = next_push(&frame);
			if (more) link_send(frame.buf, frame.len);
			pthread_mutex_unlock(&ring_lock);
			jw_free(&frame);
			if (failed) return NULL;
		}
	}
	return NULL;
}

static int start_reader(char *error, size_t size)
{
	pthread_t thread;
	pthread_attr_t attr;
	int next = atomic_fetch_add(&generation, 1) + 1;
	atomic_store(&heartbeat_ms, monotonic_ms());
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&thread, &attr, reader, (void *)(intptr_t)next);
	pthread_attr_destroy(&attr);
	if (rc != 0) { snprintf(error, size, "kernel-log: cannot start the reader thread: %s", strerror(rc)); return -1; }
	return 0;
}

void kernel_log_keep_alive(void)
{
	char error[128];
	if (kmsg_fd >= 0 && monotonic_ms() - atomic_load(&heartbeat_ms) > STALE_MS) start_reader(error, sizeof error);
}

/* The reader's state, made the first time: /dev/kmsg open from its oldest record, the ring's lock. */
static int open_kmsg(char *error, size_t size)
{
	static int lock_made;
	if (kmsg_fd >= 0) return 0;
	if (!lock_made) {
		pthread_mutexattr_t attr;
		pthread_mutexattr_init(&attr);
		pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
		pthread_mutex_init(&ring_lock, &attr);
		pthread_mutexattr_destroy(&attr);
		lock_made = 1;
	}
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd < 0) { snprintf(error, size, "kernel-log: open /dev/kmsg: %s", strerror(errno)); return -1; }
	return start_reader(error, size);
}

/* A member that must be a whole number >= 0 when present; -1 with `error` set. */
static int count_member(const struct jnode *request, const char *name, double *value, char *error, size_t size)
{
	const struct jnode *n = json_get(request, name);
	if (!n) return 0;
	if (n->type == J_NUM && n->num >= 0 && n->num == floor(n->num)) { *value = n->num; return 0; }
	if (n->type == J_NUM) snprintf(error, size, "kernel-log: %s: expected a whole number >= 0, got %g", name, n->num);
	else snprintf(error, size, "kernel-log: %s: expected a whole number >= 0, got %s", name, json_type_name(n->type));
	return -1;
}

int kernel_log_request(const struct jnode *request, struct jwriter *result, char *error, size_t size)
{
	double since = 0, max = KMSG_RING_CAPACITY;
	const struct jnode *follow = json_get(request, "follow");
	if (count_member(request, "since", &since, error, size) < 0 || count_member(request, "max", &max, error, size) < 0) return -1;
	if (follow && follow->type != J_BOOL) {
		snprintf(error, size, "kernel-log: follow: expected boolean, got %s", json_type_name(follow->type));
		return -1;
	}
	if (open_kmsg(error, size) < 0) return -1;
	kernel_log_keep_alive();
	lock_ring();
	if (read_available(error, size) < 0) { pthread_mutex_unlock(&ring_lock); return -1; }
	struct kmsg_slice slice = kmsg_ring_since(&ring, since >= 1e19 ? ~0ULL : (unsigned long long)since, max >= KMSG_RING_CAPACITY ? KMSG_RING_CAPACITY : (size_t)max);
	if (follow) following = follow->boolean;
	push_from = slice.next;
	jw_begin_object(result);
	jw_key(result, "records"); write_records(result, &slice);
	jw_key(result, "next"); jw_int(result, (long long)slice.next);
	jw_key(result, "dropped"); jw_int(result, (long long)slice.dropped);
	jw_key(result, "tainted"); jw_int(result, tainted());
	jw_key(result, "following"); jw_bool(result, following);
	jw_end(result);
	pthread_mutex_unlock(&ring_lock);
	return 0;
}

void kernel_log_fault_reset(void)
{
	atomic_store(&fault_seen, 0);
}

int kernel_log_fault(char *line, size_t size, long long *at_ms)
{
	if (!atomic_load(&fault_seen)) return 0;
	snprintf(line, size, "%s", fault_line);
	*at_ms = fault_at_ms;
	return 1;
}
