/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The thread-local error message behind nsbox_last_error().
 *
 * Every helper returns the negative errno it was given, so a failure path
 * reads: return nsb_set_error(r, "mount overlay on %s", target);
 */
#ifndef NSB_ERROR_H
#define NSB_ERROR_H

#include <stdarg.h>
#include <stddef.h>

/* Size of the per-thread message buffer (no allocation ever happens). */
#define NSB_ERROR_MAX 1024

/* "<fmt ...>: <strerror(-r)>"; returns r (a negative errno). */
int nsb_set_error(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "<fmt ...>" with no strerror appended; returns r. */
int nsb_set_error_msg(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int nsb_set_errorv(int r, int append_cause, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Prefix the current message with context: "<fmt ...>: <old message>"; returns r. */
int nsb_prefix_error(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The static out-of-memory message; returns -ENOMEM. Needs no allocation. */
int nsb_oom(void);
/* Empty the message (used at the start of calls that want a clean slate). */
void nsb_clear_error(void);
/* The current message (same as nsbox_last_error()). */
const char *nsb_error_get(void);
/* strerror() without its thread-safety problems; always returns a string. */
const char *nsb_strerror(int errnum, char *buf, size_t len);

/* Use errno as a negative error code, never 0: -EIO if errno was not set. */
static inline int nsb_negerrno(int e)
{
	return e > 0 ? -e : -5 /* EIO */;
}
#define NSB_NEG_ERRNO() nsb_negerrno(errno)

#endif /* NSB_ERROR_H */
