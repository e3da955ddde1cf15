/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Libraries loaded on first use; see dl.h. */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dl.h"

static int dl_fail(struct nsb_dl *l, const char *soname, const char *why, const char *hint)
{
	l->result = -EOPNOTSUPP;
	snprintf(l->msg, sizeof(l->msg), "load %s for %s: %s (%s)", soname, l->what,
		 why ? why : "unknown dynamic loader error", hint);
	return l->result;
}

int nsb_dl_load_now(struct nsb_dl *l)
{
	const char *const *names = l->names ? l->names : l->default_names;
	const char *first = names[0] ? names[0] : l->fallback_name;
	char first_err[512] = "";
	const char *name = NULL;
	void *h = NULL;

	l->tried = true;
	for (size_t i = 0; names[i] && !h; i++) {
		name = names[i];
		h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
		if (!h && i == 0) {
			const char *e = dlerror();
			snprintf(first_err, sizeof(first_err), "%s", e ? e : "");
		}
	}
	/* The first name's reason is the useful one (the others are only
	 * there for unusual sonames). */
	if (!h)
		return dl_fail(l, first, first_err[0] ? first_err : NULL, l->install_hint);
	(void)dlerror();
	for (size_t i = 0; i < l->nsyms; i++) {
		l->addr[i] = dlsym(h, l->syms[i]);
		if (!l->addr[i]) {
			memset(l->addr, 0, l->nsyms * sizeof(*l->addr));
			(void)dl_fail(l, name, dlerror(), l->version_hint);
			(void)dlclose(h);
			return l->result;
		}
	}
	l->result = 0;
	return 0;
}

int nsb_dl_load(struct nsb_dl *l, void (*once_fn)(void))
{
	int r = pthread_once(&l->once, once_fn);

	if (r != 0)
		return nsb_set_error(-r, "load a library for %s", l->what);
	if (l->result < 0)
		return nsb_set_error_msg(l->result, "%s", l->msg);
	return 0;
}

int nsb_dl_set_names(struct nsb_dl *l, const char *const *names)
{
	if (l->tried)
		return -EALREADY;
	l->names = names;
	return 0;
}
