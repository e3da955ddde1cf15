/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Loading libmnl on first use.
 *
 * The netlink module is compiled against libmnl's header but does not link
 * it. The first nsb_nl_open() in a process dlopen()s libmnl.so.0 and looks
 * up exactly the functions of NSB_MNL_FUNCS (netlink-internal.h) into
 * nsb_mnl, once (dl.h). A program that links libnsbox and never opens a
 * netlink handle (a container start without a network) does not map
 * libmnl at all. If loading fails, making a handle fails with -EOPNOTSUPP
 * and a message naming the library and dlerror()'s text, for the rest of
 * the process.
 */
#include "dl.h"
#include "macro.h"
#include "netlink-internal.h"

struct nsb_mnl_table nsb_mnl;

static const char *const mnl_default_names[] = {"libmnl.so.0", NULL};
static const char *const mnl_syms[] = {
#define X(f) #f,
	NSB_MNL_FUNCS(X)
#undef X
};
static void *mnl_addr[NSB_ARRAY_SIZE(mnl_syms)];
static struct nsb_dl mnl_dl = {
	.default_names = mnl_default_names,
	.what = "netlink",
	.fallback_name = "libmnl",
	.install_hint = "install libmnl0",
	.version_hint = "libmnl 1.0.4 or later is needed",
	.syms = mnl_syms,
	.nsyms = NSB_ARRAY_SIZE(mnl_syms),
	.addr = mnl_addr,
	.once = PTHREAD_ONCE_INIT,
};

static void mnl_load_once(void)
{
	size_t i = 0;

	if (nsb_dl_load_now(&mnl_dl) < 0)
		return;
#define X(f) nsb_mnl.f = (__typeof__(nsb_mnl.f))mnl_addr[i++];
	NSB_MNL_FUNCS(X)
#undef X
}

int nsb_mnl_load(void)
{
	return nsb_dl_load(&mnl_dl, mnl_load_once);
}

int nsb_mnl_set_libnames_for_test(const char *const *names)
{
	return nsb_dl_set_names(&mnl_dl, names);
}
