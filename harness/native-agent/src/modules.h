#ifndef NA_MODULES_H
#define NA_MODULES_H
#include "cases.h"
#include "json.h"

/*
 * modprobe (insmod == 0: a module name, dependencies through the target's modprobe) or insmod (a .ko
 * path; a host path missing here is looked for under /host, the 9p share of the QEMU guest), capturing
 * the kernel log written meanwhile (harness/agent/module-loader.ts). Writes the result, or -1 with `error`.
 */
int module_load(const struct module_request *req, int insmod, struct jwriter *w, char *error, size_t error_size);
/* Run a program with arguments; its stdout (malloc'd) and exit status, or NULL. */
char *run_program(const char *const *argv, int *status, char *err, size_t err_size);
#endif
