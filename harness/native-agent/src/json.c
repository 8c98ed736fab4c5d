/* JSON reader and writer, RFC 8259, no dependency beyond libc. */
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reader {
	struct jdoc *doc;
	const char *start, *p, *end;
};

static int fail_at(struct reader *r, const char *what, const char *start)
{
	if (r->doc->error[0] == '\0')
		snprintf(r->doc->error, sizeof r->doc->error, "%s at byte %zu", what, (size_t)(r->p - start));
	return -1;
}

static struct jnode *new_node(struct reader *r, enum jtype type)
{
	struct jdoc *d = r->doc;
	if (!d->blocks || d->used == JSON_BLOCK_NODES) {
		struct jblock *b = malloc(sizeof *b);
		if (!b) return NULL;
		b->next = d->blocks;
		d->blocks = b;
		d->used = 0;
	}
	struct jnode *n = &d->blocks->nodes[d->used++];
	memset(n, 0, sizeof *n);
	n->type = type;
	return n;
}

static void skip_space(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
		else return -1;
	}
	*out = v;
	return 0;
}

static char *put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) { *o++ = (char)cp; }
	else if (cp < 0x800) { *o++ = (char)(0xc0 | (cp >> 6)); *o++ = (char)(0x80 | (cp & 0x3f)); }
	else if (cp < 0x10000) { *o++ = (char)(0xe0 | (cp >> 12)); *o++ = (char)(0x80 | ((cp >> 6) & 0x3f)); *o++ = (char)(0x80 | (cp & 0x3f)); }
	else { *o++ = (char)(0xf0 | (cp >> 18)); *o++ = (char)(0x80 | ((cp >> 12) & 0x3f)); *o++ = (char)(0x80 | ((cp >> 6) & 0x3f)); *o++ = (char)(0x80 | (cp & 0x3f)); }
	return o;
}

/* A string at r->p (on the opening quote), decoded into the doc's string block. */
static int parse_string(struct reader *r, char **out, size_t *out_len)
{
	struct jdoc *d = r->doc;
	char *start = d->strings + d->strings_used, *o = start;
	r->p++;
	for (;;) {
		if (r->p >= r->end) return fail_at(r, "unterminated string", r->start);
		unsigned char c = (unsigned char)*r->p;
		if (c == '"') { r->p++; break; }
		if (c < 0x20) return fail_at(r, "control character in string", r->start);
		if (c != '\\') { *o++ = (char)c; r->p++; continue; }
		if (r->p + 1 >= r->end) return fail_at(r, "unterminated escape", r->start);
		char e = r->p[1];
		r->p += 2;
		switch (e) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			unsigned cp, low;
			if (r->end - r->p < 4 || hex4(r->p, &cp) < 0) return fail_at(r, "bad \\u escape", r->start);
			r->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && r->end - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u' &&
			    hex4(r->p + 2, &low) == 0 && low >= 0xdc00 && low < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
				r->p += 6;
			}
			o = put_utf8(o, cp); /* a lone surrogate is kept as its 3-byte form, like a JS string */
			break;
		}
		default: return fail_at(r, "bad escape", r->start);
		}
	}
	*o = '\0';
	*out = start;
	*out_len = (size_t)(o - start);
	d->strings_used += (size_t)(o - start) + 1;
	return 0;
}

static int parse_number(struct reader *r, double *out)
{
	const char *s = r->p;
	if (r->p < r->end && *r->p == '-') r->p++;
	if (r->p >= r->end) return fail_at(r, "bad number", r->start);
	if (*r->p == '0') r->p++;
	else if (*r->p >= '1' && *r->p <= '9') while (r->p < r->end && *r->p >= '0' && *r->p <= '9') r->p++;
	else return fail_at(r, "bad number", r->start);
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9') return fail_at(r, "bad number", r->start);
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9') r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-')) r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9') return fail_at(r, "bad number", r->start);
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9') r->p++;
	}
	char tmp[64];
	size_t n = (size_t)(r->p - s);
	if (n >= sizeof tmp) return fail_at(r, "number too long", r->start);
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*out = strtod(tmp, NULL);
	return 0;
}

static int literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0) return fail_at(r, "unexpected character", r->start);
	r->p += n;
	return 0;
}

static struct jnode *parse_value(struct reader *r, int depth);

/* Members of an array or object, after the opening bracket. */
static int parse_members(struct reader *r, struct jnode *parent, int depth)
{
	char close = parent->type == J_ARR ? ']' : '}';
	struct jnode **tail = &parent->child;
	skip_space(r);
	if (r->p < r->end && *r->p == close) { r->p++; return 0; }
	for (;;) {
		const char *key = NULL;
		if (parent->type == J_OBJ) {
			size_t key_len;
			char *k;
			skip_space(r);
			if (r->p >= r->end || *r->p != '"') return fail_at(r, "expected a member name", r->start);
			if (parse_string(r, &k, &key_len) < 0) return -1;
			key = k;
			skip_space(r);
			if (r->p >= r->end || *r->p != ':') return fail_at(r, "expected ':'", r->start);
			r->p++;
		}
		struct jnode *value = parse_value(r, depth + 1);
		if (!value) return -1;
		value->key = key;
		*tail = value;
		tail = &value->next;
		parent->len++;
		skip_space(r);
		if (r->p < r->end && *r->p == ',') { r->p++; continue; }
		if (r->p < r->end && *r->p == close) { r->p++; return 0; }
		return fail_at(r, parent->type == J_ARR ? "expected ',' or ']'" : "expected ',' or '}'", r->start);
	}
}

static enum jtype type_at(char c)
{
	switch (c) {
	case '{': return J_OBJ;
	case '[': return J_ARR;
	case '"': return J_STR;
	case 't': case 'f': return J_BOOL;
	case 'n': return J_NULL;
	default: return J_NUM;
	}
}

static struct jnode *parse_value(struct reader *r, int depth)
{
	if (depth > JSON_MAX_DEPTH) { fail_at(r, "nested too deep", r->start); return NULL; }
	skip_space(r);
	if (r->p >= r->end) { fail_at(r, "unexpected end", r->start); return NULL; }
	struct jnode *n = new_node(r, type_at(*r->p));
	if (!n) { fail_at(r, "out of memory", r->start); return NULL; }
	int rc;
	switch (n->type) {
	case J_OBJ: case J_ARR:
		r->p++;
		rc = parse_members(r, n, depth);
		break;
	case J_STR:
		rc = parse_string(r, &n->str, &n->len);
		break;
	case J_BOOL:
		n->boolean = *r->p == 't';
		rc = literal(r, n->boolean ? "true" : "false");
		break;
	case J_NULL:
		rc = literal(r, "null");
		break;
	default:
		rc = parse_number(r, &n->num);
	}
	return rc < 0 ? NULL : n;
}

int json_parse(struct jdoc *doc, const char *text, size_t len)
{
	memset(doc, 0, sizeof *doc);
	/* decoded strings never outgrow their text */
	doc->strings = malloc(len + 1);
	if (!doc->strings) {
		snprintf(doc->error, sizeof doc->error, "out of memory for %zu bytes of JSON", len);
		return -1;
	}
	struct reader r = { doc, text, text, text + len };
	doc->root = parse_value(&r, 1);
	if (!doc->root) return -1;
	skip_space(&r);
	if (r.p != r.end) { fail_at(&r, "trailing characters", text); doc->root = NULL; return -1; }
	return 0;
}

void json_free(struct jdoc *doc)
{
	while (doc->blocks) {
		struct jblock *next = doc->blocks->next;
		free(doc->blocks);
		doc->blocks = next;
	}
	free(doc->strings);
	doc->strings = NULL;
	doc->root = NULL;
}

const struct jnode *json_get(const struct jnode *obj, const char *name)
{
	if (!obj || obj->type != J_OBJ) return NULL;
	const struct jnode *found = NULL;
	for (const struct jnode *m = obj->child; m; m = m->next)
		if (strcmp(m->key, name) == 0) found = m; /* the last duplicate wins, as in JSON.parse */
	return found;
}

const char *json_type_name(enum jtype type)
{
	static const char *const names[] = { "null", "boolean", "number", "string", "array", "object" };
	return names[type];
}
