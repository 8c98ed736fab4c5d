/* afalg-speed's command line: the positional arguments checked one by one, errors as one line of JSON. */
#define _GNU_SOURCE
#include "afalg-speed-args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_alg.h>

/* ---- errors: one line of JSON, then exit ---- */

void die(int code, const char *step, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	printf("{\"error\":\"%s: ", step);
	for (const char *c = text; *c; c++) { /* the text may quote user input: escape it */
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if ((unsigned char)*c < 0x20)
			printf("\\u%04x", (unsigned char)*c);
		else
			putchar(*c);
	}
	printf("\"}\n");
	fflush(stdout);
	exit(code);
}

/* A failed system call: exit 1 naming the step and errno (EAFNOSUPPORT, not "Address family..."). */
void die_errno(const char *step)
{
	int err = errno;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	const char *name = strerrorname_np(err);
	if (name)
		die(1, step, "%s", name);
#endif
	die(1, step, "errno %d", err);
}

#define BAD_ARGS(...) die(2, "args", __VA_ARGS__)

/* ---- argument parsing ---- */

static unsigned long parse_uint(const char *what, const char *s, unsigned long min, unsigned long max)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		BAD_ARGS("%s '%s' is not a non-negative integer", what, s);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || errno)
		BAD_ARGS("%s '%s' is not a non-negative integer", what, s);
	if (v < min || v > max)
		BAD_ARGS("%s %lu outside %lu..%lu", what, v, min, max);
	return v;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Hex string into out; "-" means absent (returns -1). */
static long parse_hex(const char *what, const char *s, unsigned char *out, size_t max)
{
	size_t len = strlen(s);

	if (strcmp(s, "-") == 0)
		return -1;
	if (len % 2 != 0 || len / 2 > max)
		BAD_ARGS("%s must be an even number of hex digits (at most %zu bytes) or -", what, max);
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			BAD_ARGS("%s is not hex", what);
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(len / 2);
}

void parse_args(int argc, char **argv, struct config *c)
{
	char sizes[1024];

	if (argc != 13 && argc != 16)
		BAD_ARGS("expected 12 arguments (TYPE ALG OP PATH SIZES KEYHEX IVHEX ASSOCLEN AUTHSIZE WARMUP_MS "
			 "REPETITION_MS REPETITIONS) or 15 (then MAX_REPETITIONS PRECISION_PPM POINT_BUDGET_MS), got %d", argc - 1);
	c->type_name = argv[1];
	if (strcmp(argv[1], "hash") == 0)
		c->type = T_HASH;
	else if (strcmp(argv[1], "skcipher") == 0)
		c->type = T_SKCIPHER;
	else if (strcmp(argv[1], "aead") == 0)
		c->type = T_AEAD;
	else
		BAD_ARGS("unknown TYPE '%s' (hash, skcipher, aead)", argv[1]);

	c->alg = argv[2];
	if (strlen(c->alg) == 0 || strlen(c->alg) >= sizeof(((struct sockaddr_alg *)0)->salg_name))
		BAD_ARGS("ALG must be 1..63 characters");

	if (c->type == T_HASH ? strcmp(argv[3], "digest") != 0
			      : strcmp(argv[3], "encrypt") != 0 && strcmp(argv[3], "decrypt") != 0)
		BAD_ARGS("OP '%s' does not fit TYPE %s (hash: digest; skcipher, aead: encrypt, decrypt)", argv[3], argv[1]);
	c->decrypt = strcmp(argv[3], "decrypt") == 0;

	if (strcmp(argv[4], "copy") == 0)
		c->zerocopy = 0;
	else if (strcmp(argv[4], "zerocopy") == 0)
		c->zerocopy = 1;
	else
		BAD_ARGS("unknown PATH '%s' (copy, zerocopy)", argv[4]);

	if (strlen(argv[5]) >= sizeof(sizes))
		BAD_ARGS("SIZES too long");
	strcpy(sizes, argv[5]);
	c->nsizes = 0;
	for (char *save = NULL, *tok = strtok_r(sizes, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (c->nsizes == MAX_SIZES)
			BAD_ARGS("at most %d SIZES", MAX_SIZES);
		c->sizes[c->nsizes++] = parse_uint("size", tok, 1, MAX_SIZE);
	}
	if (c->nsizes == 0 || argv[5][0] == ',' || argv[5][strlen(argv[5]) - 1] == ',' || strstr(argv[5], ",,"))
		BAD_ARGS("SIZES must be a comma-separated list of sizes");

	c->keylen = parse_hex("KEYHEX", argv[6], c->key, MAX_KEY);
	c->ivlen = parse_hex("IVHEX", argv[7], c->iv, MAX_IV);
	c->assoclen = parse_uint("ASSOCLEN", argv[8], 0, MAX_ASSOC);
	c->authsize = parse_uint("AUTHSIZE", argv[9], 0, MAX_AUTHSIZE);
	if (c->type != T_AEAD && (c->assoclen || c->authsize))
		BAD_ARGS("ASSOCLEN and AUTHSIZE must be 0 unless TYPE is aead");
	c->warmup_ms = parse_uint("WARMUP_MS", argv[10], 0, 3600000);
	c->stopping.repetition_ms = parse_uint("REPETITION_MS", argv[11], 1, 3600000);
	c->stopping.min_repetitions = parse_uint("REPETITIONS", argv[12], 1, 100000);
	c->stopping.max_repetitions = c->stopping.min_repetitions;
	c->adaptive = argc == 16;
	if (c->adaptive) {
		c->stopping.max_repetitions = parse_uint("MAX_REPETITIONS", argv[13], c->stopping.min_repetitions, 100000);
		c->stopping.precision_ppm = parse_uint("PRECISION_PPM", argv[14], 0, 1000000);
		c->stopping.point_budget_ms = parse_uint("POINT_BUDGET_MS", argv[15], 0, 3600000);
	}
}

