/* A small JSON reader (a whole text into a tree of nodes) and writer (into a growing buffer). */
#ifndef NA_JSON_H
#define NA_JSON_H
#include <stddef.h>
#include <stdint.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	enum jtype type;
	int boolean;
	double num;
	char *str;          /* J_STR: decoded, NUL-terminated (may hold NULs: use len) */
	size_t len;         /* J_STR: bytes; J_ARR/J_OBJ: members */
	const char *key;    /* member of an object: its name */
	struct jnode *child; /* first member */
	struct jnode *next;  /* next sibling */
};

/* Deepest nesting the reader accepts. */
#define JSON_MAX_DEPTH 64

#define JSON_BLOCK_NODES 1024
struct jblock {
	struct jblock *next;
	struct jnode nodes[JSON_BLOCK_NODES];
};

struct jdoc {
	struct jnode *root;
	struct jblock *blocks; /* newest first */
	size_t used;           /* nodes used in the newest block */
	char *strings; /* decoded strings, one block */
	size_t strings_used;
	char error[128];
};

/* Parse `len` bytes; 0 on success (doc->root set), -1 with doc->error set. Free with json_free. */
int json_parse(struct jdoc *doc, const char *text, size_t len);
void json_free(struct jdoc *doc);

/* Member `name` of an object node, or NULL. */
const struct jnode *json_get(const struct jnode *obj, const char *name);
const char *json_type_name(enum jtype type);

struct jwriter {
	char *buf;
	size_t len, cap;
	int depth;
	unsigned char first[JSON_MAX_DEPTH];
	char closer[JSON_MAX_DEPTH];
	int failed; /* out of memory */
};

void jw_init(struct jwriter *w);
void jw_free(struct jwriter *w);
void jw_raw(struct jwriter *w, const char *bytes, size_t len);
void jw_begin_object(struct jwriter *w);
void jw_begin_array(struct jwriter *w);
void jw_end(struct jwriter *w); /* closes the innermost object or array */
void jw_key(struct jwriter *w, const char *key);
void jw_string(struct jwriter *w, const char *s, size_t len);
void jw_cstring(struct jwriter *w, const char *s);
void jw_int(struct jwriter *w, long long value);
void jw_double(struct jwriter *w, double value);
void jw_bool(struct jwriter *w, int value);
void jw_base64(struct jwriter *w, const unsigned char *bytes, size_t len);
/* A parsed value written back (numbers as %.17g). */
void jw_node(struct jwriter *w, const struct jnode *n);

/* base64 (standard alphabet, padded) of `len` bytes into `out` (room for base64_len(len) + 1). */
size_t base64_len(size_t len);
size_t base64_encode(const unsigned char *in, size_t len, char *out);
/* Decode standard or URL-safe base64, padding optional; -1 on a bad character. `out` needs len*3/4+3. */
long base64_decode(const char *in, size_t len, unsigned char *out);
#endif
