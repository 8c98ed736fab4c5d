/*
 * The native agent: the protocol of harness/protocol/messages.ts over stdio or a virtio-serial port,
 * with no dependency beyond libc.   afalg-agent [--port auto|/dev/vportNpM|PATH]   (default: stdio)
 */
#define _GNU_SOURCE
#include "json.h"
#include "kernel-log.h"
#include "link.h"
#include "ops.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define VIRTIO_PORT_NAME "afalg.agent"
/* A longer line is answered with an error and dropped. */
#define MAX_LINE (64u * 1024 * 1024)

static void send_frame(const struct jwriter *w)
{
	static const char oom[] = "{\"id\":-1,\"ok\":false,\"error\":{\"message\":\"out of memory writing the answer\"}}";
	if (w->failed) link_send(oom, sizeof oom - 1);
	else link_send(w->buf, w->len);
}

static void send_error(const char *message)
{
	struct jwriter w;
	jw_init(&w);
	jw_begin_object(&w);
	jw_key(&w, "id"); jw_int(&w, -1);
	jw_key(&w, "ok"); jw_bool(&w, 0);
	jw_key(&w, "error"); jw_begin_object(&w); jw_key(&w, "message"); jw_cstring(&w, message); jw_end(&w);
	jw_end(&w);
	send_frame(&w);
	jw_free(&w);
}

/* One line of input: noise, a corrupt frame, or a request answered. Returns 1 after bye. */
static int handle_line(char *line, size_t len)
{
	if (len > 0 && line[len - 1] == '\r') line[--len] = '\0';
	char *at = memmem(line, len, FRAME_MARKER, sizeof FRAME_MARKER - 1);
	if (!at) {
		/* the host writes frames and bare newlines only: this is a request that lost its marker on the link */
		if (strspn(line, " \t\v\f") >= len) return 0; /* a blank line: the host's nudge */
		char message[160];
		snprintf(message, sizeof message, "%s: %.80s", DAMAGED_LINE_ERROR, line);
		send_error(message);
		return 0;
	}
	const char *json = at + sizeof FRAME_MARKER - 1;
	struct jdoc doc;
	if (json_parse(&doc, json, len - (size_t)(json - line)) < 0) {
		char message[256];
		snprintf(message, sizeof message, "corrupt frame: %.80s (%s)", line, doc.error);
		send_error(message);
		json_free(&doc);
		return 0;
	}
	struct jwriter reply;
	jw_init(&reply);
	kernel_log_keep_alive(); /* the kernel-log reader, if its thread died */
	int bye = handle_request(doc.root, &reply);
	json_free(&doc);
	send_frame(&reply);
	jw_free(&reply);
	return bye;
}

static const char *find_virtio_port(char *path, size_t size)
{
	const char *base = "/sys/class/virtio-ports";
	DIR *dir = opendir(base);
	struct dirent *e;
	while (dir && (e = readdir(dir))) {
		char file[512], name[128] = "";
		snprintf(file, sizeof file, "%s/%s/name", base, e->d_name);
		FILE *f = fopen(file, "r");
		if (!f) continue;
		if (fgets(name, sizeof name, f)) name[strcspn(name, "\n")] = '\0';
		fclose(f);
		if (strcmp(name, VIRTIO_PORT_NAME) == 0) {
			snprintf(path, size, "/dev/%s", e->d_name);
			closedir(dir);
			return path;
		}
	}
	if (dir) closedir(dir);
	fprintf(stderr, "agent: no virtio-serial port named %s under %s\n", VIRTIO_PORT_NAME, base);
	exit(1);
}

int main(int argc, char **argv)
{
	int in_fd = 0, device = 0;
	char path[300];
	signal(SIGPIPE, SIG_IGN);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
			const char *port = argv[++i];
			if (strcmp(port, "auto") == 0) port = find_virtio_port(path, sizeof path);
			in_fd = open(port, O_RDWR | O_CLOEXEC);
			if (in_fd < 0) { fprintf(stderr, "agent: open %s: %s\n", port, strerror(errno)); return 1; }
			device = 1;
		} else {
			fprintf(stderr, "usage: %s [--port auto|PATH]\n", argv[0]);
			return 2;
		}
	}
	link_init(device ? in_fd : 1);
	if (ops_init() < 0) { fprintf(stderr, "agent: cannot set up its sessions\n"); return 1; }
	char ready[160];
	int ready_len = snprintf(ready, sizeof ready, "{\"event\":\"ready\",\"agentVersion\":\"%s\",\"pid\":%d}", AGENT_VERSION, (int)getpid());
	link_send(ready, (size_t)ready_len);

	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap + 1);
	int dropping = 0;
	for (;;) {
		if (len == cap) {
			if (cap >= MAX_LINE) {
				char message[128];
				snprintf(message, sizeof message, "frame too long: over %u bytes without a newline (dropped)", MAX_LINE);
				send_error(message);
				len = 0;
				dropping = 1;
			} else {
				cap *= 2;
				buf = realloc(buf, cap + 1);
				if (!buf) { fprintf(stderr, "agent: out of memory\n"); return 1; }
			}
		}
		ssize_t n = read(in_fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR) continue;
		if (n < 0) { fprintf(stderr, "agent: read: %s\n", strerror(errno)); return 1; }
		if (n == 0) {
			if (!device) return 0; /* the host closed its end */
			struct timespec ts = { 0, 20 * 1000000 }; /* a virtio port reads 0 while the host side is closed */
			nanosleep(&ts, NULL);
			continue;
		}
		size_t scanned = len, start = 0;
		len += (size_t)n;
		for (char *nl; (nl = memchr(buf + scanned, '\n', len - scanned)); scanned = (size_t)(nl - buf) + 1) {
			*nl = '\0';
			if (!dropping && handle_line(buf + start, (size_t)(nl - buf) - start)) return 0;
			dropping = 0;
			start = (size_t)(nl - buf) + 1;
		}
		memmove(buf, buf + start, len - start);
		len -= start;
	}
}
