/* base64 for the protocol's binary fields. */
#include "json.h"

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_len(size_t len) { return (len + 2) / 3 * 4; }

size_t base64_encode(const unsigned char *in, size_t len, char *out)
{
	char *o = out;
	size_t i = 0;
	for (; i + 3 <= len; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		*o++ = B64[v >> 18]; *o++ = B64[(v >> 12) & 63]; *o++ = B64[(v >> 6) & 63]; *o++ = B64[v & 63];
	}
	if (i < len) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < len ? (unsigned)in[i + 1] << 8 : 0);
		*o++ = B64[v >> 18]; *o++ = B64[(v >> 12) & 63];
		*o++ = i + 1 < len ? B64[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return (size_t)(o - out);
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+' || c == '-') return 62;
	if (c == '/' || c == '_') return 63;
	return -1;
}

long base64_decode(const char *in, size_t len, unsigned char *out)
{
	while (len > 0 && in[len - 1] == '=') len--;
	unsigned acc = 0;
	int bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		int v = b64_value(in[i]);
		if (v < 0) return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (len % 4 == 1) return -1; /* a lone sixth of a byte */
	return (long)n;
}
