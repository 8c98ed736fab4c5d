/* JSON writer: values appended to a growing buffer, commas and brackets tracked per depth. */
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jw_init(struct jwriter *w)
{
	memset(w, 0, sizeof *w);
	w->first[0] = 1;
}

void jw_free(struct jwriter *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = w->cap = 0;
}

static int reserve(struct jwriter *w, size_t more)
{
	if (w->failed) return -1;
	if (w->len + more + 1 <= w->cap) return 0;
	size_t cap = w->cap ? w->cap : 256;
	while (cap < w->len + more + 1) cap *= 2;
	char *buf = realloc(w->buf, cap);
	if (!buf) { w->failed = 1; return -1; }
	w->buf = buf;
	w->cap = cap;
	return 0;
}

void jw_raw(struct jwriter *w, const char *bytes, size_t len)
{
	if (reserve(w, len) < 0) return;
	memcpy(w->buf + w->len, bytes, len);
	w->len += len;
	w->buf[w->len] = '\0';
}

/* first[depth]: 1 before the container's first value, 0 after it, 2 right after a member's key */
static void value_prefix(struct jwriter *w)
{
	unsigned char state = w->first[w->depth];
	if (state == 0 && w->depth > 0) jw_raw(w, ",", 1);
	w->first[w->depth] = 0;
}

static void begin(struct jwriter *w, char open, char close)
{
	value_prefix(w);
	jw_raw(w, &open, 1);
	if (w->depth + 1 >= JSON_MAX_DEPTH) { w->failed = 1; return; }
	w->depth++;
	w->first[w->depth] = 1;
	w->closer[w->depth] = close;
}

void jw_begin_object(struct jwriter *w) { begin(w, '{', '}'); }
void jw_begin_array(struct jwriter *w) { begin(w, '[', ']'); }

void jw_end(struct jwriter *w)
{
	if (w->depth == 0) { w->failed = 1; return; }
	jw_raw(w, &w->closer[w->depth], 1);
	w->depth--;
}

void jw_key(struct jwriter *w, const char *key)
{
	jw_cstring(w, key);
	jw_raw(w, ":", 1);
	w->first[w->depth] = 2;
}

void jw_string(struct jwriter *w, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	value_prefix(w);
	if (reserve(w, len * 6 + 2) < 0) return;
	char *o = w->buf + w->len;
	*o++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') { *o++ = '\\'; *o++ = (char)c; }
		else if (c == '\n') { *o++ = '\\'; *o++ = 'n'; }
		else if (c == '\r') { *o++ = '\\'; *o++ = 'r'; }
		else if (c == '\t') { *o++ = '\\'; *o++ = 't'; }
		else if (c == '\b') { *o++ = '\\'; *o++ = 'b'; }
		else if (c == '\f') { *o++ = '\\'; *o++ = 'f'; }
		else if (c < 0x20) { memcpy(o, "\\u00", 4); o += 4; *o++ = hex[c >> 4]; *o++ = hex[c & 15]; }
		else *o++ = (char)c;
	}
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
	w->buf[w->len] = '\0';
}

void jw_cstring(struct jwriter *w, const char *s) { jw_string(w, s, strlen(s)); }

void jw_int(struct jwriter *w, long long value)
{
	char tmp[32];
	value_prefix(w);
	jw_raw(w, tmp, (size_t)snprintf(tmp, sizeof tmp, "%lld", value));
}

void jw_double(struct jwriter *w, double value)
{
	char tmp[40];
	value_prefix(w);
	if (!isfinite(value)) { jw_raw(w, "null", 4); return; }
	jw_raw(w, tmp, (size_t)snprintf(tmp, sizeof tmp, "%.17g", value));
}

void jw_bool(struct jwriter *w, int value)
{
	value_prefix(w);
	jw_raw(w, value ? "true" : "false", value ? 4 : 5);
}

void jw_base64(struct jwriter *w, const unsigned char *bytes, size_t len)
{
	value_prefix(w);
	if (reserve(w, base64_len(len) + 2) < 0) return;
	w->buf[w->len++] = '"';
	w->len += base64_encode(bytes, len, w->buf + w->len);
	w->buf[w->len++] = '"';
	w->buf[w->len] = '\0';
}

void jw_node(struct jwriter *w, const struct jnode *n)
{
	switch (n->type) {
	case J_NULL: value_prefix(w); jw_raw(w, "null", 4); break;
	case J_BOOL: jw_bool(w, n->boolean); break;
	case J_NUM: jw_double(w, n->num); break;
	case J_STR: jw_string(w, n->str, n->len); break;
	case J_ARR: case J_OBJ:
		if (n->type == J_ARR) jw_begin_array(w); else jw_begin_object(w);
		for (const struct jnode *m = n->child; m; m = m->next) {
			if (n->type == J_OBJ) jw_key(w, m->key);
			jw_node(w, m);
		}
		jw_end(w);
		break;
	}
}
