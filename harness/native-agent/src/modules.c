/* Loading kernel modules with the kernel log captured (tcrypt, fixtures), and running helper programs. */
#define _GNU_SOURCE
#include "modules.h"
#include "errnames.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int matches(const char *s, const char *allowed, size_t min, size_t max)
{
	size_t n = strlen(s);
	return n >= min && n <= max && strspn(s, allowed) == n;
}

#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"

static int good_param(const char *p)
{
	const char *eq = strchr(p, '=');
	if (!eq) return 0;
	char key[80];
	size_t klen = (size_t)(eq - p);
	if (klen < 1 || klen > 64) return 0;
	memcpy(key, p, klen);
	key[klen] = '\0';
	return matches(key, NAME_CHARS, 1, 64) && matches(eq + 1, NAME_CHARS ".,()+-", 0, 128);
}

char *run_program(const char *const *argv, int *status, char *err, size_t err_size)
{
	int out[2];
	if (pipe2(out, O_CLOEXEC) < 0) { snprintf(err, err_size, "pipe: %s", strerror(errno)); return NULL; }
	pid_t pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(out[1], 2);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	size_t cap = 4096, len = 0;
	char *text = malloc(cap);
	for (ssize_t n; text && (n = read(out[0], text + len, cap - len - 1)) > 0;) {
		len += (size_t)n;
		if (cap - len - 1 == 0) text = realloc(text, cap *= 2);
	}
	close(out[0]);
	int st = 0;
	waitpid(pid, &st, 0);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (text) text[len] = '\0';
	return text;
}

/* The counter rate of tcrypt's sec=0 cycle counts: the rules of harness/protocol/cycle-rate.ts (the later, finer figure wins). */
struct cycle_rate {
	double hz;
	int rank;
};

static void note_cycle_rate(const char *text, struct cycle_rate *rate)
{
	static const struct { const char *prefix; int rank; } lines[] = {
		{ "tsc: Refined TSC clocksource calibration: ", 2 },
		{ "tsc: Detected ", 1 },
		{ "arch_timer: cp15 timer(s) running at ", 1 },
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		const char *at = strstr(text, lines[i].prefix);
		char *end;
		if (!at) continue;
		double mhz = strtod(at + strlen(lines[i].prefix), &end);
		while (*end == ' ') end++;
		if (mhz > 0 && strncmp(end, "MHz", 3) == 0 && lines[i].rank >= rate->rank) *rate = (struct cycle_rate){ mhz * 1e6 + 0.5, lines[i].rank };
	}
}

/* Kernel log records available on a non-blocking /dev/kmsg; each record's text is written when `w`, scanned for the cycle rate when `rate`. */
static void read_records(int fd, struct jwriter *w, struct cycle_rate *rate)
{
	char record[8192];
	for (;;) {
		ssize_t n = read(fd, record, sizeof record - 1);
		if (n < 0 && errno == EPIPE) continue; /* records were overwritten before we read them */
		if (n <= 0) return;
		record[n] = '\0';
		char *text = strchr(record, ';');
		text = text ? text + 1 : record;
		text[strcspn(text, "\n")] = '\0';
		if (rate) note_cycle_rate(text, rate);
		if (w) jw_string(w, text, strlen(text));
	}
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static int finit(const char *file, const struct module_request *req, char *stderr_text, size_t size)
{
	char params[4096] = "", buf[32];
	for (size_t i = 0; i < req->nparams; i++) {
		if (i) strncat(params, " ", sizeof params - strlen(params) - 1);
		strncat(params, req->params[i], sizeof params - strlen(params) - 1);
	}
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) { snprintf(stderr_text, size, "open %s: %s", file, errno_name(errno, buf, sizeof buf)); return 1; }
	long rc = syscall(SYS_finit_module, fd, params, 0);
	int saved = errno;
	close(fd);
	if (rc == 0) return 0;
	snprintf(stderr_text, size, "finit_module %s: %s", file, errno_name(saved, buf, sizeof buf));
	return 1;
}

/* The module's file (relative to dir) from modules.dep, and its dependencies' names. */
static int look_up(const char *dir, const char *name, char *file, size_t file_size, char *deps, size_t deps_size)
{
	char path[512], line[4096], wanted[80];
	snprintf(path, sizeof path, "%s/modules.dep", dir);
	snprintf(wanted, sizeof wanted, "%s", name);
	for (char *c = wanted; *c; c++) if (*c == '-') *c = '_';
	FILE *f = fopen(path, "r");
	if (!f) return -1;
	int found = 0;
	while (!found && fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');
		if (!colon) continue;
		*colon = '\0';
		char base[128];
		const char *slash = strrchr(line, '/');
		snprintf(base, sizeof base, "%.127s", slash ? slash + 1 : line);
		char *ko = strstr(base, ".ko");
		if (ko) *ko = '\0';
		for (char *c = base; *c; c++) if (*c == '-') *c = '_';
		if (strcmp(base, wanted) != 0) continue;
		snprintf(file, file_size, "%s", line);
		snprintf(deps, deps_size, "%s", colon + 1);
		found = 1;
	}
	fclose(f);
	return found ? 0 : -1;
}

struct loader {
	const char *dir;
	const char *modprobe[4]; /* the command prefix that runs the target's own modprobe */
	size_t prefix;
};

static int run_modprobe(const struct loader *l, const char *module, const struct module_request *params, char *out, size_t size)
{
	const char *argv[80];
	size_t n = 0;
	for (size_t i = 0; i < l->prefix; i++) argv[n++] = l->modprobe[i];
	argv[n++] = module;
	for (size_t i = 0; params && i < params->nparams && n < 78; i++) argv[n++] = params->params[i];
	argv[n] = NULL;
	int status;
	char *text = run_program(argv, &status, out, size);
	if (text) {
		size_t len = strlen(text);
		while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' ')) text[--len] = '\0';
		snprintf(out, size, "%s", text);
		free(text);
	}
	return status;
}

static void write_result(struct jwriter *w, int exit_code, const char *stderr_text, int kmsg, double seconds, double cycle_hz)
{
	jw_begin_object(w);
	jw_key(w, "exitCode"); jw_int(w, exit_code);
	jw_key(w, "stderr"); jw_cstring(w, stderr_text);
	jw_key(w, "log"); jw_begin_array(w);
	if (kmsg >= 0) read_records(kmsg, w, NULL);
	jw_end(w);
	jw_key(w, "seconds"); jw_double(w, seconds);
	if (cycle_hz > 0) { jw_key(w, "cycleHz"); jw_int(w, (long long)cycle_hz); }
	jw_end(w);
}

/* Load with the kernel log captured: `file` by finit_module, else `module` by modprobe. */
static int load_capturing(const struct loader *l, const char *file, const char *module, const struct module_request *req, struct jwriter *w, char *error, size_t size)
{
	char stderr_text[2048] = "";
	int kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg < 0) { snprintf(error, size, "open /dev/kmsg: %s", strerror(errno)); return -1; }
	/* the records before the load tell the cycle counter's rate (tcrypt's sec=0 figures count it) */
	struct cycle_rate rate = { 0, 0 };
	read_records(kmsg, NULL, &rate);
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	int code = file ? finit(file, req, stderr_text, sizeof stderr_text) : run_modprobe(l, module, req, stderr_text, sizeof stderr_text);
	write_result(w, code, stderr_text, kmsg, seconds_since(&start), rate.hz);
	close(kmsg);
	return 0;
}

static int modprobe(const struct module_request *req, struct jwriter *w, char *error, size_t size)
{
	struct utsname u;
	char dir[300], probe[400], file[4096], deps[4096], path[4500], out[2048];
	uname(&u);
	struct loader l = { dir, { "modprobe" }, 1 };
	snprintf(dir, sizeof dir, "/lib/modules/%s", u.release);
	snprintf(probe, sizeof probe, "%s/modules.dep", dir);
	if (access(probe, R_OK) != 0) {
		snprintf(dir, sizeof dir, "/proc/1/root/lib/modules/%s", u.release);
		snprintf(probe, sizeof probe, "%s/modules.dep", dir);
		if (access(probe, R_OK) != 0) { snprintf(error, size, "no modules for %s under /lib/modules (nor under init's root)", u.release); return -1; }
		l = (struct loader){ dir, { "/proc/1/root/bin/busybox", "chroot", "/proc/1/root", "/sbin/modprobe" }, 4 };
	}
	if (look_up(dir, req->module, file, sizeof file, deps, sizeof deps) < 0) {
		snprintf(out, sizeof out, "module %s not found in %s/modules.dep", req->module, dir);
		write_result(w, 1, out, -1, 0, 0);
		return 0;
	}
	for (char *dep = strtok(deps, " \t\n"); dep; dep = strtok(NULL, " \t\n")) {
		char name[128];
		const char *slash = strrchr(dep, '/');
		snprintf(name, sizeof name, "%.127s", slash ? slash + 1 : dep);
		char *ko = strstr(name, ".ko");
		if (ko) *ko = '\0';
		for (char *c = name; *c; c++) if (*c == '-') *c = '_';
		int code = run_modprobe(&l, name, NULL, out, sizeof out);
		if (code != 0) {
			char message[2300];
			snprintf(message, sizeof message, "dependency %s: %s", name, out);
			write_result(w, code, message, -1, 0, 0);
			return 0;
		}
	}
	size_t flen = strlen(file);
	int plain = flen > 3 && strcmp(file + flen - 3, ".ko") == 0;
	snprintf(path, sizeof path, "%s/%s", dir, file);
	return load_capturing(&l, plain ? path : NULL, req->module, req, w, error, size);
}

int module_load(const struct module_request *req, int insmod, struct jwriter *w, char *error, size_t error_size)
{
	for (size_t i = 0; i < req->nparams; i++)
		if (!good_param(req->params[i])) { snprintf(error, error_size, "%s: bad module parameter \"%.100s\"", insmod ? "insmod" : "modprobe", req->params[i]); return -1; }
	if (!insmod) {
		if (!matches(req->module, NAME_CHARS "-", 1, 64)) { snprintf(error, error_size, "modprobe: bad module name \"%.100s\"", req->module); return -1; }
		return modprobe(req, w, error, error_size);
	}
	size_t n = strlen(req->module);
	if (n < 3 || strcmp(req->module + n - 3, ".ko") != 0) { snprintf(error, error_size, "insmod: %.200s is not a .ko file", req->module); return -1; }
	char host[1200];
	snprintf(host, sizeof host, "/host%.1180s", req->module);
	const char *file = access(req->module, R_OK) != 0 && access(host, R_OK) == 0 ? host : req->module;
	return load_capturing(NULL, file, NULL, req, w, error, error_size);
}
