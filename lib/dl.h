/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A shared library that libnsbox does not link but dlopen()s on first use:
 * libarchive (layerset-tar.c, at the first tar import or export) and
 * libmnl (netlink-mnl.c, at the first netlink handle). A program that never
 * needs one does not map it, nor what it depends on.
 *
 * Each user keeps one static struct nsb_dl and a pthread_once routine that
 * calls nsb_dl_load_now() and, on success, copies the addresses into its
 * own typed table; nsb_dl_load() runs that routine once per process and
 * turns a failure into the message. The first name that loads is kept
 * (RTLD_NOW | RTLD_LOCAL) and never unloaded; a failure is remembered for
 * the life of the process, with a message such as "load libmnl.so.0 for
 * netlink: <dlerror()'s text> (install libmnl0)".
 */
#ifndef NSB_DL_H
#define NSB_DL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct nsb_dl {
	const char *const *default_names; /* sonames to try, in order */
	const char *const *names;         /* NULL: default_names (tests set it) */
	const char *what;                 /* "tar layers", "netlink" */
	const char *fallback_name;        /* in messages when no name is given */
	const char *install_hint;         /* "install libmnl0" */
	const char *version_hint;         /* said when a symbol is missing */
	const char *const *syms;          /* the functions to look up */
	size_t nsyms;
	void **addr;                      /* nsyms slots, filled on success */
	pthread_once_t once;
	bool tried;
	int result;                       /* 0, or -EOPNOTSUPP */
	char msg[NSB_ERROR_MAX];
};

/* The body of a user's pthread_once routine: load the library and fill
 * l->addr. 0, or -EOPNOTSUPP with l->msg set (addr cleared). */
int nsb_dl_load_now(struct nsb_dl *l);
/* Run once_fn once per process; 0, or the failure with its message set. */
int nsb_dl_load(struct nsb_dl *l, void (*once_fn)(void));
/* Tests: the sonames to try instead (NULL: the default); -EALREADY once a
 * load was tried. */
int nsb_dl_set_names(struct nsb_dl *l, const char *const *names);

#endif /* NSB_DL_H */
