/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsbox.so loads libmnl only when the first netlink handle is made
 * (lib/netlink-mnl.c dlopen()s it). This program links the real shared
 * library and not libmnl, and checks that libmnl is not in the process
 * after a container description with a cgroup and layers-free setup, is
 * after the first handle, and that requests work through the loaded table.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

#include "helpers/nsbt.h"

/* Is a file whose name contains "libmnl" mapped in this process? */
static int libmnl_mapped(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[4096];
	int found = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "/libmnl.so"))
			found = 1;
	fclose(f);
	return found;
}

/* The flags of interface name in this process's network namespace. */
static short if_flags(const char *name)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(s, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ck_assert_msg(ioctl(s, SIOCGIFFLAGS, &ifr) == 0, "SIOCGIFFLAGS %s: %s", name,
		      strerror(errno));
	close(s);
	return ifr.ifr_flags;
}

START_TEST(loaded_on_first_handle)
{
	nsbox_container *c = NULL;
	nsbox_netlink *nl = NULL;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	/* Not a DT_NEEDED of libnsbox.so, and nothing so far loaded it. */
	ck_assert_msg(!libmnl_mapped(), "libmnl is loaded before any netlink use");
	/* Describing a container, network included, does not load it. */
	ck_assert_int_eq(nsbox_container_new(&c), 0);
	ck_assert_msg(nsbox_container_set_network(c, "nsbox0", "172.17.0.2/16", "172.17.0.1") == 0,
		      "%s", nsbox_last_error());
	nsbox_container_free(c);
	ck_assert(!libmnl_mapped());

	ck_assert_msg(nsbox_netlink_new(&nl) == 0, "%s", nsbox_last_error());
	ck_assert_msg(libmnl_mapped(), "libmnl is not loaded after nsbox_netlink_new");
	ck_assert(!(if_flags("lo") & IFF_UP));
	ck_assert_msg(nsbox_netlink_set_loopback_up(nl) == 0, "%s", nsbox_last_error());
	ck_assert(if_flags("lo") & IFF_UP);
	nsbox_netlink_free(nl);
}
END_TEST

static Suite *lazy_suite(void)
{
	Suite *s = suite_create("netlink-lazy");
	TCase *tc = tcase_create("lazy-libmnl");

	tcase_add_test(tc, loaded_on_first_handle);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nsbt_main(lazy_suite(), "mnllazy");
}
