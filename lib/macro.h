/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal macros: cleanup attributes, ownership transfer, exports and
 * argument checks. Never included by public headers. Not for use in
 * container-child.c (no cleanup attributes between clone and exec).
 */
#ifndef NSB_MACRO_H
#define NSB_MACRO_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "error.h"

/* Put on the definition of every public function in lib/ *.c. */
#define NSB_EXPORT __attribute__((visibility("default")))

#define NSB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NSB_UNUSED __attribute__((unused))
#define NSB_LIKELY(x) __builtin_expect(!!(x), 1)
#define NSB_UNLIKELY(x) __builtin_expect(!!(x), 0)

/*
 * Validate a caller's argument at a public entry point: on failure record
 * "argument check failed: <expr>" (with the function name) and return
 * -EINVAL from the calling function.
 */
#define NSB_CHECK_ARG(expr)                                                                        \
	do {                                                                                       \
		if (NSB_UNLIKELY(!(expr)))                                                         \
			return nsb_set_error_msg(-EINVAL, "%s: argument check failed: %s",         \
						 __func__, #expr);                                 \
	} while (0)

/* Same, for functions that return a pointer (NULL on failure). */
#define NSB_CHECK_ARG_PTR(expr)                                                                    \
	do {                                                                                       \
		if (NSB_UNLIKELY(!(expr))) {                                                       \
			(void)nsb_set_error_msg(-EINVAL, "%s: argument check failed: %s",          \
						__func__, #expr);                                  \
			return NULL;                                                               \
		}                                                                                  \
	} while (0)

static inline void nsb_freep(void *p)
{
	free(*(void **)p);
}

static inline void nsb_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		(void)close(*fd);
		errno = saved;
	}
	*fd = -EBADF;
}

static inline void nsb_fclosep(FILE **f)
{
	if (*f)
		(void)fclose(*f);
	*f = NULL;
}

static inline void nsb_closedirp(DIR **d)
{
	if (*d)
		(void)closedir(*d);
	*d = NULL;
}

void nsb_strv_free(char **strv);
static inline void nsb_strv_freep(char ***p)
{
	nsb_strv_free(*p);
	*p = NULL;
}

#define nsb_autofree __attribute__((cleanup(nsb_freep)))
#define nsb_autoclose __attribute__((cleanup(nsb_closep)))
#define nsb_autofclose __attribute__((cleanup(nsb_fclosep)))
#define nsb_autoclosedir __attribute__((cleanup(nsb_closedirp)))
#define nsb_autostrv __attribute__((cleanup(nsb_strv_freep)))

/* Define a cleanup function for a handle type: NSB_DEFINE_FREEP(nsbox_x, nsbox_x_free). */
#define NSB_DEFINE_FREEP(type, fn)                                                                 \
	static inline NSB_UNUSED void fn##p(type **p)                                              \
	{                                                                                          \
		if (*p)                                                                            \
			fn(*p);                                                                    \
		*p = NULL;                                                                         \
	}

/* Take ownership out of a cleanup-managed local. */
#define NSB_STEAL_PTR(p)                                                                           \
	({                                                                                         \
		__typeof__(p) _nsb_tmp = (p);                                                      \
		(p) = NULL;                                                                        \
		_nsb_tmp;                                                                          \
	})

#define NSB_STEAL_FD(fd)                                                                           \
	({                                                                                         \
		int _nsb_fd = (fd);                                                                \
		(fd) = -EBADF;                                                                     \
		_nsb_fd;                                                                           \
	})

/* Close an fd kept in a struct and disarm it; safe to call twice. */
#define NSB_CLOSE(fd)                                                                              \
	do {                                                                                       \
		if ((fd) >= 0)                                                                     \
			(void)close(fd);                                                           \
		(fd) = -EBADF;                                                                     \
	} while (0)

#endif /* NSB_MACRO_H */
