#ifndef NA_ERRNAMES_H
#define NA_ERRNAMES_H
#include <stddef.h>
/* The errno's name (EINVAL...), or "errno N" written into buf. */
const char *errno_name(int value, char *buf, size_t size);
#endif
