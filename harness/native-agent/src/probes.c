/* bind and resolve (harness/agent/main.ts): which driver a name binds, from the refcnt moves in /proc/crypto. */
#define _GNU_SOURCE
#include "probes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* /proc/crypto whole, malloc'd and NUL-terminated. */
char *read_proc_crypto(size_t *len)
{
	FILE *f = fopen("/proc/crypto", "r");
	if (!f) return NULL;
	size_t cap = 65536, n = 0;
	char *text = malloc(cap);
	for (size_t got; text && (got = fread(text + n, 1, cap - n - 1, f)) > 0;) {
		n += got;
		if (cap - n - 1 == 0) {
			char *bigger = realloc(text, cap * 2);
			if (!bigger) { free(text); text = NULL; break; }
			text = bigger;
			cap *= 2;
		}
	}
	fclose(f);
	if (text) text[n] = '\0';
	*len = n;
	return text;
}

struct crypto_entry {
	char name[128], driver[128], type[32];
	int internal;
	long refcnt;
};

/* The entries of /proc/crypto (only what a refcnt move needs). */
static struct crypto_entry *parse_entries(char *text, size_t *count)
{
	size_t cap = 256;
	struct crypto_entry *entries = calloc(cap, sizeof *entries), *e = NULL;
	*count = 0;
	for (char *line = strtok(text, "\n"); line && entries; line = strtok(NULL, "\n")) {
		char *colon = strstr(line, " : ");
		if (!colon) continue;
		*colon = '\0';
		char *key = line, *value = colon + 3;
		for (char *end = colon; end > key && end[-1] == ' '; end--) end[-1] = '\0';
		if (strcmp(key, "name") == 0) {
			if (*count == cap) {
				struct crypto_entry *bigger = realloc(entries, 2 * cap * sizeof *entries);
				if (!bigger) { free(entries); return NULL; }
				entries = bigger;
				cap *= 2;
			}
			e = &entries[(*count)++];
			memset(e, 0, sizeof *e);
			snprintf(e->name, sizeof e->name, "%s", value);
		} else if (e && strcmp(key, "driver") == 0) snprintf(e->driver, sizeof e->driver, "%s", value);
		else if (e && strcmp(key, "type") == 0) snprintf(e->type, sizeof e->type, "%s", value);
		else if (e && strcmp(key, "internal") == 0) e->internal = strcmp(value, "yes") == 0;
		else if (e && strcmp(key, "refcnt") == 0) e->refcnt = strtol(value, NULL, 10);
	}
	return entries;
}

static struct crypto_entry *snapshot(size_t *count)
{
	size_t len;
	char *text = read_proc_crypto(&len);
	struct crypto_entry *entries = text ? parse_entries(text, count) : NULL;
	free(text);
	return entries;
}

static void write_moves(struct jwriter *w, const struct crypto_entry *before, size_t nb, const struct crypto_entry *after, size_t na)
{
	jw_begin_array(w);
	for (size_t i = 0; i < na; i++) {
		long previous = 0;
		for (size_t j = 0; j < nb; j++)
			if (strcmp(before[j].type, after[i].type) == 0 && strcmp(before[j].driver, after[i].driver) == 0) { previous = before[j].refcnt; break; }
		if (after[i].refcnt == previous) continue;
		jw_begin_object(w);
		jw_key(w, "driver"); jw_cstring(w, after[i].driver);
		jw_key(w, "name"); jw_cstring(w, after[i].name);
		jw_key(w, "internal"); jw_bool(w, after[i].internal);
		jw_key(w, "delta"); jw_int(w, after[i].refcnt - previous);
		jw_end(w);
	}
	jw_end(w);
}

static void write_probe(struct jwriter *w, const struct probe *p)
{
	jw_key(w, "type"); jw_cstring(w, ALG_TYPE_NAMES[p->type]);
	jw_key(w, "name"); jw_cstring(w, p->name);
}

/* bind (resolve == 0) or resolve: hold the socket between two snapshots of /proc/crypto. */
void op_probes(struct session *session, const struct probe *probes, size_t n, int resolve, struct jwriter *w)
{
	jw_begin_object(w);
	jw_key(w, "results");
	jw_begin_array(w);
	for (size_t i = 0; i < n; i++) {
		char err[64];
		int fd = session_bind(session, probes[i].type, probes[i].name, err, sizeof err);
		jw_begin_object(w);
		write_probe(w, &probes[i]);
		if (!resolve) {
			jw_key(w, "ok"); jw_bool(w, fd >= 0);
			if (fd < 0) { jw_key(w, "error"); jw_cstring(w, err); }
		} else if (fd < 0) {
			jw_key(w, "error"); jw_cstring(w, err);
			jw_key(w, "moved"); jw_begin_array(w); jw_end(w);
		} else {
			/* instantiate first, so that registering a new template instance is not mistaken for a hold */
			close(fd);
			size_t nb = 0, na = 0;
			struct crypto_entry *before = snapshot(&nb);
			int held = session_bind(session, probes[i].type, probes[i].name, err, sizeof err);
			struct crypto_entry *after = snapshot(&na);
			if (held >= 0) close(held);
			jw_key(w, "moved");
			write_moves(w, before ? before : after, before ? nb : 0, after, after ? na : 0);
			free(before);
			free(after);
		}
		if (fd >= 0 && !resolve) close(fd);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

